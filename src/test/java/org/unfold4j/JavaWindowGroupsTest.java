package org.unfold4j;

import org.unfold4j.internal.geometry.SharedRules;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Java backend's window groups and row-class strips (Note [window groups] in WindowGroups,
 * Note [row-class strips] in FoldPass) at sizes where they split: more than GROUP_WINDOWS (1024) windows in
 * a row, groups of several window rows with a shorter last one, and row classes of more rows
 * than one strip holds, with a vertical stride of 2 (two classes). Small enough for PIT's
 * profile, which runs it for each mutant of the Java engine; EmptyAndHugeGeometriesTest checks the
 * groups on every backend, next to GiB-sized working-memory tests that PIT cannot afford.
 *
 * <p>Each expected value comes from the definitions, computed here by plain loops: unfold from
 * {@link Reference#unfold}, fold as the sum of every tap onto its pixel (the values are small
 * integers, so any summation order gives the same bits), mean as that sum divided once by the
 * window count.
 */
class JavaWindowGroupsTest {

    private static float[] image(int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = i % 1013 - 300;
        }
        return v;
    }

    /** The fold of {@code cols} ([C·K, L], PyTorch's layout) onto a C × h × w image, by the definition. */
    private static float[] foldByDefinition(Reference.Geometry g, float[] cols, boolean mean) {
        int bh = Reference.Geometry.blocks(g.h(), g.kh(), g.dh(), g.ph(), g.sh());
        int bw = Reference.Geometry.blocks(g.w(), g.kw(), g.dw(), g.pw(), g.sw());
        int l = bh * bw, k = g.kh() * g.kw();
        double[] sum = new double[g.c() * g.h() * g.w()];
        int[] count = new int[g.h() * g.w()];
        for (int c = 0; c < g.c(); c++) {
            for (int ky = 0; ky < g.kh(); ky++) {
                for (int kx = 0; kx < g.kw(); kx++) {
                    for (int oy = 0; oy < bh; oy++) {
                        for (int ox = 0; ox < bw; ox++) {
                            int y = oy * g.sh() - g.ph() + ky * g.dh(), x = ox * g.sw() - g.pw() + kx * g.dw();
                            if (y >= 0 && y < g.h() && x >= 0 && x < g.w()) {
                                sum[(c * g.h() + y) * g.w() + x] += cols[((c * k) + ky * g.kw() + kx) * l + oy * bw + ox];
                                if (c == 0) {
                                    count[y * g.w() + x]++;
                                }
                            }
                        }
                    }
                }
            }
        }
        float[] r = new float[sum.length];
        for (int i = 0; i < r.length; i++) {
            int n = count[i % count.length];
            r[i] = mean ? (n > 0 ? (float) sum[i] / (float) n : 0f) : (float) sum[i];
        }
        return r;
    }

    /**
     * Unfolds whose rows of windows are flat gathers through window groups (Note [window groups]
     * in WindowGroups), at the sizes where the groups split: here on the Java backend alone (PIT's
     * run), on every backend in EmptyAndHugeGeometriesTest.
     */
    static final List<Reference.Geometry> WINDOW_GROUP_UNFOLDS = List.of(
            // 100 windows a row: groups of 10 window rows, the last of 5 (and a batch of 2).
            new Reference.Geometry(true, 1, 2, 50, 200, 2, 2, 1, 1, 0, 0, 2, 2),
            new Reference.Geometry(true, 2, 2, 50, 200, 2, 2, 1, 1, 0, 0, 2, 2),
            // 1050 windows a row: a row of two groups, 1024 and 26 windows.
            new Reference.Geometry(true, 1, 2, 4, 2100, 2, 3, 1, 1, 0, 0, 2, 2),
            // A vertical dilation: 1000 windows a row, rows of groups three image rows apart.
            new Reference.Geometry(true, 1, 1, 31, 3000, 3, 1, 2, 1, 0, 0, 3, 3),
            // Padding: the border taps leave the flat gather for the general path.
            new Reference.Geometry(true, 1, 1, 9, 2200, 3, 3, 1, 1, 1, 1, 2, 2));

    @Test
    void unfoldOfRowsOfManyWindowsAndGroupsOfWindowRows() {
        for (Reference.Geometry g : WINDOW_GROUP_UNFOLDS) {
            float[] x = image(g.imageElements());
            assertArrayEquals(Reference.unfold(g, x),
                    g.unfold().apply(Tensor.of(x, g.imageShape()), Backend.java()).toFloatArray(), g::toString);
        }
    }

    @Test
    void foldOfPatchesInGroups() {
        List<Reference.Geometry> cases = List.of(
                new Reference.Geometry(true, 1, 2, 50, 200, 2, 2, 1, 1, 0, 0, 2, 2),   // 100 a row: 10-row groups
                new Reference.Geometry(true, 1, 1, 4, 4100, 2, 2, 1, 1, 0, 0, 2, 2),   // 2050 a row: 3 groups
                new Reference.Geometry(true, 1, 1, 3, 4096, 1, 2, 3, 1, 0, 0, 1, 2));  // a dilation on a 1-tall kernel
        for (Reference.Geometry g : cases) {
            float[] x = image(g.imageElements());
            Tensor cols = g.unfold().apply(Tensor.of(x, g.imageShape()), Backend.java());
            assertTrue(SharedRules.permutesPixels(Fold.of(g.h(), g.w(), g.unfold().window()).geometry(cols.shape()).view()), g::toString);
            float[] folded = Fold.of(g.h(), g.w(), g.unfold().window()).apply(cols, Backend.java()).toFloatArray();
            assertArrayEquals(x, folded, "patches fold back to the image: " + g);
        }
    }

    @Test
    void rowClassFoldsInStrips() {
        List<Reference.Geometry> cases = List.of(
                // Kernel 1 x 40 on rows of 60 (21 windows): one class of 2000 rows, 3 strips of 862.
                new Reference.Geometry(false, 1, 1, 2000, 60, 1, 40, 1, 1, 0, 0, 1, 1),
                // Kernel 3 x 40, vertical stride 2: two classes of 1001 and 1000 rows.
                new Reference.Geometry(false, 1, 2, 2001, 60, 3, 40, 1, 1, 0, 0, 2, 1),
                // Vertical stride 3 on 8 rows, kernel 2 x 5 on rows of 7: rows 2 and 5 covered by no window.
                new Reference.Geometry(false, 1, 1, 8, 7, 2, 5, 1, 1, 0, 0, 3, 1));
        for (Reference.Geometry g : cases) {
            float[] x = image(g.imageElements());
            Tensor cols = g.unfold().apply(Tensor.of(x, g.imageShape()), Backend.java());
            for (FoldMode mode : FoldMode.values()) {
                Fold fold = Fold.of(g.h(), g.w(), g.unfold().window()).withMode(mode);
                assertTrue(SharedRules.foldsByRowClasses(fold.geometry(cols.shape()).view()), g::toString);
                float[] expected = foldByDefinition(g, cols.toFloatArray(), mode == FoldMode.MEAN);
                assertArrayEquals(expected, fold.apply(cols, Backend.java()).toFloatArray(), mode + " " + g);
            }
        }
        // The first case's strip count as the note gives it.
        assertEquals(862, (1 << 16) / (60 + SharedRules.ROW_CLASS_PAD));
    }
}
