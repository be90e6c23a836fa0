package org.unfold4j.internal;

import java.nio.ByteBuffer;

/**
 * Elements of a host array ({@code float[]}, {@code double[]}, {@code byte[]} as uint8,
 * {@code int[]}, {@code short[]} as float16/bfloat16 bits) to and from bytes: the one codec of {@code Tensor}'s buffer copies and of the
 * {@code .npy} reader and writer.
 *
 * <p>Note [one element codec]: each direction is NIO's bulk get or put on a typed view of the
 * byte buffer, which the JDK does as one memory copy, swapping bytes where the buffer's order is
 * not the platform's. The API package and {@code internal.npy} both need it, on whole arrays and
 * on runs of them; it lives here, beside the engines' other host-array types, so there is one.
 */
public final class HostArrays {
    private HostArrays() {
    }

    /** Decodes {@code count} elements from {@code b} (its order, from its position, advanced) into {@code array} at {@code from}. */
    public static void get(ByteBuffer b, Object array, int from, int count) {
        if (array instanceof byte[] a) {
            b.get(a, from, count);
        } else if (array instanceof float[] a) {
            b.asFloatBuffer().get(a, from, count);
            b.position(b.position() + count * 4);
        } else if (array instanceof double[] a) {
            b.asDoubleBuffer().get(a, from, count);
            b.position(b.position() + count * 8);
        } else if (array instanceof short[] a) {
            b.asShortBuffer().get(a, from, count);
            b.position(b.position() + count * 2);
        } else {
            b.asIntBuffer().get((int[]) array, from, count);
            b.position(b.position() + count * 4);
        }
    }

    /** Encodes {@code count} elements of {@code array} from {@code from} into {@code b} (its order, at its position, advanced). */
    public static void put(ByteBuffer b, Object array, int from, int count) {
        if (array instanceof byte[] a) {
            b.put(a, from, count);
        } else if (array instanceof float[] a) {
            b.asFloatBuffer().put(a, from, count);
            b.position(b.position() + count * 4);
        } else if (array instanceof double[] a) {
            b.asDoubleBuffer().put(a, from, count);
            b.position(b.position() + count * 8);
        } else if (array instanceof short[] a) {
            b.asShortBuffer().put(a, from, count);
            b.position(b.position() + count * 2);
        } else {
            b.asIntBuffer().put((int[]) array, from, count);
            b.position(b.position() + count * 4);
        }
    }
}
