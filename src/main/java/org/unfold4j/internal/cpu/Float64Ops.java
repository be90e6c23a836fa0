package org.unfold4j.internal.cpu;

import java.util.Arrays;

/** The element loops over float64 ({@code double[]}): Note [one element type per pass] in ElementOps. */
final class Float64Ops extends ElementOps {
    @Override
    void copyLoop(Object src, int srcPos, int srcStride, Object dst, int dstPos, int dstStride, int len) {
        double[] s = (double[]) src, d = (double[]) dst;
        for (int i = 0; i < len; i++, srcPos += srcStride, dstPos += dstStride) {
            d[dstPos] = s[srcPos];
        }
    }

    @Override
    void gather(Object src, int srcBase, int[] offsets, int len, Object dst, int dstPos) {
        double[] s = (double[]) src, d = (double[]) dst;
        for (int i = 0; i < len; i++) {
            d[dstPos + i] = s[srcBase + offsets[i]];
        }
    }

    @Override
    void fill(Object dst, int from, int to) {
        Arrays.fill((double[]) dst, from, to, 0d);
    }

    @Override
    void zeroLoop(Object dst, int dstPos, int dstStride, int len) {
        double[] d = (double[]) dst;
        for (int i = 0; i < len; i++, dstPos += dstStride) {
            d[dstPos] = 0d;
        }
    }

    @Override
    Object newArray(int length) {
        return new double[length];
    }

    @Override
    boolean holds(Object array, int length) {
        return array instanceof double[] a && a.length >= length;
    }

    @Override
    void gatherSet(Object dst, int dstPos, Object src, int srcBase, int[] offsets) {
        double[] d = (double[]) dst, s = (double[]) src;
        int len = offsets.length;
        for (int i = 0; i < len; i++) {
            d[dstPos + i] = 0d + s[srcBase + offsets[i]];
        }
    }

    @Override
    void scatterSet(Object dst, int dstBase, int[] offsets, int len, Object src, int srcPos) {
        double[] d = (double[]) dst, s = (double[]) src;
        for (int i = 0; i < len; i++) {
            d[dstBase + offsets[i]] = 0d + s[srcPos + i];
        }
    }

    @Override
    void scatterAdd(Object dst, int dstBase, int[] offsets, int len, Object src, int srcPos) {
        double[] d = (double[]) dst, s = (double[]) src;
        for (int i = 0; i < len; i++) {
            d[dstBase + offsets[i]] += s[srcPos + i];
        }
    }

    @Override
    void set(Object dst, int dstPos, int dstStride, Object src, int srcPos, int srcStride, int len) {
        double[] d = (double[]) dst, s = (double[]) src;
        for (int i = 0; i < len; i++, srcPos += srcStride, dstPos += dstStride) {
            d[dstPos] = 0d + s[srcPos];
        }
    }

    @Override
    void add(Object dst, int dstPos, int dstStride, Object src, int srcPos, int srcStride, int len) {
        double[] d = (double[]) dst, s = (double[]) src;
        for (int i = 0; i < len; i++, srcPos += srcStride, dstPos += dstStride) {
            d[dstPos] += s[srcPos];
        }
    }

    @Override
    void add3(Object dst, int dstPos, Object src, int a, int b, int c, int len) {
        double[] d = (double[]) dst, s = (double[]) src;
        for (int i = 0; i < len; i++) {
            d[dstPos + i] = ((d[dstPos + i] + s[a + i]) + s[b + i]) + s[c + i];
        }
    }

    @Override
    void divide(Object dst, int pos, int stride, int[] countX, long countZY) {
        double[] d = (double[]) dst;
        for (int i = 0; i < countX.length; i++, pos += stride) {
            long count = countX[i] * countZY;
            d[pos] = count > 0 ? d[pos] / (double) count : 0d;
        }
    }
}
