package org.unfold4j;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;

/**
 * Tensor comparisons for tests that say where two tensors differ. {@code assertEquals(expected,
 * actual)} on whole tensors reports only {@code Tensor[2, 3, 4]} twice; these name the first
 * differing element (flat and per dimension), both values with their bits, and how many differ.
 *
 * <p>Equality here is {@link Tensor#equals}'s: type, shape and every element's raw bits (Note
 * [tensor equality] in TensorEqualsTest). The bits are compared here independently of
 * {@code Tensor.equals}, and the two must agree, so a broken {@code equals} fails every test
 * that compares through this class instead of letting every comparison pass.
 */
final class TensorAssert {
    private TensorAssert() {
    }

    /** Same type, shape and bits; otherwise fails naming the first difference. */
    static void assertTensorEquals(Tensor expected, Tensor actual, String what) {
        if (expected == null || actual == null) {
            if (expected != actual) {
                fail("expected " + expected + " but got " + actual + ": " + what);
            }
            return;
        }
        if (expected.dtype() != actual.dtype()) {
            fail("dtype differs: expected " + expected.dtype() + " but got " + actual.dtype() + ": " + what);
        }
        if (!Arrays.equals(expected.shape(), actual.shape())) {
            fail("shape differs: expected " + Arrays.toString(expected.shape()) + " but got "
                    + Arrays.toString(actual.shape()) + ": " + what);
        }
        String difference = firstDifference(expected, actual);
        boolean equal = expected.equals(actual);
        if (difference != null) {
            fail(difference + (equal ? " (and Tensor.equals wrongly says they are equal)" : "") + ": " + what);
        }
        if (!equal) {
            fail("Tensor.equals says " + actual + " differs from " + expected
                    + " although type, shape and every element's bits agree: " + what);
        }
    }

    /** {@link #assertTensorEquals(Tensor, Tensor, String)} with no description. */
    static void assertTensorEquals(Tensor expected, Tensor actual) {
        assertTensorEquals(expected, actual, "tensors differ");
    }

    /**
     * The first element whose bits differ, described (flat index, index per dimension, both
     * values and bits, how many differ), or null if none does. Same type and shape assumed.
     */
    static String firstDifference(Tensor expected, Tensor actual) {
        long[] e = Reference.bits(expected), a = Reference.bits(actual);
        for (int i = 0; i < e.length; i++) {
            if (e[i] != a[i]) {
                int different = 0;
                for (int j = i; j < e.length; j++) {
                    different += e[j] != a[j] ? 1 : 0;
                }
                return "element " + i + " " + Arrays.toString(index(expected.shape(), i)) + " differs: expected "
                        + expected.getDouble(i) + " (bits 0x" + Long.toHexString(e[i]) + ") but got " + actual.getDouble(i)
                        + " (bits 0x" + Long.toHexString(a[i]) + "); " + different + " of " + e.length + " elements differ";
            }
        }
        return null;
    }

    /** The index per dimension of flat (row-major) index {@code flat}. */
    static long[] index(long[] shape, long flat) {
        long[] idx = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }
}
