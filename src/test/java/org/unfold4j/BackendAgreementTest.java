package org.unfold4j;

import static org.unfold4j.TensorAssert.assertTensorEquals;

import java.util.Arrays;
import java.util.Random;
import static org.junit.jupiter.api.Assertions.assertThrows;
import org.junit.jupiter.api.Test;

/**
 * OpenCL agrees with the Java backend bit for bit, fold included (both sum covering windows in
 * ascending kernel-offset order), in the 32-bit and the 64-bit index variants of the kernels.
 */
class BackendAgreementTest {

    @Test
    void openCLMatchesJavaBitForBit() {
        compareOnRandomCases(TestBackends.openCL(), 300, 11);
    }

    /** The same on the other kernel family (element kernels on CPU devices, row kernels on GPUs). */
    @Test
    void otherKernelFamilyMatchesJavaBitForBit() {
        compareOnRandomCases(TestBackends.otherKernelFamily(), 300, 11);
    }

    @Test
    void longIndexKernelsMatchJavaBitForBit() {
        TestBackends.openCL();
        for (boolean rowKernels : new boolean[] {true, false}) {
            try (OpenCLBackend longIndex = TestBackends.withConfig(c -> c.withForceLongIndex(true).withRowKernels(rowKernels))) {
                compareOnRandomCases(longIndex, 60, 12);
            }
        }
    }

    @Test
    void largerOverlappingFoldMatches() {
        // Many overlapping windows per pixel: the order of the sum matters here.
        Random r = new Random(13);
        Unfold unfold = Unfold.of(7, 5).withStride(1, 2).withPadding(3, 1).withDilation(2, 1);
        Tensor image = RandomCases.tensor(r, 2, 3, 40, 33);
        Tensor cols = unfold.apply(image, Backend.java());
        Fold fold = Fold.of(40, 33, unfold.window());
        for (OpenCLBackend cl : bothKernelFamilies()) {
            assertTensorEquals(cols, unfold.apply(image, cl), "unfold on " + cl.openCLEngine().config().rowKernels());
            assertTensorEquals(fold.apply(cols, Backend.java()), fold.apply(cols, cl), "fold, row kernels " + cl.openCLEngine().config().rowKernels());
        }
    }

    @Test
    void wideKernelsRunAlongTheKernelAndStillAgree() {
        // Kernels wider than the number of windows take the Java backend's other loop order
        // (Note [fold summation order]); the sums must still match the gather kernel bit for bit.
        Random r = new Random(14);
        for (Unfold unfold : new Unfold[] {
            Unfold.of(16).withStride(8),                                   // tiles with 2x overlap
            Unfold.of(16).withStride(16),                                  // ViT patches
            Unfold.of(9, 12).withStride(3, 5).withPadding(2, 4).withDilation(1, 2),
            Unfold.of(Window.ofKernel(5, 7)).withStride(1, 2).withPadding(0, 3).withPaddingMode(PaddingMode.REFLECT)}) {
            Tensor image = RandomCases.tensor(r, 2, 3, 40, 48);
            Tensor cols = unfold.apply(image, Backend.java());
            Tensor randomCols = RandomCases.tensor(r, cols.shape());
            for (OpenCLBackend cl : bothKernelFamilies()) {
                assertTensorEquals(cols, unfold.apply(image, cl), unfold + ", row kernels " + cl.openCLEngine().config().rowKernels());
                for (FoldMode mode : FoldMode.values()) {
                    Fold fold = Fold.of(40, 48, unfold.window()).withMode(mode);
                    assertTensorEquals(fold.apply(randomCols, Backend.java()), fold.apply(randomCols, cl),
                            fold + ", row kernels " + cl.openCLEngine().config().rowKernels());
                }
            }
        }
    }

    @Test
    void foldOfNonOverlappingPatchesSetsZeroPlusEachValue() {
        // Patches take the set-not-sum path (DISJOINT); it must give the bits of a sum from zero:
        // -0.0 becomes +0.0, NaN stays NaN, uncovered pixels (stride gaps, margins) are +0.0.
        float[] specials = {-0.0f, 0.0f, Float.NaN, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, -1.5f, 2.5e-40f};
        for (Unfold unfold : new Unfold[] {Unfold.of(4).withStride(4), Unfold.of(3, 2).withStride(4, 3),
            Unfold.of(2).withStride(3).withDilation(1, 2)}) {
            long[] shape = {2, 3, 13, 14};
            Window w = unfold.window();
            ColumnGeometry g = Fold.of(13, 14, w).geometry(unfold.geometry(shape).columnsShape());
            float[] cols = new float[(int) g.columnElements()];
            for (int i = 0; i < cols.length; i++) {
                cols[i] = specials[i % specials.length];
            }
            Tensor columns = Tensor.of(cols, g.columnsShape());
            Fold fold = Fold.of(13, 14, w);
            // Fold by its definition: every value added, in ascending kernel-offset order, to a zeroed image.
            Case reference = Case.of(w, true, 2, 3, 13, 14);
            Tensor expected = Tensor.of(Reference.fold(reference, cols), reference.imageShape());
            for (Backend b : DirtyOutputTest.backends()) {
                assertTensorEquals(expected, fold.apply(columns, b), DirtyOutputTest.describe(b) + " " + unfold);
            }
        }
    }

    @Test
    void outputArgumentsAreOverwrittenCompletely() {
        Random r = new Random(15);
        Unfold unfold = Unfold.of(3, 5).withPadding(2, 1).withStride(2, 1);
        Tensor image = RandomCases.tensor(r, 2, 3, 11, 9);
        Tensor expectedCols = unfold.apply(image, Backend.java());
        Fold fold = Fold.of(11, 9, unfold.window());
        Tensor expectedImage = fold.apply(expectedCols, Backend.java());
        for (Backend b : DirtyOutputTest.backends()) {
            Tensor cols = RandomCases.tensor(r, expectedCols.shape());   // garbage to be overwritten
            unfold.apply(image, cols, b);
            assertTensorEquals(expectedCols, cols, b.name());
            Tensor back = RandomCases.tensor(r, image.shape());
            fold.apply(cols, back, b);
            assertTensorEquals(expectedImage, back, b.name());
        }
    }

    /** The shared OpenCL backend and the one with the other kernel family. */
    private static java.util.List<OpenCLBackend> bothKernelFamilies() {
        return java.util.List.of(TestBackends.openCL(), TestBackends.otherKernelFamily());
    }

    private static void compareOnRandomCases(OpenCLBackend openCL, int count, long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < count; i++) {
            Case g = RandomCases.valid2d(r);
            Unfold unfold = g.unfold();
            long[] shape = g.imageShape();
            Tensor image = RandomCases.tensor(r, shape);
            String what = "case " + i + " (seed " + seed + "): " + unfold + " on " + Arrays.toString(shape);

            Tensor cols = unfold.apply(image, Backend.java());
            assertTensorEquals(cols, unfold.apply(image, openCL), what);

            Tensor randomCols = RandomCases.tensor(r, cols.shape());
            Fold fold = Fold.of(shape[shape.length - 2], shape[shape.length - 1], unfold.window());
            assertTensorEquals(fold.apply(randomCols, Backend.java()), fold.apply(randomCols, openCL), "fold " + what);
        }
    }
}
