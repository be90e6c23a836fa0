package org.unfold4j;

import java.util.Arrays;

/**
 * Naive unfold and fold for 1-D, 2-D and 3-D windows, every padding mode and layout, written from
 * the definitions with six nested loops and none of the library's index arithmetic
 * ({@link ColumnGeometry}, {@link Axis}, {@link Runs}, the kernels). Also decides, from the same
 * definitions, whether PyTorch (and so unfold4j) accepts a geometry: the property tests check the
 * Java backend against this before they use it as the oracle for the other backends.
 *
 * <p>Values travel as raw bits ({@code long}s) for unfold, so the comparison is bit for bit for
 * every type; fold sums in the element type, each pixel over its windows in ascending flat kernel
 * offset starting from +0, as {@link Fold} documents.
 */
final class NdReference {
    private NdReference() {
    }

    /** Raw window parameters, one entry per spatial dimension, possibly invalid. */
    record Spec(int[] kernel, int[] dilation, int[] padding, int[] stride, PaddingMode paddingMode,
                ImageLayout imageLayout, ColumnLayout columnLayout, FoldMode foldMode) {
        int rank() {
            return kernel.length;
        }

        boolean windowValid() {
            return Arrays.stream(kernel).allMatch(v -> v >= 1) && Arrays.stream(dilation).allMatch(v -> v >= 1)
                    && Arrays.stream(stride).allMatch(v -> v >= 1) && Arrays.stream(padding).allMatch(v -> v >= 0);
        }

        long kernelVolume() {
            long v = 1;
            for (int k : kernel) {
                v *= k;
            }
            return v;
        }

        /** PyTorch's block count along one dimension (may be below 1); the window must be valid. */
        long blocks(int dim, long size) {
            long extent = (long) dilation[dim] * (kernel[dim] - 1) + 1;
            return Math.floorDiv(size + 2L * padding[dim] - extent, stride[dim]) + 1;
        }

        Unfold unfold() {
            return Unfold.of(Window.of(kernel, dilation, padding, stride)).withPaddingMode(paddingMode)
                    .withImageLayout(imageLayout).withColumnLayout(columnLayout);
        }

        Fold fold(long[] outputSize) {
            return Fold.of(outputSize, Window.of(kernel, dilation, padding, stride)).withPaddingMode(paddingMode)
                    .withImageLayout(imageLayout).withColumnLayout(columnLayout).withMode(foldMode);
        }

        @Override
        public String toString() {
            return "kernel=" + Arrays.toString(kernel) + " dilation=" + Arrays.toString(dilation) + " padding="
                    + Arrays.toString(padding) + " stride=" + Arrays.toString(stride) + " padding_mode=" + paddingMode
                    + " layout=" + imageLayout + " columns=" + columnLayout + " fold_mode=" + foldMode;
        }
    }

    /** A valid geometry in the normalised 3-D view (depth, height, width; missing dimensions trivial). */
    record Geo(boolean batched, long n, long c, long[] size, int[] k, int[] d, int[] p, int[] s, long[] blocks,
               PaddingMode paddingMode, boolean channelsLast, boolean patches, FoldMode foldMode) {
        long kernelVolume() {
            return (long) k[0] * k[1] * k[2];
        }

        long blockCount() {
            return blocks[0] * blocks[1] * blocks[2];
        }

        long imageElements() {
            return n * c * size[0] * size[1] * size[2];
        }

        long columnElements() {
            return n * c * kernelVolume() * blockCount();
        }

        /** {@code [N, C, *spatial]} (channels-last {@code [N, H, W, C]}), without N when unbatched; rank {@code rank}. */
        long[] imageShape(int rank) {
            long[] spatial = Arrays.copyOfRange(size, 3 - rank, 3);
            long[] inner = new long[rank + 1];
            System.arraycopy(spatial, 0, inner, channelsLast ? 0 : 1, rank);
            inner[channelsLast ? rank : 0] = c;
            return withBatch(inner);
        }

        /** {@code [N, C·K, L]} (patches {@code [N, L, C·K]}), without N when unbatched. */
        long[] columnsShape() {
            long rows = c * kernelVolume(), l = blockCount();
            return withBatch(patches ? new long[] {l, rows} : new long[] {rows, l});
        }

        private long[] withBatch(long[] inner) {
            if (!batched) {
                return inner;
            }
            long[] r = new long[inner.length + 1];
            r[0] = n;
            System.arraycopy(inner, 0, r, 1, inner.length);
            return r;
        }

        long imageIndex(long ni, long ci, long z, long y, long x) {
            if (channelsLast) {
                return (((ni * size[0] + z) * size[1] + y) * size[2] + x) * c + ci;
            }
            return (((ni * c + ci) * size[0] + z) * size[1] + y) * size[2] + x;
        }

        long columnIndex(long ni, long ci, long kFlat, long lFlat) {
            long rows = c * kernelVolume(), l = blockCount();
            // Rows channel first then kernel offset (PyTorch's order) in columns for either image layout;
            // patches of channels-last images are kernel offset first, channel fastest (extract_patches).
            long r = channelsLast && patches ? kFlat * c + ci : ci * kernelVolume() + kFlat;
            return patches ? (ni * l + lFlat) * rows + r : (ni * rows + r) * l + lFlat;
        }
    }

