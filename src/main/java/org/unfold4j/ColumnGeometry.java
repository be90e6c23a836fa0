package org.unfold4j;

import java.util.Arrays;
import java.util.Objects;
import org.unfold4j.internal.geometry.FoldWeights;
import org.unfold4j.internal.geometry.View;

/**
 * The validated shape of one unfold or fold call: the image side ({@code [N, C, *spatial]} or
 * channels-last {@code [N, *spatial, C]}), the column side ({@code [N, C·K, L]} or patch-major
 * {@code [N, L, C·K]}), the window, the element type, the padding mode and the fold mode.
 *
 * <p>This is the only place where shapes are checked (PyTorch's {@code im2col_shape_check.h}
 * plays the same role): every backend receives a {@code ColumnGeometry} and computes without
 * checking anything. All size arithmetic is exact; a geometry whose sizes overflow a 64-bit
 * count is rejected here rather than producing a wrong index in a kernel.
 *
 * <p>Validates and derives sizes, nothing else: backends compute from its normalised 3-D view
 * (every rank as depth × height × width, layouts as strides) and keep their own plans for it.
 *
 * <p>Thread-safe (immutable).
 */
public final class ColumnGeometry {
    private final boolean batched;
    private final long batch, channels;
    private final long[] size, blocks;
    private final Window window;
    private final DType dtype;
    private final ImageLayout imageLayout;
    private final ColumnLayout columnLayout;
    private final PaddingMode paddingMode;
    private final FoldMode foldMode;
    /** The weights of a weighted fold (validated), null in the other modes; the blend window they came from, for toString. */
    private final FoldWeights foldWeights;
    private final BlendWindow blend;
    private final long blockCount, kernelVolume, rows, imageElements, columnElements;
    /** The shape this geometry was validated for (the input's), for {@link #isFor}. */
    private long[] inputShape;
    /** The normalised 3-D view the backends compute from (derived sizes only: no backend's plan). */
    private final View view;

    private ColumnGeometry(boolean batched, long batch, long channels, long[] size, Window window, long[] blocks,
                           DType dtype, ImageLayout imageLayout, ColumnLayout columnLayout,
                           PaddingMode paddingMode, FoldMode foldMode, BlendWindow blend, FoldWeights foldWeights,
                           String context) {
        this.batched = batched;
        this.batch = batch;
        this.channels = channels;
        this.size = size;
        this.window = window;
        this.blocks = blocks;
        this.dtype = dtype;
        this.imageLayout = imageLayout;
        this.columnLayout = columnLayout;
        this.paddingMode = paddingMode;
        this.foldMode = foldMode;
        this.blend = blend;
        this.foldWeights = foldWeights;
        try {
            this.kernelVolume = window.kernelVolume();
            this.blockCount = product(blocks);
            this.rows = Math.multiplyExact(channels, kernelVolume);
            this.imageElements = Math.multiplyExact(Math.multiplyExact(batch, channels), product(size));
            this.columnElements = Math.multiplyExact(Math.multiplyExact(batch, rows), blockCount);
            Math.multiplyExact(Math.max(imageElements, columnElements), (long) dtype.bytes());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(context + ": the tensor sizes overflow a 64-bit count");
        }
        this.view = new View(batch, channels, size, blocks, window.kernel(), window.dilation(), window.padding(),
                window.stride(), dtype, imageLayout, columnLayout, paddingMode,
                foldMode == FoldMode.WEIGHTED && foldWeights == null ? FoldMode.MEAN : foldMode, foldWeights);
    }

    private static long product(long[] values) {
        long p = 1;
        for (long v : values) {
            p = Math.multiplyExact(p, v);
        }
        return p;
    }

    /**
     * Validates a float32, channels-first, zero-padded unfold (nn.Unfold); see
     * {@link #forUnfold(long[], Window, DType, ImageLayout, ColumnLayout, PaddingMode) the full overload}.
     *
     * @param inputShape {@code [N, C, *spatial]} or {@code [C, *spatial]}; not modified
     * @param window     the window
     * @return the validated geometry
     * @throws IllegalArgumentException as the full overload
     */
    public static ColumnGeometry forUnfold(long[] inputShape, Window window) {
        Objects.requireNonNull(inputShape, "input_shape");
        Objects.requireNonNull(window, "window");
        return forUnfold(inputShape, window, DType.FLOAT32, ImageLayout.CHANNELS_FIRST, ColumnLayout.COLUMNS,
                PaddingMode.ZEROS);
    }

