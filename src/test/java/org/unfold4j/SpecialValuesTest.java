package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * Unfold copies values, so it must not touch their bits: NaNs with several payloads (quiet and
 * signalling, either sign), infinities, -0.0 and subnormals come out exactly as they went in, on
 * every backend, in float32 and float64, also where they are read through the padding of the
 * reflect, replicate and circular modes; zero padding is +0.0.
 */
class SpecialValuesTest {
    static final int[] FLOAT_BITS = {
        0x7fc00000,               // the canonical quiet NaN
        0x7fc00001,               // quiet NaN with a payload
        0xffc12345,               // negative quiet NaN with a payload
        0x7f800001,               // signalling NaN, smallest payload
        0x7fbfffff,               // signalling NaN, largest payload
        0xff812345,               // negative signalling NaN
        0x7f800000, 0xff800000,   // +Infinity, -Infinity
        0x80000000,               // -0.0
        0x00000001, 0x80000001,   // ±Float.MIN_VALUE
        Float.floatToRawIntBits(1e-40f), Float.floatToRawIntBits(-1e-40f),  // subnormals
        0x007fffff,               // largest subnormal
        0x7f7fffff,               // Float.MAX_VALUE
        0x3f800000,               // 1.0, an ordinary value among them
    };

    static final long[] DOUBLE_BITS = {
        0x7ff8000000000000L,      // the canonical quiet NaN
        0x7ff8000000000001L,      // quiet NaN with a payload
        0xfff8dead0000beefL,      // negative quiet NaN with a payload
        0x7ff0000000000001L,      // signalling NaN, smallest payload
        0x7ff7ffffffffffffL,      // signalling NaN, largest payload
        0x7ff0000080000000L,      // signalling NaN whose payload is lost by a float32 detour
        0x7ff0000000000000L, 0xfff0000000000000L,  // ±Infinity
        0x8000000000000000L,      // -0.0
        0x0000000000000001L, 0x8000000000000001L,  // ±Double.MIN_VALUE
        Double.doubleToRawLongBits(1e-310), Double.doubleToRawLongBits(-1e-310),  // subnormals
        Double.doubleToRawLongBits((double) 1e-40f),  // a float32 subnormal, normal in float64
        0x7fefffffffffffffL,      // Double.MAX_VALUE
        0x3ff0000000000001L,      // 1 + ulp: not a float32
    };

    /** Geometries with padding 1 or 2 on every side, valid for every mode (reflect padding < size). */
    static List<Case> geometries(PaddingMode mode, DType dtype) {
        List<Case> list = new ArrayList<>();
        for (ColumnLayout columns : ColumnLayout.values()) {
            list.add(new Case(new int[] {3}, new int[] {2}, new int[] {2}, new int[] {1}, mode,
                    ImageLayout.CHANNELS_FIRST, columns, dtype, true, 2, 2, new int[] {6}));
            list.add(new Case(new int[] {3, 2}, new int[] {1, 2}, new int[] {2, 1}, new int[] {1, 2}, mode,
                    ImageLayout.CHANNELS_FIRST, columns, dtype, true, 2, 3, new int[] {4, 5}));
            list.add(new Case(new int[] {2, 3}, new int[] {1, 1}, new int[] {1, 2}, new int[] {1, 1}, mode,
                    ImageLayout.CHANNELS_LAST, columns, dtype, false, 1, 3, new int[] {4, 3}));
            list.add(new Case(new int[] {2, 2, 3}, new int[] {1, 1, 1}, new int[] {1, 1, 2}, new int[] {1, 2, 1},
                    mode, ImageLayout.CHANNELS_FIRST, columns, dtype, true, 1, 2, new int[] {3, 3, 4}));
        }
        return list;
    }