    private static int[] pad3(int[] a, int fill) {
        int[] r = {fill, fill, fill};
        System.arraycopy(a, 0, r, 3 - a.length, a.length);
        return r;
    }

    private static long[] pad3(long[] a) {
        long[] r = {1, 1, 1};
        System.arraycopy(a, 0, r, 3 - a.length, a.length);
        return r;
    }

    /** The geometry of an unfold of {@code shape}, or null where PyTorch / unfold4j must reject it. */
    static Geo parseUnfold(Spec spec, long[] shape) {
        int r = spec.rank();
        if (r < 1 || r > 3 || !spec.windowValid()) {
            return null;
        }
        boolean cl = spec.imageLayout() == ImageLayout.CHANNELS_LAST;
        if (cl && r != 2) {
            return null;
        }
        boolean batched = shape.length == r + 2;
        if (!batched && shape.length != r + 1) {
            return null;
        }
        for (int i = batched ? 1 : 0; i < shape.length; i++) {
            if (shape[i] <= 0) {
                return null;
            }
        }
        int o = batched ? 1 : 0;
        long n = batched ? shape[0] : 1;
        long c = cl ? shape[shape.length - 1] : shape[o];
        long[] size = Arrays.copyOfRange(shape, cl ? o : o + 1, (cl ? o : o + 1) + r);
        long[] blocks = new long[r];
        for (int d = 0; d < r; d++) {
            blocks[d] = spec.blocks(d, size[d]);
            if (blocks[d] < 1) {
                return null;
            }
            int p = spec.padding()[d];
            if (spec.paddingMode() == PaddingMode.REFLECT && p >= size[d]
                    || spec.paddingMode() == PaddingMode.CIRCULAR && p > size[d]) {
                return null;
            }
        }
        return new Geo(batched, n, c, pad3(size), pad3(spec.kernel(), 1), pad3(spec.dilation(), 1), pad3(spec.padding(), 0),
                pad3(spec.stride(), 1), pad3(blocks), spec.paddingMode(), cl,
                spec.columnLayout() == ColumnLayout.PATCHES, spec.foldMode());
    }

    /** The geometry of a fold of {@code shape} into {@code outputSize}, or null where it must be rejected. */
    static Geo parseFold(Spec spec, long[] shape, long[] outputSize, DType dtype) {
        int r = spec.rank();
        if (r < 1 || r > 3 || !spec.windowValid() || spec.paddingMode() != PaddingMode.ZEROS
                || outputSize.length != r || Arrays.stream(outputSize).anyMatch(v -> v <= 0)
                || !dtype.isFloatingPoint()) {
            return null;
        }
        boolean cl = spec.imageLayout() == ImageLayout.CHANNELS_LAST;
        if (cl && r != 2) {
            return null;
        }
        boolean batched = shape.length == 3;
        if (!batched && shape.length != 2) {
            return null;
        }
        for (int i = batched ? 1 : 0; i < shape.length; i++) {
            if (shape[i] <= 0) {
                return null;
            }
        }
        int o = batched ? 1 : 0;
        boolean patches = spec.columnLayout() == ColumnLayout.PATCHES;
        long rows = shape[patches ? o + 1 : o], l = shape[patches ? o : o + 1];
        long volume = spec.kernelVolume();
        if (rows % volume != 0) {
            return null;
        }
        long[] blocks = new long[r];
        long count = 1;
        for (int d = 0; d < r; d++) {
            blocks[d] = spec.blocks(d, outputSize[d]);
            if (blocks[d] < 1) {
                return null;
            }
            count *= blocks[d];
        }
        if (count != l) {
            return null;
        }
        return new Geo(batched, batched ? shape[0] : 1, rows / volume, pad3(outputSize), pad3(spec.kernel(), 1),
                pad3(spec.dilation(), 1), pad3(spec.padding(), 0), pad3(spec.stride(), 1), pad3(blocks),
                PaddingMode.ZEROS, cl, patches, spec.foldMode());
    }

    /** The image coordinate a tap at padded coordinate {@code i} reads, or -1 for a zero. */
    static long source(long i, long size, PaddingMode mode) {
        if (i >= 0 && i < size) {
            return i;
        }
        switch (mode) {
            case ZEROS: return -1;
            case REFLECT: return i < 0 ? -i : 2 * (size - 1) - i;
            case REPLICATE: return i < 0 ? 0 : size - 1;
            case CIRCULAR: return Math.floorMod(i, size);
            default: throw new AssertionError(mode);
        }
    }

