package org.unfold4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link HalfFloats} exhaustively, both types, against exact arithmetic ({@link BigDecimal})
 * written here from the formats' definitions and sharing no code with the conversions:
 * every one of the 65,536 bit patterns widened; every one narrowed back, with the midpoint to
 * its neighbour and the floats on each side of that midpoint (ties to even, subnormals,
 * overflow to infinity); every float32 NaN narrowed; and random floats of every exponent.
 */
class HalfFloatsTest {
    /** One 16-bit format: exponent and mantissa widths, and the conversions under test. */
    enum Format {
        FLOAT16(5, 10) {
            float widen(short h) { return HalfFloats.float16ToFloat(h); }
            short narrow(float f) { return HalfFloats.floatToFloat16(f); }
        },
        BFLOAT16(8, 7) {
            float widen(short h) { return HalfFloats.bfloat16ToFloat(h); }
            short narrow(float f) { return HalfFloats.floatToBFloat16(f); }
        };

        final int exponentBits, mantissaBits, bias, infinity;
        /** The exact value of each magnitude 0 .. infinity, infinity standing for 2^(emax + 1), where rounding overflows. */
        private BigDecimal[] magnitudes;

        Format(int exponentBits, int mantissaBits) {
            this.exponentBits = exponentBits;
            this.mantissaBits = mantissaBits;
            this.bias = (1 << (exponentBits - 1)) - 1;
            this.infinity = ((1 << exponentBits) - 1) << mantissaBits;
        }

        abstract float widen(short h);

        abstract short narrow(float f);

        /** The exact value of a finite magnitude (sign bit clear); for {@code infinity}, 2^(emax + 1). */
        BigDecimal value(int magnitude) {
            int e = magnitude >>> mantissaBits, m = magnitude & ((1 << mantissaBits) - 1);
            if (e == 0) {
                return new BigDecimal(m).multiply(pow2(1 - bias - mantissaBits));
            }
            return new BigDecimal(m + (1 << mantissaBits)).multiply(pow2(e - bias - mantissaBits));
        }

        synchronized BigDecimal[] magnitudes() {
            if (magnitudes == null) {
                magnitudes = new BigDecimal[infinity + 1];
                for (int i = 0; i <= infinity; i++) {
                    magnitudes[i] = value(i);
                }
            }
            return magnitudes;
        }

        /** The magnitude nearest |v|, ties to the even one; infinity from the midpoint to 2^(emax + 1) on. */
        int nearest(BigDecimal v) {
            BigDecimal[] mags = magnitudes();
            BigDecimal x = v.abs();
            if (x.compareTo(mags[infinity]) >= 0) {
                return infinity;
            }
            int lo = 0, hi = infinity;  // mags[lo] <= x < mags[hi]
            while (hi - lo > 1) {
                int mid = (lo + hi) >>> 1;
                if (mags[mid].compareTo(x) <= 0) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            int c = x.subtract(mags[lo]).compareTo(mags[hi].subtract(x));
            return c < 0 ? lo : c > 0 ? hi : (lo % 2 == 0 ? lo : hi);
        }

        /** The expected bits of narrowing the finite float {@code f}, from exact arithmetic. */
        short expected(float f) {
            int sign = (Float.floatToRawIntBits(f) >>> 31) << 15;
            return (short) (sign | nearest(new BigDecimal(f)));
        }
    }

    private static BigDecimal pow2(int n) {
        return n >= 0 ? new BigDecimal(BigInteger.ONE.shiftLeft(n)) : BigDecimal.valueOf(5).pow(-n).scaleByPowerOfTen(n);
    }

    private static String hex(int bits) {
        return "0x" + Integer.toHexString(bits & 0xffff);
    }

    @Test
    void everyBitPatternWidensExactly() {
        for (Format format : Format.values()) {
            int checked = 0;
            for (int bits = 0; bits < 1 << 16; bits++) {
                final int h = bits;
                float f = format.widen((short) h);
                int magnitude = h & 0x7fff, signBit = Float.floatToRawIntBits(f) >>> 31;
                assertEquals(h >>> 15, signBit, () -> format + " sign of " + hex(h));
                if (magnitude > format.infinity) {
                    int payload = magnitude & ((1 << format.mantissaBits) - 1);
                    int want = (h >>> 15) << 31 | 0x7f800000 | payload << (23 - format.mantissaBits);
                    assertEquals(want, Float.floatToRawIntBits(f), () -> format + " NaN " + hex(h) + " keeps its payload");
                } else if (magnitude == format.infinity) {
                    assertTrue(Float.isInfinite(f), () -> format + " " + hex(h) + " is infinite");
                } else {
                    BigDecimal exact = format.value(magnitude);
                    if (new BigDecimal(Math.abs(f)).compareTo(exact) != 0) {
                        fail(format + " " + hex(h) + " widened to " + f + ", but its value is " + exact);
                    }
                }
                checked++;
            }
            assertEquals(65_536, checked);
        }
    }

