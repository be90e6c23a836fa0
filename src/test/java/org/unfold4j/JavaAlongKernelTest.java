package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/**
 * The Java unfold's runs along the kernel (taken when a row holds a single window and the kernel
 * is wider than 1: UnfoldPass.kernelRuns) in both column layouts: patch-major rows are the
 * transposed columns. The layouts' strides only matter there for a window index above 0, so the
 * image has several window rows and planes; a patch-major unfold with bw = 1 had no such test
 * (PIT's survivor in kernelRuns' window index, docs/pit-survivors.md).
 */
class JavaAlongKernelTest {

    @Test
    void patchesAreTheTransposedColumnsWhenEachRowHoldsOneWindow() {
        // Width 4, kernel (2, 4): one window a row, 4 window rows; padding 1 in height.
        Case g = Case.of2d(true, 2, 3, 5, 4, 2, 4, 1, 1, 1, 0, 1, 1);
        float[] x = new float[g.imageElements()];
        for (int i = 0; i < x.length; i++) {
            x[i] = i * 3 % 101 - 40;
        }
        Tensor image = Tensor.of(x, g.imageShape());
        float[] columns = g.unfold().apply(image, Backend.java()).toFloatArray();
        assertArrayEquals(Reference.unfold(g, x), columns, "columns along the kernel");
        Tensor patches = g.unfold().withColumnLayout(ColumnLayout.PATCHES).apply(image, Backend.java());
        // The reference's patches are the transposed columns, [N, L, C·K].
        Case patchMajor = g.withLayouts(ImageLayout.CHANNELS_FIRST, ColumnLayout.PATCHES);
        assertArrayEquals(patchMajor.columnsShape(), patches.shape(), "patches shape");
        float[] expected = Reference.unfold(patchMajor, x);
        assertArrayEquals(expected, patches.toFloatArray(), "patches along the kernel");
    }
}
