package org.unfold4j.internal.cpu;

import java.util.Arrays;

/** The element loops over the 16-bit float types ({@code short[]} of float16 or bfloat16 bits): copies only, bit for bit; fold sums them in float32 (Note [16-bit folds] in JavaEngine). Note [one element type per pass] in ElementOps. */
final class Bits16Ops extends ElementOps {
    @Override
    void copyLoop(Object src, int srcPos, int srcStride, Object dst, int dstPos, int dstStride, int len) {
        short[] s = (short[]) src, d = (short[]) dst;
        for (int i = 0; i < len; i++, srcPos += srcStride, dstPos += dstStride) {
            d[dstPos] = s[srcPos];
        }
    }

    @Override
    void gather(Object src, int srcBase, int[] offsets, int len, Object dst, int dstPos) {
        short[] s = (short[]) src, d = (short[]) dst;
        for (int i = 0; i < len; i++) {
            d[dstPos + i] = s[srcBase + offsets[i]];
        }
    }

    @Override
    void fill(Object dst, int from, int to) {
        Arrays.fill((short[]) dst, from, to, (short) 0);
    }

    @Override
    void zeroLoop(Object dst, int dstPos, int dstStride, int len) {
        short[] d = (short[]) dst;
        for (int i = 0; i < len; i++, dstPos += dstStride) {
            d[dstPos] = 0;
        }
    }

    @Override
    Object newArray(int length) {
        return new short[length];
    }

    @Override
    boolean holds(Object array, int length) {
        return array instanceof short[] a && a.length >= length;
    }
}
