package org.unfold4j.cli;

import java.util.Locale;

/**
 * A per-tile operation of {@code reconstruct}, applied to every window on its own between unfold
 * and fold, as a model would in tiled inference. Works in place on unfold's layout
 * {@code [C·kh·kw, L]}.
 */
enum TileOp {
    /** Leaves the tiles as they are. */
    none,
    /** 255 − v: a pointwise operation, so the reconstruction is the inverted image. */
    invert,
    /**
     * A 3×3 box blur inside each tile, clamped at the tile's edges: a neighbourhood operation
     * that sees only its tile, so seams appear where tiles do not overlap and are averaged away
     * where they do.
     */
    blur;

    static TileOp parse(String s) {
        try {
            return valueOf(s.trim().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--tile-op must be none, blur or invert, not '" + s + "'");
        }
    }

    /** Applies the operation to each of the {@code blocks} tiles of float32 {@code cols}. */
    void apply(float[] cols, int channels, int kh, int kw, int blocks) {
        if (this == none) {
            return;
        }
        double[] d = new double[cols.length];
        for (int i = 0; i < cols.length; i++) {
            d[i] = cols[i];
        }
        apply(d, channels, kh, kw, blocks);
        for (int i = 0; i < cols.length; i++) {
            cols[i] = (float) d[i];
        }
    }

    /** Applies the operation to each of the {@code blocks} tiles of float64 {@code cols}. */
    void apply(double[] cols, int channels, int kh, int kw, int blocks) {
        switch (this) {
            case none -> {
            }
            case invert -> {
                for (int i = 0; i < cols.length; i++) {
                    cols[i] = 255 - cols[i];
                }
            }
            case blur -> {
                double[] tile = new double[kh * kw];
                for (int c = 0; c < channels; c++) {
                    int rowBase = c * kh * kw;
                    for (int l = 0; l < blocks; l++) {
                        for (int r = 0; r < kh * kw; r++) {
                            tile[r] = cols[(rowBase + r) * blocks + l];
                        }
                        for (int i = 0; i < kh; i++) {
                            for (int j = 0; j < kw; j++) {
                                double sum = 0;
                                for (int di = -1; di <= 1; di++) {
                                    for (int dj = -1; dj <= 1; dj++) {
                                        int ii = Math.max(0, Math.min(kh - 1, i + di));
                                        int jj = Math.max(0, Math.min(kw - 1, j + dj));
                                        sum += tile[ii * kw + jj];
                                    }
                                }
                                cols[(rowBase + i * kw + j) * blocks + l] = sum / 9;
                            }
                        }
                    }
                }
            }
            default -> throw new AssertionError(this);
        }
    }
}
