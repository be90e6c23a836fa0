package org.unfold4j;

import java.util.Locale;

/** What {@link Fold} does where windows overlap. */
public enum FoldMode {
    /** Sum the overlapping values (nn.Fold). */
    SUM,
    /**
     * Divide each pixel's sum by the number of windows covering it, computed from the geometry in
     * the same pass; pixels no window covers are 0. {@code fold_mean(unfold(x)) == x} wherever the
     * windows cover x: what tiled inference needs to stitch overlapping tiles.
     */
    MEAN;

    /** The short name, {@code "sum"} or {@code "mean"}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode of {@code "sum"} or {@code "mean"}. @throws IllegalArgumentException otherwise */
    public static FoldMode parse(String name) {
        for (FoldMode m : values()) {
            if (m.name().equalsIgnoreCase(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("fold mode must be sum or mean, but got '" + name + "'");
    }
}
