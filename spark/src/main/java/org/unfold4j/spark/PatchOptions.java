package org.unfold4j.spark;

import java.io.Serializable;
import java.util.Objects;
import org.apache.spark.util.LongAccumulator;
import org.unfold4j.DType;
import org.unfold4j.ImageLayout;

/**
 * How {@link SparkPatches#unfold} writes its patches: the element type, the element order,
 * binary or {@code array<float>}, a background filter, and where unreadable images are counted. The window
 * itself (kernel, stride, padding, dilation, padding mode) is the {@link org.unfold4j.Unfold}
 * spec passed beside these options.
 *
 * <p>Immutable and serializable (it travels to the executors with the job); the {@code with…}
 * methods return new options.
 */
public final class PatchOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The binary patches' type; null for the image's own. */
    private final DType dtype;
    /** Whether {@code patch} is {@code array<float>}. */
    private final boolean floatArray;
    /** The smallest patch mean kept. */
    private final double minMean;
    /** The smallest patch variance kept. */
    private final double minVariance;
    /** Where unreadable images are counted; null for nowhere. */
    private final LongAccumulator unreadable;
    /** The patches' element order: channels last {@code [kH, kW, C]} or first {@code [C, kH, kW]}. */
    private final ImageLayout layout;

    /** Where {@code .npy} inputs holding channels have them. */
    private final ImageLayout arrayLayout;

    private PatchOptions(DType dtype, boolean floatArray, double minMean, double minVariance, LongAccumulator unreadable,
                         ImageLayout layout, ImageLayout arrayLayout) {
        this.layout = layout;
        this.arrayLayout = arrayLayout;
        this.dtype = dtype;
        this.floatArray = floatArray;
        this.minMean = minMean;
        this.minVariance = minVariance;
        this.unreadable = unreadable;
    }

    /**
     * {@return the defaults} Patches in the image's own type (uint8 for 8-bit images, int32
     * 0..65535 for 16-bit ones, as {@link org.unfold4j.Images} decodes them) as binary, channels
     * last, every window kept, unreadable images skipped without being counted.
     */
    public static PatchOptions defaults() {
        return new PatchOptions(null, false, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, null,
                ImageLayout.CHANNELS_LAST, ImageLayout.CHANNELS_FIRST);
    }

    /**
     * The element type of the binary patches (Note [patch values] in {@link PatchEncoder}).
     *
     * @param dtype any type (float16 and bfloat16 rounded to nearest even); null for the image's own type
     * @return new options
     */
    public PatchOptions withDType(DType dtype) {
        return new PatchOptions(dtype, floatArray, minMean, minVariance, unreadable, layout, arrayLayout);
    }

    /**
     * Whether the {@code patch} column is {@code array<float>} instead of binary.
     *
     * @param floatArray true for {@code array<float>}
     * @return new options
     */
    public PatchOptions withFloatArray(boolean floatArray) {
        return new PatchOptions(dtype, floatArray, minMean, minVariance, unreadable, layout, arrayLayout);
    }

    /**
     * Drops windows whose mean value (over every element of the patch, in the image's values) is
     * below {@code minMean}: a "mostly background" filter for dark backgrounds.
     *
     * @param minMean the smallest mean kept
     * @return new options
     */
    public PatchOptions withMinMean(double minMean) {
        return new PatchOptions(dtype, floatArray, minMean, minVariance, unreadable, layout, arrayLayout);
    }

    /**
     * Drops windows whose population variance (over every element of the patch) is below
     * {@code minVariance}: flat background, whatever its colour.
     *
     * @param minVariance the smallest variance kept
     * @return new options
     */
    public PatchOptions withMinVariance(double minVariance) {
        return new PatchOptions(dtype, floatArray, minMean, minVariance, unreadable, layout, arrayLayout);
    }

    /**
     * Counts the images that could not be decoded (corrupt files, rows the image source marked
     * invalid) in {@code counter}, which the driver reads after an action. They are skipped
     * either way: an unreadable image never fails the job. As with every Spark accumulator
     * updated in a transformation, each evaluation of the result counts again (two actions on an
     * uncached result count twice); read it after the one action that writes the result.
     *
     * @param counter an accumulator registered with the session's context, e.g.
     *     {@code spark.sparkContext().longAccumulator("unreadable")}; null for none
     * @return new options
     */
    public PatchOptions withUnreadableCounter(LongAccumulator counter) {
        return new PatchOptions(dtype, floatArray, minMean, minVariance, counter, layout, arrayLayout);
    }

    /**
     * The order of each patch's elements: {@link ImageLayout#CHANNELS_LAST}, shape
     * {@code [kernelH, kernelW, C]} (the pixels' own interleaving, the default), or
     * {@link ImageLayout#CHANNELS_FIRST}, shape {@code [C, kernelH, kernelW]} (PyTorch's: a row
     * of {@code nn.Unfold}'s output, what a convolution's weights are shaped like).
     *
     * @param layout the patches' layout
     * @return new options
     */
    public PatchOptions withLayout(ImageLayout layout) {
        return new PatchOptions(dtype, floatArray, minMean, minVariance, unreadable, Objects.requireNonNull(layout, "layout"),
                arrayLayout);
    }

    /**
     * Where {@code .npy} inputs that hold channels have them ({@code binaryFile} rows of
     * {@code .npy} files; Note [arrays as inputs] in {@code ImageRows}):
     * {@link ImageLayout#CHANNELS_FIRST}, {@code [C, H, W]} or {@code [C, D, H, W]} (PyTorch's and
     * rasterio's order, the default), or {@link ImageLayout#CHANNELS_LAST}, {@code [H, W, C]} (as
     * PIL and OpenCV hold images; 2-D windows only). Arrays without a channel dimension
     * ({@code [H, W]}, {@code [D, H, W]}) are one channel either way.
     *
     * @param arrayLayout the arrays' layout
     * @return new options
     */
    public PatchOptions withArrayLayout(ImageLayout arrayLayout) {
        return new PatchOptions(dtype, floatArray, minMean, minVariance, unreadable, layout,
                Objects.requireNonNull(arrayLayout, "arrayLayout"));
    }

    /** {@return where {@code .npy} inputs have their channels} */
    public ImageLayout arrayLayout() {
        return arrayLayout;
    }

    /** {@return the patches' layout} */
    public ImageLayout layout() {
        return layout;
    }

    /** {@return the binary patches' type, or null for the image's own} */
    public DType dtype() {
        return dtype;
    }

    /** {@return whether the patch column is {@code array<float>}} */
    public boolean floatArray() {
        return floatArray;
    }

    /** {@return the smallest patch mean kept} */
    public double minMean() {
        return minMean;
    }

    /** {@return the smallest patch variance kept} */
    public double minVariance() {
        return minVariance;
    }

    /** {@return the unreadable-image counter, or null} */
    public LongAccumulator unreadableCounter() {
        return unreadable;
    }

    @Override
    public String toString() {
        return "PatchOptions(dtype=" + Objects.toString(dtype, "image's own") + ", layout=" + layout + ", arrayLayout=" + arrayLayout + ", floatArray=" + floatArray
                + ", minMean=" + minMean + ", minVariance=" + minVariance + ")";
    }
}
