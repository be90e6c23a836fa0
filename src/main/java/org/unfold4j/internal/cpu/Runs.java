package org.unfold4j.internal.cpu;

/**
 * Strided runs over the primitive arrays behind tensors, one switch on the array type per run
 * rather than per element. Positions and strides are element indices.
 */
final class Runs {
    private Runs() {
    }

    /**
     * dst[dstPos + i·dstStride] = src[srcPos + i·srcStride] for i in [0, len); strides may be 0
     * or negative. Runs of a few elements (the border taps of a row) go through the loop:
     * System.arraycopy's checks cost more than copying them.
     */
    static void copy(Object src, int srcPos, int srcStride, Object dst, int dstPos, int dstStride, int len) {
        if (srcStride == 1 && dstStride == 1 && len >= 8) {
            System.arraycopy(src, srcPos, dst, dstPos, len);
        } else if (src instanceof float[] s) {
            float[] d = (float[]) dst;
            for (int i = 0; i < len; i++, srcPos += srcStride, dstPos += dstStride) {
                d[dstPos] = s[srcPos];
            }
        } else if (src instanceof double[] s) {
            double[] d = (double[]) dst;
            for (int i = 0; i < len; i++, srcPos += srcStride, dstPos += dstStride) {
                d[dstPos] = s[srcPos];
            }
        } else if (src instanceof byte[] s) {
            byte[] d = (byte[]) dst;
            for (int i = 0; i < len; i++, srcPos += srcStride, dstPos += dstStride) {
                d[dstPos] = s[srcPos];
            }
        } else {
            int[] s = (int[]) src, d = (int[]) dst;
            for (int i = 0; i < len; i++, srcPos += srcStride, dstPos += dstStride) {
                d[dstPos] = s[srcPos];
            }
        }
    }

    /**
     * dst[dstPos + i] = src[srcBase + offsets[i]] for i in [0, len): one flat loop over windows
     * laid out in rows, where a loop per row of a few windows costs more than the copy.
     */
    static void gather(Object src, int srcBase, int[] offsets, int len, Object dst, int dstPos) {
        if (src instanceof float[] s) {
            float[] d = (float[]) dst;
            for (int i = 0; i < len; i++) {
                d[dstPos + i] = s[srcBase + offsets[i]];
            }
        } else if (src instanceof double[] s) {
            double[] d = (double[]) dst;
            for (int i = 0; i < len; i++) {
                d[dstPos + i] = s[srcBase + offsets[i]];
            }
        } else if (src instanceof byte[] s) {
            byte[] d = (byte[]) dst;
            for (int i = 0; i < len; i++) {
                d[dstPos + i] = s[srcBase + offsets[i]];
            }
        } else {
            int[] s = (int[]) src, d = (int[]) dst;
            for (int i = 0; i < len; i++) {
                d[dstPos + i] = s[srcBase + offsets[i]];
            }
        }
    }

    /**
     * dst[dstPos + i] = 0 + src[srcBase + offsets[i]] for every i: {@link #gather} with
     * {@link #set}'s sum on a zero (-0.0 becomes +0.0, as fold's kernels give); float32 or float64.
     */
    static void gatherSet(Object dst, int dstPos, Object src, int srcBase, int[] offsets) {
        int len = offsets.length;
        if (dst instanceof float[] d) {
            float[] s = (float[]) src;
            for (int i = 0; i < len; i++) {
                d[dstPos + i] = 0f + s[srcBase + offsets[i]];
            }
        } else {
            double[] d = (double[]) dst, s = (double[]) src;
            for (int i = 0; i < len; i++) {
                d[dstPos + i] = 0d + s[srcBase + offsets[i]];
            }
        }
    }

    /** dst[dstBase + offsets[i]] = 0 + src[srcPos + i] for i in [0, len) ({@link #set}'s sum); float32 or float64. */
    static void scatterSet(Object dst, int dstBase, int[] offsets, int len, Object src, int srcPos) {
        if (dst instanceof float[] d) {
            float[] s = (float[]) src;
            for (int i = 0; i < len; i++) {
                d[dstBase + offsets[i]] = 0f + s[srcPos + i];
            }
        } else {
            double[] d = (double[]) dst, s = (double[]) src;
            for (int i = 0; i < len; i++) {
                d[dstBase + offsets[i]] = 0d + s[srcPos + i];
            }
        }
    }

    /** dst[dstBase + offsets[i]] += src[srcPos + i] for i in [0, len) (offsets distinct); float32 or float64. */
    static void scatterAdd(Object dst, int dstBase, int[] offsets, int len, Object src, int srcPos) {
        if (dst instanceof float[] d) {
            float[] s = (float[]) src;
            for (int i = 0; i < len; i++) {
                d[dstBase + offsets[i]] += s[srcPos + i];
            }
        } else {
            double[] d = (double[]) dst, s = (double[]) src;
            for (int i = 0; i < len; i++) {
                d[dstBase + offsets[i]] += s[srcPos + i];
            }
        }
    }