    /**
     * Validates an unfold of an input of the given shape: {@code [N, C, *spatial]} or unbatched
     * {@code [C, *spatial]} (channels-last: {@code [N, H, W, C]} or {@code [H, W, C]}), with as
     * many spatial dimensions as the window has.
     *
     * @param inputShape   the input's shape; not modified
     * @param window       the window
     * @param dtype        the element type (unfold copies every type)
     * @param imageLayout  where the input's channels are ({@code CHANNELS_LAST} needs a 2-D window)
     * @param columnLayout the layout of the result
     * @param paddingMode  how the padding is read
     * @return the validated geometry
     * @throws IllegalArgumentException if the rank is wrong, a non-batch dimension is zero, a
     *     dimension is negative, the window leaves fewer than one block along a dimension, the
     *     padding mode cannot pad that much, or the sizes overflow; the message names the shape
     *     and every parameter
     */
    public static ColumnGeometry forUnfold(long[] inputShape, Window window, DType dtype, ImageLayout imageLayout,
                                           ColumnLayout columnLayout, PaddingMode paddingMode) {
        // Note [null arguments] in Window.
        Objects.requireNonNull(inputShape, "input_shape");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(imageLayout, "layout");
        Objects.requireNonNull(columnLayout, "output_layout");
        Objects.requireNonNull(paddingMode, "padding_mode");
        int r = window.rank();
        requireChannelsLastIs2d(imageLayout, r);
        boolean batched = inputShape.length == r + 2;
        if ((inputShape.length != r + 1 && !batched) || !nonBatchDimsPositive(inputShape, batched)) {
            throw new IllegalArgumentException("Expected " + (r + 1) + "D or " + (r + 2) + "D (batch mode) tensor "
                    + "for input with possibly 0 batch size and other non-zero dimensions, but got: "
                    + Arrays.toString(inputShape) + " (" + imageLayout + ", " + window.describe() + ")");
        }
        int o = batched ? 1 : 0;
        long n = batched ? inputShape[0] : 1;
        long c = imageLayout == ImageLayout.CHANNELS_FIRST ? inputShape[o] : inputShape[inputShape.length - 1];
        int first = imageLayout == ImageLayout.CHANNELS_FIRST ? o + 1 : o;
        long[] size = Arrays.copyOfRange(inputShape, first, first + r);
        String context = "Given input with spatial size " + Window.tuple(size) + ", " + window.describe();
        long[] blocks = blocksOrReject(size, window, context);
        checkPaddingMode(paddingMode, size, window, inputShape);
        return new ColumnGeometry(batched, n, c, size, window, blocks, dtype, imageLayout, columnLayout,
                paddingMode, FoldMode.SUM, null, null, context).validatedFor(inputShape);
    }

    /**
     * Validates a float32, channels-first, summing 2-D fold (nn.Fold); see
     * {@link #forFold(long[], long[], Window, DType, ImageLayout, ColumnLayout, FoldMode) the full overload}.
     *
     * @param inputShape {@code [N, C·K, L]} or {@code [C·K, L]}; not modified
     * @param outputH    the output image's height
     * @param outputW    the output image's width
     * @param window     a 2-D window
     * @return the validated geometry
     * @throws IllegalArgumentException as the full overload
     */
    public static ColumnGeometry forFold(long[] inputShape, long outputH, long outputW, Window window) {
        Objects.requireNonNull(inputShape, "input_shape");
        Objects.requireNonNull(window, "window");
        return forFold(inputShape, new long[] {outputH, outputW}, window, DType.FLOAT32,
                ImageLayout.CHANNELS_FIRST, ColumnLayout.COLUMNS, FoldMode.SUM);
    }

    /**
     * Validates a fold of an input of the given shape, {@code [N, C·K, L]} or unbatched
     * {@code [C·K, L]} (patch-major: {@code [N, L, C·K]}), into an image of {@code outputSize}.
     *
     * @param inputShape   the input's shape; not modified
     * @param outputSize   the output's spatial size, one entry per window dimension; not modified
     * @param window       the window
     * @param dtype        the element type: float32 or float64
     * @param imageLayout  where the output's channels go ({@code CHANNELS_LAST} needs a 2-D window)
     * @param columnLayout the layout of the input
     * @param foldMode     what fold does with overlaps ({@link FoldMode#WEIGHTED} with every weight 1)
     * @return the validated geometry
     * @throws IllegalArgumentException if the rank is wrong, a non-batch dimension is zero, the
     *     output size is not positive or of another rank than the window, the type is not a
     *     floating-point type (but for {@link FoldMode#MAX}), the row dimension is not divisible
     *     by the kernel volume, the block count is below 1 or differs from {@code L}, or the
     *     sizes overflow
     */
    public static ColumnGeometry forFold(long[] inputShape, long[] outputSize, Window window, DType dtype,
                                         ImageLayout imageLayout, ColumnLayout columnLayout, FoldMode foldMode) {
        return forFold(inputShape, outputSize, window, dtype, imageLayout, columnLayout, foldMode, null);
    }

