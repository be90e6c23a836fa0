package org.unfold4j;

import java.util.Arrays;
import java.util.Objects;
import org.unfold4j.internal.Op;

/**
 * Combines an array of sliding local blocks into an image, exactly as PyTorch's
 * {@code nn.Fold(output_size, kernel_size, dilation=1, padding=0, stride=1)} (col2im), the
 * adjoint of {@link Unfold}, for 1-D, 2-D and 3-D windows; optionally averaging the overlaps
 * ({@link FoldMode#MEAN}), producing channels-last images, or reading patch-major input.
 *
 * <p>An input {@code [N, C·K, L]} (or unbatched {@code [C·K, L]}) becomes {@code [N, C, *output]}
 * (or {@code [C, *output]}). Values of overlapping windows are summed; pixels no window covers
 * are 0; values falling into the padding are dropped. Each pixel sums its windows in ascending
 * kernel-offset order, on every backend, so the backends agree bit for bit. float32 and float64
 * ({@link FoldMode#MAX} every type). For stitching tiles, {@link FoldMode#WEIGHTED} with
 * {@link #withBlend} weights each tile's pixels by a window, and {@link FoldMode#MAX} keeps the
 * largest value.
 *
 * <pre>{@code
 * Tensor image = Fold.of(3, 4, 2, 3).apply(cols);                         // output (3, 4), kernel (2, 3)
 * Tensor stitched = Fold.of(512, 512, 64, 64).withStride(32).withMode(FoldMode.MEAN).apply(tiles);
 * }</pre>
 *
 * <p>Immutable and thread-safe; the {@code with…} methods return new specs.
 */
public final class Fold {
    private final long[] outputSize;
    private final Window window;
    /**
     * The geometry of the last input shape, reused while calls repeat it (a loop over same-shaped
     * batches validates once). A benign race: any thread may replace it; geometries are immutable.
     */
    private volatile ColumnGeometry last;
    private final FoldMode mode;
    private final ImageLayout imageLayout;
    private final ColumnLayout columnLayout;
    /** The weights of {@link FoldMode#WEIGHTED}; null for constant ones (Note [weighted without weights]). */
    private final BlendWindow blend;

    /*
     * Note [weighted without weights]
     * withMode(WEIGHTED) on a spec without weights folds with constant weights: every weight 1,
     * which is the mean, bit for bit (Note [weighted fold order] in FoldWeights), rather than a
     * refusal, so that a caller switching modes by name always gets a valid spec. withBlend and
     * withWeights choose WEIGHTED themselves; the weights stay in the spec when another mode is
     * chosen afterwards (unused there), so that switching back finds them.
     */

    private Fold(long[] outputSize, Window window, FoldMode mode, ImageLayout imageLayout, ColumnLayout columnLayout) {
        this(outputSize, window, mode, imageLayout, columnLayout, null);
    }

    private Fold(long[] outputSize, Window window, FoldMode mode, ImageLayout imageLayout, ColumnLayout columnLayout,
                 BlendWindow blend) {
        // PyTorch-style names, as the messages and toString() use (Note [null arguments] in Window).
        this.outputSize = Objects.requireNonNull(outputSize, "output_size").clone();
        this.window = Objects.requireNonNull(window, "window");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.imageLayout = Objects.requireNonNull(imageLayout, "layout");
        this.columnLayout = Objects.requireNonNull(columnLayout, "input_layout");
        this.blend = blend;
        if (outputSize.length != window.rank() || Arrays.stream(outputSize).anyMatch(s -> s <= 0)) {
            throw new IllegalArgumentException("output_size must have " + window.rank() + " entries greater than "
                    + "zero (one per kernel dimension), but got output_size=" + Window.tuple(outputSize)
                    + " with kernel_size=" + Window.tuple(window.kernel()));
        }
    }

    /**
     * A square 2-D fold: output {@code outputSize × outputSize}, kernel {@code kernel × kernel},
     * dilation 1, padding 0, stride 1.
     *
     * @param outputSize the output image's height and width
     * @param kernel     the kernel's height and width
     * @return the spec
     * @throws IllegalArgumentException if a size is not positive
     */
    public static Fold of(long outputSize, int kernel) {
        return of(outputSize, outputSize, kernel, kernel);
    }

    /**
     * A 2-D fold: output {@code outputH × outputW}, kernel {@code kernelH × kernelW}, dilation 1,
     * padding 0, stride 1, as {@code nn.Fold(output_size=(outputH, outputW), kernel_size=(kernelH, kernelW))}.
     *
     * @param outputH the output image's height
     * @param outputW the output image's width
     * @param kernelH the kernel's height
     * @param kernelW the kernel's width
     * @return the spec
     * @throws IllegalArgumentException if a size is not positive
     */
    public static Fold of(long outputH, long outputW, int kernelH, int kernelW) {
        return of(outputH, outputW, Window.ofKernel(kernelH, kernelW));
    }

