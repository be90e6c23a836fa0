package org.unfold4j;

import java.util.Objects;

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
    private final PaddingMode paddingMode;
    private final ImageLayout imageLayout;
    private final ColumnLayout columnLayout;

    private Unfold(Window window, PaddingMode paddingMode, ImageLayout imageLayout, ColumnLayout columnLayout) {
        this.window = Objects.requireNonNull(window, "window");
        this.paddingMode = Objects.requireNonNull(paddingMode, "paddingMode");
        this.imageLayout = Objects.requireNonNull(imageLayout, "imageLayout");
        this.columnLayout = Objects.requireNonNull(columnLayout, "columnLayout");
    }

    /** A square 2-D {@code kernel × kernel} window, dilation 1, padding 0, stride 1. @throws IllegalArgumentException if not positive */
    public static Unfold of(int kernel) {
        return of(kernel, kernel);
    }

    /** A 2-D {@code kernelH × kernelW} window, dilation 1, padding 0, stride 1. @throws IllegalArgumentException if not positive */
    public static Unfold of(int kernelH, int kernelW) {
        return of(Window.ofKernel(kernelH, kernelW));
    }

    /** An unfold with the given window (of rank 1, 2 or 3), zero padding, PyTorch's layouts. */
    public static Unfold of(Window window) {
        return new Unfold(window, PaddingMode.ZEROS, ImageLayout.CHANNELS_FIRST, ColumnLayout.COLUMNS);
    }

    /**
     * The same spec with another dilation: one value for every dimension, or one per dimension.
     *
     * @throws IllegalArgumentException if a value is not positive or the count fits neither
     */
    public Unfold withDilation(int... d) {
        return with(window.withDilation(perDimension(d)));
    }

    /** The same spec with another padding (one value, or one per dimension). @throws IllegalArgumentException if negative */
    public Unfold withPadding(int... p) {
        return with(window.withPadding(perDimension(p)));
    }

    /** The same spec with another stride (one value, or one per dimension). @throws IllegalArgumentException if not positive */
    public Unfold withStride(int... s) {
        return with(window.withStride(perDimension(s)));
    }

    /** The same spec reading the padding with another mode (PyTorch's F.pad modes). */
    public Unfold withPaddingMode(PaddingMode mode) {
        return new Unfold(window, mode, imageLayout, columnLayout);
    }

    /** The same spec for images with their channels elsewhere ({@code nhwc}: 2-D windows only). */
    public Unfold withImageLayout(ImageLayout layout) {
        return new Unfold(window, paddingMode, layout, columnLayout);
    }

    /** The same spec producing another column layout ({@code patches}: {@code [N, L, C·K]}). */
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

    /** The window. */
    public Window window() { return window; }
    /** How the padding is read. */
    public PaddingMode paddingMode() { return paddingMode; }
    /** Where the input's channels are. */
    public ImageLayout imageLayout() { return imageLayout; }
    /** How the output is laid out. */
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
        return ColumnGeometry.forUnfold(inputShape, window, dtype, imageLayout, columnLayout, paddingMode);
    }

    /**
     * Unfolds {@code input} on {@link Backend#defaultBackend()}.
     *
     * @param input {@code [N, C, *spatial]} or {@code [C, *spatial]} (channels-last
     *     {@code [N, H, W, C]}); not modified
     * @return a new tensor {@code [N, C·K, L]} or {@code [C·K, L]} ({@code [N, L, C·K]} patch-major)
     *     of the input's type
     * @throws IllegalArgumentException if the shape does not fit the window (the message names
     *     the shape and every parameter), or the result exceeds {@link Tensor#MAX_ELEMENTS}
     */
    public Tensor apply(Tensor input) {
        return apply(input, BackendSelection.defaultFor(input.dtype()));
    }

    /** As {@link #apply(Tensor)}, on the given backend. */
    public Tensor apply(Tensor input, Backend backend) {
        return backend.unfold(geometry(input.dtype(), input.shape()), input);
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
        Backend.checkOutput(output, g.columnsShape(), input);
        backend.unfold(g, input, output);
    }

    /**
     * Unfolds a tensor resident on an OpenCL device into a new tensor on the same device, with
     * no transfer to or from the host. The caller closes the result.
     *
     * @throws IllegalArgumentException for a bad shape
     * @throws IllegalStateException if the input or its backend was closed
     */
    public DeviceTensor apply(DeviceTensor input) {
        return input.backend().unfold(geometry(input.dtype(), input.shape()), input);
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
        if (!java.util.Arrays.equals(output.shape(), g.columnsShape()) || output.dtype() != input.dtype()) {
            throw new IllegalArgumentException("output must be " + input.dtype() + " "
                    + java.util.Arrays.toString(g.columnsShape()) + ", but got " + output);
        }
        if (output == input) {
            throw new IllegalArgumentException("output must not be the input");
        }
        input.backend().intoDevice(g, input, output, true);
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