    /**
     * As {@link #forFold(long[], long[], Window, DType, ImageLayout, ColumnLayout, FoldMode) the
     * overload without weights}, for a weighted fold with the weights of {@code blend}.
     *
     * @param inputShape   the input's shape; not modified
     * @param outputSize   the output's spatial size, one entry per window dimension; not modified
     * @param window       the window
     * @param dtype        the element type
     * @param imageLayout  where the output's channels go
     * @param columnLayout the layout of the input
     * @param foldMode     what fold does with overlaps
     * @param blend        the weights of {@link FoldMode#WEIGHTED} (null: {@link BlendWindow#constant()});
     *     ignored in the other modes
     * @return the validated geometry
     * @throws IllegalArgumentException as the overload without weights, or if the weights do not
     *     have the kernel's shape
     */
    public static ColumnGeometry forFold(long[] inputShape, long[] outputSize, Window window, DType dtype,
                                         ImageLayout imageLayout, ColumnLayout columnLayout, FoldMode foldMode,
                                         BlendWindow blend) {
        Objects.requireNonNull(inputShape, "input_shape");
        Objects.requireNonNull(outputSize, "output_size");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(imageLayout, "layout");
        Objects.requireNonNull(columnLayout, "input_layout");
        Objects.requireNonNull(foldMode, "mode");
        int r = window.rank();
        String context = "Given output_size=" + Window.tuple(outputSize) + ", " + window.describe();
        if (outputSize.length != r) {
            throw new IllegalArgumentException(context + ": output_size must have " + r
                    + " entries, one per kernel dimension");
        }
        if (Arrays.stream(outputSize).anyMatch(s -> s <= 0)) {
            throw new IllegalArgumentException(context + ": output_size must be greater than zero");
        }
        requireChannelsLastIs2d(imageLayout, r);
        if (!dtype.isFloatingPoint() && foldMode != FoldMode.MAX) {
            throw new IllegalArgumentException("fold " + foldMode + " sums float32 or float64 values, but the input is "
                    + dtype + " (unfold copies every type, fold max takes every type; convert before folding)");
        }
        boolean batched = inputShape.length == 3;
        if ((inputShape.length != 2 && !batched) || !nonBatchDimsPositive(inputShape, batched)) {
            throw new IllegalArgumentException("Expected 2D or 3D (batch mode) tensor for input with possibly "
                    + "0 batch size and non-zero dimensions for input, but got: " + Arrays.toString(inputShape));
        }
        int o = batched ? 1 : 0;
        int rowDim = columnLayout == ColumnLayout.COLUMNS ? o : o + 1;
        int blockDim = columnLayout == ColumnLayout.COLUMNS ? o + 1 : o;
        long n = batched ? inputShape[0] : 1;
        long rows = inputShape[rowDim], l = inputShape[blockDim];
        long volume;
        try {
            volume = window.kernelVolume();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(context + ": the kernel volume overflows a 64-bit count");
        }
        if (rows % volume != 0) {
            throw new IllegalArgumentException("Expected size of input's dimension " + rowDim + " to be divisible by "
                    + "the product of kernel_size, but got input.size(" + rowDim + ")=" + rows + " and kernel_size="
                    + Window.tuple(window.kernel()));
        }
        long[] size = outputSize.clone();
        long[] blocks = blocksOrReject(size, window, context);
        long expected = multiplyOrMinusOne(blocks);
        if (expected != l) {
            throw new IllegalArgumentException(context + ", expected size of input's dimension " + blockDim + " to match the calculated number of "
                    + "sliding blocks " + String.join(" * ", Arrays.stream(blocks).mapToObj(Long::toString).toList())
                    + " = " + (expected < 0 ? "(overflow)" : String.valueOf(expected)) + ", but got input.size("
                    + blockDim + ")=" + l);
        }
        BlendWindow used = null;
        FoldWeights weights = null;
        if (foldMode == FoldMode.WEIGHTED) {
            used = blend == null ? BlendWindow.constant() : blend;
            // Note [constant weights fold as the mean]: no weights then, and the view's mode is MEAN.
            if (!used.equals(BlendWindow.constant())) {
                weights = new FoldWeights(used.weights(Arrays.stream(window.kernel()).asLongStream().toArray()).toFloatArray());
                weights = weights.allOnes() ? null : weights;
            }
        }
        return new ColumnGeometry(batched, n, rows / volume, size, window, blocks, dtype, imageLayout, columnLayout,
                PaddingMode.ZEROS, foldMode, used, weights, context).validatedFor(inputShape);
    }

