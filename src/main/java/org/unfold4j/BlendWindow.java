package org.unfold4j;

import java.util.Arrays;
import java.util.Objects;

/**
 * The weights of a weighted fold ({@link FoldMode#WEIGHTED}, {@link Fold#withBlend}): one
 * non-negative float32 weight per kernel offset, the same for every window and channel, for
 * stitching overlapping tiles so that each tile's border counts less than its centre.
 *
 * <p>Tiles of the photograph, each given a contrast of its own (so overlapping tiles disagree),
 * folded back by {@link FoldMode#MEAN} (left: the tile borders show) and weighted by
 * {@link #gaussian(double)} (right: they fade into each other); {@code unfold4j demo} draws both.
 * <p><img src="doc-files/blend-mean.png" alt="Disagreeing tiles folded by their mean: tile borders visible">
 * <img src="doc-files/blend-gaussian.png" alt="The same tiles weighted by a gaussian window: borders blended away">
 *
 * <p>The named windows are separable: the weight of a kernel offset is the product over the
 * spatial dimensions of a 1-D window of that dimension's kernel size {@code k}, at offset
 * {@code i = 0 … k−1} with centre {@code c = (k−1)/2}:
 * <ul>
 *   <li>{@link #constant()}: 1 (the weighted fold is then the mean);
 *   <li>{@link #gaussian(double)}: {@code exp(−(i−c)² / (2σ²))} with {@code σ = sigmaScale·k};
 *   <li>{@link #hann()}: {@code sin²(π(i+1)/(k+1))}, which has no zero at the ends (every tap counts);
 *   <li>{@link #triangular()}: {@code 1 − |i−c| / ((k+1)/2)}.
 * </ul>
 * Each weight is computed in double (the 1-D values and their product) and rounded to float32
 * once, so that every backend folds with the same float weights. {@link #of(Tensor)} takes
 * weights as they are. {@link #weights(long...)} shows the weights a kernel gets.
 *
 * <p>Immutable and thread-safe.
 */
public final class BlendWindow {
    private enum Kind { CONSTANT, GAUSSIAN, HANN, TRIANGULAR, EXPLICIT }

    private static final BlendWindow CONSTANT = new BlendWindow(Kind.CONSTANT, 0, null, null);
    private static final BlendWindow HANN = new BlendWindow(Kind.HANN, 0, null, null);
    private static final BlendWindow TRIANGULAR = new BlendWindow(Kind.TRIANGULAR, 0, null, null);

    private final Kind kind;
    private final double sigmaScale;
    /** For {@link #of}: a private copy of the weights and their shape; null for the named windows. */
    private final float[] values;
    private final long[] shape;

    private BlendWindow(Kind kind, double sigmaScale, float[] values, long[] shape) {
        this.kind = kind;
        this.sigmaScale = sigmaScale;
        this.values = values;
        this.shape = shape;
    }

    /** {@return equal weights: the weighted fold of this window is {@link FoldMode#MEAN}, bit for bit} */
    public static BlendWindow constant() {
        return CONSTANT;
    }

    /**
     * {@return a gaussian window, {@code exp(−(i−c)² / (2σ²))} with {@code σ = sigmaScale·k} per dimension}
     *
     * @param sigmaScale σ as a fraction of the kernel size (0.125 to 0.25 are common for tiles)
     * @throws IllegalArgumentException if {@code sigmaScale} is not a finite positive number
     */
    public static BlendWindow gaussian(double sigmaScale) {
        if (!(sigmaScale > 0) || Double.isInfinite(sigmaScale)) {
            throw new IllegalArgumentException("gaussian blend window needs a finite sigma_scale greater than zero, "
                    + "but got sigma_scale=" + sigmaScale);
        }
        return new BlendWindow(Kind.GAUSSIAN, sigmaScale, null, null);
    }

    /** {@return a hann window, {@code sin²(π(i+1)/(k+1))} per dimension (no zero weight at the ends)} */
    public static BlendWindow hann() {
        return HANN;
    }

    /** {@return a triangular window, {@code 1 − |i−c| / ((k+1)/2)} per dimension} */
    public static BlendWindow triangular() {
        return TRIANGULAR;
    }

