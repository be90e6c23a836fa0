package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * {@link PaddingMode#source}, the one statement of what each mode reads in the padding, against
 * F.pad's pictures in the enum's Javadoc (size 4: {@code 2 1 | 0 1 2 3 | 2 1} and so on). Each
 * mode's expected row is written out by hand, so a wrong mirror, clamp or wrap fails here before
 * it reaches the golden cases.
 */
class PaddingModeSourceTest {
    private static final long[] COORDINATES = {-3, -2, -1, 0, 1, 2, 3, 4, 5, 6};

    private static void reads(PaddingMode mode, long... expected) {
        for (int i = 0; i < COORDINATES.length; i++) {
            assertEquals(expected[i], mode.source(COORDINATES[i], 4), mode + " at " + COORDINATES[i]);
        }
    }

    @Test
    void eachModeReadsWhatFPadShows() {
        reads(PaddingMode.ZEROS, -1, -1, -1, 0, 1, 2, 3, -1, -1, -1);
        reads(PaddingMode.REFLECT, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0);
        reads(PaddingMode.REPLICATE, 0, 0, 0, 0, 1, 2, 3, 3, 3, 3);
        reads(PaddingMode.CIRCULAR, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2);
    }

    @Test
    void aSinglePixelAxis() {
        assertEquals(0, PaddingMode.REPLICATE.source(-5, 1));
        assertEquals(0, PaddingMode.CIRCULAR.source(-1, 1));
        assertEquals(0, PaddingMode.CIRCULAR.source(1, 1));
        assertEquals(-1, PaddingMode.ZEROS.source(1, 1));
    }
}
