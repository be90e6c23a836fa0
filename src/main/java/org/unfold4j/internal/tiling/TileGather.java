package org.unfold4j.internal.tiling;

import org.unfold4j.PaddingMode;

/**
 * Copies tiles of an image into a batch {@code [B, C, *tile]}, reading pixels outside the image
 * through the padding mode ({@link PaddingMode#source}, the library's one statement of it). Works
 * on any primitive array type: interior runs move with {@code System.arraycopy}, padded pixels
 * one at a time, and zeros are the new array's own.
 */
public final class TileGather {
    private final Grid grid;
    private final PaddingMode mode;
    private final int channels;

    /**
     * @param grid     the tile grid
     * @param mode     how pixels outside the image are read
     * @param channels the image's channels
     */
    public TileGather(Grid grid, PaddingMode mode, int channels) {
        this.grid = grid;
        this.mode = mode;
        this.channels = channels;
    }

    /**
     * Copies tiles {@code first .. first + count - 1} of image {@code n} of {@code src}
     * ({@code [N, C, D, H, W]} normalised, row-major) into {@code dst} ({@code [count, C, *tile]}).
     */
    public void gather(Object src, int n, long first, int count, Object dst) {
        int td = grid.tile[0], th = grid.tile[1], tw = grid.tile[2];
        long sd = grid.size[0], sh = grid.size[1], sw = grid.size[2];
        long plane = sd * sh * sw;
        long[] col = new long[tw];
        int out = 0;
        for (int j = 0; j < count; j++) {
            long tile = first + j;
            long od = grid.origin(tile, 0), oh = grid.origin(tile, 1), ow = grid.origin(tile, 2);
            for (int x = 0; x < tw; x++) {
                col[x] = mode.source(ow + x, sw);
            }
            // The run of tile columns that lie inside the image, copied in one piece.
            int lo = (int) Math.max(0, Math.min(tw, -ow)), hi = (int) Math.max(lo, Math.min(tw, sw - ow));
            for (int c = 0; c < channels; c++) {
                long base = ((long) n * channels + c) * plane;
                for (int z = 0; z < td; z++) {
                    long d = mode.source(od + z, sd);
                    for (int y = 0; y < th; y++, out += tw) {
                        long h = mode.source(oh + y, sh);
                        if (d < 0 || h < 0) {
                            continue; // a zero row
                        }
                        long row = base + (d * sh + h) * sw;
                        if (hi > lo) {
                            System.arraycopy(src, (int) (row + ow + lo), dst, out + lo, hi - lo);
                        }
                        for (int x = 0; x < lo; x++) {
                            copyOne(src, row, col[x], dst, out + x);
                        }
                        for (int x = hi; x < tw; x++) {
                            copyOne(src, row, col[x], dst, out + x);
                        }
                    }
                }
            }
        }
    }

    private static void copyOne(Object src, long row, long column, Object dst, int at) {
        if (column >= 0) {
            System.arraycopy(src, (int) (row + column), dst, at, 1);
        }
    }
}