    /**
     * {@return the window a name stands for, as command lines and job options name them}
     *
     * @param name       {@code constant}, {@code gaussian}, {@code hann} or {@code triangular}, ignoring case
     * @param sigmaScale the gaussian window's σ as a fraction of the kernel size; unused by the others
     * @throws IllegalArgumentException for another name, or a {@code sigmaScale} that
     *     {@link #gaussian} refuses when the name is {@code gaussian}
     */
    public static BlendWindow parse(String name, double sigmaScale) {
        Objects.requireNonNull(name, "name");
        return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "constant" -> constant();
            case "gaussian" -> gaussian(sigmaScale);
            case "hann" -> hann();
            case "triangular" -> triangular();
            default -> throw new IllegalArgumentException("blend must be constant, gaussian, hann or triangular, but got '"
                    + name + "'");
        };
    }

    /**
     * Explicit weights, one per kernel offset, in PyTorch's kernel order (the tensor's shape is
     * the kernel's spatial shape, checked against the fold's kernel by {@link #weights(long...)}
     * and {@link Fold#withBlend}).
     *
     * @param weights a float32 tensor of finite, non-negative values; copied
     * @return the window
     * @throws IllegalArgumentException if the weights are not float32 or hold a negative, NaN or
     *     infinite value
     */
    public static BlendWindow of(Tensor weights) {
        Objects.requireNonNull(weights, "weights");
        ColumnGeometry.checkFoldWeights(weights);  // Note [fold weights are checked here] in ColumnGeometry
        return new BlendWindow(Kind.EXPLICIT, 0, weights.toFloatArray(), weights.shape());
    }

    /**
     * The weights this window gives a kernel, as a new float32 tensor of the kernel's shape.
     *
     * @param kernel the kernel size per spatial dimension (1 to 3 entries, each at least 1)
     * @return the weights, in PyTorch's kernel order
     * @throws IllegalArgumentException if the kernel has no entries or more than 3, an entry
     *     below 1, more than 2^31 − 1 offsets, or (for {@link #of}) another shape than the weights
     */
    public Tensor weights(long... kernel) {
        Objects.requireNonNull(kernel, "kernel");
        if (kernel.length < 1 || kernel.length > 3 || Arrays.stream(kernel).anyMatch(k -> k < 1)) {
            throw new IllegalArgumentException("blend window weights need a kernel_size of 1 to 3 entries, each at "
                    + "least 1, but got kernel_size=" + Arrays.toString(kernel));
        }
        if (kind == Kind.EXPLICIT) {
            ColumnGeometry.checkFoldWeightsShape(shape, kernel);
            return Tensor.of(values.clone(), kernel);
        }
        long volume = 1;
        for (long k : kernel) {
            volume *= k;
            if (volume > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("blend window weights of kernel_size " + Arrays.toString(kernel)
                        + " exceed 2^31 - 1 offsets");
            }
        }
        double[][] axes = new double[kernel.length][];
        for (int d = 0; d < kernel.length; d++) {
            axes[d] = oneDimensional((int) kernel[d]);
        }
        float[] w = new float[(int) volume];
        for (int flat = 0; flat < w.length; flat++) {
            double product = 1;
            for (int d = kernel.length - 1, rest = flat; d >= 0; d--) {
                product *= axes[d][rest % (int) kernel[d]];
                rest /= (int) kernel[d];
            }
            w[flat] = (float) product;  // rounded once, from double (Note in the class javadoc)
        }
        return Tensor.of(w, kernel);
    }

    /** The 1-D window of kernel size {@code k}, in double. */
    private double[] oneDimensional(int k) {
        double[] w = new double[k];
        double c = (k - 1) / 2.0;
        for (int i = 0; i < k; i++) {
            w[i] = switch (kind) {
                case CONSTANT -> 1;
                case GAUSSIAN -> {
                    double sigma = sigmaScale * k;
                    yield Math.exp(-(i - c) * (i - c) / (2 * sigma * sigma));
                }
                case HANN -> {
                    double s = Math.sin(Math.PI * (i + 1) / (k + 1));
                    yield s * s;
                }
                case TRIANGULAR -> 1 - Math.abs(i - c) / ((k + 1) / 2.0);
                case EXPLICIT -> throw new AssertionError("explicit weights have no 1-D window");
            };
        }
        return w;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlendWindow b && kind == b.kind && Double.compare(sigmaScale, b.sigmaScale) == 0
                && Arrays.equals(values, b.values) && Arrays.equals(shape, b.shape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, sigmaScale, Arrays.hashCode(values), Arrays.hashCode(shape));
    }

    /** {@return the window's name and parameters, e.g. {@code gaussian(sigma_scale=0.125)} or {@code weights[3, 3]}} */
    @Override
    public String toString() {
        return switch (kind) {
            case CONSTANT -> "constant";
            case GAUSSIAN -> "gaussian(sigma_scale=" + sigmaScale + ")";
            case HANN -> "hann";
            case TRIANGULAR -> "triangular";
            case EXPLICIT -> "weights" + Arrays.toString(shape)
                    + (values.length <= 8 ? "=" + Arrays.toString(values) : "#" + Integer.toHexString(Arrays.hashCode(values)));
        };
    }
}
