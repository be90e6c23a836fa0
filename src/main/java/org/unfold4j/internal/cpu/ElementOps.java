package org.unfold4j.internal.cpu;

import org.unfold4j.DType;

/**
 * The element loops of the Java passes over the primitive array of one element type: strided
 * runs, flat gathers and scatters through offset tables, sums, the mean's division. Positions
 * and strides are element indices.
 *
 * <p>Note [one element type per pass]: a pass picks its ElementOps once, from the geometry's
 * type ({@link #of}), and calls it once per run, never per element; each method casts its
 * arrays once and loops over one primitive type, so every loop is compiled for that type alone
 * (a run's one virtual call replaces the instanceof chain a run used to go through). Unfold only
 * copies and zeroes, which every type supports; fold sums, which only the float types do (the
 * API rejects fold of the integer types), so their summing methods throw. The 16-bit float types
 * share one class of copies ({@link Bits16Ops}) and are summed in float32 (Note [16-bit folds] in
 * JavaEngine), so their summing methods throw too.
 *
 * <p>Adding a type: a subclass (as Float32Ops) and its case in {@link #of}.
 */
abstract class ElementOps {
    static final ElementOps FLOAT32 = new Float32Ops();
    static final ElementOps FLOAT64 = new Float64Ops();
    static final ElementOps UINT8 = new Uint8Ops();
    static final ElementOps INT32 = new Int32Ops();
    static final ElementOps BITS16 = new Bits16Ops();

    /**
     * {@return the loops over the arrays of {@code dtype}}
     *
     * @param dtype the element type
     */
    static ElementOps of(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> FLOAT32;
            case FLOAT64 -> FLOAT64;
            case UINT8 -> UINT8;
            case INT32 -> INT32;
            case FLOAT16, BFLOAT16 -> BITS16;
        };
    }

    /**
     * dst[dstPos + i·dstStride] = src[srcPos + i·srcStride] for i in [0, len); strides may be 0
     * or negative. Runs of a few elements (the border taps of a row) go through the loop:
     * System.arraycopy's checks cost more than copying them.
     */
    final void copy(Object src, int srcPos, int srcStride, Object dst, int dstPos, int dstStride, int len) {
        if (srcStride == 1 && dstStride == 1 && len >= 8) {
            System.arraycopy(src, srcPos, dst, dstPos, len);
        } else {
            copyLoop(src, srcPos, srcStride, dst, dstPos, dstStride, len);
        }
    }

    /** {@link #copy} element by element. */
    abstract void copyLoop(Object src, int srcPos, int srcStride, Object dst, int dstPos, int dstStride, int len);

    /**
     * dst[dstPos + i] = src[srcBase + offsets[i]] for i in [0, len): one flat loop over windows
     * laid out in rows, where a loop per row of a few windows costs more than the copy.
     */
    abstract void gather(Object src, int srcBase, int[] offsets, int len, Object dst, int dstPos);

    /** dst[dstPos + i·dstStride] = 0 for i in [0, len). */
    final void zero(Object dst, int dstPos, int dstStride, int len) {
        if (len <= 0) {
            return;
        }
        if (dstStride == 1) {
            fill(dst, dstPos, dstPos + len);
        } else {
            zeroLoop(dst, dstPos, dstStride, len);
        }
    }

    /** dst[from, to) = 0. */
    abstract void fill(Object dst, int from, int to);

    /** {@link #zero} with a stride other than 1. */
    abstract void zeroLoop(Object dst, int dstPos, int dstStride, int len);

    /** {@return a new array of this type} */
    abstract Object newArray(int length);

    /** {@return whether {@code array} is an array of this type of at least {@code length} elements} */
    abstract boolean holds(Object array, int length);

    /**
     * dst[dstPos + i] = 0 + src[srcBase + offsets[i]] for every i: {@link #gather} with
     * {@link #set}'s sum on a zero (-0.0 becomes +0.0, as fold's kernels give).
     */
    void gatherSet(Object dst, int dstPos, Object src, int srcBase, int[] offsets) {
        throw noSums();
    }

    /** dst[dstBase + offsets[i]] = 0 + src[srcPos + i] for i in [0, len) ({@link #set}'s sum). */
    void scatterSet(Object dst, int dstBase, int[] offsets, int len, Object src, int srcPos) {
        throw noSums();
    }

    /** dst[dstBase + offsets[i]] += src[srcPos + i] for i in [0, len) (offsets distinct). */
    void scatterAdd(Object dst, int dstBase, int[] offsets, int len, Object src, int srcPos) {
        throw noSums();
    }

    /**
     * dst[dstPos + i·dstStride] = 0 + src[srcPos + i·srcStride]: what {@link #add} gives on a
     * zeroed destination, bit for bit (-0.0 becomes +0.0), without reading it.
     */
    void set(Object dst, int dstPos, int dstStride, Object src, int srcPos, int srcStride, int len) {
        throw noSums();
    }

    /** dst[dstPos + i·dstStride] += src[srcPos + i·srcStride] for i in [0, len). */
    void add(Object dst, int dstPos, int dstStride, Object src, int srcPos, int srcStride, int len) {
        throw noSums();
    }

    /**
     * dst[dstPos + i] = ((dst[dstPos + i] + src[a + i]) + src[b + i]) + src[c + i] for i in
     * [0, len): three runs added in that order in one pass, reading and writing the
     * destination once instead of three times.
     */
    void add3(Object dst, int dstPos, Object src, int a, int b, int c, int len) {
        throw noSums();
    }

    /**
     * Divides the sums of one image row by their window counts ({@code countX[x]·countZY}); a
     * pixel no window covers becomes 0. Float division is correctly rounded here as in the
     * kernels (built with {@code -cl-fp32-correctly-rounded-divide-sqrt}).
     */
    void divide(Object dst, int pos, int stride, int[] countX, long countZY) {
        throw noSums();
    }

    private UnsupportedOperationException noSums() {
        return new UnsupportedOperationException("fold sums float types only, not " + getClass().getSimpleName());
    }
}
