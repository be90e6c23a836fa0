package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Tensor#equals} on its own, since most tests compare through it.
 *
 * <p>Note [tensor equality]: two tensors are equal when they have the same dtype, the same
 * shape, and every element the same raw bits ({@code floatToRawIntBits} /
 * {@code doubleToRawLongBits}; float16 and bfloat16 their 16-bit patterns; uint8 and int32 by value). So NaN equals a NaN of the same
 * payload and sign but not one of another payload, and -0.0 differs from +0.0: the library
 * promises bit-exact results (a fold that gave -0.0 where PyTorch gives +0.0 is wrong), and
 * tests rely on equals to see that. {@code hashCode} agrees (equal tensors hash alike).
 *
 * <p>Each not-equal case differs from an equal copy in one element only, at the start, the
 * middle and the end of a tensor longer than the 64 elements hashCode reads, so a comparison
 * that stops early or skips elements fails here.
 */
class TensorEqualsTest {
    private static final long[] SHAPE = {3, 5, 7};
    private static final int N = 105;
    private static final int[] POSITIONS = {0, 52, N - 1};

    private static Tensor make(DType dtype, long seed) {
        return RandomCases.values(new Random(seed), dtype, SHAPE);
    }

    /** A copy of {@code t} with element {@code i} replaced by the bits {@code bits} (a value for uint8 and int32). */
    private static Tensor withElement(Tensor t, int i, long bits) {
        switch (t.dtype()) {
            case FLOAT32: {
                float[] a = t.toFloatArray();
                a[i] = Float.intBitsToFloat((int) bits);
                return Tensor.of(a, t.shape());
            }
            case FLOAT64: {
                double[] a = t.toDoubleArray();
                a[i] = Double.longBitsToDouble(bits);
                return Tensor.of(a, t.shape());
            }
            case UINT8: {
                byte[] a = t.toByteArray();
                a[i] = (byte) bits;
                return Tensor.ofUint8(a, t.shape());
            }
            case INT32: {
                int[] a = t.toIntArray();
                a[i] = (int) bits;
                return Tensor.of(a, t.shape());
            }
            case FLOAT16:
            case BFLOAT16: {
                short[] a = t.toShortArray();
                a[i] = (short) bits;
                return t.dtype() == DType.FLOAT16 ? Tensor.ofFloat16(a, t.shape()) : Tensor.ofBFloat16(a, t.shape());
            }
            default:
                throw new AssertionError(t.dtype());
        }
    }

    private static long bitsOf(Tensor t, int i) {
        return Reference.bits(t)[i];
    }

    @Test
    void equalCopiesAreEqualForEveryDtype() {
        for (DType dtype : DType.values()) {
            Tensor a = make(dtype, 1), b = make(dtype, 1);
            assertTrue(a.equals(b), dtype.toString());
            assertTrue(b.equals(a), dtype.toString());
            assertTrue(a.equals(a), dtype.toString());
            assertEquals(a.hashCode(), b.hashCode(), dtype.toString());
            assertFalse(a.equals(null), dtype.toString());
            assertFalse(a.equals("not a tensor"), dtype.toString());
            TensorAssert.assertTensorEquals(a, b, dtype.toString());
        }
    }

    @Test
    void oneDifferingElementMakesThemDifferForEveryDtype() {
        for (DType dtype : DType.values()) {
            Tensor a = make(dtype, 2);
            for (int i : POSITIONS) {
                long bits = bitsOf(a, i);
                // The smallest change of each kind: the lowest bit, and (for floats) the sign bit.
                long[] changes = dtype == DType.FLOAT32 ? new long[] {bits ^ 1, bits ^ 0x80000000L}
                        : dtype == DType.FLOAT64 ? new long[] {bits ^ 1, bits ^ Long.MIN_VALUE}
                        : dtype.isHalf() ? new long[] {bits ^ 1, bits ^ 0x8000}
                        : new long[] {bits ^ 1, bits ^ 0x80};
                for (long changed : changes) {
                    Tensor b = withElement(a, i, changed);
                    String what = dtype + ", element " + i + " changed to bits 0x" + Long.toHexString(changed);
                    assertFalse(a.equals(b), what);
                    assertFalse(b.equals(a), what);
                    assertNotEquals(null, TensorAssert.firstDifference(a, b), what);
                    AssertionError e = assertThrows(AssertionError.class, () -> TensorAssert.assertTensorEquals(a, b, what));
                    assertTrue(e.getMessage().startsWith("element " + i + " "), e.getMessage());
                }
            }
        }
    }

