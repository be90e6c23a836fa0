package org.unfold4j.cli;

import org.unfold4j.ColumnGeometry;
import org.unfold4j.ColumnLayout;
import org.unfold4j.ImageLayout;
import org.unfold4j.Window;

/**
 * Lays out the columns of an unfold as a picture: each column (one window) becomes a
 * {@code kh × kw} patch, placed at its window position in the block grid, with thin gaps between
 * patches.
 */
final class ContactSheet {
    /** The gap between patches, in pixels. */
    static final int GAP = 2;
    /** The gap colour (white). */
    static final float GAP_VALUE = 255f;
    /** Sheets larger than this many pixels show every s-th window in each direction instead of all. */
    static final long MAX_PIXELS = 24_000_000L;

    private ContactSheet() {
    }

    /** The grid step that keeps a sheet within {@link #MAX_PIXELS} (1: every window). */
    static int step(int kh, int kw, int blocksH, int blocksW) {
        for (int s = 1; ; s++) {
            if ((long) width(kw, blocksW, s) * height(kh, blocksH, s) <= MAX_PIXELS) {
                return s;
            }
        }
    }

    static int width(int kw, int blocksW, int step) {
        int shown = (blocksW + step - 1) / step;
        return shown * kw + (shown - 1) * GAP;
    }

    static int height(int kh, int blocksH, int step) {
        int shown = (blocksH + step - 1) / step;
        return shown * kh + (shown - 1) * GAP;
    }

    /**
     * Renders the result of an unfold of one image, showing every {@code step}-th window: each
     * window's values are read where the geometry's column layout puts them ({@code [C·kh·kw, L]}
     * columns; {@code [L, C·kh·kw]} patches of a channels-first image; {@code [L, kh·kw·C]}
     * patches, channel fastest, of a channels-last one), so every layout draws the same sheet.
     *
     * @param cols the unfolded values, flat, of an unbatched (or batch of one) unfold; not modified
     * @param g    the unfold's geometry (window, channels, block grid, layouts)
     */
    static Picture render(float[] cols, ColumnGeometry g, int step) {
        Canvas canvas = new Canvas(g, step);
        canvas.draw(cols, 0, (int) g.blocksH());
        return canvas.picture();
    }

    /** A sheet drawn a band of window rows at a time (Note [bounded pieces]). */
    static final class Canvas {
        private final ColumnGeometry g;
        private final int step, sheetW, sheetH;
        private final float[] out;

        /** A sheet of the windows of {@code g}, every {@code step}-th along each direction, all gaps. */
        Canvas(ColumnGeometry g, int step) {
            this.g = g;
            this.step = step;
            Window w = g.window();
            this.sheetW = width(w.kernelW(), (int) g.blocksW(), step);
            this.sheetH = height(w.kernelH(), (int) g.blocksH(), step);
            this.out = new float[(int) g.channels() * sheetW * sheetH];
            java.util.Arrays.fill(out, GAP_VALUE);
        }

        /**
         * Draws the windows of rows {@code [firstRow, firstRow + rowCount)} of the block grid,
         * from {@code cols}, the unfold of just those rows (a float, double, int or byte array
         * in the geometry's layouts, with {@code rowCount · blocksW} windows).
         */
        void draw(Object cols, int firstRow, int rowCount) {
            Window w = g.window();
            int kh = w.kernelH(), kw = w.kernelW(), channels = (int) g.channels();
            int blocksW = (int) g.blocksW();
            long blocks = (long) rowCount * blocksW, rows = g.rows();
            boolean columns = g.columnLayout() == ColumnLayout.COLUMNS;
            boolean channelsLast = g.imageLayout() == ImageLayout.CHANNELS_LAST;
            int plane = sheetW * sheetH;
            int firstShown = (firstRow + step - 1) / step * step;
            for (int bh = firstShown; bh < firstRow + rowCount; bh += step) {
                int gy = bh / step;
                for (int bw = 0, gx = 0; bw < blocksW; bw += step, gx++) {
                    long l = (long) (bh - firstRow) * blocksW + bw;
                    int x0 = gx * (kw + GAP), y0 = gy * (kh + GAP);
                    for (int c = 0; c < channels; c++) {
                        for (int i = 0; i < kh; i++) {
                            for (int j = 0; j < kw; j++) {
                                long index;
                                if (columns) {
                                    index = (((long) c * kh + i) * kw + j) * blocks + l;
                                } else if (channelsLast) {
                                    index = l * rows + ((long) i * kw + j) * channels + c;
                                } else {
                                    index = l * rows + ((long) c * kh + i) * kw + j;
                                }
                                out[c * plane + (y0 + i) * sheetW + x0 + j] = Bands.get(cols, (int) index);
                            }
                        }
                    }
                }
            }
        }

        /** The sheet (over this canvas's array). */
        Picture picture() {
            return new Picture(out, (int) g.channels(), sheetH, sheetW);
        }
    }
}