    /**
     * A 2-D fold into an {@code outputH × outputW} image with the given window.
     *
     * @param outputH the output image's height
     * @param outputW the output image's width
     * @param window  a 2-D window
     * @return the spec
     * @throws IllegalArgumentException if a size is not positive or the window is not 2-D
     */
    public static Fold of(long outputH, long outputW, Window window) {
        Objects.requireNonNull(window, "window");
        return of(new long[] {outputH, outputW}, window);
    }

    /**
     * A 1-D, 2-D or 3-D fold into an image of the given spatial size, summing overlaps, with
     * PyTorch's layouts.
     *
     * @param outputSize the output's spatial size, one entry per window dimension; copied
     * @param window     the window
     * @return the spec
     * @throws IllegalArgumentException if a size is not positive or the ranks differ
     */
    public static Fold of(long[] outputSize, Window window) {
        return new Fold(outputSize, window, FoldMode.SUM, ImageLayout.CHANNELS_FIRST, ColumnLayout.COLUMNS);
    }

    /**
     * The same spec with another dilation.
     *
     * @param d one value for every dimension, or one per dimension (height, width for 2-D)
     * @return a new spec
     * @throws IllegalArgumentException if a value is not positive or the count fits neither
     */
    public Fold withDilation(int... d) {
        Objects.requireNonNull(d, "dilation");
        return with(window.withDilation(perDimension(d)));
    }

    /**
     * The same spec with another padding: values falling there are dropped.
     *
     * @param p one value for every dimension, or one per dimension
     * @return a new spec
     * @throws IllegalArgumentException if a value is negative or the count fits neither
     */
    public Fold withPadding(int... p) {
        Objects.requireNonNull(p, "padding");
        return with(window.withPadding(perDimension(p)));
    }

    /**
     * The same spec with another stride.
     *
     * @param s one value for every dimension, or one per dimension
     * @return a new spec
     * @throws IllegalArgumentException if a value is not positive or the count fits neither
     */
    public Fold withStride(int... s) {
        Objects.requireNonNull(s, "stride");
        return with(window.withStride(perDimension(s)));
    }

    /**
     * The same spec summing ({@link FoldMode#SUM}, nn.Fold), averaging ({@link FoldMode#MEAN}),
     * weighting ({@link FoldMode#WEIGHTED}) or taking the largest of ({@link FoldMode#MAX})
     * overlapping windows. {@code WEIGHTED} uses the weights given by {@link #withBlend} or
     * {@link #withWeights}, or constant weights (the mean) if none were; weights given stay in
     * the spec, unused, in the other modes.
     *
     * @param m the mode
     * @return a new spec
     * @throws NullPointerException if {@code m} is null
     */
    public Fold withMode(FoldMode m) {
        return new Fold(outputSize, window, m, imageLayout, columnLayout, blend);
    }

    /**
     * The same spec folding by {@link FoldMode#WEIGHTED} with the weights of a blend window:
     * each pixel is the weighted mean of the values landing on it, so that where tiles overlap
     * each tile's centre counts more than its border. The window's weights are computed for the
     * kernel here.
     *
     * @param w the window, e.g. {@link BlendWindow#gaussian(double)}
     * @return a new spec
     * @throws IllegalArgumentException if {@code w} holds explicit weights of another shape than the kernel
     */
    public Fold withBlend(BlendWindow w) {
        Objects.requireNonNull(w, "blend");
        w.weights(Arrays.stream(window.kernel()).asLongStream().toArray());  // refuses another shape now
        return new Fold(outputSize, window, FoldMode.WEIGHTED, imageLayout, columnLayout, w);
    }

    /**
     * The same spec folding by {@link FoldMode#WEIGHTED} with explicit weights, one per kernel
     * offset ({@code withBlend(BlendWindow.of(weights))}).
     *
     * @param weights a float32 tensor of the kernel's spatial shape (e.g. {@code [kh, kw]}) of
     *     finite, non-negative values; copied
     * @return a new spec
     * @throws IllegalArgumentException if the weights are not float32, hold a negative, NaN or
     *     infinite value, or have another shape than the kernel
     */
    public Fold withWeights(Tensor weights) {
        Objects.requireNonNull(weights, "weights");
        return withBlend(BlendWindow.of(weights));
    }