    @Test
    void nanEqualsOnlyANanOfTheSamePayloadAndSign() {
        int[] floatNaNs = {0x7fc00000, 0x7fc00001, 0xffc00000, 0x7fa5a5a5, 0x7f800001};
        Tensor base = make(DType.FLOAT32, 3);
        for (int x : floatNaNs) {
            assertTrue(Float.isNaN(Float.intBitsToFloat(x)));
            for (int y : floatNaNs) {
                Tensor a = withElement(base, 52, x & 0xffffffffL), b = withElement(base, 52, y & 0xffffffffL);
                String what = "float NaN 0x" + Integer.toHexString(x) + " against 0x" + Integer.toHexString(y);
                assertEquals(x == y, a.equals(b), what);
                if (x == y) {
                    assertEquals(a.hashCode(), b.hashCode(), what);
                }
            }
        }
        int[] halfNaNs = {0x7e00, 0x7e01, 0xfe00, 0x7d00, 0x7c01};
        int[] bfloatNaNs = {0x7fc0, 0x7fc1, 0xffc0, 0x7f81};
        for (DType dtype : new DType[] {DType.FLOAT16, DType.BFLOAT16}) {
            Tensor half = make(dtype, 5);
            for (int x : dtype == DType.FLOAT16 ? halfNaNs : bfloatNaNs) {
                assertTrue(Double.isNaN(withElement(half, 0, x).getDouble(0)), dtype + " 0x" + Integer.toHexString(x));
                for (int y : dtype == DType.FLOAT16 ? halfNaNs : bfloatNaNs) {
                    Tensor a = withElement(half, 0, x), b = withElement(half, 0, y);
                    assertEquals(x == y, a.equals(b), dtype + " NaN 0x" + Integer.toHexString(x) + " against 0x" + Integer.toHexString(y));
                }
            }
        }
        long[] doubleNaNs = {0x7ff8000000000000L, 0x7ff8000000000001L, 0xfff8000000000000L, 0x7ff0000000000001L};
        Tensor wide = make(DType.FLOAT64, 4);
        for (long x : doubleNaNs) {
            for (long y : doubleNaNs) {
                Tensor a = withElement(wide, N - 1, x), b = withElement(wide, N - 1, y);
                String what = "double NaN 0x" + Long.toHexString(x) + " against 0x" + Long.toHexString(y);
                assertEquals(x == y, a.equals(b), what);
            }
        }
    }

    @Test
    void negativeZeroDiffersFromPositiveZero() {
        Tensor f = make(DType.FLOAT32, 5), d = make(DType.FLOAT64, 5);
        assertNotEquals(withElement(f, 0, Float.floatToRawIntBits(0f)), withElement(f, 0, Float.floatToRawIntBits(-0f)));
        assertNotEquals(withElement(d, 0, Double.doubleToRawLongBits(0d)), withElement(d, 0, Double.doubleToRawLongBits(-0d)));
        assertEquals(withElement(f, 0, Float.floatToRawIntBits(-0f)), withElement(f, 0, Float.floatToRawIntBits(-0f)));
        assertEquals(Tensor.of(new float[] {-0f}, 1), Tensor.of(new float[] {-0f}, 1));
        assertNotEquals(Tensor.of(new float[] {0f}, 1), Tensor.of(new float[] {-0f}, 1));
        assertNotEquals(Tensor.ofFloat16(new short[] {0}, 1), Tensor.ofFloat16(new short[] {(short) 0x8000}, 1));
        assertNotEquals(Tensor.ofBFloat16(new short[] {0}, 1), Tensor.ofBFloat16(new short[] {(short) 0x8000}, 1));
        assertNotEquals(Tensor.ofFloat16(new short[] {0x3c00}, 1), Tensor.ofBFloat16(new short[] {0x3c00}, 1));
    }

