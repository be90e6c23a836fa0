package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * Fold is the adjoint of unfold: {@code <unfold(x), y> = <x, fold(y)>} for every x and y, which
 * pins fold down completely once unfold is right. Unfold itself is pinned here by comparing it
 * with {@link Reference#unfold} (a pair of wrong operations, say both returning zeros, would
 * otherwise satisfy the identity).
 */
class AdjointnessTest {
    private static final long SEED = 0xAD_101_17L;
    private static final int CASES = 50;

    static List<Case> geometries(Random r) {
        List<Case> geometries = new ArrayList<>(Case.edgeCases2d());
        while (geometries.size() < CASES) {
            geometries.add(RandomCases.valid2d(r));
        }
        return geometries;
    }

    @TestFactory
    Stream<DynamicTest> foldIsTheAdjointOfUnfold() {
        return PerBackend.tests("<unfold(x), y> == <x, fold(y)>", backend -> {
            Random r = new Random(SEED);
            List<Case> geometries = geometries(r);
            List<Executable> checks = new ArrayList<>();
            int unbatched = 0, strided = 0, dilated = 0, padded = 0, oneByOne = 0, nonSquare = 0;
            for (int i = 0; i < geometries.size(); i++) {
                Case g = geometries.get(i);
                unbatched += g.batched() ? 0 : 1;
                strided += g.stride()[0] > 1 || g.stride()[1] > 1 ? 1 : 0;
                dilated += g.dilation()[0] > 1 || g.dilation()[1] > 1 ? 1 : 0;
                padded += g.padding()[0] > 0 || g.padding()[1] > 0 ? 1 : 0;
                oneByOne += g.kernel()[0] == 1 && g.kernel()[1] == 1 ? 1 : 0;
                nonSquare += g.kernel()[0] != g.kernel()[1] ? 1 : 0;
                float[] x = RandomCases.gaussian(r, g.imageElements());
                float[] y = RandomCases.gaussian(r, g.columnElements());
                String where = "seed " + SEED + ", case " + i + ": " + g + " on " + backend;
                checks.add(() -> adjointCase(backend, g, x, y, where));
            }
            assertEquals(CASES, geometries.size());
            String mix = "unbatched " + unbatched + ", strided " + strided + ", dilated " + dilated + ", padded "
                    + padded + ", 1x1 " + oneByOne + ", non-square " + nonSquare;
            assertTrue(unbatched > 0 && strided > 0 && dilated > 0 && padded > 0 && oneByOne > 0 && nonSquare > 0,
                    "the geometries must cover every feature: " + mix);
            assertAll(checks);
        });
    }

    private static void adjointCase(Backend backend, Case g, float[] x, float[] y, String where) {
        Tensor unfolded = g.unfold().apply(Tensor.of(x, g.imageShape()), backend);
        assertArrayEquals(g.columnsShape(), unfolded.shape(), "unfold shape, " + where);
        Tensor folded = g.fold().apply(Tensor.of(y, g.columnsShape()), backend);
        assertArrayEquals(g.imageShape(), folded.shape(), "fold shape, " + where);
        float[] u = unfolded.toFloatArray();
        float[] f = folded.toFloatArray();

        double reference = Reference.dot(Reference.unfold(g, x), y);
        double lhs = Reference.dot(u, y);
        double rhs = Reference.dot(x, f);
        double scale = Reference.absDot(u, y);
        // Unfold only copies, so <unfold(x), y> is the reference's sum term for term.
        assertEquals(reference, lhs, 1e-12 * scale, "<unfold(x), y> against the reference unfold, " + where);
        // fold(y) rounds each pixel's sum in float: at most (m − 1)·2^-24 relative to Σ|terms|
        // (m ≤ 16 windows here), far below the 1e-5·Σ|x·y| allowed for cancellation.
        double tolerance = 1e-4 * Math.max(Math.abs(lhs), Math.abs(rhs)) + 1e-5 * scale;
        assertEquals(lhs, rhs, tolerance, "<unfold(x), y> = " + lhs + " but <x, fold(y)> = " + rhs + ", " + where);
    }
}
