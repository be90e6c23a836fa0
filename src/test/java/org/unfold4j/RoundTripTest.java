package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * fold ∘ unfold with the same parameters: the identity when the windows tile the image, and
 * otherwise multiplication of every pixel by the number of windows covering it (0 for pixels no
 * window reaches, as the seed article says: what does not fit is dropped and restored as 0).
 */
class RoundTripTest {
    private static final long TILING_SEED = 0x5EED_0001L;
    private static final long OVERLAP_SEED = 0x5EED_0002L;
    private static final int TILING_CASES = 40;
    private static final int OVERLAP_CASES = 60;

    /** Stride == kernel, size divisible by it, no padding, dilation 1: fold(unfold(x)) is x bit for bit. */
    @TestFactory
    Stream<DynamicTest> tilingRoundTripIsExact() {
        return PerBackend.tests("fold(unfold(x)) == x for tiling windows", backend -> {
            Random r = new Random(TILING_SEED);
            List<Executable> checks = new ArrayList<>();
            for (int i = 0; i < TILING_CASES; i++) {
                Case g = RandomCases.tiling2d(r, i % 3 != 0);
                float[] x = RandomCases.gaussian(r, g.imageElements());
                String where = "seed " + TILING_SEED + ", case " + i + ": " + g + " on " + backend;
                checks.add(() -> {
                    Tensor image = Tensor.of(x, g.imageShape());
                    Tensor cols = g.unfold().apply(image, backend);
                    assertArrayEquals(g.columnsShape(), cols.shape(), "unfold shape, " + where);
                    Tensor back = g.fold().apply(cols, backend);
                    assertArrayEquals(g.imageShape(), back.shape(), "fold shape, " + where);
                    if (!image.equals(back)) {
                        fail("fold(unfold(x)) != x bitwise, " + where + firstDifference(x, back.toFloatArray()));
                    }
                });
            }
            assertAll(checks);
        });
    }

    /**
     * Any geometry, output size = input size: fold(unfold(x)) = x · fold(unfold(ones)), and
     * fold(unfold(ones)) is the number of (window, kernel offset) pairs landing on each pixel,
     * counted independently here (otherwise a fold returning zeros would pass: 0 = x · 0).
     */
    @TestFactory
    Stream<DynamicTest> overlappingRoundTripScalesByCoverage() {
        return PerBackend.tests("fold(unfold(x)) == x * fold(unfold(ones))", backend -> {
            Random r = new Random(OVERLAP_SEED);
            List<Case> geometries = new ArrayList<>(Case.edgeCases2d());
            while (geometries.size() < OVERLAP_CASES) {
                geometries.add(RandomCases.valid2d(r));
            }
            int overlapping = 0;
            List<Executable> checks = new ArrayList<>();
            for (int i = 0; i < geometries.size(); i++) {
                Case g = geometries.get(i);
                int[] count = Reference.coverage(g);
                if (Arrays.stream(count).anyMatch(c -> c > 1)) {
                    overlapping++;
                }
                float[] x = RandomCases.gaussian(r, g.imageElements());
                String where = "seed " + OVERLAP_SEED + ", case " + i + ": " + g + " on " + backend;
                checks.add(() -> overlapCase(backend, g, x, count, where));
            }
            assertAll(checks);
            // Guard the generator: the property is only interesting where windows overlap.
            assertTrue(overlapping >= OVERLAP_CASES / 3, "only " + overlapping + " of "
                    + geometries.size() + " geometries have overlapping windows");
        });
    }

    private static void overlapCase(Backend backend, Case g, float[] x, int[] count, String where) {
        long[] shape = g.imageShape();
        float[] ones = new float[x.length];
        Arrays.fill(ones, 1f);
        float[] m = g.fold().apply(g.unfold().apply(Tensor.of(ones, shape), backend), backend).toFloatArray();
        float[] got = g.fold().apply(g.unfold().apply(Tensor.of(x, shape), backend), backend).toFloatArray();
        assertEquals(x.length, m.length, "fold(unfold(ones)) length, " + where);
        assertEquals(x.length, got.length, "fold(unfold(x)) length, " + where);
        for (int i = 0; i < x.length; i++) {
            if (m[i] != count[i]) {
                fail("fold(unfold(ones)) at " + pixel(g, i) + " is " + m[i] + " but " + count[i]
                        + " windows cover it, " + where);
            }
            // Summing m copies of x rounds at most m − 1 times: relative error below m·2^-24.
            double expected = (double) x[i] * m[i];
            double tolerance = 1e-5 * Math.abs(expected) + 1e-7;
            if (!(Math.abs(got[i] - expected) <= tolerance)) {
                fail("fold(unfold(x)) at " + pixel(g, i) + " is " + got[i] + " but x = " + x[i] + " times "
                        + m[i] + " windows = " + expected + ", " + where);
            }
        }
    }

    private static String pixel(Case g, int flat) {
        int x = flat % g.w(), y = flat / g.w() % g.h(), c = flat / (g.w() * g.h()) % g.c(), n = flat / (g.w() * g.h() * g.c());
        return "(n=" + n + ", c=" + c + ", y=" + y + ", x=" + x + ")";
    }

    private static String firstDifference(float[] want, float[] got) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                return "; first difference at flat index " + i + ": want " + want[i] + ", got " + got[i];
            }
        }
        return "";
    }
}
