package org.unfold4j.spark;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.unfold4j.DType;
import org.unfold4j.Tensor;

/**
 * One window's values, as the {@code patch} column holds them.
 *
 * <p>Note [patch values]
 * A patch is the window's values in C order over its shape: {@code [kernelH, kernelW, C]}
 * (channels last, as the library's patch-major layout of channels-last images gives them) or,
 * with {@link PatchOptions#withLayout} channels first, {@code [C, kernelH, kernelW]}.
 * Binary patches are little-endian elements of the chosen type: by default the image's own
 * (uint8 for 8-bit images, int32 for 16-bit ones), so an 8-bit image stays 8-bit and the bytes
 * equal the image's. Another type converts each value: float32 and float64 exactly (every
 * sample fits), int32 exactly, float16 and bfloat16 rounded to nearest even (8-bit samples are
 * exact in both); uint8 from a 16-bit image scales to 8 bits as
 * {@code round(v · 255 / 65535)}, the inverse of the library's widening of 8-bit levels to
 * 16 bits, rather than failing the job or wrapping. Arrays of a float type ({@code .npy} inputs)
 * asked for as uint8 or int32 are rounded to nearest and clipped to the type's range (NaN as 0).
 * {@code array<float>} holds the values as floats (no scaling; float64 rounded to float32).
 */
final class PatchEncoder {
    private PatchEncoder() {
    }

    /** The binary type a patch of {@code source} values is written in. */
    static DType binaryType(DType requested, DType source) {
        return requested != null ? requested : source;
    }

    /** Values {@code [from, from + count)} of {@code values} (uint8 as 0..255) as doubles, into {@code out}. */
    static void read(Object values, int from, int count, double[] out) {
        if (values instanceof byte[] b) {
            for (int i = 0; i < count; i++) {
                out[i] = b[from + i] & 0xff;
            }
        } else if (values instanceof int[] a) {
            for (int i = 0; i < count; i++) {
                out[i] = a[from + i];
            }
        } else if (values instanceof float[] a) {
            for (int i = 0; i < count; i++) {
                out[i] = a[from + i];
            }
        } else {
            System.arraycopy((double[]) values, from, out, 0, count);
        }
    }

    /**
     * The unfolded tensor's values in an array {@link #read} reads: {@code byte[]} for uint8,
     * {@code int[]} for int32, {@code double[]} for float64, {@code float[]} for float32 and the
     * 16-bit floats (every float16 and bfloat16 value is a float exactly).
     */
    static Object array(Tensor t) {
        return switch (t.dtype()) {
            case UINT8 -> t.toByteArray();
            case INT32 -> t.toIntArray();
            case FLOAT64 -> t.toDoubleArray();
            case FLOAT32, FLOAT16, BFLOAT16 -> t.toFloatArray();
        };
    }

    /** The patch as binary of type {@code type}, from values read with {@link #read}. */
    static byte[] encode(double[] v, int count, DType type, DType source) {
        ByteBuffer b = ByteBuffer.allocate(count * type.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        if (type.isHalf()) {
            // The library's one rounding to 16 bits (to nearest even); samples above 2048 (float16)
            // or 256 (bfloat16) round, and float16 has no finite value above 65504.
            float[] f = new float[count];
            for (int i = 0; i < count; i++) {
                f[i] = (float) v[i];
            }
            Tensor bits = type == DType.FLOAT16 ? Tensor.float16Of(f, count) : Tensor.bfloat16Of(f, count);
            b.asShortBuffer().put(bits.toShortArray());
            return b.array();
        }
        boolean narrow = type == DType.UINT8 && source == DType.INT32;
        boolean fromFloat = source != DType.UINT8 && source != DType.INT32;
        for (int i = 0; i < count; i++) {
            switch (type) {
                case UINT8 -> b.put((byte) (narrow ? Math.round(v[i] * 255.0 / 65535.0)
                        : fromFloat ? Math.max(0, Math.min(255, (int) Math.rint(v[i]))) : (long) v[i]));
                case INT32 -> b.putInt(fromFloat ? (int) Math.rint(v[i]) : (int) v[i]);  // (int) saturates, NaN to 0
                case FLOAT32 -> b.putFloat((float) v[i]);
                case FLOAT64 -> b.putDouble(v[i]);
                case FLOAT16, BFLOAT16 -> throw new AssertionError(type);  // above
            }
        }
        return b.array();
    }

    /** The patch as boxed floats, the external type Spark's row encoder takes for {@code array<float>}. */
    static java.util.List<Float> floatList(double[] v, int count) {
        Float[] f = new Float[count];
        for (int i = 0; i < count; i++) {
            f[i] = (float) v[i];
        }
        return java.util.Arrays.asList(f);
    }
}
