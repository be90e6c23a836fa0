package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
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

    @Test
    void longIndexKernelsMatchJavaBitForBit() {
        TestBackends.openCL();
        try (OpenCLBackend longIndex = Backend.openCL(TestBackends.openCL().deviceName())) {
            longIndex.forceLongIndex = true;
            compareOnRandomCases(longIndex, 60, 12);
        }
    }

    @Test
    void largerOverlappingFoldMatches() {
        // Many overlapping windows per pixel: the order of the sum matters here.
        Random r = new Random(13);
        Unfold unfold = Unfold.of(7, 5).withStride(1, 2).withPadding(3, 1).withDilation(2, 1);
        Tensor image = RandomCases.tensor(r, 2, 3, 40, 33);
        Tensor cols = unfold.apply(image, Backend.java());
        assertEquals(cols, unfold.apply(image, TestBackends.openCL()));
        Fold fold = Fold.of(40, 33, unfold.window());
        assertEquals(fold.apply(cols, Backend.java()), fold.apply(cols, TestBackends.openCL()));
    }

    private static void compareOnRandomCases(OpenCLBackend openCL, int count, long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < count; i++) {
            Unfold unfold = RandomCases.unfold(r);
            long[] shape = RandomCases.imageShape(r, unfold.window());
            Tensor image = RandomCases.tensor(r, shape);
            String what = "case " + i + " (seed " + seed + "): " + unfold + " on " + Arrays.toString(shape);

            Tensor cols = unfold.apply(image, Backend.java());
            assertEquals(cols, unfold.apply(image, openCL), what);

            Tensor randomCols = RandomCases.tensor(r, cols.shape());
            Fold fold = Fold.of(shape[shape.length - 2], shape[shape.length - 1], unfold.window());
            assertEquals(fold.apply(randomCols, Backend.java()), fold.apply(randomCols, openCL), "fold " + what);
        }
    }
}
