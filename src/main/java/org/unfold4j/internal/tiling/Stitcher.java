package org.unfold4j.internal.tiling;

/**
 * Accumulates a model's tile outputs into the blended image, a band at a time.
 *
 * <p>Note [streamed stitching]: every output pixel is {@code Σ w[k]·y / Σ w[k]} over the tiles
 * covering it ({@code w[k]} the blend weight of the pixel's offset in the tile), the
 * {@link org.unfold4j.FoldMode#WEIGHTED} rule. Tiles arrive in grid order, so along the first
 * spatial dimension a tile never reaches back before the start of the tile before it: the
 * numerator needs keeping only for one tile's extent of that dimension (a band of {@code tile}
 * rows, or slices for 3-D, across the full other dimensions). When the next tile starts further
 * on, the rows before it are final: they are divided by the weight map and written to the
 * output once, and the band moves on. The numerators are doubles: a product of two floats is
 * exact in a double, and a sum of a few of them is within a few double ulps, so a model whose
 * tiles agree on a pixel (a 1×1 convolution, the identity) gets back exactly its float32 value.
 * The weight map, {@code Σ w[k]} per pixel, depends only on the geometry: it is computed once
 * per call for every image of the batch.
 */
public final class Stitcher {
    private final Grid grid;
    private final float[] weights;
    private final int channels;
    private final double[] weightMap;
    /** The band: channels × cap × rest numerators, rows base .. base + cap − 1 of dimension b. */
    private final int b;
    private final int cap;
    private final long rest;
    private final double[] acc;
    private final long[] coef = new long[3];
    private final Object out;
    private long base;
    private int image;

    /**
     * @param grid     the tile grid
     * @param weights  the blend weight of each tile offset, row-major over the tile
     * @param channels the model's output channels C'
     * @param out      the output array, {@code float[]} or {@code double[]}, {@code [N, C', *spatial]}
     */
    public Stitcher(Grid grid, float[] weights, int channels, Object out) {
        this.grid = grid;
        this.weights = weights;
        this.channels = channels;
        this.out = out;
        this.b = grid.first;
        this.cap = grid.tile[b];
        long r = 1;
        for (int d = 2; d > b; d--) {
            coef[d] = r;
            r *= grid.size[d];
        }
        this.rest = r;
        coef[b] = rest;
        this.acc = new double[Math.toIntExact((long) channels * cap * rest)];
        this.weightMap = weightMap(grid, weights);
    }

    /** Σ w[k] per pixel over every tile, in tile order (so every call sums alike). */
    private static double[] weightMap(Grid g, float[] w) {
        double[] map = new double[Math.toIntExact(g.imageElements())];
        int th = g.tile[1], tw = g.tile[2];
        for (long t = 0; t < g.tiles(); t++) {
            long od = g.origin(t, 0), oh = g.origin(t, 1), ow = g.origin(t, 2);
            int lo = (int) Math.max(0, -ow), hi = (int) Math.min(tw, g.size[2] - ow);
            for (int z = 0; z < g.tile[0]; z++) {
                long pd = od + z;
                if (pd < 0 || pd >= g.size[0]) {
                    continue;
                }
                for (int y = 0; y < th; y++) {
                    long ph = oh + y;
                    if (ph < 0 || ph >= g.size[1]) {
                        continue;
                    }
                    int m = (int) ((pd * g.size[1] + ph) * g.size[2] + ow), k = (z * th + y) * tw;
                    for (int x = lo; x < hi; x++) {
                        map[m + x] += w[k + x];
                    }
                }
            }
        }
        return map;
    }

    /** Starts image {@code n} of the batch: an empty band at the first tile's start. */
    public void startImage(int n) {
        image = n;
        base = grid.origin(0, b);
        java.util.Arrays.fill(acc, 0);
    }

    /**
     * Adds the outputs of tiles {@code first .. first + count - 1}: {@code y} is {@code float[]}
     * or {@code double[]}, {@code [count, C', *tile]}.
     */
    public void add(long first, int count, Object y) {
        float[] yf = y instanceof float[] ? (float[]) y : null;
        double[] yd = yf == null ? (double[]) y : null;
        int td = grid.tile[0], th = grid.tile[1], tw = grid.tile[2], k = td * th * tw;
        int chan = cap * (int) rest;
        for (int j = 0; j < count; j++) {
            long t = first + j;
            long[] o = {grid.origin(t, 0), grid.origin(t, 1), grid.origin(t, 2)};
            advanceTo(o[b]);
            int lo = (int) Math.max(0, -o[2]), hi = (int) Math.min(tw, grid.size[2] - o[2]);
            for (int c = 0; c < channels; c++) {
                int yBase = (j * channels + c) * k;
                for (int z = 0; z < td; z++) {
                    long pd = o[0] + z;
                    if (pd < 0 || pd >= grid.size[0]) {
                        continue;
                    }
                    for (int yy = 0; yy < th; yy++) {
                        long ph = o[1] + yy;
                        if (ph < 0 || ph >= grid.size[1]) {
                            continue;
                        }
                        long[] p = {pd, ph, o[2]};
                        p[b] -= base;
                        int a = (int) (c * (long) chan + p[0] * coef[0] + p[1] * coef[1] + p[2] * coef[2]);
                        int wk = (z * th + yy) * tw, yk = yBase + wk;
                        if (yf != null) {
                            for (int x = lo; x < hi; x++) {
                                acc[a + x] += (double) weights[wk + x] * yf[yk + x];
                            }
                        } else {
                            for (int x = lo; x < hi; x++) {
                                acc[a + x] += (double) weights[wk + x] * yd[yk + x];
                            }
                        }
                    }
                }
            }
        }
    }

    /** Writes out every row of the band still held: the image is complete. */
    public void finishImage() {
        advanceTo(base + cap);
    }

    /** Moves the band to start at {@code next}, writing out the rows it leaves behind. */
    private void advanceTo(long next) {
        if (next <= base) {
            return;
        }
        long done = Math.min(next, base + cap);
        long rows = done - base;
        flush(base, done);
        int chan = cap * (int) rest;
        int keep = (int) ((cap - rows) * rest), drop = (int) (rows * rest);
        for (int c = 0; c < channels; c++) {
            int at = c * chan;
            System.arraycopy(acc, at + drop, acc, at, keep);
            java.util.Arrays.fill(acc, at + keep, at + chan, 0);
        }
        base = next;
    }

    /** Divides rows {@code from .. to - 1} of the band by the weight map into the output. */
    private void flush(long from, long to) {
        long lo = Math.max(from, 0), hi = Math.min(to, grid.size[b]);
        int chan = cap * (int) rest;
        long plane = grid.imageElements();
        float[] of = out instanceof float[] ? (float[]) out : null;
        double[] od = of == null ? (double[]) out : null;
        for (int c = 0; c < channels; c++) {
            for (long r = lo; r < hi; r++) {
                int a = (int) (c * (long) chan + (r - base) * rest);
                int m = (int) (r * rest);
                int o = (int) (((long) image * channels + c) * plane + m);
                for (int q = 0; q < rest; q++) {
                    double wsum = weightMap[m + q];
                    double v = wsum == 0 ? 0 : acc[a + q] / wsum;
                    if (of != null) {
                        of[o + q] = (float) v;
                    } else {
                        od[o + q] = v;
                    }
                }
            }
        }
    }
}
