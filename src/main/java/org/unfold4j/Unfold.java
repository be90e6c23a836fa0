package org.unfold4j;

import java.util.Objects;

/**
 * Extracts sliding local blocks from a batch of images, exactly as PyTorch's
 * {@code nn.Unfold(kernel_size, dilation=1, padding=0, stride=1)} (im2col).
 *
 * <p>An input {@code [N, C, H, W]} (or unbatched {@code [C, H, W]}) becomes
 * {@code [N, C·kh·kw, L]} (or {@code [C·kh·kw, L]}): each column holds one window, its rows in
 * order channel, kernel row, kernel column; {@code L} runs over window positions row-major.
 * Pixels in the zero padding read as 0.
 *
 * <pre>{@code
 * Tensor cols = Unfold.of(2, 3).apply(image);                 // kernel (2, 3)
 * Tensor patches = Unfold.of(16).withStride(16).apply(image); // ViT patchify
 * }</pre>
 *
 * <p>Immutable and thread-safe; the {@code with…} methods return new specs.
 */
public final class Unfold {
    private final Window window;

    private Unfold(Window window) {
        this.window = window;
    }

    /** A square {@code kernel × kernel} window, dilation 1, padding 0, stride 1. @throws IllegalArgumentException if not positive */
    public static Unfold of(int kernel) {
        return of(kernel, kernel);
    }

    /** A {@code kernelH × kernelW} window, dilation 1, padding 0, stride 1. @throws IllegalArgumentException if not positive */
    public static Unfold of(int kernelH, int kernelW) {
        return new Unfold(Window.ofKernel(kernelH, kernelW));
    }

    /** An unfold with the given window. */
    public static Unfold of(Window window) {
        return new Unfold(Objects.requireNonNull(window, "window"));
    }

    /** The same spec with dilation {@code d} in both dimensions. @throws IllegalArgumentException if not positive */
    public Unfold withDilation(int d) {
        return withDilation(d, d);
    }

    /** The same spec with another dilation. @throws IllegalArgumentException if not positive */
    public Unfold withDilation(int h, int w) {
        return new Unfold(window.withDilation(h, w));
    }

    /** The same spec with zero padding {@code p} on every side. @throws IllegalArgumentException if negative */
    public Unfold withPadding(int p) {
        return withPadding(p, p);
    }

    /** The same spec with another zero padding. @throws IllegalArgumentException if negative */
    public Unfold withPadding(int h, int w) {
        return new Unfold(window.withPadding(h, w));
    }

    /** The same spec with stride {@code s} in both dimensions. @throws IllegalArgumentException if not positive */
    public Unfold withStride(int s) {
        return withStride(s, s);
    }

    /** The same spec with another stride. @throws IllegalArgumentException if not positive */
    public Unfold withStride(int h, int w) {
        return new Unfold(window.withStride(h, w));
    }

    /** The window. */
    public Window window() {
        return window;
    }

    /**
     * Validates the shape of an input without computing anything.
     *
     * @throws IllegalArgumentException as {@link #apply(Tensor)} does for a bad shape
     */
    public ColumnGeometry geometry(long... inputShape) {
        return ColumnGeometry.forUnfold(inputShape, window);
    }

    /**
     * Unfolds {@code input} on {@link Backend#defaultBackend()}.
     *
     * @param input {@code [N, C, H, W]} or {@code [C, H, W]}; not modified
     * @return a new tensor {@code [N, C·kh·kw, L]} or {@code [C·kh·kw, L]}
     * @throws IllegalArgumentException if the shape does not fit the window (the message names
     *     the shape and every parameter), or the result exceeds {@link Tensor#MAX_ELEMENTS}
     */
    public Tensor apply(Tensor input) {
        return apply(input, Backend.defaultBackend());
    }

    /** As {@link #apply(Tensor)}, on the given backend. */
    public Tensor apply(Tensor input, Backend backend) {
        return backend.unfold(geometry(input.shape()), input);
    }

    /**
     * Unfolds a tensor resident on an OpenCL device into a new tensor on the same device, with
     * no transfer to or from the host. The caller closes the result.
     *
     * @throws IllegalArgumentException for a bad shape
     * @throws IllegalStateException if the input or its backend was closed
     */
    public DeviceTensor apply(DeviceTensor input) {
        return input.backend().unfold(geometry(input.shape()), input);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Unfold other && window.equals(other.window);
    }

    @Override
    public int hashCode() {
        return window.hashCode();
    }

    @Override
    public String toString() {
        return "Unfold[" + window.describe() + "]";
    }
}
