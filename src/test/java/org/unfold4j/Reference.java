package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;

/**
 * The one naive reference of the tests: unfold and fold of 1-D, 2-D and 3-D windows, every
 * padding mode, both image layouts and both column layouts, fold modes sum, mean, weighted and max, every
 * element type; PyTorch's acceptance rules; coverage counts and a direct conv2d. Written from
 * PyTorch's definitions with plain nested loops over a {@link Case}, sharing none of the
 * library's index arithmetic ({@link ColumnGeometry}, the engines' tables and kernels);
 * {@link ReferenceTest} checks it against PyTorch's own results, so that the tests may use it as
 * the oracle for every backend.
 *
 * <p>Note [reference semantics]:
 * <ul>
 *   <li>Unfold: column row {@code (c, k)}, column {@code l} holds the input element at padded
 *       coordinate {@code o·stride − padding + k·dilation} per dimension ({@code o} the window's
 *       block index, {@code k} its kernel offset), mapped into the image by the padding mode as
 *       {@code F.pad} does ({@link #source}), or zero outside in zeros mode. Values travel as
 *       raw bits, so unfold is compared bit for bit for every type (NaN payloads, -0.0).</li>
 *   <li>Fold (zeros padding only): the adjoint, a scatter-add of every column value onto its
 *       pixel, in the element type (float32 or float64), each pixel adding its windows in
 *       ascending flat kernel offset starting from +0, as {@link Fold} documents. Tests compare
 *       folds bit for bit, so this order is part of the definition. Mean divides each pixel's
 *       sum once by its coverage count, in the element type; 0 where no window covers. Weighted
 *       and max: Note [reference blending].</li>
 *   <li>Layouts: row order inside a column is PyTorch's ({@code c·K + k}) for either image
 *       layout; patch-major columns of channels-last images put the channel fastest
 *       ({@code k·C + c}), as TensorFlow's {@code extract_patches} does.</li>
 * </ul>
 */
final class Reference {
    private Reference() {
    }

    // ------------------------------------------------------------------ acceptance (PyTorch's rules)