    /**
     * The same spec producing images with their channels elsewhere.
     *
     * @param layout {@link ImageLayout#CHANNELS_LAST} ({@code [N, H, W, C]}, 2-D windows only,
     *     checked when the spec is applied) or {@link ImageLayout#CHANNELS_FIRST}
     * @return a new spec
     * @throws NullPointerException if {@code layout} is null
     */
    public Fold withImageLayout(ImageLayout layout) {
        return new Fold(outputSize, window, mode, layout, columnLayout, blend);
    }

    /**
     * The same spec reading another column layout.
     *
     * @param layout {@link ColumnLayout#PATCHES} ({@code [N, L, C·K]}) or {@link ColumnLayout#COLUMNS}
     * @return a new spec
     * @throws NullPointerException if {@code layout} is null
     */
    public Fold withColumnLayout(ColumnLayout layout) {
        return new Fold(outputSize, window, mode, imageLayout, layout, blend);
    }

    /**
     * Fold has no padding modes: padding is where values are dropped, not read. Present so that
     * code configuring {@link Unfold} and {@code Fold} alike gets a clear refusal.
     *
     * @param paddingMode must be {@link PaddingMode#ZEROS}
     * @return this spec
     * @throws IllegalArgumentException for any mode but {@link PaddingMode#ZEROS}
     */
    public Fold withPaddingMode(PaddingMode paddingMode) {
        Objects.requireNonNull(paddingMode, "padding_mode");
        if (paddingMode != PaddingMode.ZEROS) {
            throw new IllegalArgumentException("fold supports only zeros padding (padding is where values are "
                    + "dropped), but got padding_mode=" + paddingMode);
        }
        return this;
    }

    private Fold with(Window w) {
        return new Fold(outputSize, w, mode, imageLayout, columnLayout, blend);
    }

    private int[] perDimension(int[] values) {
        return values.length == 1 ? Window.filled(window.rank(), values[0]) : values;
    }

    /** {@return a copy of the output's spatial size} */
    public long[] outputSize() { return outputSize.clone(); }
    /** {@return the output height (second-to-last spatial dimension; 1 for 1-D)} */
    public long outputH() { return outputSize.length >= 2 ? outputSize[outputSize.length - 2] : 1; }
    /** {@return the output width (last spatial dimension)} */
    public long outputW() { return outputSize[outputSize.length - 1]; }
    /** {@return the window} */
    public Window window() { return window; }
    /** {@return what is done with overlaps} */
    public FoldMode mode() { return mode; }
    /** {@return the blend window of {@link FoldMode#WEIGHTED}: the one given, or {@link BlendWindow#constant()}} */
    public BlendWindow blend() { return blend == null ? BlendWindow.constant() : blend; }
    /** {@return where the output's channels are} */
    public ImageLayout imageLayout() { return imageLayout; }
    /** {@return how the input is laid out} */
    public ColumnLayout columnLayout() { return columnLayout; }

    /**
     * Validates the shape of a float32 input without computing anything.
     *
     * @param inputShape {@code [N, C·K, L]} or {@code [C·K, L]}; not modified
     * @return the validated geometry: output shape, block counts and the rest
     * @throws IllegalArgumentException as {@link #apply(Tensor)} does for a bad shape
     */
    public ColumnGeometry geometry(long... inputShape) {
        return geometry(DType.FLOAT32, inputShape);
    }

    /**
     * Validates the shape of an input of type {@code dtype} without computing anything.
     *
     * @param dtype      the input's type
     * @param inputShape {@code [N, C·K, L]} or {@code [C·K, L]}; not modified
     * @return the validated geometry
     * @throws IllegalArgumentException as {@link #apply(Tensor)} does for a bad shape or type
     */
    public ColumnGeometry geometry(DType dtype, long... inputShape) {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(inputShape, "input_shape");
        ColumnGeometry g = last;
        if (g == null || !g.isFor(dtype, inputShape)) {
            g = ColumnGeometry.forFold(inputShape, outputSize, window, dtype, imageLayout, columnLayout, mode, blend);
            last = g;
        }
        return g;
    }

    /**
     * Folds {@code input} on {@link Backend#defaultBackend()} (float64 goes to the Java backend
     * when {@code auto} chose a device without {@code cl_khr_fp64}).
     *
     * @param input {@code [N, C·K, L]} or {@code [C·K, L]}, float32 or float64 (any type for {@link FoldMode#MAX}); not modified
     * @return a new tensor {@code [N, C, *output]} or {@code [C, *output]} of the input's type
     * @throws IllegalArgumentException if the shape does not fit (rank, a zero dimension, a
     *     row count not divisible by the kernel volume, {@code L} not the block count) or the
     *     type is an integer type (but for max); the message names the shape and every parameter
     * @throws OpenCLException if OpenCL was requested explicitly but is not available, or the
     *     OpenCL device fails
     */
    public Tensor apply(Tensor input) {
        return apply(input, BackendSelection.defaultFor(Objects.requireNonNull(input, "input").dtype()));
    }

