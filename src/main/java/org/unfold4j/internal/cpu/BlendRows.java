package org.unfold4j.internal.cpu;

/**
 * The element loops of the weighted and max folds (FoldPass.blendRow), over the primitive array
 * of the pass's type: one type test per run, never per element, as in ElementOps (Note [one
 * element type per pass] there). Kept apart from ElementOps so that a new element type needs no
 * blending loops until it folds by weight or maximum: an unsupported array type throws.
 * Positions and strides are element indices.
 *
 * <p>Weighted: {@code num += w·x} with the product rounded to the type before the sum (Java
 * never fuses a multiply-add) and {@code den += w}, then {@code den > 0 ? num / den : 0}: Note
 * [weighted fold order] in FoldWeights. Max: {@code m = Math.max(m, v)} from the type's lowest
 * value; uint8 compares unsigned.
 *
 * <p>Note [max of floats]: the float max is Java's {@code Math.max(m, v)}: NaN if either is NaN
 * (the NaN already in {@code m}, else {@code v}: the first NaN a pixel meets), and +0.0 above
 * -0.0, so the order of the taps changes no bit. fold.cl's FOLD_MAX writes the same rule out
 * (OpenCL's fmax drops NaNs). {@code Math.max} is an intrinsic without branches, which random
 * data would mispredict half the time (it ran at half the weighted fold's speed with them).
 */
final class BlendRows {
    private BlendRows() {
    }

    /** dst[pos + i·stride] = the type's lowest value (−∞, Integer.MIN_VALUE, 0 for uint8) for i in [0, len). */
    static void lowest(Object dst, int pos, int stride, int len) {
        if (dst instanceof float[] d) {
            for (int i = 0; i < len; i++) {
                d[pos + i * stride] = Float.NEGATIVE_INFINITY;
            }
        } else if (dst instanceof double[] d) {
            for (int i = 0; i < len; i++) {
                d[pos + i * stride] = Double.NEGATIVE_INFINITY;
            }
        } else if (dst instanceof int[] d) {
            for (int i = 0; i < len; i++) {
                d[pos + i * stride] = Integer.MIN_VALUE;
            }
        } else if (dst instanceof byte[] d) {
            for (int i = 0; i < len; i++) {
                d[pos + i * stride] = 0;
            }
        } else {
            throw unsupported(dst);
        }
    }

    /** dst[dstPos + i·dstStride] = max(dst[…], src[srcPos + i·srcStride]) for i in [0, len), NaN propagating. */
    static void max(Object dst, int dstPos, int dstStride, Object src, int srcPos, int srcStride, int len) {
        if (dst instanceof float[] d) {
            float[] s = (float[]) src;
            for (int i = 0; i < len; i++) {
                float v = s[srcPos + i * srcStride];
                int at = dstPos + i * dstStride;
                d[at] = Math.max(d[at], v);  // an intrinsic without branches; Note [max of floats] in the class
            }
        } else if (dst instanceof double[] d) {
            double[] s = (double[]) src;
            for (int i = 0; i < len; i++) {
                double v = s[srcPos + i * srcStride];
                int at = dstPos + i * dstStride;
                d[at] = Math.max(d[at], v);
            }
        } else if (dst instanceof int[] d) {
            int[] s = (int[]) src;
            for (int i = 0; i < len; i++) {
                int at = dstPos + i * dstStride;
                d[at] = Math.max(d[at], s[srcPos + i * srcStride]);
            }
        } else if (dst instanceof byte[] d) {
            byte[] s = (byte[]) src;
            for (int i = 0; i < len; i++) {
                byte v = s[srcPos + i * srcStride];
                int at = dstPos + i * dstStride;
                if ((v & 0xff) > (d[at] & 0xff)) {
                    d[at] = v;
                }
            }
        } else {
            throw unsupported(dst);
        }
    }

    /** dst[dstPos + i·dstStride] += w · src[srcPos + i·srcStride] for i in [0, len), the product rounded first. */
    static void addWeighted(Object dst, int dstPos, int dstStride, Object src, int srcPos, int srcStride, int len, float w) {
        if (dst instanceof float[] d) {
            float[] s = (float[]) src;
            for (int i = 0; i < len; i++) {
                d[dstPos + i * dstStride] += w * s[srcPos + i * srcStride];
            }
        } else if (dst instanceof double[] d) {
            double[] s = (double[]) src;
            double wd = w;
            for (int i = 0; i < len; i++) {
                d[dstPos + i * dstStride] += wd * s[srcPos + i * srcStride];
            }
        } else {
            throw unsupported(dst);
        }
    }