    /** dst[dstPos + i·dstStride] = 0 for i in [0, len). */
    static void zero(Object dst, int dstPos, int dstStride, int len) {
        if (len <= 0) {
            return;
        }
        if (dstStride == 1) {
            int to = dstPos + len;
            if (dst instanceof float[] d) {
                java.util.Arrays.fill(d, dstPos, to, 0f);
            } else if (dst instanceof double[] d) {
                java.util.Arrays.fill(d, dstPos, to, 0d);
            } else if (dst instanceof byte[] d) {
                java.util.Arrays.fill(d, dstPos, to, (byte) 0);
            } else {
                java.util.Arrays.fill((int[]) dst, dstPos, to, 0);
            }
        } else if (dst instanceof float[] d) {
            for (int i = 0; i < len; i++, dstPos += dstStride) {
                d[dstPos] = 0f;
            }
        } else if (dst instanceof double[] d) {
            for (int i = 0; i < len; i++, dstPos += dstStride) {
                d[dstPos] = 0d;
            }
        } else if (dst instanceof byte[] d) {
            for (int i = 0; i < len; i++, dstPos += dstStride) {
                d[dstPos] = 0;
            }
        } else {
            int[] d = (int[]) dst;
            for (int i = 0; i < len; i++, dstPos += dstStride) {
                d[dstPos] = 0;
            }
        }
    }

    /**
     * dst[dstPos + i·dstStride] = 0 + src[srcPos + i·srcStride]: what {@link #add} gives on a
     * zeroed destination, bit for bit (-0.0 becomes +0.0), without reading it. float32 or float64.
     */
    static void set(Object dst, int dstPos, int dstStride, Object src, int srcPos, int srcStride, int len) {
        if (dst instanceof float[] d) {
            float[] s = (float[]) src;
            for (int i = 0; i < len; i++, srcPos += srcStride, dstPos += dstStride) {
                d[dstPos] = 0f + s[srcPos];
            }
        } else {
            double[] d = (double[]) dst, s = (double[]) src;
            for (int i = 0; i < len; i++, srcPos += srcStride, dstPos += dstStride) {
                d[dstPos] = 0d + s[srcPos];
            }
        }
    }

    /** dst[dstPos + i·dstStride] += src[srcPos + i·srcStride] for i in [0, len); float32 or float64. */
    static void add(Object dst, int dstPos, int dstStride, Object src, int srcPos, int srcStride, int len) {
        if (dst instanceof float[] d) {
            float[] s = (float[]) src;
            if (dstStride == 1 && srcStride == 1) {
                for (int i = 0; i < len; i++) {
                    d[dstPos + i] += s[srcPos + i];
                }
            } else {
                for (int i = 0; i < len; i++, srcPos += srcStride, dstPos += dstStride) {
                    d[dstPos] += s[srcPos];
                }
            }
        } else {
            double[] d = (double[]) dst, s = (double[]) src;
            for (int i = 0; i < len; i++, srcPos += srcStride, dstPos += dstStride) {
                d[dstPos] += s[srcPos];
            }
        }
    }

    /**
     * dst[dstPos + i] = ((dst[dstPos + i] + src[a + i]) + src[b + i]) + src[c + i] for i in
     * [0, len): three runs added in that order in one pass, reading and writing the
     * destination once instead of three times; float32 or float64.
     */
    static void add3(Object dst, int dstPos, Object src, int a, int b, int c, int len) {
        if (dst instanceof float[] d) {
            float[] s = (float[]) src;
            for (int i = 0; i < len; i++) {
                d[dstPos + i] = ((d[dstPos + i] + s[a + i]) + s[b + i]) + s[c + i];
            }
        } else {
            double[] d = (double[]) dst, s = (double[]) src;
            for (int i = 0; i < len; i++) {
                d[dstPos + i] = ((d[dstPos + i] + s[a + i]) + s[b + i]) + s[c + i];
            }
        }
    }

    /**
     * Divides the sums of one image row by their window counts ({@code countX[x]·countZY}); a
     * pixel no window covers becomes 0. Float division is correctly rounded here as in the
     * kernels (built with {@code -cl-fp32-correctly-rounded-divide-sqrt}).
     */
    static void divide(Object dst, int pos, int stride, int[] countX, long countZY) {
        if (dst instanceof float[] d) {
            for (int i = 0; i < countX.length; i++, pos += stride) {
                long count = countX[i] * countZY;
                d[pos] = count > 0 ? d[pos] / (float) count : 0f;
            }
        } else {
            double[] d = (double[]) dst;
            for (int i = 0; i < countX.length; i++, pos += stride) {
                long count = countX[i] * countZY;
                d[pos] = count > 0 ? d[pos] / (double) count : 0d;
            }
        }
    }
}