    /** An image whose values are the special values, each several times, in a seeded random order. */
    static Tensor specialImage(Case f, Random r) {
        int count = f.imageElements();
        if (f.dtype() == DType.FLOAT32) {
            float[] v = new float[count];
            for (int i = 0; i < count; i++) {
                v[i] = Float.intBitsToFloat(FLOAT_BITS[r.nextInt(FLOAT_BITS.length)]);
            }
            return Tensor.of(v, f.imageShape());
        }
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = Double.longBitsToDouble(DOUBLE_BITS[r.nextInt(DOUBLE_BITS.length)]);
        }
        return Tensor.of(v, f.imageShape());
    }

    @TestFactory
    Stream<DynamicTest> specialValuesPassThroughUnfoldBitForBit() {
        return PerBackend.tests("NaN payloads, infinities, -0.0, subnormals copied bit for bit", backend -> {
            Random r = new Random(0x5BEC_1A1L);
            List<Executable> checks = new ArrayList<>();
            int readThroughPadding = 0;
            for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                for (PaddingMode mode : PaddingMode.values()) {
                    for (Case f : geometries(mode, dtype)) {
                        Tensor image = specialImage(f, r);
                        long[] before = Reference.bits(image);
                        if (mode != PaddingMode.ZEROS) {
                            readThroughPadding++;
                        }
                        String what = f + " on " + backend;
                        checks.add(() -> {
                            Tensor got = f.unfold().apply(image, backend);
                            Reference.assertSameBits(Reference.unfold(f, image), got, what);
                            assertTrue(Arrays.equals(before, Reference.bits(image)),
                                    "the input was modified: " + what);
                        });
                    }
                }
            }
            assertEquals(48, readThroughPadding);
            assertAll(checks);
        });
    }

    /**
     * The images are every special value, so each kind also lands in the padding of the non-zero
     * modes: checked directly on the bits, without the reference, for one value at a time.
     */
    @TestFactory
    Stream<DynamicTest> paddingModesReplicateSpecialValuesExactly() {
        return PerBackend.tests("a constant special image stays constant through every padding mode", backend -> {
            List<Executable> checks = new ArrayList<>();
            for (PaddingMode mode : new PaddingMode[] {PaddingMode.REFLECT, PaddingMode.REPLICATE, PaddingMode.CIRCULAR}) {
                for (int bits : FLOAT_BITS) {
                    Case f = geometries(mode, DType.FLOAT32).get(1);
                    float[] v = new float[f.imageElements()];
                    Arrays.fill(v, Float.intBitsToFloat(bits));
                    checks.add(() -> {
                        long[] got = Reference.bits(f.unfold().apply(Tensor.of(v, f.imageShape()), backend));
                        for (int i = 0; i < got.length; i++) {
                            if (got[i] != (bits & 0xffffffffL)) {
                                fail("element " + i + " is 0x" + Long.toHexString(got[i]) + ", not 0x"
                                        + Integer.toHexString(bits) + " like every input pixel: " + f + " on " + backend);
                            }
                        }
                    });
                }
                for (long bits : DOUBLE_BITS) {
                    Case f = geometries(mode, DType.FLOAT64).get(3);
                    double[] v = new double[f.imageElements()];
                    Arrays.fill(v, Double.longBitsToDouble(bits));
                    checks.add(() -> {
                        long[] got = Reference.bits(f.unfold().apply(Tensor.of(v, f.imageShape()), backend));
                        for (int i = 0; i < got.length; i++) {
                            if (got[i] != bits) {
                                fail("element " + i + " is 0x" + Long.toHexString(got[i]) + ", not 0x"
                                        + Long.toHexString(bits) + " like every input pixel: " + f + " on " + backend);
                            }
                        }
                    });
                }
            }
            assertAll(checks);
        });
    }

    /** Zero padding is +0.0 (bits 0), distinguishable from the -0.0 of an all -0.0 image. */
    @TestFactory
    Stream<DynamicTest> zeroPaddingIsPositiveZero() {
        return PerBackend.tests("zero padding is +0.0, input -0.0 stays -0.0", backend -> {
            List<Executable> checks = new ArrayList<>();
            for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                for (Case f : geometries(PaddingMode.ZEROS, dtype)) {
                    Tensor image;
                    long negativeZero;
                    if (dtype == DType.FLOAT32) {
                        float[] v = new float[f.imageElements()];
                        Arrays.fill(v, -0.0f);
                        image = Tensor.of(v, f.imageShape());
                        negativeZero = 0x80000000L;
                    } else {
                        double[] v = new double[f.imageElements()];
                        Arrays.fill(v, -0.0);
                        image = Tensor.of(v, f.imageShape());
                        negativeZero = 0x8000000000000000L;
                    }
                    int[] sources = Reference.unfoldSources(f);
                    long padded = Arrays.stream(sources).filter(s -> s < 0).count();
                    assertTrue(padded > 0 && padded < sources.length, "the geometry must read padding and pixels: " + f);
                    checks.add(() -> {
                        long[] got = Reference.bits(f.unfold().apply(image, backend));
                        assertEquals(sources.length, got.length, f + " on " + backend);
                        for (int i = 0; i < got.length; i++) {
                            long expected = sources[i] < 0 ? 0 : negativeZero;
                            if (got[i] != expected) {
                                fail("element " + i + " (" + (sources[i] < 0 ? "zero padding" : "input pixel " + sources[i])
                                        + ") has bits 0x" + Long.toHexString(got[i]) + ", expected 0x"
                                        + Long.toHexString(expected) + ": " + f + " on " + backend);
                            }
                        }
                    });
                }
            }
            assertAll(checks);
        });
    }
}