    /**
     * {@link #addWeighted} and {@link #addWeight} in one pass: dst[dstPos + i·dstStride] += w ·
     * src[srcPos + i·srcStride] and den[denPos + i·denStride] += w for i in [0, len).
     */
    static void addWeightedAndWeight(Object dst, int dstPos, int dstStride, Object den, int denPos, int denStride,
                                     Object src, int srcPos, int srcStride, int len, float w) {
        if (dst instanceof float[] d) {
            float[] s = (float[]) src, e = (float[]) den;
            for (int i = 0; i < len; i++) {
                d[dstPos + i * dstStride] += w * s[srcPos + i * srcStride];
                e[denPos + i * denStride] += w;
            }
        } else if (dst instanceof double[] d) {
            double[] s = (double[]) src, e = (double[]) den;
            double wd = w;
            for (int i = 0; i < len; i++) {
                d[dstPos + i * dstStride] += wd * s[srcPos + i * srcStride];
                e[denPos + i * denStride] += wd;
            }
        } else {
            throw unsupported(dst);
        }
    }

    /** den[pos + i·stride] += w for i in [0, len). */
    static void addWeight(Object den, int pos, int stride, int len, float w) {
        if (den instanceof float[] d) {
            for (int i = 0; i < len; i++) {
                d[pos + i * stride] += w;
            }
        } else if (den instanceof double[] d) {
            double wd = w;
            for (int i = 0; i < len; i++) {
                d[pos + i * stride] += wd;
            }
        } else {
            throw unsupported(den);
        }
    }

    /*
     * The weighted fold in the specialised variants (Note [weighted sums in the fast variants] in
     * FoldPass): the sum passes' loops with each column value multiplied by its offset's weight
     * first, the product rounded to the type (float32 · float32 in float, the weight widened
     * exactly for float64), then added as the sum adds it.
     */

    /** dst[dstPos + i·dstStride] = 0 + w · src[srcPos + i·srcStride] for i in [0, len): addWeighted on a zeroed row (ElementOps.set). */
    static void setWeighted(Object dst, int dstPos, int dstStride, Object src, int srcPos, int srcStride, int len, float w) {
        if (dst instanceof float[] d) {
            float[] s = (float[]) src;
            for (int i = 0; i < len; i++) {
                d[dstPos + i * dstStride] = 0f + w * s[srcPos + i * srcStride];
            }
        } else if (dst instanceof double[] d) {
            double[] s = (double[]) src;
            double wd = w;
            for (int i = 0; i < len; i++) {
                d[dstPos + i * dstStride] = 0d + wd * s[srcPos + i * srcStride];
            }
        } else {
            throw unsupported(dst);
        }
    }

    /** ElementOps.add3 with weights: dst[dstPos + i] = ((dst[…] + wa·src[a + i]) + wb·src[b + i]) + wc·src[c + i]. */
    static void add3Weighted(Object dst, int dstPos, Object src, int a, int b, int c, int len, float wa, float wb, float wc) {
        if (dst instanceof float[] d) {
            float[] s = (float[]) src;
            for (int i = 0; i < len; i++) {
                d[dstPos + i] = ((d[dstPos + i] + wa * s[a + i]) + wb * s[b + i]) + wc * s[c + i];
            }
        } else if (dst instanceof double[] d) {
            double[] s = (double[]) src;
            double da = wa, db = wb, dc = wc;
            for (int i = 0; i < len; i++) {
                d[dstPos + i] = ((d[dstPos + i] + da * s[a + i]) + db * s[b + i]) + dc * s[c + i];
            }
        } else {
            throw unsupported(dst);
        }
    }

    /** ElementOps.scatterAdd with a weight: dst[dstBase + offsets[i]] += w · src[srcPos + i] for i in [0, len). */
    static void scatterAddWeighted(Object dst, int dstBase, int[] offsets, int len, Object src, int srcPos, float w) {
        if (dst instanceof float[] d) {
            float[] s = (float[]) src;
            for (int i = 0; i < len; i++) {
                d[dstBase + offsets[i]] += w * s[srcPos + i];
            }
        } else if (dst instanceof double[] d) {
            double[] s = (double[]) src;
            double wd = w;
            for (int i = 0; i < len; i++) {
                d[dstBase + offsets[i]] += wd * s[srcPos + i];
            }
        } else {
            throw unsupported(dst);
        }
    }

