package org.unfold4j.internal.cpu;

import java.util.Arrays;

/** The element loops over float32 ({@code float[]}): Note [one element type per pass] in ElementOps. */
final class Float32Ops extends ElementOps {
    @Override
    void copyLoop(Object src, int srcPos, int srcStride, Object dst, int dstPos, int dstStride, int len) {
        float[] s = (float[]) src, d = (float[]) dst;
        for (int i = 0; i < len; i++, srcPos += srcStride, dstPos += dstStride) {
            d[dstPos] = s[srcPos];
        }
    }

    @Override
    void gather(Object src, int srcBase, int[] offsets, int len, Object dst, int dstPos) {
        float[] s = (float[]) src, d = (float[]) dst;
        for (int i = 0; i < len; i++) {
            d[dstPos + i] = s[srcBase + offsets[i]];
        }
    }

    @Override
    void fill(Object dst, int from, int to) {
        Arrays.fill((float[]) dst, from, to, 0f);
    }

    @Override
    void zeroLoop(Object dst, int dstPos, int dstStride, int len) {
        float[] d = (float[]) dst;
        for (int i = 0; i < len; i++, dstPos += dstStride) {
            d[dstPos] = 0f;
        }
    }

    @Override
    Object newArray(int length) {
        return new float[length];
    }

    @Override
    boolean holds(Object array, int length) {
        return array instanceof float[] a && a.length >= length;
    }

    @Override
    void gatherSet(Object dst, int dstPos, Object src, int srcBase, int[] offsets) {
        float[] d = (float[]) dst, s = (float[]) src;
        int len = offsets.length;
        for (int i = 0; i < len; i++) {
            d[dstPos + i] = 0f + s[srcBase + offsets[i]];
        }
    }

    @Override
    void scatterSet(Object dst, int dstBase, int[] offsets, int len, Object src, int srcPos) {
        float[] d = (float[]) dst, s = (float[]) src;
        for (int i = 0; i < len; i++) {
            d[dstBase + offsets[i]] = 0f + s[srcPos + i];
        }
    }

    @Override
    void scatterAdd(Object dst, int dstBase, int[] offsets, int len, Object src, int srcPos) {
        float[] d = (float[]) dst, s = (float[]) src;
        for (int i = 0; i < len; i++) {
            d[dstBase + offsets[i]] += s[srcPos + i];
        }
    }

    @Override
    void set(Object dst, int dstPos, int dstStride, Object src, int srcPos, int srcStride, int len) {
        float[] d = (float[]) dst, s = (float[]) src;
        for (int i = 0; i < len; i++, srcPos += srcStride, dstPos += dstStride) {
            d[dstPos] = 0f + s[srcPos];
        }
    }

    @Override
    void add(Object dst, int dstPos, int dstStride, Object src, int srcPos, int srcStride, int len) {
        float[] d = (float[]) dst, s = (float[]) src;
        if (dstStride == 1 && srcStride == 1) {
            for (int i = 0; i < len; i++) {
                d[dstPos + i] += s[srcPos + i];
            }
        } else {
            for (int i = 0; i < len; i++, srcPos += srcStride, dstPos += dstStride) {
                d[dstPos] += s[srcPos];
            }
        }
    }

    @Override
    void add3(Object dst, int dstPos, Object src, int a, int b, int c, int len) {
        float[] d = (float[]) dst, s = (float[]) src;
        for (int i = 0; i < len; i++) {
            d[dstPos + i] = ((d[dstPos + i] + s[a + i]) + s[b + i]) + s[c + i];
        }
    }

    @Override
    void divide(Object dst, int pos, int stride, int[] countX, long countZY) {
        float[] d = (float[]) dst;
        for (int i = 0; i < countX.length; i++, pos += stride) {
            long count = countX[i] * countZY;
            d[pos] = count > 0 ? d[pos] / (float) count : 0f;
        }
    }
}
