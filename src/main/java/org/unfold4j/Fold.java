package org.unfold4j;

import java.util.Objects;

/**
 * Combines an array of sliding local blocks into an image, exactly as PyTorch's
 * {@code nn.Fold(output_size, kernel_size, dilation=1, padding=0, stride=1)} (col2im), the
 * adjoint of {@link Unfold}.
 *
 * <p>An input {@code [N, C·kh·kw, L]} (or unbatched {@code [C·kh·kw, L]}) becomes
 * {@code [N, C, H, W]} (or {@code [C, H, W]}) with {@code (H, W)} the output size. Values of
 * overlapping windows are summed; pixels no window covers are 0; values falling into the padding
 * are dropped. Each pixel sums its windows in ascending kernel-offset order, on every backend,
 * so the backends agree bit for bit.
 *
 * <pre>{@code
 * Tensor image = Fold.of(3, 4, 2, 3).apply(cols);   // output (3, 4), kernel (2, 3)
 * }</pre>
 *
 * <p>Immutable and thread-safe; the {@code with…} methods return new specs.
 */
public final class Fold {
    private final long outputH, outputW;
    private final Window window;

    private Fold(long outputH, long outputW, Window window) {
        if (outputH <= 0 || outputW <= 0) {
            throw new IllegalArgumentException("output_size must be greater than zero, but got output_size="
                    + Window.pair(outputH, outputW));
        }
        this.outputH = outputH;
        this.outputW = outputW;
        this.window = window;
    }

    /** A square output and kernel, dilation 1, padding 0, stride 1. @throws IllegalArgumentException if not positive */
    public static Fold of(long outputSize, int kernel) {
        return of(outputSize, outputSize, kernel, kernel);
    }

    /** Output {@code outputH × outputW}, kernel {@code kernelH × kernelW}, dilation 1, padding 0, stride 1. */
    public static Fold of(long outputH, long outputW, int kernelH, int kernelW) {
        return new Fold(outputH, outputW, Window.ofKernel(kernelH, kernelW));
    }

    /** Output {@code outputH × outputW} with the given window. */
    public static Fold of(long outputH, long outputW, Window window) {
        return new Fold(outputH, outputW, Objects.requireNonNull(window, "window"));
    }

    /** The same spec with dilation {@code d} in both dimensions. @throws IllegalArgumentException if not positive */
    public Fold withDilation(int d) {
        return withDilation(d, d);
    }

    /** The same spec with another dilation. @throws IllegalArgumentException if not positive */
    public Fold withDilation(int h, int w) {
        return new Fold(outputH, outputW, window.withDilation(h, w));
    }

    /** The same spec with zero padding {@code p} on every side. @throws IllegalArgumentException if negative */
    public Fold withPadding(int p) {
        return withPadding(p, p);
    }

    /** The same spec with another padding. @throws IllegalArgumentException if negative */
    public Fold withPadding(int h, int w) {
        return new Fold(outputH, outputW, window.withPadding(h, w));
    }

    /** The same spec with stride {@code s} in both dimensions. @throws IllegalArgumentException if not positive */
    public Fold withStride(int s) {
        return withStride(s, s);
    }

    /** The same spec with another stride. @throws IllegalArgumentException if not positive */
    public Fold withStride(int h, int w) {
        return new Fold(outputH, outputW, window.withStride(h, w));
    }

    /** The output height. */
    public long outputH() {
        return outputH;
    }

    /** The output width. */
    public long outputW() {
        return outputW;
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
        return ColumnGeometry.forFold(inputShape, outputH, outputW, window);
    }

    /**
     * Folds {@code input} on {@link Backend#defaultBackend()}.
     *
     * @param input {@code [N, C·kh·kw, L]} or {@code [C·kh·kw, L]}; not modified
     * @return a new tensor {@code [N, C, H, W]} or {@code [C, H, W]}
     * @throws IllegalArgumentException if the shape does not fit (rank, a zero dimension, a
     *     channel count not divisible by {@code kh·kw}, {@code L} not the block count); the
     *     message names the shape and every parameter
     */
    public Tensor apply(Tensor input) {
        return apply(input, Backend.defaultBackend());
    }

    /** As {@link #apply(Tensor)}, on the given backend. */
    public Tensor apply(Tensor input, Backend backend) {
        return backend.fold(geometry(input.shape()), input);
    }

    /**
     * Folds a tensor resident on an OpenCL device into a new tensor on the same device, with no
     * transfer to or from the host. The caller closes the result.
     *
     * @throws IllegalArgumentException for a bad shape
     * @throws IllegalStateException if the input or its backend was closed
     */
    public DeviceTensor apply(DeviceTensor input) {
        return input.backend().fold(geometry(input.shape()), input);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fold other && outputH == other.outputH && outputW == other.outputW
                && window.equals(other.window);
    }

    @Override
    public int hashCode() {
        return Objects.hash(outputH, outputW, window);
    }

    @Override
    public String toString() {
        return "Fold[output_size=" + Window.pair(outputH, outputW) + ", " + window.describe() + "]";
    }
}
