package org.unfold4j;

import java.util.Arrays;
import java.util.Objects;

/**
 * Combines an array of sliding local blocks into an image, exactly as PyTorch's
 * {@code nn.Fold(output_size, kernel_size, dilation=1, padding=0, stride=1)} (col2im), the
 * adjoint of {@link Unfold}, for 1-D, 2-D and 3-D windows; optionally averaging the overlaps
 * ({@link FoldMode#MEAN}), producing channels-last images, or reading patch-major input.
 *
 * <p>An input {@code [N, C·K, L]} (or unbatched {@code [C·K, L]}) becomes {@code [N, C, *output]}
 * (or {@code [C, *output]}). Values of overlapping windows are summed; pixels no window covers
 * are 0; values falling into the padding are dropped. Each pixel sums its windows in ascending
 * kernel-offset order, on every backend, so the backends agree bit for bit. float32 and float64.
 *
 * <pre>{@code
 * Tensor image = Fold.of(3, 4, 2, 3).apply(cols);                         // output (3, 4), kernel (2, 3)
 * Tensor stitched = Fold.of(512, 512, 64, 64).withStride(48).withMode(FoldMode.MEAN).apply(tiles);
 * }</pre>
 *
 * <p>Immutable and thread-safe; the {@code with…} methods return new specs.
 */
public final class Fold {
    private final long[] outputSize;
    private final Window window;
    private final FoldMode mode;
    private final ImageLayout imageLayout;
    private final ColumnLayout columnLayout;

    private Fold(long[] outputSize, Window window, FoldMode mode, ImageLayout imageLayout, ColumnLayout columnLayout) {
        this.outputSize = outputSize.clone();
        this.window = Objects.requireNonNull(window, "window");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.imageLayout = Objects.requireNonNull(imageLayout, "imageLayout");
        this.columnLayout = Objects.requireNonNull(columnLayout, "columnLayout");
        if (outputSize.length != window.rank() || Arrays.stream(outputSize).anyMatch(s -> s <= 0)) {
            throw new IllegalArgumentException("output_size must have " + window.rank() + " entries greater than "
                    + "zero (one per kernel dimension), but got output_size=" + Window.tuple(outputSize)
                    + " with kernel_size=" + Window.tuple(window.kernel()));
        }
    }

    /** A square 2-D output and kernel, dilation 1, padding 0, stride 1. @throws IllegalArgumentException if not positive */
    public static Fold of(long outputSize, int kernel) {
        return of(outputSize, outputSize, kernel, kernel);
    }

    /** Output {@code outputH × outputW}, kernel {@code kernelH × kernelW}, dilation 1, padding 0, stride 1. */
    public static Fold of(long outputH, long outputW, int kernelH, int kernelW) {
        return of(outputH, outputW, Window.ofKernel(kernelH, kernelW));
    }

    /** A 2-D output {@code outputH × outputW} with the given 2-D window. */
    public static Fold of(long outputH, long outputW, Window window) {
        return of(new long[] {outputH, outputW}, window);
    }

    /** An output of the given spatial size (one entry per window dimension) with the given window. */
    public static Fold of(long[] outputSize, Window window) {
        return new Fold(outputSize, window, FoldMode.SUM, ImageLayout.CHANNELS_FIRST, ColumnLayout.COLUMNS);
    }

    /** The same spec with another dilation (one value, or one per dimension). @throws IllegalArgumentException if not positive */
    public Fold withDilation(int... d) {
        return with(window.withDilation(perDimension(d)));
    }

    /** The same spec with another padding (one value, or one per dimension). @throws IllegalArgumentException if negative */
    public Fold withPadding(int... p) {
        return with(window.withPadding(perDimension(p)));
    }

    /** The same spec with another stride (one value, or one per dimension). @throws IllegalArgumentException if not positive */
    public Fold withStride(int... s) {
        return with(window.withStride(perDimension(s)));
    }

    /** The same spec summing ({@code SUM}) or averaging ({@code MEAN}) overlapping windows. */
    public Fold withMode(FoldMode m) {
        return new Fold(outputSize, window, m, imageLayout, columnLayout);
    }

    /** The same spec producing images with their channels elsewhere ({@code nhwc}: 2-D windows only). */
    public Fold withImageLayout(ImageLayout layout) {
        return new Fold(outputSize, window, mode, layout, columnLayout);
    }

    /** The same spec reading another column layout ({@code patches}: {@code [N, L, C·K]}). */
    public Fold withColumnLayout(ColumnLayout layout) {
        return new Fold(outputSize, window, mode, imageLayout, layout);
    }

    /**
     * Fold has no padding modes: padding is where values are dropped, not read.
     *
     * @throws IllegalArgumentException for any mode but {@link PaddingMode#ZEROS}
     */
    public Fold withPaddingMode(PaddingMode paddingMode) {
        if (paddingMode != PaddingMode.ZEROS) {
            throw new IllegalArgumentException("fold supports only zeros padding (padding is where values are "
                    + "dropped), but got padding_mode=" + paddingMode);
        }
        return this;
    }

