package org.unfold4j;

import java.util.Arrays;
import java.util.Objects;

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
 * <p>Note [normalised 3-D view]: backends see every rank as three spatial dimensions (depth,
 * height, width), a missing leading dimension having size 1 and a trivial window (kernel 1,
 * dilation 1, padding 0, stride 1, one block), and every layout as element strides. So one
 * kernel design, in Java and in OpenCL, serves 1-D, 2-D and 3-D windows and every layout.
 *
 * <p>Thread-safe (immutable).
 */
public final class ColumnGeometry {
    /** Axes of the column side, for {@link #columnOrder()}. */
    static final int AXIS_CHANNEL = 0, AXIS_KERNEL = 1, AXIS_BLOCK = 2;

    private final boolean batched;
    private final long batch, channels;
    private final long[] size, blocks;
    private final Window window;
    private final DType dtype;
    private final ImageLayout imageLayout;
    private final ColumnLayout columnLayout;
    private final PaddingMode paddingMode;
    private final FoldMode foldMode;
    private final long blockCount, kernelVolume, rows, imageElements, columnElements;
    /** The shape this geometry was validated for (the input's), for {@link #isFor}. */
    private long[] inputShape;
    /** A backend's memo of how to launch this geometry (see OpenCLBackend.plan); a benign-race cache. */
    volatile Object launchPlan;
    /** The Java backend's pass for this geometry (JavaBackend, Note [memoised passes]); a benign-race cache. */
    volatile Object javaPlan;

