package org.unfold4j.internal.cpu;

import java.util.Arrays;

/** The element loops over uint8 ({@code byte[]}: copies only, so the sign of a byte never matters): Note [one element type per pass] in ElementOps. */
final class Uint8Ops extends ElementOps {
    @Override
    void copyLoop(Object src, int srcPos, int srcStride, Object dst, int dstPos, int dstStride, int len) {
        byte[] s = (byte[]) src, d = (byte[]) dst;
        for (int i = 0; i < len; i++, srcPos += srcStride, dstPos += dstStride) {
            d[dstPos] = s[srcPos];
        }
    }

    @Override
    void gather(Object src, int srcBase, int[] offsets, int len, Object dst, int dstPos) {
        byte[] s = (byte[]) src, d = (byte[]) dst;
        for (int i = 0; i < len; i++) {
            d[dstPos + i] = s[srcBase + offsets[i]];
        }
    }

    @Override
    void fill(Object dst, int from, int to) {
        Arrays.fill((byte[]) dst, from, to, (byte) 0);
    }

    @Override
    void zeroLoop(Object dst, int dstPos, int dstStride, int len) {
        byte[] d = (byte[]) dst;
        for (int i = 0; i < len; i++, dstPos += dstStride) {
            d[dstPos] = 0;
        }
    }

    @Override
    Object newArray(int length) {
        return new byte[length];
    }

    @Override
    boolean holds(Object array, int length) {
        return array instanceof byte[] a && a.length >= length;
    }
}