    /** Unfold on raw bits: each output element is the bits of the input element it copies, or 0 (+0.0). */
    static long[] unfold(Geo g, long[] in) {
        long[] out = new long[Math.toIntExact(g.columnElements())];
        int[] k = g.k(), d = g.d(), p = g.p(), s = g.s();
        long[] b = g.blocks(), size = g.size();
        for (long n = 0; n < g.n(); n++) {
            for (long c = 0; c < g.c(); c++) {
                for (int kz = 0; kz < k[0]; kz++) {
                    for (int ky = 0; ky < k[1]; ky++) {
                        for (int kx = 0; kx < k[2]; kx++) {
                            long kFlat = ((long) kz * k[1] + ky) * k[2] + kx;
                            for (long bz = 0; bz < b[0]; bz++) {
                                for (long by = 0; by < b[1]; by++) {
                                    for (long bx = 0; bx < b[2]; bx++) {
                                        long z = source(bz * s[0] - p[0] + (long) kz * d[0], size[0], g.paddingMode());
                                        long y = source(by * s[1] - p[1] + (long) ky * d[1], size[1], g.paddingMode());
                                        long x = source(bx * s[2] - p[2] + (long) kx * d[2], size[2], g.paddingMode());
                                        long lFlat = (bz * b[1] + by) * b[2] + bx;
                                        out[(int) g.columnIndex(n, c, kFlat, lFlat)] =
                                                z < 0 || y < 0 || x < 0 ? 0 : in[(int) g.imageIndex(n, c, z, y, x)];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * Fold in float32 ({@code float[]} in) or float64 ({@code double[]} in): scatters columns in
     * ascending flat kernel offset, so each pixel adds its windows in that order starting from +0.
     */
    static Object fold(Geo g, Object in) {
        int pixels = Math.toIntExact(g.imageElements());
        float[] f = in instanceof float[] ? new float[pixels] : null;
        double[] dbl = f == null ? new double[pixels] : null;
        int[] count = new int[pixels];
        int[] k = g.k(), d = g.d(), p = g.p(), s = g.s();
        long[] b = g.blocks(), size = g.size();
        for (long n = 0; n < g.n(); n++) {
            for (long c = 0; c < g.c(); c++) {
                for (int kz = 0; kz < k[0]; kz++) {
                    for (int ky = 0; ky < k[1]; ky++) {
                        for (int kx = 0; kx < k[2]; kx++) {
                            long kFlat = ((long) kz * k[1] + ky) * k[2] + kx;
                            for (long bz = 0; bz < b[0]; bz++) {
                                for (long by = 0; by < b[1]; by++) {
                                    for (long bx = 0; bx < b[2]; bx++) {
                                        long z = bz * s[0] - p[0] + (long) kz * d[0];
                                        long y = by * s[1] - p[1] + (long) ky * d[1];
                                        long x = bx * s[2] - p[2] + (long) kx * d[2];
                                        if (z < 0 || z >= size[0] || y < 0 || y >= size[1] || x < 0 || x >= size[2]) {
                                            continue;
                                        }
                                        int at = (int) g.imageIndex(n, c, z, y, x);
                                        int from = (int) g.columnIndex(n, c, kFlat, (bz * b[1] + by) * b[2] + bx);
                                        if (f != null) {
                                            f[at] += ((float[]) in)[from];
                                        } else {
                                            dbl[at] += ((double[]) in)[from];
                                        }
                                        count[at]++;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if (g.foldMode() == FoldMode.MEAN) {
            for (int i = 0; i < pixels; i++) {
                if (f != null) {
                    f[i] = count[i] > 0 ? f[i] / (float) count[i] : 0f;
                } else {
                    dbl[i] = count[i] > 0 ? dbl[i] / (double) count[i] : 0d;
                }
            }
        }
        return f != null ? f : dbl;
    }

    /** How many windows cover each pixel of the image (the fold of unfold(ones)). */
    static int[] coverage(Geo g) {
        double[] ones = new double[Math.toIntExact(g.columnElements())];
        Arrays.fill(ones, 1);
        double[] sum = (double[]) fold(new Geo(g.batched(), g.n(), g.c(), g.size(), g.k(), g.d(), g.p(), g.s(), g.blocks(),
                PaddingMode.ZEROS, g.channelsLast(), g.patches(), FoldMode.SUM), ones);
        return Arrays.stream(sum).mapToInt(v -> (int) v).toArray();
    }

    /** The elements of a tensor as raw bits: float and double bit patterns, uint8 0–255, int32 values. */
    static long[] bits(Tensor t) {
        Object a = t.array();
        if (a instanceof float[] f) {
            long[] r = new long[f.length];
            for (int i = 0; i < f.length; i++) {
                r[i] = Float.floatToRawIntBits(f[i]) & 0xffffffffL;
            }
            return r;
        } else if (a instanceof double[] dd) {
            long[] r = new long[dd.length];
            for (int i = 0; i < dd.length; i++) {
                r[i] = Double.doubleToRawLongBits(dd[i]);
            }
            return r;
        } else if (a instanceof byte[] bb) {
            long[] r = new long[bb.length];
            for (int i = 0; i < bb.length; i++) {
                r[i] = bb[i] & 0xff;
            }
            return r;
        }
        return Arrays.stream((int[]) a).asLongStream().toArray();
    }
}
