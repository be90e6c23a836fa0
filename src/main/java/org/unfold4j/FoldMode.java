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
    MEAN,
    /**
     * The weighted mean of the values landing on each pixel, {@code Σ w[k]·x / Σ w[k]} over the
     * (window, kernel offset) pairs covering it, where {@code w[k]} is the weight of kernel
     * offset {@code k}, the same for every window and channel ({@link Fold#withBlend},
     * {@link Fold#withWeights}); a pixel whose weights sum to 0, or that no window covers, is 0.
     * Both sums are taken in the element type in ascending kernel-offset order, each product
     * rounded before it is added (no fused multiply-add), so every backend gives the same bits.
     * Without weights given, every weight is 1 ({@link BlendWindow#constant()}): the result is
     * then {@link #MEAN}'s, bit for bit. float32 and float64.
     */
    WEIGHTED,
    /**
     * The largest value landing on each pixel, as {@link Math#max(float, float)} orders them (+0.0
     * above -0.0); a NaN among them makes the pixel NaN, and a pixel no window covers is 0. Values falling into the padding are dropped, as in every mode.
     * Every element type (unsigned for uint8).
     */
    MAX;

    /** The short name: {@code "sum"}, {@code "mean"}, {@code "weighted"} or {@code "max"}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The mode of a short name, ignoring case.
     *
     * @param name {@code "sum"}, {@code "mean"}, {@code "weighted"} or {@code "max"}
     * @return the mode
     * @throws IllegalArgumentException for another name
     */
    public static FoldMode parse(String name) {
        for (FoldMode m : values()) {
            if (m.name().equalsIgnoreCase(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("fold mode must be sum, mean, weighted or max, but got '" + name + "'");
    }
}
