package org.unfold4j;

import java.util.Arrays;

/**
 * The validated shape of one unfold or fold call: the image side {@code [N, C, H, W]}, the
 * column side {@code [N, C·kh·kw, L]}, the window, and the block grid {@code L = blocksH · blocksW}.
 *
 * <p>This is the only place where shapes are checked (PyTorch's {@code im2col_shape_check.h}
 * plays the same role): every backend receives a {@code ColumnGeometry} and computes without
 * checking anything. All size arithmetic is exact; a geometry whose sizes overflow a 64-bit
 * count is rejected here rather than producing a wrong index in a kernel.
 *
 * <p>Thread-safe (immutable).
 */
public final class ColumnGeometry {
    private final boolean batched;
    private final long batch, channels, height, width;
    private final Window window;
    private final long blocksH, blocksW;
    private final long blocks, rows, imageElements, columnElements;

    private ColumnGeometry(boolean batched, long batch, long channels, long height, long width,
                           Window window, long blocksH, long blocksW, String context) {
        this.batched = batched;
        this.batch = batch;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.window = window;
        this.blocksH = blocksH;
        this.blocksW = blocksW;
        try {
            this.blocks = Math.multiplyExact(blocksH, blocksW);
            this.rows = Math.multiplyExact(channels, window.kernelArea());
            this.imageElements = Math.multiplyExact(Math.multiplyExact(batch, channels),
                    Math.multiplyExact(height, width));
            this.columnElements = Math.multiplyExact(Math.multiplyExact(batch, rows), blocks);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(context + ": the tensor sizes overflow a 64-bit element count");
        }
    }

    /**
     * Validates an unfold of an input of the given shape, {@code [N, C, H, W]} or unbatched
     * {@code [C, H, W]}.
     *
     * @throws IllegalArgumentException if the rank is wrong, a non-batch dimension is zero, a
     *     dimension is negative, the window leaves fewer than one block along a dimension, or the
     *     sizes overflow; the message names the shape and every parameter
     */
    public static ColumnGeometry forUnfold(long[] inputShape, Window window) {
        boolean batched = inputShape.length == 4;
        if ((inputShape.length != 3 && !batched) || !nonBatchDimsPositive(inputShape, batched)) {
            throw new IllegalArgumentException("Expected 3D or 4D (batch mode) tensor for input with possibly "
                    + "0 batch size and other non-zero dimensions, but got: " + Arrays.toString(inputShape));
        }
        int o = batched ? 1 : 0;
        long n = batched ? inputShape[0] : 1;
        long c = inputShape[o], h = inputShape[o + 1], w = inputShape[o + 2];
        String context = "Given input with spatial size " + Window.pair(h, w) + ", " + window.describe();
        long bh = blocksOrReject(h, window.kernelH(), window.dilationH(), window.paddingH(), window.strideH(), context);
        long bw = blocksOrReject(w, window.kernelW(), window.dilationW(), window.paddingW(), window.strideW(), context);
        if (bh < 1 || bw < 1) {
            throw new IllegalArgumentException(context + ", calculated shape of the array of sliding blocks as "
                    + Window.pair(bh, bw) + ", but its components must be at least one");
        }
        return new ColumnGeometry(batched, n, c, h, w, window, bh, bw, context);
    }

