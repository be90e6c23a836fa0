package org.unfold4j.cli;

import org.unfold4j.Tensor;

/**
 * An image as the command line computes on it: {@code channels × height × width} float32 values,
 * row-major, in 0..255 (8-bit sample values as floats, so sums of a few thousand pixels stay exact).
 * The array is shared, not copied.
 */
record Picture(float[] data, int channels, int height, int width) {
    Picture {
        if ((long) channels * height * width != data.length) {
            throw new IllegalArgumentException("data length " + data.length + " does not match " + channels + "x"
                    + height + "x" + width);
        }
    }

    /** The values as an unbatched tensor {@code [C, H, W]} (no copy). */
    Tensor tensor() {
        return Tensor.of(data, channels, height, width);
    }

    /** The values as a batch of one, {@code [1, C, H, W]} (no copy). */
    Tensor batch() {
        return Tensor.of(data, 1, channels, height, width);
    }

    /** A picture over a {@code [C, H, W]} or {@code [1, C, H, W]} tensor's values (copied). */
    static Picture of(Tensor t) {
        long[] s = t.shape();
        int o = s.length - 3;
        return new Picture(t.toFloatArray(), (int) s[o], (int) s[o + 1], (int) s[o + 2]);
    }

    /** "3x288x448". */
    String size() {
        return channels + "x" + height + "x" + width;
    }
}
