package org.unfold4j;

import java.util.Objects;
import org.unfold4j.internal.Op;

/**
 * Extracts sliding local blocks from a batch of images, exactly as PyTorch's
 * {@code nn.Unfold(kernel_size, dilation=1, padding=0, stride=1)} (im2col), for 1-D, 2-D and 3-D
 * windows, with optional padding modes, channels-last input and patch-major output.
 *
 * <p>An input {@code [N, C, *spatial]} (or unbatched {@code [C, *spatial]}) becomes
 * {@code [N, C·K, L]} (or {@code [C·K, L]}), K the kernel volume: each column holds one window,
 * its rows in order channel, then kernel offsets in order of the dimensions; {@code L} runs over
 * window positions row-major. The input's type (float32, float64, uint8, int32) is kept; values
 * are copied exactly.
 *
 * <pre>{@code
 * Tensor cols = Unfold.of(2, 3).apply(image);                      // kernel (2, 3)
 * Tensor patches = Unfold.of(16).withStride(16).apply(image);      // ViT patchify
 * Unfold reflect = Unfold.of(3).withPadding(1).withPaddingMode(PaddingMode.REFLECT);
 * Unfold volume = Unfold.of(Window.ofKernel(3, 3, 3));             // 3-D windows on [N, C, D, H, W]
 * }</pre>
 *
 * <p>Immutable and thread-safe; the {@code with…} methods return new specs.
 */
public final class Unfold {
    private final Window window;
    /**
     * The geometry of the last input shape, reused while calls repeat it (a loop over same-shaped
     * batches validates once). A benign race: any thread may replace it; geometries are immutable.
     */
    private volatile ColumnGeometry last;
    private final PaddingMode paddingMode;
    private final ImageLayout imageLayout;
    private final ColumnLayout columnLayout;

    private Unfold(Window window, PaddingMode paddingMode, ImageLayout imageLayout, ColumnLayout columnLayout) {
        this.window = Objects.requireNonNull(window, "window");
        // PyTorch-style names, as the messages and toString() use (Note [null arguments] in Window).
        this.paddingMode = Objects.requireNonNull(paddingMode, "padding_mode");
        this.imageLayout = Objects.requireNonNull(imageLayout, "layout");
        this.columnLayout = Objects.requireNonNull(columnLayout, "output_layout");
    }

    /**
     * A square 2-D unfold, {@code nn.Unfold(kernel_size=kernel)}: kernel {@code kernel × kernel},
     * dilation 1, padding 0, stride 1.
     *
     * @param kernel the kernel's height and width
     * @return the spec
     * @throws IllegalArgumentException if {@code kernel} is not positive
     */
    public static Unfold of(int kernel) {
        return of(kernel, kernel);
    }

    /**
     * A 2-D unfold, {@code nn.Unfold(kernel_size=(kernelH, kernelW))}: dilation 1, padding 0,
     * stride 1.
     *
     * @param kernelH the kernel's height
     * @param kernelW the kernel's width
     * @return the spec
     * @throws IllegalArgumentException if a size is not positive
     */
    public static Unfold of(int kernelH, int kernelW) {
        return of(Window.ofKernel(kernelH, kernelW));
    }

    /**
     * An unfold with the given window (of rank 1, 2 or 3), zero padding and PyTorch's layouts.
     *
     * @param window the window; its rank is the number of spatial dimensions of the input
     * @return the spec
     * @throws NullPointerException if {@code window} is null
     */
    public static Unfold of(Window window) {
        return new Unfold(window, PaddingMode.ZEROS, ImageLayout.CHANNELS_FIRST, ColumnLayout.COLUMNS);
    }

    /**
     * The same spec with another dilation.
     *
     * @param d one value for every dimension, or one per dimension (height, width for 2-D)
     * @return a new spec
     * @throws IllegalArgumentException if a value is not positive or the count fits neither
     */
    public Unfold withDilation(int... d) {
        Objects.requireNonNull(d, "dilation");
        return with(window.withDilation(perDimension(d)));
    }

