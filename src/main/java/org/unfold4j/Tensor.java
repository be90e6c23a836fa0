package org.unfold4j;

import java.util.Arrays;

/**
 * A dense, row-major (C order) tensor in host memory: a shape, an element type and the Java array
 * behind it ({@code float[]}, {@code double[]}, {@code byte[]} read as uint8, or {@code int[]}).
 *
 * <p>The {@code of} factories wrap the caller's array without copying it, so the tensor sees later
 * writes to that array; nothing in unfold4j writes to an input tensor. Results of unfold and fold
 * are new tensors over new arrays.
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

    private final Object data;
    private final DType dtype;
    private final int length;
    private final long[] shape;

    private Tensor(Object data, DType dtype, int length, long[] shape) {
        long count = elementCount(shape);
        if (count != length) {
            throw new IllegalArgumentException("data length " + length + " does not match shape "
                    + Arrays.toString(shape) + " (" + count + " elements)");
        }
        this.data = data;
        this.dtype = dtype;
        this.length = length;
        this.shape = shape.clone();
    }

    /**
     * Wraps {@code data} (not copied) as a float32 tensor of the given shape.
     *
     * @param data  the values in row-major order; not modified
     * @param shape the dimensions; copied
     * @return a tensor over {@code data}
     * @throws IllegalArgumentException if a dimension is negative or the product of the shape
     *     differs from {@code data.length}
     * @throws NullPointerException if an argument is null
     */
    public static Tensor of(float[] data, long... shape) {
        return new Tensor(requireData(data, shape), DType.FLOAT32, data.length, shape);
    }

    /**
     * Wraps {@code data} (not copied) as a float64 tensor; otherwise as {@link #of(float[], long...)}.
     *
     * @param data  the values in row-major order; not modified
     * @param shape the dimensions; copied
     * @return a tensor over {@code data}
     * @throws IllegalArgumentException if a dimension is negative or the product of the shape
     *     differs from {@code data.length}
     */
    public static Tensor of(double[] data, long... shape) {
        return new Tensor(requireData(data, shape), DType.FLOAT64, data.length, shape);
    }

    /**
     * Wraps {@code data} (not copied) as an int32 tensor; otherwise as {@link #of(float[], long...)}.
     *
     * @param data  the values in row-major order; not modified
     * @param shape the dimensions; copied
     * @return a tensor over {@code data}
     * @throws IllegalArgumentException if a dimension is negative or the product of the shape
     *     differs from {@code data.length}
     */
    public static Tensor of(int[] data, long... shape) {
        return new Tensor(requireData(data, shape), DType.INT32, data.length, shape);
    }

    /**
     * Wraps {@code data} (not copied) as a uint8 tensor: each byte is read as 0 to 255; otherwise
     * as {@link #of(float[], long...)}.
     *
     * @param data  the values in row-major order; not modified
     * @param shape the dimensions; copied
     * @return a tensor over {@code data}
     * @throws IllegalArgumentException if a dimension is negative or the product of the shape
     *     differs from {@code data.length}
     */
    public static Tensor ofUint8(byte[] data, long... shape) {
        return new Tensor(requireData(data, shape), DType.UINT8, data.length, shape);
    }

    /** {@code data}, once it and {@code shape} are known not to be null (a message naming the null one). */
    private static <T> T requireData(T data, long[] shape) {
        java.util.Objects.requireNonNull(data, "data");
        java.util.Objects.requireNonNull(shape, "shape");
        return data;
    }

    /**
     * A new zero-filled float32 tensor.
     *
     * @param shape the dimensions; copied
     * @return a new tensor over a new array
     * @throws IllegalArgumentException if a dimension is negative or the tensor would exceed
     *     {@link #MAX_ELEMENTS}
     */
    public static Tensor zeros(long... shape) {
        return zeros(DType.FLOAT32, shape);
    }

    /**
     * A new zero-filled tensor of the given type; otherwise as {@link #zeros(long...)}.
     *
     * @param dtype the element type
     * @param shape the dimensions; copied
     * @return a new tensor over a new array
     * @throws IllegalArgumentException if a dimension is negative or the tensor would exceed
     *     {@link #MAX_ELEMENTS}
     */
    public static Tensor zeros(DType dtype, long... shape) {
        java.util.Objects.requireNonNull(dtype, "dtype");
        java.util.Objects.requireNonNull(shape, "shape");
        int n = checkedArrayLength(shape, "tensor");
        return new Tensor(newArray(dtype, n), dtype, n, shape);
    }

    /** Wraps an array made by {@link #newArray}. */
    static Tensor wrap(Object array, DType dtype, long[] shape) {
        return new Tensor(array, dtype, java.lang.reflect.Array.getLength(array), shape);
    }

    static Object newArray(DType dtype, int n) {
        switch (dtype) {
            case FLOAT32: return new float[n];
            case FLOAT64: return new double[n];
            case UINT8: return new byte[n];
            case INT32: return new int[n];
            default: throw new AssertionError(dtype);
        }
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

    /** {@return a copy of the shape} */
    public long[] shape() {
        return shape.clone();
    }

    /** {@return the number of dimensions} */
    public int rank() {
        return shape.length;
    }

    /** {@return the element type} */
    public DType dtype() {
        return dtype;
    }

    /** {@return the number of elements, the product of the shape} */
    public long elementCount() {
        return length;
    }

    /** {@return the values as floats in a new array (exact for float32, uint8, and int32 values up to 2^24)} */
    public float[] toFloatArray() {
        if (data instanceof float[] f) {
            return f.clone();
        }
        float[] r = new float[length];
        for (int i = 0; i < length; i++) {
            r[i] = (float) getDouble(i);
        }
        return r;
    }

    /** {@return the values as doubles in a new array (exact for every type)} */
    public double[] toDoubleArray() {
        double[] r = new double[length];
        for (int i = 0; i < length; i++) {
            r[i] = getDouble(i);
        }
        return r;
    }

    /**
     * A copy of the uint8 values.
     *
     * @return a new array holding the values (read them as unsigned: {@code b & 0xff})
     * @throws IllegalStateException if the tensor is not uint8
     */
    public byte[] toByteArray() {
        return ((byte[]) typed(DType.UINT8)).clone();
    }

    /**
     * A copy of the int32 values.
     *
     * @return a new array holding the values
     * @throws IllegalStateException if the tensor is not int32
     */
    public int[] toIntArray() {
        return ((int[]) typed(DType.INT32)).clone();
    }

    /**
     * The element at flat index {@code i} (row-major), as a double: exact for every type.
     *
     * @param i the flat index, from 0 to {@code elementCount() - 1}
     * @return the value
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     */
    public double getDouble(long i) {
        int k = (int) java.util.Objects.checkIndex(i, (long) length);
        switch (dtype) {
            case FLOAT32: return ((float[]) data)[k];
            case FLOAT64: return ((double[]) data)[k];
            case UINT8: return ((byte[]) data)[k] & 0xff;
            case INT32: return ((int[]) data)[k];
            default: throw new AssertionError(dtype);
        }
    }

    private Object typed(DType wanted) {
        if (dtype != wanted) {
            throw new IllegalStateException("the tensor is " + dtype + ", not " + wanted);
        }
        return data;
    }

    /** The wrapped array itself; for backends, which never write to an input. */
    Object array() {
        return data;
    }

    /** The wrapped float[] itself (float32 tensors only). */
    float[] data() {
        return (float[]) typed(DType.FLOAT32);
    }

    /** Exact equality of type, shape and every value's bits (so NaN equals NaN, and -0.0 differs from 0.0). */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Tensor other) || dtype != other.dtype || !Arrays.equals(shape, other.shape)) {
            return false;
        }
        switch (dtype) {
            case FLOAT32: {
                float[] a = (float[]) data, b = (float[]) other.data;
                for (int i = 0; i < length; i++) {
                    if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                        return false;
                    }
                }
                return true;
            }
            case FLOAT64: {
                double[] a = (double[]) data, b = (double[]) other.data;
                for (int i = 0; i < length; i++) {
                    if (Double.doubleToRawLongBits(a[i]) != Double.doubleToRawLongBits(b[i])) {
                        return false;
                    }
                }
                return true;
            }
            case UINT8: return Arrays.equals((byte[]) data, (byte[]) other.data);
            case INT32: return Arrays.equals((int[]) data, (int[]) other.data);
            default: throw new AssertionError(dtype);
        }
    }

    @Override
    public int hashCode() {
        int h = Arrays.hashCode(shape) * 31 + dtype.hashCode();
        for (int i = 0; i < Math.min(length, 64); i++) {
            h = 31 * h + Double.hashCode(getDouble(i));
        }
        return h;
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape) + (dtype == DType.FLOAT32 ? "" : " " + dtype);
    }
}