    /**
     * As {@link #apply(Tensor)}, on the given backend.
     *
     * @param input   {@code [N, C·K, L]} or {@code [C·K, L]}, float32 or float64 (any type for {@link FoldMode#MAX}); not modified
     * @param backend where to compute
     * @return a new tensor {@code [N, C, *output]} or {@code [C, *output]} of the input's type
     * @throws IllegalArgumentException as {@link #apply(Tensor)}
     * @throws IllegalStateException if the backend was closed
     * @throws OpenCLException if an OpenCL backend fails, or cannot hold float64
     */
    public Tensor apply(Tensor input, Backend backend) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(backend, "backend");
        return backend.fold(geometry(input.dtype(), input.shape()), input);
    }

    /**
     * As {@link #apply(Tensor, Backend)}, writing the result into {@code output} instead of a new
     * tensor (every element is overwritten), so that a caller can reuse one output buffer.
     *
     * @param input   {@code [N, C·K, L]} or {@code [C·K, L]}, float32 or float64 (any type for {@link FoldMode#MAX}); not modified
     * @param output  the result's shape and type; modified; must not share the input's array
     * @param backend where to compute
     * @throws IllegalArgumentException for a bad input shape, an output of another shape or type,
     *     or an output sharing the input's array; {@code output} is then left untouched
     * @throws IllegalStateException if the backend was closed
     * @throws OpenCLException if an OpenCL backend fails, or cannot hold float64
     */
    public void apply(Tensor input, Tensor output, Backend backend) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(backend, "backend");
        ColumnGeometry g = geometry(input.dtype(), input.shape());
        Backend.checkOutput(output, g.imageShape(), input);
        backend.fold(g, input, output);
    }

    /**
     * Folds a tensor resident on an OpenCL device into a new tensor on the same device, with no
     * transfer to or from the host. The call returns once the kernel is queued; the result
     * waits for it on use.
     *
     * @param input a device tensor {@code [N, C·K, L]} or {@code [C·K, L]}, float32 or float64 (any type for max);
     *     not modified, and stays open
     * @return a new device tensor on the input's backend; the caller closes it
     * @throws IllegalArgumentException for a bad shape or type
     * @throws IllegalStateException if the input or its backend was closed
     * @throws OpenCLException if the device cannot allocate the result or run the kernel
     */
    public DeviceTensor apply(DeviceTensor input) {
        Objects.requireNonNull(input, "input");
        return input.backend().fold(geometry(input.dtype(), input.shape()), input);
    }

    /**
     * As {@link #apply(DeviceTensor)}, writing into {@code output} (every element is overwritten)
     * instead of a new device tensor, so that a loop can reuse one device buffer. The command is
     * queued after the input is computed, and after every earlier command that reads or writes
     * {@code output} (whatever command queue it ran on), so reads of {@code output} made before
     * this call see its old values and those made after it see the new ones.
     *
     * @param input the device tensor to read; not modified
     * @param output a tensor of the same backend with the result's shape and type; modified
     * @throws IllegalArgumentException for a bad input shape, an output of another shape, type or
     *     backend, or an output that is the input
     * @throws IllegalStateException if a tensor or the backend is closed
     */
    public void apply(DeviceTensor input, DeviceTensor output) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        ColumnGeometry g = geometry(input.dtype(), input.shape());
        if (!java.util.Arrays.equals(output.shape(), g.imageShape()) || output.dtype() != input.dtype()) {
            throw new IllegalArgumentException("output must be " + input.dtype() + " "
                    + java.util.Arrays.toString(g.imageShape()) + ", but got " + output);
        }
        if (output == input) {
            throw new IllegalArgumentException("output must not be the input");
        }
        input.backend().intoDevice(g, input, output, Op.FOLD);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fold f && Arrays.equals(outputSize, f.outputSize) && window.equals(f.window)
                && mode == f.mode && imageLayout == f.imageLayout && columnLayout == f.columnLayout
                && blend().equals(f.blend());
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(outputSize), window, mode, imageLayout, columnLayout, blend());
    }

    @Override
    public String toString() {
        return "Fold[output_size=" + Window.tuple(outputSize) + ", " + window.describe() + ", mode=" + mode
                + (mode == FoldMode.WEIGHTED ? ", blend=" + blend() : "") + ", layout=" + imageLayout + ", input_layout=" + columnLayout + "]";
    }
}
