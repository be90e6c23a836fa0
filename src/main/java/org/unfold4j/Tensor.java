package org.unfold4j;

import java.util.Arrays;

/**
 * A dense, row-major (C order) float32 tensor in host memory: a shape and the values behind it.
 *
 * <p>{@link #of(float[], long...)} wraps the caller's array without copying it, so the tensor sees
 * later writes to that array; nothing in unfold4j writes to an input tensor. Results of unfold and
 * fold are new tensors over new arrays.
 *
 * <p>Thread safety: a tensor is safe to share between threads as long as nobody writes to the
 * array it wraps.
 */
public final class Tensor {
    /**
     * The largest element count a host tensor can hold: the largest Java array most JVMs allocate.
     * Larger results are refused before any allocation.
     */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private final float[] data;
    private final long[] shape;

    private Tensor(float[] data, long[] shape) {
        this.data = data;
        this.shape = shape;
    }

    /**
     * Wraps {@code data} (not copied) as a tensor of the given shape.
     *
     * @param data  the values in row-major order; not modified
     * @param shape the dimensions; copied
     * @throws IllegalArgumentException if a dimension is negative or the product of the shape
     *     differs from {@code data.length}
     * @throws NullPointerException if an argument is null
     */
    public static Tensor of(float[] data, long... shape) {
        long count = elementCount(shape);
        if (count != data.length) {
            throw new IllegalArgumentException("data length " + data.length + " does not match shape "
                    + Arrays.toString(shape) + " (" + count + " elements)");
        }
        return new Tensor(data, shape.clone());
    }

    /**
     * A new zero-filled tensor.
     *
     * @throws IllegalArgumentException if a dimension is negative or the tensor would exceed
     *     {@link #MAX_ELEMENTS}
     */
    public static Tensor zeros(long... shape) {
        return new Tensor(new float[checkedArrayLength(shape, "tensor")], shape.clone());
    }

    /**
     * The product of {@code shape}, the number of elements a tensor of that shape holds.
     *
     * @throws IllegalArgumentException if a dimension is negative or the product overflows a long
     */
    static long elementCount(long[] shape) {
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a negative dimension");
            }
            try {
                count = Math.multiplyExact(count, d);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " overflows a 64-bit element count");
            }
        }
        return count;
    }

    /** The element count of {@code shape} as an array length, or a clear refusal if no Java array can hold it. */
    static int checkedArrayLength(long[] shape, String what) {
        long count = elementCount(shape);
        if (count > MAX_ELEMENTS) {
            throw new IllegalArgumentException("the " + what + " of shape " + Arrays.toString(shape) + " has "
                    + count + " elements, more than a host tensor can hold (" + MAX_ELEMENTS
                    + "); keep it on an OpenCL device instead");
        }
        return (int) count;
    }

    /** A copy of the shape. */
    public long[] shape() {
        return shape.clone();
    }

    /** The number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** The number of elements. */
    public long elementCount() {
        return data.length;
    }

    /** A copy of the values in row-major order. */
    public float[] toFloatArray() {
        return data.clone();
    }

    /** The wrapped array itself; for backends, which never write to an input. */
    float[] data() {
        return data;
    }

    /** Exact equality of shape and of every value's bits (so NaN equals NaN, and -0.0 differs from 0.0). */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Tensor other) || !Arrays.equals(shape, other.shape)) {
            return false;
        }
        for (int i = 0; i < data.length; i++) {
            if (Float.floatToRawIntBits(data[i]) != Float.floatToRawIntBits(other.data[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = Arrays.hashCode(shape);
        for (float v : data) {
            h = 31 * h + Float.floatToRawIntBits(v);
        }
        return h;
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
