package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad input is an {@link IllegalArgumentException} whose message names the parameter and its
 * values, on every backend, before anything is allocated or modified; sizes that would overflow
 * are refused, never wrapped.
 */
class ValidationTest {

    private static void assertRejected(Executable call, String... mentions) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String m : mentions) {
            assertTrue(e.getMessage().contains(m), () -> "'" + e.getMessage() + "' should mention '" + m + "'");
        }
    }

    @Test
    void windowParameters() {
        assertRejected(() -> Unfold.of(0, 3), "kernel", "kernel_height: 0", "kernel_width: 3");
        assertRejected(() -> Unfold.of(2).withStride(1, 0), "stride", "stride_width: 0");
        assertRejected(() -> Unfold.of(2).withDilation(-1, 1), "dilation", "dilation_height: -1");
        assertRejected(() -> Unfold.of(2).withPadding(0, -2), "padding", "pad_width: -2");
        assertRejected(() -> Fold.of(4, 4, 2, 2).withStride(0), "stride");
        assertRejected(() -> Fold.of(0, 4, 2, 2), "output_size", "(0, 4)");
        assertRejected(() -> Fold.of(4, -1, 2, 2), "output_size", "(4, -1)");
    }

    @Test
    void tensorShape() {
        assertRejected(() -> Tensor.of(new float[5], 2, 3), "5", "[2, 3]");
        assertRejected(() -> Tensor.of(new float[0], 2, -1), "negative", "[2, -1]");
        assertRejected(() -> Tensor.zeros(Long.MAX_VALUE, 4), "overflow");
        assertRejected(() -> Tensor.zeros(1L << 20, 1L << 12), "more than a host tensor can hold");
    }

    @Test
    void unfoldShapes() {
        for (Backend b : TestBackends.all()) {
            Unfold u = Unfold.of(3).withPadding(1);
            assertRejected(() -> u.apply(Tensor.zeros(2, 3), b), "3D or 4D", "[2, 3]");
            assertRejected(() -> u.apply(Tensor.zeros(1, 1, 1, 2, 2), b), "3D or 4D");
            assertRejected(() -> u.apply(Tensor.zeros(1, 0, 4, 4), b), "[1, 0, 4, 4]");
            assertRejected(() -> u.apply(Tensor.zeros(3, 4, 0), b), "[3, 4, 0]");
            assertRejected(() -> Unfold.of(5, 2).withDilation(2).apply(Tensor.zeros(1, 1, 6, 6), b),
                    "spatial size (6, 6)", "kernel_size=(5, 2)", "dilation=(2, 2)", "padding=(0, 0)",
                    "stride=(1, 1)", "(-2, 4)", "at least one");
            // A kernel longer than the padded input is no block at all (PyTorch's floor division), not one.
            assertRejected(() -> Unfold.of(4, 3).withDilation(3).withPadding(2).withStride(4, 3)
                    .apply(Tensor.zeros(1, 1, 4, 6), b), "(0, 2)");
        }
    }

    @Test
    void foldShapes() {
        for (Backend b : TestBackends.all()) {
            Fold f = Fold.of(4, 5, 2, 3);
            assertRejected(() -> f.apply(Tensor.zeros(7), b), "2D or 3D", "[7]");
            assertRejected(() -> f.apply(Tensor.zeros(1, 6, 0), b), "[1, 6, 0]");
            assertRejected(() -> f.apply(Tensor.zeros(1, 7, 9), b), "divisible", "input.size(1)=7", "kernel_size=(2, 3)");
            assertRejected(() -> f.apply(Tensor.zeros(1, 6, 8), b), "output_size=(4, 5)", "3 * 3 = 9", "input.size(2)=8");
            assertRejected(() -> f.apply(Tensor.zeros(6, 8), b), "3 * 3 = 9", "input.size(1)=8");
            assertRejected(() -> Fold.of(2, 2, 3, 3).apply(Tensor.zeros(9, 1), b), "output_size=(2, 2)", "at least one");
        }
    }

    @Test
    void sizesThatWouldOverflowAreRefused() {
        Window w = Window.ofKernel(3, 3);
        // Columns: N·C·9·L overflows a long although the image count does not.
        assertRejected(() -> ColumnGeometry.forUnfold(new long[] {1L << 20, 1L << 20, 1L << 10, 1L << 10}, w),
                "overflow");
        assertRejected(() -> ColumnGeometry.forUnfold(new long[] {Long.MAX_VALUE, 2, 3, 3}, w), "overflow");
        // Padding near Integer.MAX_VALUE: the padded size is exact in 64 bits; the block count is huge and valid...
        ColumnGeometry g = ColumnGeometry.forUnfold(new long[] {1, 1, 1, 1},
                Window.ofKernel(1, 1).withPadding(Integer.MAX_VALUE, 0));
        assertEquals(2L * Integer.MAX_VALUE + 1, g.blocksH());
        assertTrue(!g.view().fitsIntIndex());
        // ...but no host array can hold the result, which every backend refuses before allocating.
        for (Backend b : TestBackends.all()) {
            assertRejected(() -> Unfold.of(1).withPadding(Integer.MAX_VALUE, 0).apply(Tensor.zeros(1, 1, 1, 1), b),
                    "more than a host tensor can hold");
            assertRejected(() -> Unfold.of(1).withPadding(30_000).apply(Tensor.zeros(1, 1, 1, 1), b),
                    "more than a host tensor can hold");
        }
        // Fold: L that cannot equal an overflowing block product.
        assertRejected(() -> ColumnGeometry.forFold(new long[] {1, 1, 5}, Long.MAX_VALUE, Long.MAX_VALUE, Window.ofKernel(1, 1)),
                "overflow");
    }

    @Test
    void inputIsNotModifiedOnSuccessOrFailure() {
        for (Backend b : TestBackends.all()) {
            float[] data = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
            float[] copy = data.clone();
            Tensor t = Tensor.of(data, 1, 3, 4);
            Unfold.of(2).apply(t, b);
            Fold.of(2, 2, 1, 1).apply(Tensor.of(data, 3, 4), b);
            assertThrows(IllegalArgumentException.class, () -> Unfold.of(5).apply(t, b));
            assertArrayEquals(copy, data, b.name());
        }
    }

    @Test
    void outputArgumentsAreChecked() {
        for (Backend b : TestBackends.all()) {
            Tensor image = Tensor.of(new float[] {1, 2, 3, 4}, 1, 2, 2);
            Tensor wrongShape = Tensor.zeros(4, 2);
            float[] untouched = new float[4];
            assertRejected(() -> Unfold.of(1).apply(image, wrongShape, b), "output must be", "[4, 2]");
            assertRejected(() -> Unfold.of(1).apply(image, Tensor.zeros(DType.FLOAT64, 1, 4), b), "float64");
            assertRejected(() -> Fold.of(2, 2, 1, 1).apply(Tensor.of(image.toFloatArray(), 1, 4), Tensor.zeros(2, 2), b),
                    "[1, 2, 2]", "[2, 2]");
            assertRejected(() -> Unfold.of(1).apply(image, Tensor.of(untouched, 2, 2), b), "output must be");
            Tensor alias = Tensor.of(new float[4], 1, 2, 2);
            Tensor aliasCols = Tensor.of(alias.data(), 1, 4);
            assertRejected(() -> Unfold.of(1).apply(alias, aliasCols, b), "share");
            assertArrayEquals(new float[4], untouched);
        }
    }

    @Test
    void emptyBatchIsAllowed() {
        List<Backend> backends = TestBackends.all();
        for (Backend b : backends) {
            Tensor cols = Unfold.of(2, 3).apply(Tensor.zeros(0, 5, 3, 4), b);
            assertArrayEquals(new long[] {0, 30, 4}, cols.shape(), b.name());
            Tensor image = Fold.of(3, 4, 2, 3).apply(cols, b);
            assertArrayEquals(new long[] {0, 5, 3, 4}, image.shape(), b.name());
        }
    }
}
