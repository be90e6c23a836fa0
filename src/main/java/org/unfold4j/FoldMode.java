package org.unfold4j;

import java.util.Locale;

/** What {@link Fold} does where windows overlap. */
public enum FoldMode {
    /** Sum the overlapping values (nn.Fold). */
    SUM,
    /**
     * Divide each pixel's sum by the number of windows covering it, computed from the geometry in
     * the same pass; pixels no window covers are 0. {@code fold_mean(unfold(x))} gives x back
     * wherever the windows cover x: what tiled inference needs to stitch overlapping tiles. The
     * sum is rounded before the division, so arbitrary floats come back within a few ulps;
     * values whose sums are exact (8-bit pixels, small integers) come back exactly.
     */
    MEAN;

    /** The short name, {@code "sum"} or {@code "mean"}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The mode of a short name, ignoring case.
     *
     * @param name {@code "sum"} or {@code "mean"}
     * @return the mode
     * @throws IllegalArgumentException for another name
     */
    public static FoldMode parse(String name) {
        for (FoldMode m : values()) {
            if (m.name().equalsIgnoreCase(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("fold mode must be sum or mean, but got '" + name + "'");
    }
}
