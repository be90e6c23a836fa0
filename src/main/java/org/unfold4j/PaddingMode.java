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

    /**
     * The index this mode reads for a coordinate along one axis, padding included: the
     * coordinate itself inside {@code [0, size)}; outside it, -1 for {@link #ZEROS} (a zero is
     * read) or the mirrored, clamped or wrapped index. The one statement of the rule: the Java
     * backend reads through it, the kernels implement the same (PAD_MODE in kernels/unfold.cl), and the
     * command line's band inputs use it.
     *
     * @param coordinate a coordinate with the padding, e.g. {@code -2} for two pixels before the
     *     first; for {@code REFLECT} it must lie within {@code size - 1} of the image, for
     *     {@code CIRCULAR} within {@code size} (the padding limits {@link Unfold} checks)
     * @param size the axis's size, at least 1
     * @return an index in {@code [0, size)}, or -1 for a zero
     */
    public long source(long coordinate, long size) {
        if (coordinate >= 0 && coordinate < size) {
            return coordinate;
        }
        switch (this) {
            case ZEROS: return -1;
            case REFLECT: return coordinate < 0 ? -coordinate : 2 * (size - 1) - coordinate;
            case REPLICATE: return coordinate < 0 ? 0 : size - 1;
            case CIRCULAR: return coordinate < 0 ? coordinate + size : coordinate - size;
            default: throw new AssertionError(this);
        }
    }

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