    private Fold with(Window w) {
        return new Fold(outputSize, w, mode, imageLayout, columnLayout);
    }

    private int[] perDimension(int[] values) {
        return values.length == 1 ? Window.filled(window.rank(), values[0]) : values;
    }

    /** The output's spatial size. */
    public long[] outputSize() { return outputSize.clone(); }
    /** The output height (second-to-last spatial dimension; 1 for 1-D). */
    public long outputH() { return outputSize.length >= 2 ? outputSize[outputSize.length - 2] : 1; }
    /** The output width (last spatial dimension). */
    public long outputW() { return outputSize[outputSize.length - 1]; }
    /** The window. */
    public Window window() { return window; }
    /** Sum or mean. */
    public FoldMode mode() { return mode; }
    /** Where the output's channels are. */
    public ImageLayout imageLayout() { return imageLayout; }
    /** How the input is laid out. */
    public ColumnLayout columnLayout() { return columnLayout; }

    /**
     * Validates the shape of a float32 input without computing anything.
     *
     * @throws IllegalArgumentException as {@link #apply(Tensor)} does for a bad shape
     */
    public ColumnGeometry geometry(long... inputShape) {
        return geometry(DType.FLOAT32, inputShape);
    }

    /** Validates the shape of an input of type {@code dtype} without computing anything. */
    public ColumnGeometry geometry(DType dtype, long... inputShape) {
        return ColumnGeometry.forFold(inputShape, outputSize, window, dtype, imageLayout, columnLayout, mode);
    }

    /**
     * Folds {@code input} on {@link Backend#defaultBackend()}.
     *
     * @param input {@code [N, C·K, L]} or {@code [C·K, L]}, float32 or float64; not modified
     * @return a new tensor {@code [N, C, *output]} or {@code [C, *output]} of the input's type
     * @throws IllegalArgumentException if the shape does not fit (rank, a zero dimension, a
     *     row count not divisible by the kernel volume, {@code L} not the block count) or the
     *     type is an integer type; the message names the shape and every parameter
     */
    public Tensor apply(Tensor input) {
        return apply(input, BackendSelection.defaultFor(input.dtype()));
    }

    /** As {@link #apply(Tensor)}, on the given backend. */
    public Tensor apply(Tensor input, Backend backend) {
        return backend.fold(geometry(input.dtype(), input.shape()), input);
    }

    /**
     * As {@link #apply(Tensor, Backend)}, writing the result into {@code output} instead of a new
     * tensor (every element is overwritten), so that a caller can reuse one output buffer.
     *
     * @param output the result's shape and type; modified; must not share the input's array
     * @throws IllegalArgumentException for a bad input shape, an output of another shape or type,
     *     or an output sharing the input's array; {@code output} is then left untouched
     */
    public void apply(Tensor input, Tensor output, Backend backend) {
        ColumnGeometry g = geometry(input.dtype(), input.shape());
        Backend.checkOutput(output, g.imageShape(), input);
        backend.fold(g, input, output);
    }

    /**
     * Folds a tensor resident on an OpenCL device into a new tensor on the same device, with no
     * transfer to or from the host. The caller closes the result.
     *
     * @throws IllegalArgumentException for a bad shape
     * @throws IllegalStateException if the input or its backend was closed
     */
    public DeviceTensor apply(DeviceTensor input) {
        return input.backend().fold(geometry(input.dtype(), input.shape()), input);
    }

    /**
     * As {@link #apply(DeviceTensor)}, writing into {@code output} (every element is overwritten)
     * instead of a new device tensor, so that a loop can reuse one device buffer. The command is
     * queued after the input is computed and after any earlier computation of {@code output};
     * the caller must not read {@code output} meanwhile from elsewhere.
     *
     * @param output a tensor of the same backend with the result's shape and type; modified
     * @throws IllegalArgumentException for a bad input shape, an output of another shape, type or
     *     backend, or an output that is the input
     * @throws IllegalStateException if a tensor or the backend is closed
     */
    public void apply(DeviceTensor input, DeviceTensor output) {
        ColumnGeometry g = geometry(input.dtype(), input.shape());
        if (!java.util.Arrays.equals(output.shape(), g.imageShape()) || output.dtype() != input.dtype()) {
            throw new IllegalArgumentException("output must be " + input.dtype() + " "
                    + java.util.Arrays.toString(g.imageShape()) + ", but got " + output);
        }
        if (output == input) {
            throw new IllegalArgumentException("output must not be the input");
        }
        input.backend().intoDevice(g, input, output, false);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fold f && Arrays.equals(outputSize, f.outputSize) && window.equals(f.window)
                && mode == f.mode && imageLayout == f.imageLayout && columnLayout == f.columnLayout;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(outputSize), window, mode, imageLayout, columnLayout);
    }

    @Override
    public String toString() {
        return "Fold[output_size=" + Window.tuple(outputSize) + ", " + window.describe() + ", mode=" + mode
                + ", layout=" + imageLayout + ", input_layout=" + columnLayout + "]";
    }
}