    /**
     * The weighted fold of pixels that only this tap reaches (patches tiling the image):
     * dst[dstBase + offsets[i]] = den > 0 ? (0 + w · src[srcPos + i]) / den : 0 with den = 0 + w,
     * the one-tap case of Note [weighted fold order] step for step.
     */
    static void scatterSetWeightedMean(Object dst, int dstBase, int[] offsets, int len, Object src, int srcPos, float w) {
        if (dst instanceof float[] d) {
            float[] s = (float[]) src;
            float den = 0f + w;
            if (den > 0) {
                for (int i = 0; i < len; i++) {
                    d[dstBase + offsets[i]] = (0f + w * s[srcPos + i]) / den;
                }
            } else {
                for (int i = 0; i < len; i++) {
                    d[dstBase + offsets[i]] = 0f;
                }
            }
        } else if (dst instanceof double[] d) {
            double[] s = (double[]) src;
            double wd = w, den = 0d + wd;
            if (den > 0) {
                for (int i = 0; i < len; i++) {
                    d[dstBase + offsets[i]] = (0d + wd * s[srcPos + i]) / den;
                }
            } else {
                for (int i = 0; i < len; i++) {
                    d[dstBase + offsets[i]] = 0d;
                }
            }
        } else {
            throw unsupported(dst);
        }
    }

    /**
     * dst[pos + x·stride] = den[denPos + x] > 0 ? dst[…] / den[denPos + x] : 0 for x in [0, width),
     * a row of the weight sums' plane; {@code positive}: every one of them is above 0, so the
     * row divides without the test (a loop the compiler vectorises).
     */
    static void divide(Object dst, int pos, int stride, Object den, int denPos, int width, boolean positive) {
        if (dst instanceof float[] d) {
            float[] w = (float[]) den;
            if (positive && stride == 1) {
                for (int x = 0; x < width; x++) {
                    d[pos + x] = d[pos + x] / w[denPos + x];
                }
                return;
            }
            for (int x = 0; x < width; x++) {
                int at = pos + x * stride;
                d[at] = w[denPos + x] > 0 ? d[at] / w[denPos + x] : 0f;
            }
        } else if (dst instanceof double[] d) {
            double[] w = (double[]) den;
            if (positive && stride == 1) {
                for (int x = 0; x < width; x++) {
                    d[pos + x] = d[pos + x] / w[denPos + x];
                }
                return;
            }
            for (int x = 0; x < width; x++) {
                int at = pos + x * stride;
                d[at] = w[denPos + x] > 0 ? d[at] / w[denPos + x] : 0d;
            }
        } else {
            throw unsupported(dst);
        }
    }

    /** dst[dstPos + x] = den[denPos + x] > 0 ? src[srcPos + x] / den[denPos + x] : 0 for x in [0, width): {@link #divide} of a row summed elsewhere. */
    static void divideInto(Object src, int srcPos, Object den, int denPos, Object dst, int dstPos, int width, boolean positive) {
        if (dst instanceof float[] d) {
            float[] s = (float[]) src, w = (float[]) den;
            if (positive) {
                for (int x = 0; x < width; x++) {
                    d[dstPos + x] = s[srcPos + x] / w[denPos + x];
                }
            } else {
                for (int x = 0; x < width; x++) {
                    d[dstPos + x] = w[denPos + x] > 0 ? s[srcPos + x] / w[denPos + x] : 0f;
                }
            }
        } else if (dst instanceof double[] d) {
            double[] s = (double[]) src, w = (double[]) den;
            if (positive) {
                for (int x = 0; x < width; x++) {
                    d[dstPos + x] = s[srcPos + x] / w[denPos + x];
                }
            } else {
                for (int x = 0; x < width; x++) {
                    d[dstPos + x] = w[denPos + x] > 0 ? s[srcPos + x] / w[denPos + x] : 0d;
                }
            }
        } else {
            throw unsupported(dst);
        }
    }

    /** dst[pos + x·stride] = den[x] > 0 ? dst[…] / den[x] : 0 for x in [0, width): the weighted mean of one row. */
    static void divide(Object dst, int pos, int stride, Object den, int width) {
        if (dst instanceof float[] d) {
            float[] w = (float[]) den;
            for (int x = 0; x < width; x++) {
                int at = pos + x * stride;
                d[at] = w[x] > 0 ? d[at] / w[x] : 0f;
            }
        } else if (dst instanceof double[] d) {
            double[] w = (double[]) den;
            for (int x = 0; x < width; x++) {
                int at = pos + x * stride;
                d[at] = w[x] > 0 ? d[at] / w[x] : 0d;
            }
        } else {
            throw unsupported(dst);
        }
    }

    /** dst[pos + x·stride] = 0 where no window covers pixel x ({@code countX[x]·countZY == 0}) of one row. */
    static void zeroUncovered(ElementOps ops, Object dst, int pos, int stride, int[] countX, long countZY) {
        if (countZY == 0) {
            ops.zero(dst, pos, stride, countX.length);
            return;
        }
        for (int x = 0; x < countX.length; x++) {
            if (countX[x] == 0) {
                ops.zero(dst, pos + x * stride, 1, 1);
            }
        }
    }

    private static UnsupportedOperationException unsupported(Object array) {
        return new UnsupportedOperationException("the weighted and max folds have no loops for "
                + array.getClass().getSimpleName());
    }
}
