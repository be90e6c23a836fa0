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
 * <p>Each expected value comes from the definitions, by the reference's plain loops: unfold from
 * {@link Reference#unfold}, fold from {@link Reference#fold(Case, float[])}, the sum of every tap
 * onto its pixel (the values are small integers, so any summation order gives the same bits),
 * mean as that sum divided once by the window count.
 */
class JavaWindowGroupsTest {

    private static float[] image(int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = i % 1013 - 300;
        }
        return v;
    }

    /**
     * Unfolds whose rows of windows are flat gathers through window groups (Note [window groups]
     * in WindowGroups), at the sizes where the groups split: here on the Java backend alone (PIT's
     * run), on every backend in EmptyAndHugeGeometriesTest.
     */
    static final List<Case> WINDOW_GROUP_UNFOLDS = List.of(
            // 100 windows a row: groups of 10 window rows, the last of 5 (and a batch of 2).
            Case.of2d(true, 1, 2, 50, 200, 2, 2, 1, 1, 0, 0, 2, 2),
            Case.of2d(true, 2, 2, 50, 200, 2, 2, 1, 1, 0, 0, 2, 2),
            // 1050 windows a row: a row of two groups, 1024 and 26 windows.
            Case.of2d(true, 1, 2, 4, 2100, 2, 3, 1, 1, 0, 0, 2, 2),
            // A vertical dilation: 1000 windows a row, rows of groups three image rows apart.
            Case.of2d(true, 1, 1, 31, 3000, 3, 1, 2, 1, 0, 0, 3, 3),
            // Padding: the border taps leave the flat gather for the general path.
            Case.of2d(true, 1, 1, 9, 2200, 3, 3, 1, 1, 1, 1, 2, 2));

    @Test
    void unfoldOfRowsOfManyWindowsAndGroupsOfWindowRows() {
        for (Case g : WINDOW_GROUP_UNFOLDS) {
            float[] x = image(g.imageElements());
            assertArrayEquals(Reference.unfold(g, x),
                    g.unfold().apply(Tensor.of(x, g.imageShape()), Backend.java()).toFloatArray(), g::toString);
        }
    }

    @Test
    void foldOfPatchesInGroups() {
        List<Case> cases = List.of(
                Case.of2d(true, 1, 2, 50, 200, 2, 2, 1, 1, 0, 0, 2, 2),   // 100 a row: 10-row groups
                Case.of2d(true, 1, 1, 4, 4100, 2, 2, 1, 1, 0, 0, 2, 2),   // 2050 a row: 3 groups
                Case.of2d(true, 1, 1, 3, 4096, 1, 2, 3, 1, 0, 0, 1, 2));  // a dilation on a 1-tall kernel
        for (Case g : cases) {
            float[] x = image(g.imageElements());
            Tensor cols = g.unfold().apply(Tensor.of(x, g.imageShape()), Backend.java());
            assertTrue(SharedRules.permutesPixels(Fold.of(g.h(), g.w(), g.unfold().window()).geometry(cols.shape()).view()), g::toString);
            float[] folded = Fold.of(g.h(), g.w(), g.unfold().window()).apply(cols, Backend.java()).toFloatArray();
            assertArrayEquals(x, folded, "patches fold back to the image: " + g);
        }
    }

    @Test
    void rowClassFoldsInStrips() {
        List<Case> cases = List.of(
                // Kernel 1 x 40 on rows of 60 (21 windows): one class of 2000 rows, 3 strips of 862.
                Case.of2d(false, 1, 1, 2000, 60, 1, 40, 1, 1, 0, 0, 1, 1),
                // Kernel 3 x 40, vertical stride 2: two classes of 1001 and 1000 rows.
                Case.of2d(false, 1, 2, 2001, 60, 3, 40, 1, 1, 0, 0, 2, 1),
                // Vertical stride 3 on 8 rows, kernel 2 x 5 on rows of 7: rows 2 and 5 covered by no window.
                Case.of2d(false, 1, 1, 8, 7, 2, 5, 1, 1, 0, 0, 3, 1));
        for (Case g : cases) {
            float[] x = image(g.imageElements());
            Tensor cols = g.unfold().apply(Tensor.of(x, g.imageShape()), Backend.java());
            for (FoldMode mode : FoldMode.values()) {
                Fold fold = Fold.of(g.h(), g.w(), g.unfold().window()).withMode(mode);
                assertTrue(SharedRules.foldsByRowClasses(fold.geometry(cols.shape()).view()), g::toString);
                float[] expected = Reference.fold(g.withFoldMode(mode), cols.toFloatArray());
                assertArrayEquals(expected, fold.apply(cols, Backend.java()).toFloatArray(), mode + " " + g);
            }
        }
        // The first case's strip count as the note gives it.
        assertEquals(862, (1 << 16) / (60 + SharedRules.ROW_CLASS_PAD));
    }
}