    /*
     * Note [constant weights fold as the mean]
     * A weighted fold whose weights are all 1 is the mean step for step (Note [weighted fold
     * order] in FoldWeights), so its view says MEAN and carries no weights: the backends then
     * take the mean's specialised variants, and a kernel of any volume folds without a weight
     * per offset being made (an empty batch may have a kernel of 2^40 offsets). The geometry
     * itself still reports WEIGHTED.
     */

    /*
     * Note [fold weights are checked here]
     * The weights of a weighted fold are validated here, with the shapes, and nowhere else:
     * BlendWindow.of checks their values when it takes them, BlendWindow.weights (which every
     * weighted geometry asks) their shape against the kernel. The backends receive them in the
     * view (FoldWeights) and check nothing. Negative weights could cancel to a zero or negative
     * denominator, NaN and infinite ones poison every pixel they touch: all are refused rather
     * than clamped (a zero weight is fine: it drops that kernel offset).
     */

    /** Refuses weights that are not float32 or hold a negative, NaN or infinite value: Note [fold weights are checked here]. */
    static void checkFoldWeights(Tensor weights) {
        if (weights.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("fold weights must be float32, but got " + weights.dtype() + " weights of shape "
                    + Arrays.toString(weights.shape()));
        }
        float[] v = weights.toFloatArray();
        for (int i = 0; i < v.length; i++) {
            if (!(v[i] >= 0) || Float.isInfinite(v[i])) {
                throw new IllegalArgumentException("fold weights must be finite and non-negative, but the weights of shape "
                        + Arrays.toString(weights.shape()) + " hold " + v[i] + " at flat kernel offset " + i);
            }
        }
    }

    /** Refuses weights of another shape than the kernel: Note [fold weights are checked here]. */
    static void checkFoldWeightsShape(long[] shape, long[] kernel) {
        if (!Arrays.equals(shape, kernel)) {
            throw new IllegalArgumentException("fold weights of shape " + Arrays.toString(shape)
                    + " do not match kernel_size " + Arrays.toString(kernel));
        }
    }

    private ColumnGeometry validatedFor(long[] shape) {
        this.inputShape = shape.clone();
        return this;
    }

    /** Whether this geometry was validated for an input of this type and shape (so it can be reused for it). */
    boolean isFor(DType type, long[] shape) {
        return dtype == type && java.util.Arrays.equals(inputShape, shape);
    }

    private static void requireChannelsLastIs2d(ImageLayout layout, int rank) {
        if (layout == ImageLayout.CHANNELS_LAST && rank != 2) {
            throw new IllegalArgumentException("channels-last (nhwc) input needs a 2-D window, but kernel_size has "
                    + rank + " entries");
        }
    }

    /** F.pad's limits: reflect needs padding below the size, circular at most the size. */
    private static void checkPaddingMode(PaddingMode mode, long[] size, Window window, long[] inputShape) {
        for (int d = 0; d < size.length; d++) {
            long p = window.padding(d);
            if (mode == PaddingMode.REFLECT && p >= size[d]) {
                throw new IllegalArgumentException("reflect padding must be less than the corresponding input "
                        + "dimension, but got padding " + p + " for spatial dimension " + d + " of size " + size[d]
                        + " in input " + Arrays.toString(inputShape) + " (padding=" + Window.tuple(window.padding()) + ")");
            }
            if (mode == PaddingMode.CIRCULAR && p > size[d]) {
                throw new IllegalArgumentException("circular padding must not exceed the corresponding input "
                        + "dimension (it would wrap around more than once), but got padding " + p + " for spatial "
                        + "dimension " + d + " of size " + size[d] + " in input " + Arrays.toString(inputShape)
                        + " (padding=" + Window.tuple(window.padding()) + ")");
            }
        }
    }