    private ColumnGeometry(boolean batched, long batch, long channels, long[] size, Window window, long[] blocks,
                           DType dtype, ImageLayout imageLayout, ColumnLayout columnLayout,
                           PaddingMode paddingMode, FoldMode foldMode, String context) {
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
                paddingMode, FoldMode.SUM, context).validatedFor(inputShape);
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
     * @param foldMode     whether overlaps are summed or averaged
     * @return the validated geometry
     * @throws IllegalArgumentException if the rank is wrong, a non-batch dimension is zero, the
     *     output size is not positive or of another rank than the window, the type is not a
     *     floating-point type, the row dimension is not divisible by the kernel volume, the block
     *     count is below 1 or differs from {@code L}, or the sizes overflow
     */
    public static ColumnGeometry forFold(long[] inputShape, long[] outputSize, Window window, DType dtype,
                                         ImageLayout imageLayout, ColumnLayout columnLayout, FoldMode foldMode) {
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
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("fold sums float32 or float64 values, but the input is " + dtype
                    + " (unfold copies every type; convert before folding)");
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
        return new ColumnGeometry(batched, n, rows / volume, size, window, blocks, dtype, imageLayout, columnLayout,
                PaddingMode.ZEROS, foldMode, context).validatedFor(inputShape);
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

    /**
     * The last two {@link #batchSlice}s made (a chunked call needs its full chunks and a last one),
     * so that repeated chunked calls reuse their memoised launch plans.
     */
    private volatile ColumnGeometry lastSlice, previousSlice;

    /** The same geometry for {@code n} images (batched), e.g. one chunk of a large batch. */
    ColumnGeometry batchSlice(long n) {
        ColumnGeometry last = lastSlice, previous = previousSlice;
        if (last != null && last.batch == n) {
            return last;
        }
        if (previous != null && previous.batch == n) {
            return previous;
        }
        ColumnGeometry slice = new ColumnGeometry(true, n, channels, size, window, blocks, dtype, imageLayout, columnLayout,
                paddingMode, foldMode, "a batch slice of " + this);
        previousSlice = last;
        lastSlice = slice;
        return slice;
    }

    /** Whether {@link #asPlanes()} applies: channels-first images with PyTorch's columns. */
    boolean splitsIntoPlanes() {
        return imageLayout == ImageLayout.CHANNELS_FIRST && columnLayout == ColumnLayout.COLUMNS;
    }

    /**
     * The same data seen as N·C single-channel images: for channels-first images and columns,
     * {@code [N, C, *spatial]} is {@code [N·C, 1, *spatial]} and {@code [N, C·K, L]} is
     * {@code [N·C, K, L]}, element for element. Lets a backend split one huge image by channels.
     */
    ColumnGeometry asPlanes() {
        if (!splitsIntoPlanes()) {
            throw new IllegalStateException("only channels-first columns split into planes: " + this);
        }
        return new ColumnGeometry(true, batch * channels, 1, size, window, blocks, dtype, imageLayout, columnLayout,
                paddingMode, foldMode, "the planes of " + this);
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
    /** {@return the image height (second-to-last spatial dimension; 1 for 1-D)} */
    public long height() { return size3()[1]; }
    /** {@return the image width (last spatial dimension)} */
    public long width() { return size3()[2]; }
    /** {@return the number of window positions along the height} */
    public long blocksH() { return blocks3()[1]; }
    /** {@return the number of window positions along the width} */
    public long blocksW() { return blocks3()[2]; }
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

    // The normalised 3-D view (Note above): index 0 depth, 1 height, 2 width.

    long[] size3() { return pad3(size, 1); }
    long[] blocks3() { return pad3(blocks, 1); }
    int[] kernel3() { return pad3(window.kernel(), 1); }
    int[] dilation3() { return pad3(window.dilation(), 1); }
    int[] padding3() { return pad3(window.padding(), 0); }
    int[] stride3() { return pad3(window.stride(), 1); }

    private static long[] pad3(long[] a, long fill) {
        long[] r = new long[3];
        Arrays.fill(r, fill);
        System.arraycopy(a, 0, r, 3 - a.length, a.length);
        return r;
    }

    private static int[] pad3(int[] a, int fill) {
        int[] r = Window.filled(3, fill);
        System.arraycopy(a, 0, r, 3 - a.length, a.length);
        return r;
    }

    /** Whether no two windows overlap in any dimension (stride at least the dilated kernel extent): patches. */
    boolean disjoint() {
        for (int d = 0; d < size.length; d++) {
            if (window.stride(d) < (long) window.dilation(d) * (window.kernel(d) - 1) + 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether fold is a permutation: windows that cover every pixel exactly once, with no
     * padding (patches that tile the image, e.g. ViT's). Then each column element has a pixel of
     * its own, and a fold may write them in any order.
     */
    boolean permutesPixels() {
        Boolean memo = permutesPixels;
        if (memo == null) {
            boolean all = disjoint();
            for (int d = 0; d < 3 && all; d++) {
                all = padding3()[d] == 0 && !axis(d).uncoveredPixels(size3()[d]);
            }
            permutesPixels = memo = all;
        }
        return memo;
    }

    /** {@link #permutesPixels()}, once known: every Java fold asks, and the answer scans every pixel. */
    private volatile Boolean permutesPixels;

    /**
     * Whether fold may work one class of image rows at a time (the rows y = r, r + stride, ...,
     * which only kernel rows r, r + stride, ... reach): overlapping windows wider than the
     * windows per row, in one plane of 2-D channels-first images with PyTorch's columns, with no
     * padding and no dilation. Both backends then sum a class in scratch whose rows are
     * {@link #ROW_CLASS_PAD} elements longer than the image's (JavaBackend's rowClass, fold.cl's
     * fold_row_classes).
     */
    boolean foldsByRowClasses() {
        int[] k = kernel3(), d = dilation3(), p = padding3();
        return !disjoint() && k[2] > blocks3()[2] && size3()[0] == 1 && k[0] == 1 && p[0] == 0 && d[1] == 1
                && d[2] == 1 && p[1] == 0 && p[2] == 0 && imageLayout == ImageLayout.CHANNELS_FIRST
                && columnLayout == ColumnLayout.COLUMNS;
    }

    /**
     * The padding of a row-class scratch row beyond the image width, in elements (one cache line
     * of float32): image rows a power of two apart put the pixels one column row adds to into a
     * few cache sets, which evict each other.
     */
    static final int ROW_CLASS_PAD = 16;

    /** Normalised dimension {@code dim3} (0 depth, 1 height, 2 width). */
    Axis axis(int dim3) {
        return new Axis(size3()[dim3], kernel3()[dim3], dilation3()[dim3], padding3()[dim3], stride3()[dim3],
                blocks3()[dim3], paddingMode);
    }

    /**
     * Element strides of the image: {@code {n, c, depth, height, width}}, in the normalised view.
     * The image is dense, so these follow from the layout alone.
     */
    long[] imageStrides() {
        long[] s = size3();
        long plane = s[0] * s[1] * s[2];
        if (imageLayout == ImageLayout.CHANNELS_FIRST) {
            return new long[] {channels * plane, plane, s[1] * s[2], s[2], 1};
        }
        return new long[] {plane * channels, 1, s[1] * s[2] * channels, s[2] * channels, channels};
    }

    /**
     * Element strides of the column side: {@code {n, c, k, l}} with {@code k} the flat kernel
     * offset and {@code l} the flat window position. Columns keep PyTorch's row order
     * ({@code c·K + k}, channel slowest) whatever the image layout, so the columns of a
     * channels-last image equal those of its channels-first permutation; patch-major rows are
     * {@code c·K + k} for channels-first images and {@code k·C + c} (channel fastest, TensorFlow's
     * extract_patches) for channels-last ones.
     */
    long[] columnStrides() {
        long c = channels, k = kernelVolume, l = blockCount;
        if (columnLayout == ColumnLayout.COLUMNS) {
            return new long[] {c * k * l, k * l, l, 1};
        }
        return imageLayout == ImageLayout.CHANNELS_FIRST ? new long[] {l * c * k, k, 1, c * k}
                : new long[] {l * k * c, 1, c, k * c};
    }

    /** The column-side axes (channel, kernel, block) from slowest to fastest in memory, after n. */
    int[] columnOrder() {
        if (columnLayout == ColumnLayout.COLUMNS) {
            return new int[] {AXIS_CHANNEL, AXIS_KERNEL, AXIS_BLOCK};
        }
        return imageLayout == ImageLayout.CHANNELS_FIRST ? new int[] {AXIS_BLOCK, AXIS_CHANNEL, AXIS_KERNEL}
                : new int[] {AXIS_BLOCK, AXIS_KERNEL, AXIS_CHANNEL};
    }

    /**
     * Whether every index a kernel computes fits a signed 32-bit integer, so the faster 32-bit
     * index variant of a kernel is exact. Intermediate coordinates stay within the padded image
     * and the dilated kernel extent, so those bound them together with the element counts.
     *
     * @return true when 32-bit indices suffice
     */
    public boolean fitsIntIndex() {
        long limit = Integer.MAX_VALUE;
        if (imageElements >= limit || columnElements >= limit) {
            return false;
        }
        for (int d = 0; d < size.length; d++) {
            long reach = size[d] + 2L * window.padding(d) + (long) window.dilation(d) * window.kernel(d)
                    + (long) window.stride(d) * blocks[d];
            if (reach >= limit) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "ColumnGeometry[image=" + Arrays.toString(imageShape()) + " " + imageLayout + ", columns="
                + Arrays.toString(columnsShape()) + " " + columnLayout + ", " + dtype + ", " + window.describe()
                + (paddingMode == PaddingMode.ZEROS ? "" : ", padding_mode=" + paddingMode)
                + (foldMode == FoldMode.SUM ? "" : ", fold_mode=" + foldMode) + "]";
    }
}
