package org.unfold4j;

import java.util.Locale;

/**
 * How {@link Unfold} reads pixels in the padding, as PyTorch's {@code F.pad(x, ..., mode=...)}
 * followed by an unfold without padding; read directly by the kernels, no padded copy is made.
 */
public enum PaddingMode {
    /** Zeros (nn.Unfold's only mode). */
    ZEROS,
    /** Mirror without repeating the edge: {@code 2 1 | 0 1 2 3 | 2 1}; padding must be smaller than the size. */
    REFLECT,
    /** Repeat the edge pixel: {@code 0 0 | 0 1 2 3 | 3 3}. */
    REPLICATE,
    /** Wrap around: {@code 2 3 | 0 1 2 3 | 0 1}; padding must not exceed the size. */
    CIRCULAR;

    /** PyTorch's name, e.g. {@code "reflect"}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The mode of a PyTorch name, ignoring case.
     *
     * @param name {@code "zeros"}, {@code "reflect"}, {@code "replicate"} or {@code "circular"}
     * @return the mode
     * @throws IllegalArgumentException for another name
     */
    public static PaddingMode parse(String name) {
        for (PaddingMode m : values()) {
            if (m.name().equalsIgnoreCase(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("padding_mode must be zeros, reflect, replicate or circular, but got '"
                + name + "'");
    }
}
