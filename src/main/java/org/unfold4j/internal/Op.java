package org.unfold4j.internal;

/** The two operations every backend computes: unfold (image to columns) and fold (columns to image). */
public enum Op {
    /** Image to columns (im2col). */
    UNFOLD,
    /** Columns to image, overlaps summed or averaged (col2im). */
    FOLD;

    /** {@return {@code "unfold"} or {@code "fold"}, as messages and kernel names spell it} */
    public String label() {
        return this == UNFOLD ? "unfold" : "fold";
    }
}