    private static long multiplyOrMinusOne(long[] values) {
        try {
            return product(values);
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    private static boolean nonBatchDimsPositive(long[] shape, boolean batched) {
        if (batched && shape[0] < 0) {
            return false;
        }
        for (int i = batched ? 1 : 0; i < shape.length; i++) {
            if (shape[i] <= 0) {
                return false;
            }
        }
        return true;
    }

    private static long[] blocksOrReject(long[] size, Window window, String context) {
        long[] blocks = new long[size.length];
        try {
            for (int d = 0; d < size.length; d++) {
                blocks[d] = window.blocks(d, size[d]);
            }
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(context + ": the padded size overflows a 64-bit count");
        }
        if (Arrays.stream(blocks).anyMatch(b -> b < 1)) {
            throw new IllegalArgumentException(context + ", calculated shape of the array of sliding blocks as " + Window.tuple(blocks)
                    + ", but its components must be at least one");
        }
        return blocks;
    }

    /** {@return whether the tensors carry a leading batch dimension} */
    public boolean batched() { return batched; }
    /** {@return N, the batch size (1 for unbatched tensors)} */
    public long batch() { return batch; }
    /** {@return C, the image channels} */
    public long channels() { return channels; }
    /** {@return the spatial rank, 1 to 3} */
    public int rank() { return size.length; }
    /** {@return a copy of the image's spatial sizes} */
    public long[] spatialSize() { return size.clone(); }
    /** {@return a copy of the number of window positions along each spatial dimension} */
    public long[] blocksPerDim() { return blocks.clone(); }
    /** {@return the window} */
    public Window window() { return window; }
    /** {@return the element type} */
    public DType dtype() { return dtype; }
    /** {@return where the image's channels are} */
    public ImageLayout imageLayout() { return imageLayout; }
    /** {@return how the column side is laid out} */
    public ColumnLayout columnLayout() { return columnLayout; }
    /** {@return how unfold reads the padding ({@code ZEROS} for a fold)} */
    public PaddingMode paddingMode() { return paddingMode; }
    /** {@return what fold does with overlaps ({@code SUM} for an unfold)} */
    public FoldMode foldMode() { return foldMode; }
    /** {@return the blend window of a weighted fold, null in the other modes} */
    public BlendWindow blend() { return blend; }
    /** {@return the image height (second-to-last spatial dimension; 1 for 1-D)} */
    public long height() { return size.length >= 2 ? size[size.length - 2] : 1; }
    /** {@return the image width (last spatial dimension)} */
    public long width() { return size[size.length - 1]; }
    /** {@return the number of window positions along the height} */
    public long blocksH() { return blocks.length >= 2 ? blocks[blocks.length - 2] : 1; }
    /** {@return the number of window positions along the width} */
    public long blocksW() { return blocks[blocks.length - 1]; }
    /** {@return L, the number of windows per image} */
    public long blocks() { return blockCount; }
    /** {@return K, the kernel volume} */
    public long kernelVolume() { return kernelVolume; }
    /** {@return C · K, the length of one column} */
    public long rows() { return rows; }
    /** {@return the number of image elements, N · C · spatial} */
    public long imageElements() { return imageElements; }
    /** {@return the number of column elements, N · C · K · L} */
    public long columnElements() { return columnElements; }

    /** {@return the image shape, a new array: {@code [N, C, *spatial]} or {@code [N, *spatial, C]}, without N when unbatched} */
    public long[] imageShape() {
        long[] s = new long[size.length + (batched ? 2 : 1)];
        int o = 0;
        if (batched) {
            s[o++] = batch;
        }
        if (imageLayout == ImageLayout.CHANNELS_FIRST) {
            s[o++] = channels;
        }
        for (long d : size) {
            s[o++] = d;
        }
        if (imageLayout == ImageLayout.CHANNELS_LAST) {
            s[o] = channels;
        }
        return s;
    }

    /** {@return the column shape, a new array: {@code [N, C·K, L]} or patch-major {@code [N, L, C·K]}, without N when unbatched} */
    public long[] columnsShape() {
        long[] inner = columnLayout == ColumnLayout.COLUMNS ? new long[] {rows, blockCount} : new long[] {blockCount, rows};
        return batched ? new long[] {batch, inner[0], inner[1]} : inner;
    }

    /** The normalised 3-D view of this geometry, which the backends compute from (Note [normalised 3-D view] in View). */
    View view() {
        return view;
    }

    @Override
    public String toString() {
        return "ColumnGeometry[image=" + Arrays.toString(imageShape()) + " " + imageLayout + ", columns="
                + Arrays.toString(columnsShape()) + " " + columnLayout + ", " + dtype + ", " + window.describe()
                + (paddingMode == PaddingMode.ZEROS ? "" : ", padding_mode=" + paddingMode)
                + (foldMode == FoldMode.SUM ? "" : ", fold_mode=" + foldMode)
                + (blend == null ? "" : ", blend=" + blend) + "]";
    }
}
