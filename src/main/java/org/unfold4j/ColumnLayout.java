package org.unfold4j;

import java.util.Locale;

/** How the windows are laid out on the column side of unfold (its output) and fold (its input). */
public enum ColumnLayout {
    /**
     * PyTorch's {@code [N, C·K, L]}: one column per window, its rows channel first then kernel
     * offsets, for channels-last images too (their columns equal those of the channels-first
     * permutation).
     */
    COLUMNS,
    /**
     * Patch-major {@code [N, L, C·K]} for channels-first images, {@code [N, L, K·C]} (kernel row,
     * kernel column, channel; channel fastest, as TensorFlow's {@code extract_patches}) for
     * channels-last images: one row per window.
     */
    PATCHES;

    /** The short name, {@code "columns"} or {@code "patches"}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The layout of a short name, ignoring case.
     *
     * @param name {@code "columns"} or {@code "patches"}
     * @return the layout
     * @throws IllegalArgumentException for another name
     */
    public static ColumnLayout parse(String name) {
        for (ColumnLayout l : values()) {
            if (l.name().equalsIgnoreCase(name)) {
                return l;
            }
        }
        throw new IllegalArgumentException("output_layout must be columns or patches, but got '" + name + "'");
    }
}