    /**
     * The case an unfold of {@code shape} with {@code spec}'s window, modes and type describes,
     * or null where PyTorch (F.pad then F.unfold), and so unfold4j, rejects it: rank 1 to 3,
     * channels-last only in 2-D, the shape of rank {@code rank + 1} or {@code rank + 2}, every
     * dimension but the batch positive, at least one block per dimension, reflect padding below
     * the size and circular padding at most the size.
     */
    static Case acceptUnfold(Case spec, long[] shape) {
        int r = spec.rank();
        if (r < 1 || r > 3 || !spec.windowValid() || !sameRank(spec, r)) {
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
        for (int d = 0; d < r; d++) {
            if (blocks(spec, d, size[d]) < 1) {
                return null;
            }
            int p = spec.padding()[d];
            if (spec.mode() == PaddingMode.REFLECT && p >= size[d] || spec.mode() == PaddingMode.CIRCULAR && p > size[d]) {
                return null;
            }
        }
        return spec.withImage(batched, Math.toIntExact(n), Math.toIntExact(c), toInts(size));
    }

    /**
     * The case a fold of columns of {@code shape} into {@code outputSize} with {@code spec}'s
     * window, modes and type describes, or null where PyTorch (nn.Fold), and so unfold4j, rejects
     * it: zeros padding, a floating-point type, the output size of the window's rank and
     * positive, columns of rank 2 or 3 with positive non-batch dimensions, rows a multiple of the
     * kernel volume, and the block count of the output size.
     */
    static Case acceptFold(Case spec, long[] shape, long[] outputSize) {
        int r = spec.rank();
        if (r < 1 || r > 3 || !spec.windowValid() || !sameRank(spec, r) || spec.mode() != PaddingMode.ZEROS
                || outputSize.length != r || Arrays.stream(outputSize).anyMatch(v -> v <= 0)
                || (!spec.dtype().isFloatingPoint() && spec.foldMode() != FoldMode.MAX)) {
            return null;
        }
        if (spec.imageLayout() == ImageLayout.CHANNELS_LAST && r != 2) {
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
        long volume = 1;
        for (int k : spec.kernel()) {
            volume *= k;
        }
        if (rows % volume != 0) {
            return null;
        }
        long count = 1;
        for (int d = 0; d < r; d++) {
            long b = blocks(spec, d, outputSize[d]);
            if (b < 1) {
                return null;
            }
            count *= b;
        }
        if (count != l) {
            return null;
        }
        return spec.withImage(batched, Math.toIntExact(batched ? shape[0] : 1), Math.toIntExact(rows / volume),
                toInts(outputSize));
    }

    private static boolean sameRank(Case spec, int r) {
        return spec.dilation().length == r && spec.padding().length == r && spec.stride().length == r;
    }

    /** PyTorch's block count along dimension {@code d} for a spatial size (may be below 1); the window must be valid. */
    private static long blocks(Case spec, int d, long size) {
        long extent = (long) spec.dilation()[d] * (spec.kernel()[d] - 1) + 1;
        return Math.floorDiv(size + 2L * spec.padding()[d] - extent, spec.stride()[d]) + 1;
    }

    private static int[] toInts(long[] a) {
        return Arrays.stream(a).mapToInt(Math::toIntExact).toArray();
    }

    // ------------------------------------------------------------------ the definitions

    /**
     * The image coordinate a tap at padded coordinate {@code i} reads along an axis of {@code size},
     * or -1 for a zero: {@code F.pad}'s modes, zeros, reflect ({@code x[p], …, x[1] | x | x[S−2], …}),
     * replicate ({@code x[0] … | x | … x[S−1]}) and circular ({@code … x[S−1] | x | x[0] …}).
     */
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

    /** A valid case in the normalised 3-D view (depth, height, width; missing dimensions trivial). */
    private record View(Case c, int[] k, int[] d, int[] p, int[] s, long[] size, long[] b) {
        static View of(Case c) {
            if (!c.windowValid() || c.rank() < 1 || c.rank() > 3) {
                throw new IllegalArgumentException("not a valid window: " + c);
            }
            return new View(c, pad3(c.kernel(), 1), pad3(c.dilation(), 1), pad3(c.padding(), 0), pad3(c.stride(), 1),
                    Arrays.stream(pad3(c.size(), 1)).asLongStream().toArray(),
                    Arrays.stream(pad3(c.blocks(), 1)).asLongStream().toArray());
        }

        long kernelVolume() {
            return (long) k[0] * k[1] * k[2];
        }

        long blockCount() {
            return b[0] * b[1] * b[2];
        }

        /** Flat index of image element (n, channel, z, y, x) in the case's image layout. */
        long imageIndex(long ni, long ci, long z, long y, long x) {
            if (c.imageLayout() == ImageLayout.CHANNELS_LAST) {
                return (((ni * size[0] + z) * size[1] + y) * size[2] + x) * c.c() + ci;
            }
            return (((ni * c.c() + ci) * size[0] + z) * size[1] + y) * size[2] + x;
        }

        /** Flat index of column element (n, channel, flat kernel offset, flat window) in the case's layouts. */
        long columnIndex(long ni, long ci, long kFlat, long lFlat) {
            long rows = c.c() * kernelVolume(), l = blockCount();
            boolean patches = c.columnLayout() == ColumnLayout.PATCHES;
            long r = c.imageLayout() == ImageLayout.CHANNELS_LAST && patches ? kFlat * c.c() + ci : ci * kernelVolume() + kFlat;
            return patches ? (ni * l + lFlat) * rows + r : (ni * rows + r) * l + lFlat;
        }

        private static int[] pad3(int[] a, int fill) {
            int[] r = {fill, fill, fill};
            System.arraycopy(a, 0, r, 3 - a.length, a.length);
            return r;
        }
    }

    /** Visits every (image element, column element) pair of a tap: {@code image} is -1 where the tap reads a zero. */
    private interface Tap {
        void at(int image, int column);
    }

    /** A {@link Tap} that also gets the tap's flat kernel offset (the weighted fold's weight index). */
    private interface OffsetTap {
        void at(int image, int column, int kFlat);
    }

    private static void taps(Case f, boolean withMode, Tap tap) {
        taps(f, withMode, (OffsetTap) (image, column, kFlat) -> tap.at(image, column));
    }

    /**
     * Every tap of every window, in ascending (n, c, flat kernel offset, flat window) order, with
     * the image element it reads through the padding mode ({@code withMode}) or, without it,
     * only inside the image (-1 elsewhere).
     */
    private static void taps(Case f, boolean withMode, OffsetTap tap) {
        View g = View.of(f);
        int[] k = g.k(), d = g.d(), p = g.p(), s = g.s();
        long[] b = g.b(), size = g.size();
        PaddingMode mode = withMode ? f.mode() : PaddingMode.ZEROS;
        for (long n = 0; n < f.n(); n++) {
            for (long c = 0; c < f.c(); c++) {
                for (int kz = 0; kz < k[0]; kz++) {
                    for (int ky = 0; ky < k[1]; ky++) {
                        for (int kx = 0; kx < k[2]; kx++) {
                            long kFlat = ((long) kz * k[1] + ky) * k[2] + kx;
                            for (long bz = 0; bz < b[0]; bz++) {
                                for (long by = 0; by < b[1]; by++) {
                                    for (long bx = 0; bx < b[2]; bx++) {
                                        long z = source(bz * s[0] - p[0] + (long) kz * d[0], size[0], mode);
                                        long y = source(by * s[1] - p[1] + (long) ky * d[1], size[1], mode);
                                        long x = source(bx * s[2] - p[2] + (long) kx * d[2], size[2], mode);
                                        long lFlat = (bz * b[1] + by) * b[2] + bx;
                                        tap.at(z < 0 || y < 0 || x < 0 ? -1 : (int) g.imageIndex(n, c, z, y, x),
                                                (int) g.columnIndex(n, c, kFlat, lFlat), (int) kFlat);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * For each element of the unfold output (in the case's column layout), the flat index of the
     * input element it copies, or -1 for a zero.
     */
    static int[] unfoldSources(Case f) {
        int[] src = new int[f.columnElements()];
        taps(f, true, (image, column) -> src[column] = image);
        return src;
    }

    /** Unfold on raw bits: each output element is the bits of the input element it copies, or 0 (+0.0). */
    static long[] unfold(Case f, long[] in) {
        int[] src = unfoldSources(f);
        long[] out = new long[src.length];
        for (int i = 0; i < src.length; i++) {
            out[i] = src[i] < 0 ? 0 : in[src[i]];
        }
        return out;
    }

    /** The reference unfold of {@code input}: a tensor of the input's type and the case's column shape. */
    static Tensor unfold(Case f, Tensor input) {
        return fromBits(unfold(f, bits(input)), input.dtype(), f.columnsShape());
    }

    /** The reference unfold of float32 values in the case's image layout. */
    static float[] unfold(Case f, float[] image) {
        return unfold(f, Tensor.of(image, f.imageShape())).toFloatArray();
    }

    /** Fold in float32: each pixel sums its windows in ascending flat kernel offset from +0; mean divides by the coverage. */
    static float[] fold(Case f, float[] columns) {
        return fold(f, columns, null);
    }

    /**
     * Fold in float32 of every mode: sum and mean as {@link #fold(Case, float[])}; weighted
     * ({@code weights} one per flat kernel offset, null for ones) as Note [reference blending];
     * max the largest value, NaN propagating, 0 where no window covers.
     */
    static float[] fold(Case f, float[] columns, float[] weights) {
        if (f.foldMode() == FoldMode.WEIGHTED) {
            float[] num = new float[f.imageElements()], den = new float[f.imageElements()];
            taps(f, false, (OffsetTap) (image, column, k) -> {
                if (image >= 0) {
                    float w = weights == null ? 1f : weights[k];
                    float product = w * columns[column];
                    num[image] = num[image] + product;
                    den[image] = den[image] + w;
                }
            });
            for (int i = 0; i < num.length; i++) {
                num[i] = den[i] > 0 ? num[i] / den[i] : 0f;
            }
            return num;
        }
        if (f.foldMode() == FoldMode.MAX) {
            double[] max = foldMax(f, i -> columns[i]);
            float[] out = new float[max.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) max[i];
            }
            return out;
        }
        float[] out = new float[f.imageElements()];
        taps(f, false, (image, column) -> {
            if (image >= 0) {
                out[image] += columns[column];
            }
        });
        if (f.foldMode() == FoldMode.MEAN) {
            int[] count = coverage(f);
            for (int i = 0; i < out.length; i++) {
                out[i] = count[i] > 0 ? out[i] / (float) count[i] : 0f;
            }
        }
        return out;
    }

    /** Fold in float64, in the same order as {@link #fold(Case, float[])}. */
    static double[] fold(Case f, double[] columns) {
        return fold(f, columns, null);
    }

    /** Fold in float64 of every mode, in the same order as {@link #fold(Case, float[], float[])}. */
    static double[] fold(Case f, double[] columns, float[] weights) {
        if (f.foldMode() == FoldMode.WEIGHTED) {
            double[] num = new double[f.imageElements()], den = new double[f.imageElements()];
            taps(f, false, (OffsetTap) (image, column, k) -> {
                if (image >= 0) {
                    double w = weights == null ? 1d : weights[k];
                    num[image] += w * columns[column];
                    den[image] += w;
                }
            });
            for (int i = 0; i < num.length; i++) {
                num[i] = den[i] > 0 ? num[i] / den[i] : 0d;
            }
            return num;
        }
        if (f.foldMode() == FoldMode.MAX) {
            return foldMax(f, i -> columns[i]);
        }
        double[] out = new double[f.imageElements()];
        taps(f, false, (image, column) -> {
            if (image >= 0) {
                out[image] += columns[column];
            }
        });
        if (f.foldMode() == FoldMode.MEAN) {
            int[] count = coverage(f);
            for (int i = 0; i < out.length; i++) {
                out[i] = count[i] > 0 ? out[i] / (double) count[i] : 0d;
            }
        }
        return out;
    }

    /**
     * The reference fold of a tensor of a floating-point type of the case's column shape, in its
     * type: float16 and bfloat16 summed in float32 and rounded once (to nearest even) at the end.
     */
    static Tensor fold(Case f, Tensor columns) {
        return fold(f, columns, null);
    }

    /**
     * The reference fold of a tensor of the case's column shape, in its type, in every mode
     * ({@code weights} for the weighted fold, null for ones); max of every type (uint8 unsigned).
     */
    static Tensor fold(Case f, Tensor columns, float[] weights) {
        if (f.foldMode() == FoldMode.MAX && !columns.dtype().isFloatingPoint()) {
            long[] v = bits(columns);
            double[] max = foldMax(f, i -> v[i]);
            return fromBits(Arrays.stream(max).mapToLong(d -> (long) d).toArray(), columns.dtype(), f.imageShape());
        }
        switch (columns.dtype()) {
            case FLOAT32: return Tensor.of(fold(f, columns.toFloatArray(), weights), f.imageShape());
            case FLOAT64: return Tensor.of(fold(f, columns.toDoubleArray(), weights), f.imageShape());
            // 16-bit: summed (or compared) in float32, rounded once to the type at the end
            case FLOAT16: return Tensor.float16Of(fold(f, columns.toFloatArray(), weights), f.imageShape());
            case BFLOAT16: return Tensor.bfloat16Of(fold(f, columns.toFloatArray(), weights), f.imageShape());
            default: throw new IllegalArgumentException("fold " + f.foldMode() + " is defined for the floating-point types, not "
                    + columns.dtype());
        }
    }

    /*
     * Note [reference blending]
     * Weighted: each pixel takes num = Σ w[k]·x and den = Σ w[k] over the taps landing on it, in
     * ascending flat kernel offset from +0, in the element type, each product rounded to the
     * type before it is added; then den > 0 ? num / den : 0. Max: the largest value landing on
     * the pixel as Math.max takes it (NaN if any is, the first NaN met; +0.0 above -0.0), 0
     * where nothing lands. Both are
     * the library's documented definitions (FoldMode), so the tests compare them bit for bit.
     */

    /** Max of values read as doubles (exact for every type but NaN payloads): Note [reference blending]. */
    private static double[] foldMax(Case f, java.util.function.IntToDoubleFunction value) {
        double[] out = new double[f.imageElements()];
        boolean[] covered = new boolean[out.length];
        taps(f, false, (image, column) -> {
            if (image >= 0) {
                double v = value.applyAsDouble(column);
                out[image] = covered[image] ? Math.max(out[image], v) : v;
                covered[image] = true;
            }
        });
        return out;
    }

    /**
     * The weights of a named blend window for a kernel, from their definitions (the golden README):
     * the product over the dimensions of 1-D windows of size k at offset i with centre c = (k−1)/2,
     * gaussian exp(−(i−c)²/(2σ²)) with σ = sigmaScale·k, hann sin²(π(i+1)/(k+1)), triangular
     * 1 − |i−c|/((k+1)/2), constant 1; computed in double, rounded to float32 once.
     */
    static float[] blendWeights(String window, double sigmaScale, int[] kernel) {
        int volume = Case.volume(kernel);
        float[] w = new float[volume];
        for (int flat = 0; flat < volume; flat++) {
            double product = 1;
            for (int d = kernel.length - 1, rest = flat; d >= 0; d--) {
                int k = kernel[d], i = rest % k;
                rest /= k;
                double c = (k - 1) / 2.0;
                product *= switch (window) {
                    case "constant" -> 1.0;
                    case "gaussian" -> Math.exp(-(i - c) * (i - c) / (2 * (sigmaScale * k) * (sigmaScale * k)));
                    case "hann" -> Math.pow(Math.sin(Math.PI * (i + 1) / (k + 1)), 2);
                    case "triangular" -> 1 - Math.abs(i - c) / ((k + 1) / 2.0);
                    default -> throw new IllegalArgumentException("no blend window " + window);
                };
            }
            w[flat] = (float) product;
        }
        return w;
    }

    /** Whether fold weights are acceptable for a kernel: its shape, finite and non-negative values. */
    static boolean acceptWeights(float[] weights, long[] shape, int[] kernel) {
        if (!Arrays.equals(shape, Arrays.stream(kernel).asLongStream().toArray())) {
            return false;
        }
        for (float w : weights) {
            if (!(w >= 0) || Float.isInfinite(w)) {
                return false;
            }
        }
        return true;
    }

    /** How many (window, kernel offset) pairs land on each image element (in the case's image layout): the fold of unfold(ones). */
    static int[] coverage(Case f) {
        int[] count = new int[f.imageElements()];
        taps(f, false, (image, column) -> {
            if (image >= 0) {
                count[image]++;
            }
        });
        return count;
    }

    /**
     * Direct cross-correlation as {@code torch.nn.functional.conv2d(x, w, stride, padding, dilation)},
     * in double, of a 2-D channels-first case: x {@code [n, c, h, w]}, weight {@code [o, c, kh, kw]},
     * result {@code [n, o, bh, bw]}. Written as the convolution sum, not through {@link #unfold}.
     */
    static double[] conv2d(Case g, float[] x, int outChannels, float[] weight) {
        if (g.rank() != 2 || g.imageLayout() != ImageLayout.CHANNELS_FIRST || g.mode() != PaddingMode.ZEROS) {
            throw new IllegalArgumentException("conv2d of a 2-D channels-first zeros case, not " + g);
        }
        int h = g.h(), w = g.w(), kh = g.kernel()[0], kw = g.kernel()[1], bh = g.blocks(0), bw = g.blocks(1);
        double[] out = new double[g.n() * outChannels * bh * bw];
        for (int n = 0; n < g.n(); n++) {
            for (int o = 0; o < outChannels; o++) {
                for (int oh = 0; oh < bh; oh++) {
                    for (int ow = 0; ow < bw; ow++) {
                        double sum = 0;
                        for (int c = 0; c < g.c(); c++) {
                            for (int ki = 0; ki < kh; ki++) {
                                for (int kj = 0; kj < kw; kj++) {
                                    int y = oh * g.stride()[0] - g.padding()[0] + ki * g.dilation()[0];
                                    int xx = ow * g.stride()[1] - g.padding()[1] + kj * g.dilation()[1];
                                    if (y >= 0 && y < h && xx >= 0 && xx < w) {
                                        sum += (double) weight[((o * g.c() + c) * kh + ki) * kw + kj]
                                                * x[((n * g.c() + c) * h + y) * w + xx];
                                    }
                                }
                            }
                        }
                        out[((n * outChannels + o) * bh + oh) * bw + ow] = sum;
                    }
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ values

    static double dot(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("lengths " + a.length + " and " + b.length);
        }
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    /** Σ|a_i·b_i|: the scale of a dot product, against which its rounding error is measured. */
    static double absDot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs((double) a[i] * b[i]);
        }
        return s;
    }

    /** The raw bits of every element: float and double bit patterns, uint8 0..255, int32 values, float16 and bfloat16 bits 0..0xffff. */
    static long[] bits(Tensor t) {
        long[] bits = new long[Math.toIntExact(t.elementCount())];
        switch (t.dtype()) {
            case FLOAT32: {
                float[] v = t.toFloatArray();
                for (int i = 0; i < bits.length; i++) {
                    bits[i] = Float.floatToRawIntBits(v[i]) & 0xffffffffL;
                }
                break;
            }
            case FLOAT64: {
                double[] v = t.toDoubleArray();
                for (int i = 0; i < bits.length; i++) {
                    bits[i] = Double.doubleToRawLongBits(v[i]);
                }
                break;
            }
            case UINT8: {
                byte[] v = t.toByteArray();
                for (int i = 0; i < bits.length; i++) {
                    bits[i] = v[i] & 0xff;
                }
                break;
            }
            case INT32: {
                int[] v = t.toIntArray();
                for (int i = 0; i < bits.length; i++) {
                    bits[i] = v[i];
                }
                break;
            }
            case FLOAT16:
            case BFLOAT16: {
                short[] v = t.toShortArray();
                for (int i = 0; i < bits.length; i++) {
                    bits[i] = v[i] & 0xffff;
                }
                break;
            }
            default:
                throw new AssertionError(t.dtype());
        }
        return bits;
    }

    /** Raw bits back into a tensor of the given type. */
    static Tensor fromBits(long[] bits, DType dtype, long[] shape) {
        switch (dtype) {
            case FLOAT32: {
                float[] a = new float[bits.length];
                for (int i = 0; i < a.length; i++) {
                    a[i] = Float.intBitsToFloat((int) bits[i]);
                }
                return Tensor.of(a, shape);
            }
            case FLOAT64: {
                double[] a = new double[bits.length];
                for (int i = 0; i < a.length; i++) {
                    a[i] = Double.longBitsToDouble(bits[i]);
                }
                return Tensor.of(a, shape);
            }
            case UINT8: {
                byte[] a = new byte[bits.length];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (byte) bits[i];
                }
                return Tensor.ofUint8(a, shape);
            }
            case INT32:
                return Tensor.of(Arrays.stream(bits).mapToInt(v -> (int) v).toArray(), shape);
            case FLOAT16:
            case BFLOAT16: {
                short[] a = new short[bits.length];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (short) bits[i];
                }
                return dtype == DType.FLOAT16 ? Tensor.ofFloat16(a, shape) : Tensor.ofBFloat16(a, shape);
            }
            default: throw new AssertionError(dtype);
        }
    }

    // ------------------------------------------------------------------ comparisons

    /** Same type, same shape and the same bits everywhere; the message names the first difference. */
    static void assertSameBits(Tensor expected, Tensor actual, String what) {
        assertEquals(expected.dtype(), actual.dtype(), "dtype, " + what);
        assertArrayEquals(expected.shape(), actual.shape(), "shape, " + what);
        long[] e = bits(expected), a = bits(actual);
        for (int i = 0; i < e.length; i++) {
            if (e[i] != a[i]) {
                int different = 0;
                for (int j = 0; j < e.length; j++) {
                    different += e[j] != a[j] ? 1 : 0;
                }
                fail("element " + i + " (flat) differs: expected " + expected.getDouble(i) + " (bits 0x"
                        + Long.toHexString(e[i]) + ") but got " + actual.getDouble(i) + " (bits 0x"
                        + Long.toHexString(a[i]) + "); " + different + " of " + e.length + " elements differ; " + what);
            }
        }
    }

    /** Each value within {@code relative · (1 + |expected|)}; the message names the first failure. */
    static void assertClose(double[] expected, Tensor actual, double relative, String what) {
        double[] a = actual.toDoubleArray();
        assertEquals(expected.length, a.length, "element count, " + what);
        for (int i = 0; i < a.length; i++) {
            double tolerance = relative * (1 + Math.abs(expected[i]));
            if (!(Math.abs(a[i] - expected[i]) <= tolerance)) {
                fail("element " + i + " (flat): expected " + expected[i] + " but got " + a[i] + " (tolerance "
                        + tolerance + "); " + what);
            }
        }
    }
}