    @Test
    void shapeAndDtypeMismatchesAreNotEqual() {
        float[] v = new float[12];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        Tensor t = Tensor.of(v, 3, 4);
        assertNotEquals(t, Tensor.of(v.clone(), 4, 3));
        assertNotEquals(t, Tensor.of(v.clone(), 12));
        assertNotEquals(t, Tensor.of(v.clone(), 1, 3, 4));
        assertEquals(t, Tensor.of(v.clone(), 3, 4));
        // The same values in another type (exactly representable in each): still different tensors.
        double[] wide = new double[12];
        int[] ints = new int[12];
        byte[] bytes = new byte[12];
        for (int i = 0; i < 12; i++) {
            wide[i] = i;
            ints[i] = i;
            bytes[i] = (byte) i;
        }
        Tensor[] sameValues = {t, Tensor.of(wide, 3, 4), Tensor.of(ints, 3, 4), Tensor.ofUint8(bytes, 3, 4)};
        for (int i = 0; i < sameValues.length; i++) {
            for (int j = 0; j < sameValues.length; j++) {
                assertEquals(i == j, sameValues[i].equals(sameValues[j]), sameValues[i] + " against " + sameValues[j]);
            }
        }
        // All-zero tensors of equal element count but other shapes or types.
        assertNotEquals(Tensor.zeros(2, 6), Tensor.zeros(3, 4));
        assertNotEquals(Tensor.zeros(DType.INT32, 3, 4), Tensor.zeros(DType.FLOAT32, 3, 4));
        assertEquals(Tensor.zeros(DType.UINT8, 0, 4), Tensor.zeros(DType.UINT8, 0, 4));
        assertNotEquals(Tensor.zeros(DType.UINT8, 0, 4), Tensor.zeros(DType.UINT8, 4, 0));
    }

    /** getDouble, which toDoubleArray and the comparisons' messages use: exact for every type, uint8 unsigned. */
    @Test
    void getDoubleIsExactForEveryDtype() {
        assertEquals(200.0, Tensor.ofUint8(new byte[] {1, (byte) 200}, 2).getDouble(1));
        assertEquals(-5.0, Tensor.of(new int[] {7, -5}, 2).getDouble(1));
        assertEquals(Integer.MIN_VALUE, Tensor.of(new int[] {Integer.MIN_VALUE}, 1).getDouble(0));
        assertEquals(0.1, Tensor.of(new double[] {0, 0.1}, 2).getDouble(1));
        assertEquals(-2.5, Tensor.of(new float[] {-2.5f}, 1).getDouble(0));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {1, 200}, Tensor.ofUint8(new byte[] {1, (byte) 200}, 2).toDoubleArray());
        assertThrows(IndexOutOfBoundsException.class, () -> Tensor.of(new int[] {7, -5}, 2).getDouble(2));
    }

    @Test
    void tensorAssertReportsTheFirstDifferenceWithItsIndex() {
        Tensor a = make(DType.FLOAT32, 6);
        Tensor b = withElement(withElement(a, 52, 0x7fc00000L), N - 1, 0x7fc00000L);
        AssertionError e = assertThrows(AssertionError.class, () -> TensorAssert.assertTensorEquals(a, b, "ctx"));
        // 52 = 1·35 + 2·7 + 3 in [3, 5, 7]
        assertTrue(e.getMessage().startsWith("element 52 [1, 2, 3] differs"), e.getMessage());
        assertTrue(e.getMessage().contains("2 of 105 elements differ"), e.getMessage());
        assertTrue(e.getMessage().endsWith(": ctx"), e.getMessage());
        assertThrows(AssertionError.class, () -> TensorAssert.assertTensorEquals(a, Tensor.of(a.toFloatArray(), 5, 3, 7)));
        assertThrows(AssertionError.class, () -> TensorAssert.assertTensorEquals(a, Tensor.of(a.toDoubleArray(), SHAPE)));
    }
}
