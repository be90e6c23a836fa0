package org.unfold4j.internal.cpu;

/*
 * Note [window groups]
 * The flat gathers and scatters over the windows of a plane (unfold's windowGroups, fold's
 * patchGroups and rowClassGroups) go through a table of each window's first pixel relative to
 * window 0's. A table of all L windows would be as large as an output row, and for a 1-wide
 * kernel as large as the output itself, four times a uint8 one (Note [axis tables stay
 * linear]). So the table covers one group of windows: as many whole window rows as make
 * GROUP_WINDOWS windows, or GROUP_WINDOWS windows of one row where a row has more; and the
 * windows are done group by group, each group's pixels moved by its first window's. A call
 * still handles GROUP_WINDOWS windows or whole rows, which keeps the flat loop's gain over a
 * loop per row of a few windows, and each window still goes through one call, so the order
 * in which a pixel meets its taps is unchanged.
 */

/** The groups of windows of one plane set (Note [window groups]). Immutable once built. */
final class WindowGroups {
    /** The window count at which a group stops growing. */
    static final int GROUP_WINDOWS = 1024;

    /** Window rows per group, and windows per group row: rows > 1 only when width is a whole row. */
    final int rows, width;
    /** The table: window (i / width, i % width) of a group, its first pixel relative to the group's first window's. */
    final int[] offsets;
    /** For each group: its first window's pixel relative to window 0's, its first window (flat), its window count. */
    final int[] groupPixel, groupWindow, groupLength;

    WindowGroups(int bd, int bh, int bw, int planeStep, int rowStep, int windowStep) {
        this.width = Math.min(bw, GROUP_WINDOWS);
        this.rows = width < bw ? 1 : Math.max(1, Math.min(bh, GROUP_WINDOWS / bw));
        this.offsets = new int[rows * width];
        for (int oy = 0, i = 0; oy < rows; oy++) {
            for (int ox = 0; ox < width; ox++) {
                offsets[i++] = oy * rowStep + ox * windowStep;
            }
        }
        int perRow = (bw + width - 1) / width, perPlane = (bh + rows - 1) / rows * perRow;
        int count = bd * perPlane;
        groupPixel = new int[count];
        groupWindow = new int[count];
        groupLength = new int[count];
        int i = 0;
        for (int oz = 0; oz < bd; oz++) {
            for (int oy = 0; oy < bh; oy += rows) {
                for (int ox = 0; ox < bw; ox += width, i++) {
                    groupPixel[i] = oz * planeStep + oy * rowStep + ox * windowStep;
                    groupWindow[i] = (oz * bh + oy) * bw + ox;
                    groupLength[i] = rows > 1 ? Math.min(rows, bh - oy) * bw : Math.min(width, bw - ox);
                }
            }
        }
    }
}
