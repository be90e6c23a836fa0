package org.unfold4j;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;
import java.util.Objects;
import org.unfold4j.internal.HostArrays;
import org.unfold4j.internal.HalfFloats;

/**
 * A dense, row-major (C order) tensor in host memory: a shape, an element type and the Java array
 * behind it ({@code float[]}, {@code double[]}, {@code byte[]} read as uint8, {@code int[]}, or
 * {@code short[]} holding the bit patterns of float16 or bfloat16 values).
 *
 * <p>The {@code of} factories wrap the caller's array without copying it, so the tensor sees later
 * writes to that array; nothing in unfold4j writes to an input tensor. Results of unfold and fold
 * are new tensors over new arrays.
 *
 * <p>Which calls copy: the {@code of} factories and {@link #reshape} wrap (no copy); the {@code copyOf} factories
 * copy a buffer's elements into a new array once; the {@code to...Array} methods return a new
 * array (a copy, even of a float32 tensor's own array); the {@code copyTo} methods copy the
 * elements once into an array or buffer the caller owns (a direct buffer for ONNX Runtime, DJL
 * or a file channel costs that one copy). No call keeps a reference to a buffer.
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

    /**
     * Wraps {@code bits} (not copied) as a float16 tensor: each element is the IEEE binary16 bit
     * pattern of a value (as NumPy's {@code float16} stores it, or {@code Float.floatToFloat16}
     * gives on Java 20 and later); otherwise as {@link #of(float[], long...)}. To round float
     * values to float16, use {@link #float16Of}.
     *
     * @param bits  the values' bit patterns in row-major order; not modified
     * @param shape the dimensions; copied
     * @return a tensor over {@code bits}
     * @throws IllegalArgumentException if a dimension is negative or the product of the shape
     *     differs from {@code bits.length}
     */
    public static Tensor ofFloat16(short[] bits, long... shape) {
        return new Tensor(requireData(bits, "bits", shape), DType.FLOAT16, bits.length, shape);
    }

    /**
     * Wraps {@code bits} (not copied) as a bfloat16 tensor: each element is the upper 16 bits
     * of a float32 (PyTorch's {@code torch.bfloat16}); otherwise as {@link #of(float[], long...)}.
     * To round float values to bfloat16, use {@link #bfloat16Of}.
     *
     * @param bits  the values' bit patterns in row-major order; not modified
     * @param shape the dimensions; copied
     * @return a tensor over {@code bits}
     * @throws IllegalArgumentException if a dimension is negative or the product of the shape
     *     differs from {@code bits.length}
     */
    public static Tensor ofBFloat16(short[] bits, long... shape) {
        return new Tensor(requireData(bits, "bits", shape), DType.BFLOAT16, bits.length, shape);
    }

    /**
     * A new float16 tensor of {@code values} each rounded to the nearest float16 (ties to even;
     * beyond ±65504 by half a step or more to infinity; NaN stays NaN).
     *
     * @param values the values in row-major order; not modified
     * @param shape  the dimensions; copied
     * @return a new tensor over a new array
     * @throws IllegalArgumentException if a dimension is negative or the product of the shape
     *     differs from {@code values.length}
     */
    public static Tensor float16Of(float[] values, long... shape) {
        requireData(values, "values", shape);
        short[] bits = new short[values.length];
        HalfFloats.floatToFloat16(values, 0, bits, 0, bits.length);
        return new Tensor(bits, DType.FLOAT16, bits.length, shape);
    }

    /**
     * A new bfloat16 tensor of {@code values} each rounded to the nearest bfloat16 (ties to
     * even; NaN stays NaN); otherwise as {@link #float16Of}.
     *
     * @param values the values in row-major order; not modified
     * @param shape  the dimensions; copied
     * @return a new tensor over a new array
     * @throws IllegalArgumentException if a dimension is negative or the product of the shape
     *     differs from {@code values.length}
     */
    public static Tensor bfloat16Of(float[] values, long... shape) {
        requireData(values, "values", shape);
        short[] bits = new short[values.length];
        HalfFloats.floatToBFloat16(values, 0, bits, 0, bits.length);
        return new Tensor(bits, DType.BFLOAT16, bits.length, shape);
    }

    /** {@code data}, once it and {@code shape} are known not to be null (a message naming the null one). */
    private static <T> T requireData(T data, long[] shape) {
        return requireData(data, "data", shape);
    }

    /** {@code data}, once it and {@code shape} are known not to be null, naming {@code data} {@code name}. */
    private static <T> T requireData(T data, String name, long[] shape) {
        java.util.Objects.requireNonNull(data, name);
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
            case FLOAT16: case BFLOAT16: return new short[n];
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

    /*
     * Note [buffers in and out]
     * A tensor is a Java array, so a buffer (heap or direct) is copied once each way, element by
     * element through NIO's bulk get and put (which the JDK does as one memory copy, swapping
     * bytes where the orders differ). copyOf reads the buffer's remaining elements without moving
     * its position; copyTo writes at the buffer's position and advances it, as NIO's own bulk put
     * does. Every check (type, size, read-only) comes before the first write, so a refused call
     * leaves the caller's array or buffer as it was. The codec is HostArrays' (Note [one element
     * codec]).
     */

    /**
     * A new float32 tensor holding a copy of {@code src}'s remaining elements (position to limit);
     * {@code src}'s position, limit and contents are not changed.
     *
     * @param src   the values in row-major order, heap or direct
     * @param shape the dimensions; copied
     * @return a new tensor over a new array
     * @throws IllegalArgumentException if a dimension is negative or the shape's element count
     *     differs from {@code src.remaining()}
     */
    public static Tensor copyOf(FloatBuffer src, long... shape) {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(shape, "shape");
        float[] a = new float[remainingFor(src, shape)];
        src.duplicate().get(a);
        return new Tensor(a, DType.FLOAT32, a.length, shape);
    }

    /**
     * A new float64 tensor holding a copy of {@code src}'s remaining elements; otherwise as
     * {@link #copyOf(FloatBuffer, long...)}.
     *
     * @param src   the values in row-major order, heap or direct; not changed
     * @param shape the dimensions; copied
     * @return a new tensor over a new array
     * @throws IllegalArgumentException if a dimension is negative or the shape's element count
     *     differs from {@code src.remaining()}
     */
    public static Tensor copyOf(DoubleBuffer src, long... shape) {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(shape, "shape");
        double[] a = new double[remainingFor(src, shape)];
        src.duplicate().get(a);
        return new Tensor(a, DType.FLOAT64, a.length, shape);
    }

    /**
     * A new int32 tensor holding a copy of {@code src}'s remaining elements; otherwise as
     * {@link #copyOf(FloatBuffer, long...)}.
     *
     * @param src   the values in row-major order, heap or direct; not changed
     * @param shape the dimensions; copied
     * @return a new tensor over a new array
     * @throws IllegalArgumentException if a dimension is negative or the shape's element count
     *     differs from {@code src.remaining()}
     */
    public static Tensor copyOf(IntBuffer src, long... shape) {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(shape, "shape");
        int[] a = new int[remainingFor(src, shape)];
        src.duplicate().get(a);
        return new Tensor(a, DType.INT32, a.length, shape);
    }

    /**
     * A new float16 or bfloat16 tensor holding a copy of {@code src}'s remaining bit patterns;
     * otherwise as {@link #copyOf(FloatBuffer, long...)}.
     *
     * @param src   the values' bit patterns in row-major order, heap or direct; not changed
     * @param dtype {@link DType#FLOAT16} or {@link DType#BFLOAT16}, how to read the bits
     * @param shape the dimensions; copied
     * @return a new tensor over a new array
     * @throws IllegalArgumentException if {@code dtype} is not a 16-bit float type, a dimension
     *     is negative or the shape's element count differs from {@code src.remaining()}
     */
    public static Tensor copyOf(ShortBuffer src, DType dtype, long... shape) {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        if (!dtype.isHalf()) {
            throw new IllegalArgumentException("dtype: a ShortBuffer holds float16 or bfloat16 bits, not " + dtype);
        }
        short[] a = new short[remainingFor(src, shape)];
        src.duplicate().get(a);
        return new Tensor(a, dtype, a.length, shape);
    }

    /**
     * A new tensor of type {@code dtype} decoded from {@code src}'s remaining bytes, each element
     * {@code dtype.bytes()} bytes in {@code src.order()} (set it with {@link ByteBuffer#order});
     * {@code src}'s position, limit, order and contents are not changed.
     *
     * @param src   the elements' bytes in row-major order, heap or direct
     * @param dtype the element type
     * @param shape the dimensions; copied
     * @return a new tensor over a new array
     * @throws IllegalArgumentException if a dimension is negative or {@code src.remaining()}
     *     is not the shape's element count times {@code dtype.bytes()}
     */
    public static Tensor copyOf(ByteBuffer src, DType dtype, long... shape) {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        long count = elementCount(shape);
        if (count > MAX_ELEMENTS || src.remaining() != count * dtype.bytes()) {
            throw new IllegalArgumentException("src has " + src.remaining() + " bytes remaining, but " + dtype + " "
                    + Arrays.toString(shape) + " needs " + count + " × " + dtype.bytes() + " = " + count * dtype.bytes());
        }
        Object a = newArray(dtype, (int) count);
        HostArrays.get(src.duplicate().order(src.order()), a, 0, (int) count);
        return new Tensor(a, dtype, (int) count, shape);
    }

    /** The element count of {@code shape}, once it equals {@code src.remaining()}. */
    private static int remainingFor(Buffer src, long[] shape) {
        long count = elementCount(shape);
        if (count != src.remaining()) {
            throw new IllegalArgumentException("src has " + src.remaining() + " elements remaining, but shape "
                    + Arrays.toString(shape) + " has " + count);
        }
        return (int) count;
    }

    /**
     * Copies the values, converted to float as {@link #toFloatArray()} converts them, into
     * {@code dst}, which must have exactly {@link #elementCount()} elements.
     *
     * @param dst the destination; written only if the call succeeds
     * @throws IllegalArgumentException if {@code dst.length} differs from the element count
     */
    public void copyTo(float[] dst) {
        Objects.requireNonNull(dst, "dst");
        checkLength(dst.length);
        if (data instanceof float[] f) {
            System.arraycopy(f, 0, dst, 0, length);
        } else {
            for (int i = 0; i < length; i++) {
                dst[i] = (float) getDouble(i);
            }
        }
    }

    /**
     * Copies the values, converted to double exactly, into {@code dst}, which must have exactly
     * {@link #elementCount()} elements.
     *
     * @param dst the destination; written only if the call succeeds
     * @throws IllegalArgumentException if {@code dst.length} differs from the element count
     */
    public void copyTo(double[] dst) {
        Objects.requireNonNull(dst, "dst");
        checkLength(dst.length);
        if (data instanceof double[] d) {
            System.arraycopy(d, 0, dst, 0, length);
        } else {
            for (int i = 0; i < length; i++) {
                dst[i] = getDouble(i);
            }
        }
    }

    /**
     * Copies the values of an int32 tensor into {@code dst}, which must have exactly
     * {@link #elementCount()} elements.
     *
     * @param dst the destination; written only if the call succeeds
     * @throws IllegalArgumentException if the tensor is not int32 or {@code dst.length} differs
     *     from the element count
     */
    public void copyTo(int[] dst) {
        Objects.requireNonNull(dst, "dst");
        requireType(DType.INT32, "an int[]");
        checkLength(dst.length);
        System.arraycopy(data, 0, dst, 0, length);
    }

    /**
     * Copies the values of a uint8 tensor into {@code dst} (read them as {@code b & 0xff}), which
     * must have exactly {@link #elementCount()} elements.
     *
     * @param dst the destination; written only if the call succeeds
     * @throws IllegalArgumentException if the tensor is not uint8 or {@code dst.length} differs
     *     from the element count
     */
    public void copyTo(byte[] dst) {
        Objects.requireNonNull(dst, "dst");
        requireType(DType.UINT8, "a byte[]");
        checkLength(dst.length);
        System.arraycopy(data, 0, dst, 0, length);
    }

    /**
     * Copies the bit patterns of a float16 or bfloat16 tensor into {@code dst}, which must have
     * exactly {@link #elementCount()} elements.
     *
     * @param dst the destination; written only if the call succeeds
     * @throws IllegalArgumentException if the tensor is not float16 or bfloat16, or
     *     {@code dst.length} differs from the element count
     */
    public void copyTo(short[] dst) {
        Objects.requireNonNull(dst, "dst");
        requireHalf("a short[]");
        checkLength(dst.length);
        System.arraycopy(data, 0, dst, 0, length);
    }

    /**
     * Puts the values, converted to float as {@link #toFloatArray()} converts them, into
     * {@code dst} at its position, which advances by {@link #elementCount()}, as
     * {@link FloatBuffer#put(float[])} does (rewind or flip it before handing it on).
     *
     * @param dst a heap or direct buffer with at least {@link #elementCount()} elements remaining;
     *     unchanged if the call fails
     * @throws IllegalArgumentException if {@code dst} is read-only or has fewer elements remaining
     */
    public void copyTo(FloatBuffer dst) {
        Objects.requireNonNull(dst, "dst");
        checkRoom(dst, length);
        if (data instanceof float[] f) {
            dst.put(f, 0, length);
        } else {
            dst.put(toFloatArray());
        }
    }

    /**
     * Puts the values, converted to double exactly, into {@code dst} at its position, which
     * advances by {@link #elementCount()}; otherwise as {@link #copyTo(FloatBuffer)}.
     *
     * @param dst a heap or direct buffer with at least {@link #elementCount()} elements remaining;
     *     unchanged if the call fails
     * @throws IllegalArgumentException if {@code dst} is read-only or has fewer elements remaining
     */
    public void copyTo(DoubleBuffer dst) {
        Objects.requireNonNull(dst, "dst");
        checkRoom(dst, length);
        if (data instanceof double[] d) {
            dst.put(d, 0, length);
        } else {
            dst.put(toDoubleArray());
        }
    }

    /**
     * Puts the values of an int32 tensor into {@code dst} at its position, which advances by
     * {@link #elementCount()}; otherwise as {@link #copyTo(FloatBuffer)}.
     *
     * @param dst a heap or direct buffer with at least {@link #elementCount()} elements remaining;
     *     unchanged if the call fails
     * @throws IllegalArgumentException if the tensor is not int32, or {@code dst} is read-only or
     *     has fewer elements remaining
     */
    public void copyTo(IntBuffer dst) {
        Objects.requireNonNull(dst, "dst");
        requireType(DType.INT32, "an IntBuffer");
        checkRoom(dst, length);
        dst.put((int[]) data, 0, length);
    }

    /**
     * Puts the bit patterns of a float16 or bfloat16 tensor into {@code dst} at its position,
     * which advances by {@link #elementCount()}; otherwise as {@link #copyTo(FloatBuffer)}.
     *
     * @param dst a heap or direct buffer with at least {@link #elementCount()} elements remaining;
     *     unchanged if the call fails
     * @throws IllegalArgumentException if the tensor is not float16 or bfloat16, or {@code dst}
     *     is read-only or has fewer elements remaining
     */
    public void copyTo(ShortBuffer dst) {
        Objects.requireNonNull(dst, "dst");
        requireHalf("a ShortBuffer");
        checkRoom(dst, length);
        dst.put((short[]) data, 0, length);
    }

    /**
     * Puts the elements' bytes, {@code dtype().bytes()} each in {@code dst.order()} (uint8 as
     * its bytes), into {@code dst} at its position, which advances by
     * {@code elementCount() * dtype().bytes()}; otherwise as {@link #copyTo(FloatBuffer)}.
     *
     * @param dst a heap or direct buffer with room for the bytes; unchanged if the call fails
     * @throws IllegalArgumentException if {@code dst} is read-only or has fewer bytes remaining
     */
    public void copyTo(ByteBuffer dst) {
        Objects.requireNonNull(dst, "dst");
        checkRoom(dst, (long) length * dtype.bytes());
        ByteOrder order = dst.order();
        HostArrays.put(dst, data, 0, length);
        dst.order(order);
    }

    private void checkLength(int dstLength) {
        if (dstLength != length) {
            throw new IllegalArgumentException("dst has length " + dstLength + ", but the tensor " + this + " has "
                    + length + " elements");
        }
    }

    private static void checkRoom(Buffer dst, long needed) {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("dst is read-only");
        }
        if (dst.remaining() < needed) {
            throw new IllegalArgumentException("dst has " + dst.remaining() + " remaining, but the tensor needs " + needed);
        }
    }

    private void requireHalf(String what) {
        if (!dtype.isHalf()) {
            throw new IllegalArgumentException("dst: " + what + " takes a float16 or bfloat16 tensor, but this one is " + dtype);
        }
    }

    private void requireType(DType wanted, String what) {
        if (dtype != wanted) {
            throw new IllegalArgumentException("dst: " + what + " takes a " + wanted + " tensor, but this one is " + dtype);
        }
    }

    /**
     * {@return a tensor of the same elements, in the same row-major order, with another shape}
     * No copy: the result shares this tensor's array (as an {@code of} factory shares the
     * caller's), so a {@code [D, H, W]} volume is the one-channel {@code [1, D, H, W]} for free.
     *
     * @param shape the new dimensions, whose product must be {@link #elementCount()}; copied
     * @throws IllegalArgumentException if a dimension is negative or the element counts differ
     */
    public Tensor reshape(long... shape) {
        Objects.requireNonNull(shape, "shape");
        if (elementCount(shape) != length) {
            throw new IllegalArgumentException("cannot reshape " + this + " (" + length + " elements) to "
                    + Arrays.toString(shape) + " (" + elementCount(shape) + " elements)");
        }
        return new Tensor(data, dtype, length, shape);
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

    /** {@return the values as floats in a new array (exact for float32, float16, bfloat16, uint8, and int32 values up to 2^24)} */
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
     * A copy of the bit patterns of a float16 or bfloat16 tensor.
     *
     * @return a new array holding the bits (the values: {@link #toFloatArray()})
     * @throws IllegalStateException if the tensor is not float16 or bfloat16
     */
    public short[] toShortArray() {
        if (!dtype.isHalf()) {
            throw new IllegalStateException("the tensor is " + dtype + ", not float16 or bfloat16");
        }
        return ((short[]) data).clone();
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
            case FLOAT16: return HalfFloats.float16ToFloat(((short[]) data)[k]);
            case BFLOAT16: return HalfFloats.bfloat16ToFloat(((short[]) data)[k]);
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
            case FLOAT16: case BFLOAT16: return Arrays.equals((short[]) data, (short[]) other.data);  // the bits
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
