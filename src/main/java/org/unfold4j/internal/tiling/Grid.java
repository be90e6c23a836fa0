package org.unfold4j.internal.tiling;

import java.util.ArrayList;
import java.util.List;

/**
 * The tile grid of a sliding window over one image, normalised to three spatial dimensions
 * (depth, height, width; missing leading dimensions have size, tile and stride 1), as
 * internal.geometry.View normalises windows.
 *
 * <p>Note [tile grid]: along a dimension of size {@code n}, tile {@code t} and stride {@code s}
 * (at most {@code t}, so that every pixel is covered), the grid has
 * {@code count = n <= t ? 1 : ceil((n - t) / s) + 1} tiles, which span
 * {@code (count - 1)·s + t ≥ n} pixels. The excess is split as padding, {@code before = excess / 2}
 * (rounded down) and the rest after, so tile {@code g} starts at {@code g·s - before}. Centring
 * the grid makes both edges see the same amount of padding, and keeps every tile exactly
 * {@code t} wide (a model sees only full tiles); MONAI instead shifts the last tile back inside
 * the image, which gives an irregular last step. Tiles are numbered in row-major order of their
 * grid indices, the order the model sees them.
 */
public final class Grid {
    /** Normalised sizes, tiles, strides, tile counts and leading padding, depth first. */
    final long[] size = new long[3];
    final int[] tile = new int[3];
    final int[] stride = new int[3];
    final long[] count = new long[3];
    final long[] before = new long[3];
    /** The first normalised dimension that is real: 3 − rank. */
    final int first;

    /**
     * The grid of {@code spatial} (one size per tile dimension, each at least 1).
     *
     * @param spatial the image's spatial sizes
     * @param tile    the tile size per dimension
     * @param stride  the step per dimension, 1 ≤ stride ≤ tile
     */
    public Grid(long[] spatial, int[] tile, int[] stride) {
        int rank = spatial.length;
        first = 3 - rank;
        for (int d = 0; d < 3; d++) {
            int r = d - first;
            size[d] = r < 0 ? 1 : spatial[r];
            this.tile[d] = r < 0 ? 1 : tile[r];
            this.stride[d] = r < 0 ? 1 : stride[r];
            long n = size[d], t = this.tile[d], s = this.stride[d];
            count[d] = n <= t ? 1 : (n - t + s - 1) / s + 1;
            before[d] = ((count[d] - 1) * s + t - n) / 2;
        }
    }

    /** {@return the number of tiles} */
    public long tiles() {
        return count[0] * count[1] * count[2];
    }

    /** {@return the padding before the image along real dimension {@code r}} */
    public long paddingBefore(int r) {
        return before[first + r];
    }

    /** {@return the padding after the image along real dimension {@code r}} */
    public long paddingAfter(int r) {
        int d = first + r;
        return (count[d] - 1) * stride[d] + tile[d] - size[d] - before[d];
    }

    /** {@return the elements of one tile (per channel)} */
    public int tileElements() {
        return tile[0] * tile[1] * tile[2];
    }

    /** {@return the spatial elements of the image} */
    public long imageElements() {
        return size[0] * size[1] * size[2];
    }

    /** The origin of tile {@code index} along normalised dimension {@code d}. */
    long origin(long index, int d) {
        long g = d == 2 ? index % count[2] : d == 1 ? index / count[2] % count[1] : index / (count[2] * count[1]);
        return g * stride[d] - before[d];
    }

    /** {@return the origins of every tile, in the order the model sees them, one entry per real dimension} */
    public List<long[]> origins() {
        List<long[]> out = new ArrayList<>();
        for (long i = 0; i < tiles(); i++) {
            long[] o = new long[3 - first];
            for (int r = 0; r < o.length; r++) {
                o[r] = origin(i, first + r);
            }
            out.add(o);
        }
        return out;
    }
}
