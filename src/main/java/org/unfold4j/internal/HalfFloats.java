package org.unfold4j.internal;

/**
 * Conversions between float32 and the two 16-bit float types, on bits: IEEE binary16
 * ({@code float16}) and bfloat16 (the upper half of a float32). Java 17 has none
 * ({@code Float.float16ToFloat} is Java 20), and the kernels' {@code common.cl} does the same
 * bit arithmetic, line for line, so that both backends round alike.
 *
 * <p>Note [16-bit conversions]: widening (16 to 32 bits) is exact for every value, NaN
 * included (its payload moves up unchanged, a signalling NaN stays signalling). Narrowing (32
 * to 16 bits) rounds to nearest, ties to even, on the bits alone, without float arithmetic:
 * values beyond the largest finite 16-bit value by half an ulp or more become infinity,
 * values below the smallest subnormal by half of it or less become (signed) zero, and a NaN
 * stays a NaN: it keeps its sign and the top bits of its payload and gets the quiet bit, so a
 * payload that does not fit never turns it into infinity. Bits are passed as {@code short}
 * (Java's 16-bit type; read them unsigned with {@code & 0xffff}).
 *
 * <p>Stateless and thread-safe.
 */
public final class HalfFloats {
    private HalfFloats() {
    }

    /**
     * {@return the float32 value of float16 bits, exactly}
     *
     * @param bits IEEE binary16 bits
     */
    public static float float16ToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16, exponent = (h >>> 10) & 0x1f, mantissa = h & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | mantissa << 13);  // infinity or NaN, payload kept
        }
        if (exponent != 0) {
            return Float.intBitsToFloat(sign | (exponent + 112) << 23 | mantissa << 13);  // rebias 15 to 127
        }
        if (mantissa == 0) {
            return Float.intBitsToFloat(sign);
        }
        // A subnormal m·2^-24 is normal in float32: shift its leading 1 to the implicit bit 10.
        int shift = Integer.numberOfLeadingZeros(mantissa) - 21;
        return Float.intBitsToFloat(sign | (113 - shift) << 23 | ((mantissa << shift) & 0x3ff) << 13);
    }

    /**
     * {@return float32 {@code value} rounded to float16 bits, to nearest even (Note [16-bit conversions])}
     *
     * @param value the value
     */
    public static short floatToFloat16(float value) {
        int f = Float.floatToRawIntBits(value);
        int sign = (f >>> 16) & 0x8000, a = f & 0x7fffffff;
        if (a > 0x7f800000) {
            return (short) (sign | 0x7e00 | (a >>> 13) & 0x3ff);  // NaN: quiet, top of the payload
        }
        if (a >= 0x477ff000) {
            return (short) (sign | 0x7c00);  // 65520 and above (the tie with 65504 goes to the even 2^16)
        }
        if (a >= 0x38800000) {
            // Normal (2^-14 and above): rebias the exponent, round away the low 13 bits; a carry
            // out of the mantissa correctly moves into the exponent.
            int e = a - 0x38000000;
            return (short) (sign | (e + 0xfff + ((e >>> 13) & 1)) >>> 13);
        }
        if (a <= 0x33000000) {
            return (short) sign;  // at most 2^-25, half the smallest subnormal: the tie goes to the even 0
        }
        // Subnormal: the 24-bit significand m·2^(e-150) in units of 2^-24 is m >> (126 - e).
        int e = a >>> 23, m = (a & 0x7fffff) | 0x800000, shift = 126 - e;
        int q = m >>> shift, rest = m & ((1 << shift) - 1), halfway = 1 << (shift - 1);
        if (rest > halfway || (rest == halfway && (q & 1) != 0)) {
            q++;  // may reach 0x400, the smallest normal, which is its right encoding
        }
        return (short) (sign | q);
    }

    /**
     * {@return the float32 value of bfloat16 bits, exactly}
     *
     * @param bits bfloat16 bits (the upper 16 bits of a float32)
     */
    public static float bfloat16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /**
     * {@return float32 {@code value} rounded to bfloat16 bits, to nearest even (Note [16-bit conversions])}
     *
     * @param value the value
     */
    public static short floatToBFloat16(float value) {
        int f = Float.floatToRawIntBits(value);
        if ((f & 0x7fffffff) > 0x7f800000) {
            return (short) ((f >>> 16) | 0x0040);  // NaN: quiet, top of the payload
        }
        // Round the low 16 bits away; a carry moves into the exponent, up to infinity.
        return (short) ((f + 0x7fff + ((f >>> 16) & 1)) >>> 16);
    }

    /**
     * Widens {@code count} float16 values of {@code src} from {@code srcPos} into {@code dst} at {@code dstPos}.
     *
     * @param src    float16 bits
     * @param srcPos the first element read
     * @param dst    the float32 values written
     * @param dstPos the first element written
     * @param count  how many
     */
    public static void float16ToFloat(short[] src, int srcPos, float[] dst, int dstPos, int count) {
        for (int i = 0; i < count; i++) {
            dst[dstPos + i] = float16ToFloat(src[srcPos + i]);
        }
    }

    /**
     * Rounds {@code count} float32 values of {@code src} from {@code srcPos} into float16 bits in {@code dst} at {@code dstPos}.
     *
     * @param src    the float32 values
     * @param srcPos the first element read
     * @param dst    float16 bits written
     * @param dstPos the first element written
     * @param count  how many
     */
    public static void floatToFloat16(float[] src, int srcPos, short[] dst, int dstPos, int count) {
        for (int i = 0; i < count; i++) {
            dst[dstPos + i] = floatToFloat16(src[srcPos + i]);
        }
    }

    /**
     * Widens {@code count} bfloat16 values; otherwise as {@link #float16ToFloat(short[], int, float[], int, int)}.
     *
     * @param src    bfloat16 bits
     * @param srcPos the first element read
     * @param dst    the float32 values written
     * @param dstPos the first element written
     * @param count  how many
     */
    public static void bfloat16ToFloat(short[] src, int srcPos, float[] dst, int dstPos, int count) {
        for (int i = 0; i < count; i++) {
            dst[dstPos + i] = bfloat16ToFloat(src[srcPos + i]);
        }
    }

    /**
     * Rounds {@code count} values to bfloat16; otherwise as {@link #floatToFloat16(float[], int, short[], int, int)}.
     *
     * @param src    the float32 values
     * @param srcPos the first element read
     * @param dst    bfloat16 bits written
     * @param dstPos the first element written
     * @param count  how many
     */
    public static void floatToBFloat16(float[] src, int srcPos, short[] dst, int dstPos, int count) {
        for (int i = 0; i < count; i++) {
            dst[dstPos + i] = floatToBFloat16(src[srcPos + i]);
        }
    }
}
