package org.unfold4j.internal.geometry;

import java.util.Arrays;

/**
 * The validated weights of a weighted fold, one float32 per flat kernel offset (PyTorch's kernel
 * order), compared by value: part of a {@link View} (so plans are keyed by them) and the key of
 * the OpenCL backend's cache of weight buffers. Made only by {@code ColumnGeometry}, which has
 * checked that they are finite, non-negative and of the kernel's shape.
 *
 * <p>Note [weighted fold order]: each pixel takes {@code num = Σ w[k]·x} and {@code den = Σ w[k]}
 * over its covering (window, kernel offset) pairs in ascending kernel-offset order, both in the
 * element type starting from +0, each product {@code w[k]·x} rounded to the type before it is
 * added (Java never fuses them; fold.cl turns contraction off), then {@code den > 0 ? num / den :
 * 0} with a correctly rounded division. The Java fold and fold.cl do exactly this, so the
 * weighted fold is bit-identical across backends like the sum; with every weight 1 it is the
 * mean's computation step for step.
 *
 * <p>Immutable (the array is a private copy).
 */
public final class FoldWeights {
    private final float[] values;
    private final int hash;

    /**
     * Weights already validated by the caller.
     *
     * @param values one per flat kernel offset; copied
     */
    public FoldWeights(float[] values) {
        this.values = values.clone();
        this.hash = Arrays.hashCode(this.values);
    }

    /** {@return the number of weights (the kernel volume)} */
    public int length() {
        return values.length;
    }

    /**
     * {@return the weight of flat kernel offset {@code k}}
     *
     * @param k the offset
     */
    public float get(int k) {
        return values[k];
    }

    /** {@return a copy of the weights} */
    public float[] toArray() {
        return values.clone();
    }

    /** {@return whether every weight is 1 (the weighted fold is then the mean)} */
    public boolean allOnes() {
        for (float v : values) {
            if (v != 1f) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FoldWeights w && hash == w.hash && Arrays.equals(values, w.values);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return values.length <= 8 ? Arrays.toString(values) : values.length + " weights #" + Integer.toHexString(hash);
    }
}