    /**
     * Validates a fold of an input of the given shape, {@code [N, C·kh·kw, L]} or unbatched
     * {@code [C·kh·kw, L]}, into an image of {@code outputH × outputW} pixels.
     *
     * @throws IllegalArgumentException if the rank is wrong, a non-batch dimension is zero, the
     *     output size is not positive, the channel dimension is not divisible by {@code kh·kw},
     *     the block count is below 1 or differs from {@code L}, or the sizes overflow
     */
    public static ColumnGeometry forFold(long[] inputShape, long outputH, long outputW, Window window) {
        boolean batched = inputShape.length == 3;
        if ((inputShape.length != 2 && !batched) || !nonBatchDimsPositive(inputShape, batched)) {
            throw new IllegalArgumentException("Expected 2D or 3D (batch mode) tensor for input with possibly "
                    + "0 batch size and non-zero dimensions, but got: " + Arrays.toString(inputShape));
        }
        String context = "Given output_size=" + Window.pair(outputH, outputW) + ", " + window.describe();
        if (outputH <= 0 || outputW <= 0) {
            throw new IllegalArgumentException(context + ": output_size must be greater than zero");
        }
        int o = batched ? 1 : 0;
        long n = batched ? inputShape[0] : 1;
        long rows = inputShape[o], l = inputShape[o + 1];
        int area = window.kernelArea();
        if (rows % area != 0) {
            throw new IllegalArgumentException("Expected size of input's dimension " + o + " to be divisible by the "
                    + "product of kernel_size, but got input.size(" + o + ")=" + rows + " and kernel_size="
                    + Window.pair(window.kernelH(), window.kernelW()));
        }
        long bh = blocksOrReject(outputH, window.kernelH(), window.dilationH(), window.paddingH(), window.strideH(), context);
        long bw = blocksOrReject(outputW, window.kernelW(), window.dilationW(), window.paddingW(), window.strideW(), context);
        if (bh < 1 || bw < 1) {
            throw new IllegalArgumentException(context + ", calculated shape of the array of sliding blocks as "
                    + Window.pair(bh, bw) + ", but its components must be at least one");
        }
        long expected = multiplyOrMinusOne(bh, bw);
        if (expected != l) {
            throw new IllegalArgumentException(context + ", expected size of input's dimension " + (o + 1)
                    + " to match the calculated number of sliding blocks " + bh + " * " + bw + " = "
                    + (expected < 0 ? "(overflow)" : String.valueOf(expected)) + ", but got input.size("
                    + (o + 1) + ")=" + l);
        }
        return new ColumnGeometry(batched, n, rows / area, outputH, outputW, window, bh, bw, context);
    }

    private static long multiplyOrMinusOne(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
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

    private static long blocksOrReject(long size, int kernel, int dilation, int padding, int stride, String context) {
        try {
            return Window.blocks(size, kernel, dilation, padding, stride);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(context + ": the padded size overflows a 64-bit count");
        }
    }

    /** Whether the tensors carry a leading batch dimension. */
    public boolean batched() { return batched; }
    /** N (1 for unbatched tensors). */
    public long batch() { return batch; }
    /** C, the image channels. */
    public long channels() { return channels; }
    /** H, the image height. */
    public long height() { return height; }
    /** W, the image width. */
    public long width() { return width; }
    /** The sliding window. */
    public Window window() { return window; }
    /** Window positions along the height. */
    public long blocksH() { return blocksH; }
    /** Window positions along the width. */
    public long blocksW() { return blocksW; }
    /** L = blocksH · blocksW, the number of columns per image. */
    public long blocks() { return blocks; }
    /** C · kh · kw, the length of one column. */
    public long rows() { return rows; }
    /** N · C · H · W. */
    public long imageElements() { return imageElements; }
    /** N · C · kh · kw · L. */
    public long columnElements() { return columnElements; }

    /** The windows covering each pixel row. */
    Covering coveringH() {
        return new Covering(window.kernelH(), window.dilationH(), window.paddingH(), window.strideH(), blocksH);
    }

    /** The windows covering each pixel column. */
    Covering coveringW() {
        return new Covering(window.kernelW(), window.dilationW(), window.paddingW(), window.strideW(), blocksW);
    }

    /** {@code [N, C, H, W]}, or {@code [C, H, W]} when unbatched. */
    public long[] imageShape() {
        return batched ? new long[] {batch, channels, height, width} : new long[] {channels, height, width};
    }

    /** {@code [N, C·kh·kw, L]}, or {@code [C·kh·kw, L]} when unbatched. */
    public long[] columnsShape() {
        return batched ? new long[] {batch, rows, blocks} : new long[] {rows, blocks};
    }

    /**
     * Whether every index a kernel computes fits a signed 32-bit integer, so the faster 32-bit
     * index variant of a kernel is exact. Intermediate coordinates stay within the padded image
     * and the dilated kernel extent, so those bound them together with the element counts.
     */
    public boolean fitsIntIndex() {
        long limit = Integer.MAX_VALUE;
        long paddedH = height + 2L * window.paddingH() + (long) window.dilationH() * window.kernelH();
        long paddedW = width + 2L * window.paddingW() + (long) window.dilationW() * window.kernelW();
        return imageElements < limit && columnElements < limit && paddedH < limit && paddedW < limit
                && rows < limit && blocks < limit;
    }

    @Override
    public String toString() {
        return "ColumnGeometry[image=" + Arrays.toString(imageShape()) + ", columns="
                + Arrays.toString(columnsShape()) + ", " + window.describe() + "]";
    }
}
