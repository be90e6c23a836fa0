package org.unfold4j.internal.cpu;

import java.util.Arrays;

/** The element loops over int32 ({@code int[]}): Note [one element type per pass] in ElementOps. */
final class Int32Ops extends ElementOps {
    @Override
    void copyLoop(Object src, int srcPos, int srcStride, Object dst, int dstPos, int dstStride, int len) {
        int[] s = (int[]) src, d = (int[]) dst;
        for (int i = 0; i < len; i++, srcPos += srcStride, dstPos += dstStride) {
            d[dstPos] = s[srcPos];
        }
    }

    @Override
    void gather(Object src, int srcBase, int[] offsets, int len, Object dst, int dstPos) {
        int[] s = (int[]) src, d = (int[]) dst;
        for (int i = 0; i < len; i++) {
            d[dstPos + i] = s[srcBase + offsets[i]];
        }
    }

    @Override
    void fill(Object dst, int from, int to) {
        Arrays.fill((int[]) dst, from, to, 0);
    }

    @Override
    void zeroLoop(Object dst, int dstPos, int dstStride, int len) {
        int[] d = (int[]) dst;
        for (int i = 0; i < len; i++, dstPos += dstStride) {
            d[dstPos] = 0;
        }
    }

    @Override
    Object newArray(int length) {
        return new int[length];
    }

    @Override
    boolean holds(Object array, int length) {
        return array instanceof int[] a && a.length >= length;
    }
}