    @Test
    void everyBitPatternNarrowsBackAndItsMidpointsRoundToEven() {
        for (Format format : Format.values()) {
            BigDecimal[] mags = format.magnitudes();
            int ties = 0;
            for (int bits = 0; bits < 1 << 16; bits++) {
                final int h = bits;
                int magnitude = h & 0x7fff, sign = h & 0x8000;
                if (magnitude > format.infinity) {
                    continue;  // NaN: the NaN test below
                }
                float f = format.widen((short) h);
                assertEquals(h, format.narrow(f) & 0xffff, () -> format + " " + hex(h) + " round trip");
                if (magnitude == format.infinity) {
                    continue;
                }
                // The midpoint to the next magnitude up (2^(emax + 1) above the largest finite one).
                BigDecimal mid = mags[magnitude].add(mags[magnitude + 1]).divide(BigDecimal.valueOf(2));
                float m = mid.floatValue();
                assertEquals(0, new BigDecimal(m).compareTo(mid), () -> format + " midpoint above " + hex(h) + " is a float");
                float below = Math.nextDown(m), above = Math.nextUp(m);
                float[] probes = {m, below, above};
                for (float p : probes) {
                    float signed = sign != 0 ? -p : p;
                    short want = format.expected(signed);
                    short got = format.narrow(signed);
                    if (want != got) {
                        fail(format + ": " + signed + " (float bits 0x" + Integer.toHexString(Float.floatToRawIntBits(signed))
                                + ") narrowed to " + hex(got) + ", but the nearest (ties to even) is " + hex(want));
                    }
                }
                // Spelled out: the tie goes to the even neighbour, just below stays, just above goes up.
                int even = magnitude % 2 == 0 ? magnitude : magnitude + 1;
                assertEquals(sign | even, format.narrow(sign != 0 ? -m : m) & 0xffff, () -> format + " tie above " + hex(h));
                assertEquals(sign | magnitude, format.narrow(sign != 0 ? -below : below) & 0xffff);
                assertEquals(sign | (magnitude + 1), format.narrow(sign != 0 ? -above : above) & 0xffff);
                ties++;
            }
            assertEquals(2 * format.infinity, ties, format + " midpoints checked");
        }
    }

    @Test
    void everyFloatNaNStaysNaNWithItsSign() {
        for (Format format : Format.values()) {
            for (int sign = 0; sign < 2; sign++) {
                for (int payload = 1; payload < 1 << 23; payload++) {
                    float nan = Float.intBitsToFloat(sign << 31 | 0x7f800000 | payload);
                    int h = format.narrow(nan) & 0xffff;
                    if ((h & 0x7fff) <= format.infinity || h >>> 15 != sign) {
                        fail(format + ": NaN 0x" + Integer.toHexString(Float.floatToRawIntBits(nan)) + " narrowed to " + hex(h));
                    }
                }
            }
        }
    }

    @Test
    void overflowUnderflowAndSpecialValues() {
        for (Format format : Format.values()) {
            assertEquals(format.infinity, format.narrow(Float.POSITIVE_INFINITY));
            assertEquals(0x8000 | format.infinity, format.narrow(Float.NEGATIVE_INFINITY) & 0xffff);
            assertEquals(format.infinity, format.narrow(Float.MAX_VALUE) & 0xffff, format + " MAX_VALUE");
            assertEquals(0, format.narrow(0f));
            assertEquals(0x8000, format.narrow(-0f) & 0xffff);
            assertEquals(0, format.narrow(Float.MIN_VALUE), format + " MIN_VALUE underflows to +0");
            assertEquals(0x8000, format.narrow(-Float.MIN_VALUE) & 0xffff, format + " -MIN_VALUE underflows to -0");
        }
        assertEquals(0x7bff, HalfFloats.floatToFloat16(65519.996f));
        assertEquals(0x7c00, HalfFloats.floatToFloat16(65520f));
        assertEquals(0x0001, HalfFloats.floatToFloat16(Math.nextUp(0x1p-25f)));
        assertEquals(0x3c00, HalfFloats.floatToFloat16(1f));
        assertEquals(0x3f80, HalfFloats.floatToBFloat16(1f));
        assertEquals(0x4049, HalfFloats.floatToBFloat16((float) Math.PI));
        assertEquals(0x4248, HalfFloats.floatToFloat16((float) Math.PI));
    }

    @Test
    void randomFloatsOfEveryExponentRoundToTheNearest() {
        Random r = new Random(0x16_16);
        for (Format format : Format.values()) {
            for (int i = 0; i < 200_000; i++) {
                float f = Float.intBitsToFloat(r.nextInt());
                if (Float.isNaN(f) || Float.isInfinite(f)) {
                    continue;
                }
                short want = format.expected(f), got = format.narrow(f);
                if (want != got) {
                    fail(format + ": " + f + " narrowed to " + hex(got) + ", but the nearest is " + hex(want));
                }
            }
        }
    }

    @Test
    void arraysConvertElementByElement() {
        short[] bits = {0x3c00, (short) 0xc000, 0x7c00, 0x0001};
        float[] f = new float[6];
        HalfFloats.float16ToFloat(bits, 1, f, 2, 3);
        assertEquals(-2f, f[2]);
        assertEquals(Float.POSITIVE_INFINITY, f[3]);
        assertEquals(0x1p-24f, f[4]);
        short[] back = new short[4];
        HalfFloats.floatToFloat16(f, 2, back, 1, 3);
        assertEquals((short) 0xc000, back[1]);
        HalfFloats.bfloat16ToFloat(new short[] {0x3f80}, 0, f, 0, 1);
        assertEquals(1f, f[0]);
        HalfFloats.floatToBFloat16(new float[] {-1f}, 0, back, 0, 1);
        assertEquals((short) 0xbf80, back[0]);
    }
}