    /**
     * The same spec with another padding, added at both ends of each dimension.
     *
     * @param p one value for every dimension, or one per dimension
     * @return a new spec
     * @throws IllegalArgumentException if a value is negative or the count fits neither
     */
    public Unfold withPadding(int... p) {
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
    public Unfold withStride(int... s) {
        Objects.requireNonNull(s, "stride");
        return with(window.withStride(perDimension(s)));
    }

    /**
     * The same spec reading the padding with another mode (PyTorch's {@code F.pad} modes). The
     * limits of reflect and circular padding are checked when the spec is applied.
     *
     * @param mode how pixels in the padding are read
     * @return a new spec
     * @throws NullPointerException if {@code mode} is null
     */
    public Unfold withPaddingMode(PaddingMode mode) {
        return new Unfold(window, mode, imageLayout, columnLayout);
    }

    /**
     * The same spec for images with their channels elsewhere.
     *
     * @param layout {@link ImageLayout#CHANNELS_LAST} ({@code [N, H, W, C]}, 2-D windows only,
     *     checked when the spec is applied) or {@link ImageLayout#CHANNELS_FIRST}
     * @return a new spec
     * @throws NullPointerException if {@code layout} is null
     */
    public Unfold withImageLayout(ImageLayout layout) {
        return new Unfold(window, paddingMode, layout, columnLayout);
    }

    /**
     * The same spec producing another column layout.
     *
     * @param layout {@link ColumnLayout#PATCHES} ({@code [N, L, C·K]}, one row per window) or
     *     {@link ColumnLayout#COLUMNS}
     * @return a new spec
     * @throws NullPointerException if {@code layout} is null
     */
    public Unfold withColumnLayout(ColumnLayout layout) {
        return new Unfold(window, paddingMode, imageLayout, layout);
    }

    private Unfold with(Window w) {
        return new Unfold(w, paddingMode, imageLayout, columnLayout);
    }

    /** One value per dimension of the window, broadcasting a single value. */
    int[] perDimension(int[] values) {
        return values.length == 1 ? Window.filled(window.rank(), values[0]) : values;
    }

    /** {@return the window} */
    public Window window() { return window; }
    /** {@return how the padding is read} */
    public PaddingMode paddingMode() { return paddingMode; }
    /** {@return where the input's channels are} */
    public ImageLayout imageLayout() { return imageLayout; }
    /** {@return how the output is laid out} */
    public ColumnLayout columnLayout() { return columnLayout; }

    /**
     * Validates the shape of a float32 input without computing anything.
     *
     * @param inputShape {@code [N, C, *spatial]} or {@code [C, *spatial]} (channels-last
     *     {@code [N, H, W, C]}); not modified
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
     * @param inputShape the input's shape; not modified
     * @return the validated geometry
     * @throws IllegalArgumentException as {@link #apply(Tensor)} does for a bad shape
     */
    public ColumnGeometry geometry(DType dtype, long... inputShape) {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(inputShape, "input_shape");
        ColumnGeometry g = last;
        if (g == null || !g.isFor(dtype, inputShape)) {
            g = ColumnGeometry.forUnfold(inputShape, window, dtype, imageLayout, columnLayout, paddingMode);
            last = g;
        }
        return g;
    }

    /**
     * Unfolds {@code input} on {@link Backend#defaultBackend()} (float64 goes to the Java backend
     * when {@code auto} chose a device without {@code cl_khr_fp64}).
     *
     * @param input {@code [N, C, *spatial]} or {@code [C, *spatial]} (channels-last
     *     {@code [N, H, W, C]}); not modified
     * @return a new tensor {@code [N, C·K, L]} or {@code [C·K, L]} ({@code [N, L, C·K]} patch-major)
     *     of the input's type
     * @throws IllegalArgumentException if the shape does not fit the window (the message names
     *     the shape and every parameter), or the result exceeds {@link Tensor#MAX_ELEMENTS}
     * @throws OpenCLException if OpenCL was requested explicitly but is not available, or the
     *     OpenCL device fails
     */
    public Tensor apply(Tensor input) {
        return apply(input, BackendSelection.defaultFor(Objects.requireNonNull(input, "input").dtype()));
    }

    /**
     * As {@link #apply(Tensor)}, on the given backend.
     *
     * @param input   {@code [N, C, *spatial]} or {@code [C, *spatial]} (channels-last
     *     {@code [N, H, W, C]}); not modified
     * @param backend where to compute
     * @return a new tensor of the columns' shape and the input's type
     * @throws IllegalArgumentException as {@link #apply(Tensor)}
     * @throws IllegalStateException if the backend was closed
     * @throws OpenCLException if an OpenCL backend fails, or cannot hold float64
     */
    public Tensor apply(Tensor input, Backend backend) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(backend, "backend");
        return backend.unfold(geometry(input.dtype(), input.shape()), input);
    }

    /**
     * As {@link #apply(Tensor, Backend)}, writing the result into {@code output} instead of a new
     * tensor (every element is overwritten), so that a caller can reuse one output buffer.
     *
     * @param input   the image; not modified
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
        Backend.checkOutput(output, g.columnsShape(), input);
        backend.unfold(g, input, output);
    }

    /**
     * Unfolds a tensor resident on an OpenCL device into a new tensor on the same device, with
     * no transfer to or from the host. The call returns once the kernel is queued; the result
     * waits for it on use. Device tensors may exceed {@link Tensor#MAX_ELEMENTS}.
     *
     * @param input a device tensor {@code [N, C, *spatial]} or {@code [C, *spatial]} (channels-last
     *     {@code [N, H, W, C]}); not modified, and stays open
     * @return a new device tensor on the input's backend; the caller closes it
     * @throws IllegalArgumentException for a bad shape
     * @throws IllegalStateException if the input or its backend was closed
     * @throws OpenCLException if the device cannot allocate the result or run the kernel
     */
    public DeviceTensor apply(DeviceTensor input) {
        Objects.requireNonNull(input, "input");
        return input.backend().unfold(geometry(input.dtype(), input.shape()), input);
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
        if (!java.util.Arrays.equals(output.shape(), g.columnsShape()) || output.dtype() != input.dtype()) {
            throw new IllegalArgumentException("output must be " + input.dtype() + " "
                    + java.util.Arrays.toString(g.columnsShape()) + ", but got " + output);
        }
        if (output == input) {
            throw new IllegalArgumentException("output must not be the input");
        }
        input.backend().intoDevice(g, input, output, Op.UNFOLD);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Unfold u && window.equals(u.window) && paddingMode == u.paddingMode
                && imageLayout == u.imageLayout && columnLayout == u.columnLayout;
    }

    @Override
    public int hashCode() {
        return Objects.hash(window, paddingMode, imageLayout, columnLayout);
    }

    @Override
    public String toString() {
        return "Unfold[" + window.describe() + ", padding_mode=" + paddingMode + ", layout=" + imageLayout
                + ", output_layout=" + columnLayout + "]";
    }
}
