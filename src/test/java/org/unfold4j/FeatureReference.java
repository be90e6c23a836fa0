package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A naive reference for the extended features, written from the PyTorch primitives they are
 * defined by and sharing no index arithmetic with the library:
 *
 * <ul>
 *   <li>unfold with a padding mode = {@code F.pad(x, mode)} into a bigger array, one spatial axis
 *       at a time, then a plain loop unfold with padding 0;</li>
 *   <li>channels-last input and patch-major output = index permutations of the channels-first,
 *       column-major reference;</li>
 *   <li>fold = scatter-add of every column value into a padded image, then crop; fold mean = that
 *       sum divided by the reference coverage count (0 where the count is 0).</li>
 * </ul>
 *
 * Unfold is computed on indices: {@link #unfoldSources} says which input element every output
 * element copies (or -1 for a zero), so one reference serves every type, bit for bit.
 */
final class FeatureReference {
    private FeatureReference() {
    }

    // ---- layouts: where element (n, c, position) of the image and (n, c, k, l) of the columns live

    /** Flat index of image element (n, c, spatial position {@code pos}) in the case's image layout. */
    static int imageIndex(FeatureCase f, int n, int c, int[] pos) {
        int s = flat(pos, f.size), volume = f.spatialVolume();
        return f.imageLayout == ImageLayout.CHANNELS_FIRST
                ? (n * f.c + c) * volume + s            // [N, C, *spatial]
                : (n * volume + s) * f.c + c;           // [N, *spatial, C]
    }

    /** Flat index of column element (n, channel c, flat kernel offset k, flat window l) in the case's layouts. */
    static int columnIndex(FeatureCase f, int n, int c, int k, int l) {
        int kk = f.kernelVolume(), ll = f.blockCount(), cc = f.c;
        boolean channelsFirst = f.imageLayout == ImageLayout.CHANNELS_FIRST;
        if (f.columnLayout == ColumnLayout.COLUMNS) {
            // [N, C*K, L]: PyTorch's row order for either image layout (src/test/resources/golden/README.md:
            // "Row order inside a column is PyTorch's everywhere: channel slowest").
            return ((n * cc + c) * kk + k) * ll + l;
        }
        return channelsFirst
                ? ((n * ll + l) * cc + c) * kk + k          // [N, L, C*K]
                : ((n * ll + l) * kk + k) * cc + c;         // [N, L, K*C], TensorFlow extract_patches
    }

    /** Row-major flat index of a multi-index. */
    static int flat(int[] idx, int[] dims) {
        int f = 0;
        for (int d = 0; d < dims.length; d++) {
            f = f * dims[d] + idx[d];
        }
        return f;
    }

    /** The multi-index of row-major flat index {@code f}. */
    static int[] unflat(int f, int[] dims) {
        int[] idx = new int[dims.length];
        for (int d = dims.length - 1; d >= 0; d--) {
            idx[d] = f % dims[d];
            f /= dims[d];
        }
        return idx;
    }

    // ---- unfold

    /**
     * For each element of the unfold output (in the case's column layout), the flat index of the
     * input element it copies, or -1 where it reads zero padding.
     */
    static int[] unfoldSources(FeatureCase f) {
        int planes = f.n * f.c;
        int[] dims = f.size.clone();
        // The image as indices, channels-first [N*C, *spatial]: element -> its flat index in the input.
        int[] a = new int[planes * FeatureCase.volume(dims)];
        for (int n = 0; n < f.n; n++) {
            for (int c = 0; c < f.c; c++) {
                for (int s = 0; s < FeatureCase.volume(dims); s++) {
                    a[(n * f.c + c) * FeatureCase.volume(dims) + s] = imageIndex(f, n, c, unflat(s, dims));
                }
            }
        }
        // F.pad, one axis at a time (the modes are separable: corners come out as F.pad makes them).
        for (int axis = 0; axis < f.rank(); axis++) {
            int[] padded = dims.clone();
            padded[axis] += 2 * f.padding[axis];
            a = padAxis(a, planes, dims, padded, axis, f.padding[axis], f.mode);
            dims = padded;
        }
        // Plain unfold, padding 0.
        int[] blocks = f.blocks();
        int kv = f.kernelVolume(), lv = f.blockCount(), pv = FeatureCase.volume(dims);
        int[] out = new int[f.columnElements()];
        for (int n = 0; n < f.n; n++) {
            for (int c = 0; c < f.c; c++) {
                for (int k = 0; k < kv; k++) {
                    int[] ko = unflat(k, f.kernel);
                    for (int l = 0; l < lv; l++) {
                        int[] o = unflat(l, blocks);
                        int[] q = new int[f.rank()];
                        for (int d = 0; d < f.rank(); d++) {
                            q[d] = o[d] * f.stride[d] + ko[d] * f.dilation[d];
                        }
                        out[columnIndex(f, n, c, k, l)] = a[(n * f.c + c) * pv + flat(q, dims)];
                    }
                }
            }
        }
        return out;
    }

    /**
     * Pads one axis of {@code planes} arrays of shape {@code dims} by {@code p} at both ends, as
     * F.pad: zeros (index -1), reflect ({@code x[p], …, x[1] | x | x[S−2], …, x[S−1−p]}),
     * replicate ({@code x[0] … | x | … x[S−1]}) or circular ({@code x[S−p], …, x[S−1] | x | x[0], …, x[p−1]}).
     */
    private static int[] padAxis(int[] a, int planes, int[] dims, int[] padded, int axis, int p, PaddingMode mode) {
        int size = dims[axis];
        int inVolume = FeatureCase.volume(dims), outVolume = FeatureCase.volume(padded);
        int[] out = new int[planes * outVolume];
        for (int plane = 0; plane < planes; plane++) {
            for (int i = 0; i < outVolume; i++) {
                int[] q = unflat(i, padded);
                int j = q[axis];
                int from;  // coordinate along the axis in the unpadded array, or -1 for a zero
                if (j >= p && j < p + size) {
                    from = j - p;
                } else if (j < p) {  // left border, j = 0 .. p-1
                    switch (mode) {
                        case ZEROS: from = -1; break;
                        case REFLECT: from = p - j; break;
                        case REPLICATE: from = 0; break;
                        case CIRCULAR: from = size - p + j; break;
                        default: throw new AssertionError(mode);
                    }
                } else {  // right border, t = 0 .. p-1
                    int t = j - p - size;
                    switch (mode) {
                        case ZEROS: from = -1; break;
                        case REFLECT: from = size - 2 - t; break;
                        case REPLICATE: from = size - 1; break;
                        case CIRCULAR: from = t; break;
                        default: throw new AssertionError(mode);
                    }
                }
                if (from < 0) {
                    out[plane * outVolume + i] = -1;
                } else {
                    if (from >= size) {
                        throw new AssertionError("F.pad would reject this case: " + mode + " padding " + p + " of size " + size);
                    }
                    q[axis] = from;
                    out[plane * outVolume + i] = a[plane * inVolume + flat(q, dims)];
                }
            }
        }
        return out;
    }

    /** The reference unfold of {@code input}: a tensor of the input's type, zero where {@link #unfoldSources} is -1. */
    static Tensor unfold(FeatureCase f, Tensor input) {
        int[] src = unfoldSources(f);
        long[] shape = f.columnsShape();
        switch (input.dtype()) {
            case FLOAT32: {
                float[] in = input.toFloatArray(), out = new float[src.length];
                for (int i = 0; i < src.length; i++) {
                    out[i] = src[i] < 0 ? 0f : in[src[i]];
                }
                return Tensor.of(out, shape);
            }
            case FLOAT64: {
                double[] in = input.toDoubleArray(), out = new double[src.length];
                for (int i = 0; i < src.length; i++) {
                    out[i] = src[i] < 0 ? 0d : in[src[i]];
                }
                return Tensor.of(out, shape);
            }
            case UINT8: {
                byte[] in = input.toByteArray(), out = new byte[src.length];
                for (int i = 0; i < src.length; i++) {
                    out[i] = src[i] < 0 ? 0 : in[src[i]];
                }
                return Tensor.ofUint8(out, shape);
            }
            case INT32: {
                int[] in = input.toIntArray(), out = new int[src.length];
                for (int i = 0; i < src.length; i++) {
                    out[i] = src[i] < 0 ? 0 : in[src[i]];
                }
                return Tensor.of(out, shape);
            }
            default:
                throw new AssertionError(input.dtype());
        }
    }

    // ---- fold

    /**
     * Fold by scatter-add into the padded image, then crop; in double. {@code columns} is in the
     * case's column layout, the result in its image layout. With {@code ones}, every column value
     * is 1 and the result is the coverage count.
     */
    private static double[] scatter(FeatureCase f, double[] columns, boolean ones) {
        int[] padded = f.size.clone();
        for (int d = 0; d < f.rank(); d++) {
            padded[d] += 2 * f.padding[d];
        }
        int pv = FeatureCase.volume(padded);
        double[] canvas = new double[f.n * f.c * pv];
        int[] blocks = f.blocks();
        for (int n = 0; n < f.n; n++) {
            for (int c = 0; c < f.c; c++) {
                for (int k = 0; k < f.kernelVolume(); k++) {
                    int[] ko = unflat(k, f.kernel);
                    for (int l = 0; l < f.blockCount(); l++) {
                        int[] o = unflat(l, blocks);
                        int[] q = new int[f.rank()];
                        for (int d = 0; d < f.rank(); d++) {
                            q[d] = o[d] * f.stride[d] + ko[d] * f.dilation[d];
                        }
                        canvas[(n * f.c + c) * pv + flat(q, padded)] += ones ? 1 : columns[columnIndex(f, n, c, k, l)];
                    }
                }
            }
        }
        double[] image = new double[f.imageElements()];
        for (int n = 0; n < f.n; n++) {
            for (int c = 0; c < f.c; c++) {
                for (int s = 0; s < f.spatialVolume(); s++) {
                    int[] pos = unflat(s, f.size);
                    int[] q = pos.clone();
                    for (int d = 0; d < f.rank(); d++) {
                        q[d] += f.padding[d];
                    }
                    image[imageIndex(f, n, c, pos)] = canvas[(n * f.c + c) * pv + flat(q, padded)];
                }
            }
        }
        return image;
    }

    /** Fold sum (nn.Fold), in double, image in the case's layout. */
    static double[] foldSum(FeatureCase f, double[] columns) {
        return scatter(f, columns, false);
    }

    /** How many windows cover each image element (in the case's image layout). */
    static int[] coverage(FeatureCase f) {
        double[] count = scatter(f, null, true);
        int[] r = new int[count.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = (int) count[i];
        }
        return r;
    }

    /** Fold mean: the sum divided by the coverage count, 0 where no window covers. */
    static double[] foldMean(FeatureCase f, double[] columns) {
        double[] sum = foldSum(f, columns);
        int[] count = coverage(f);
        double[] mean = new double[sum.length];
        for (int i = 0; i < sum.length; i++) {
            mean[i] = count[i] == 0 ? 0 : sum[i] / count[i];
        }
        return mean;
    }

    static double[] fold(FeatureCase f, FoldMode mode, double[] columns) {
        return mode == FoldMode.SUM ? foldSum(f, columns) : foldMean(f, columns);
    }

    // ---- comparisons

    /** The raw bits of every element: float/double bit patterns, uint8 0..255, int32 values. */
    static long[] rawBits(Tensor t) {
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
            default:
                throw new AssertionError(t.dtype());
        }
        return bits;
    }

    /** Same type, same shape and the same bits everywhere; the message names the first difference. */
    static void assertSameBits(Tensor expected, Tensor actual, String what) {
        assertEquals(expected.dtype(), actual.dtype(), "dtype, " + what);
        assertArrayEquals(expected.shape(), actual.shape(), "shape, " + what);
        long[] e = rawBits(expected), a = rawBits(actual);
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
