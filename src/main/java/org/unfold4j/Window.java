package org.unfold4j;

import java.util.Arrays;

/**
 * The parameters of a 2-D sliding window: kernel size, dilation, padding and stride, each given
 * per spatial dimension as (height, width). Immutable and validated on construction, so every
 * {@code Window} that exists is one PyTorch would accept.
 *
 * <p>Thread-safe (immutable).
 */
public final class Window {
    private final int kernelH, kernelW;
    private final int dilationH, dilationW;
    private final int paddingH, paddingW;
    private final int strideH, strideW;

    /**
     * Creates a window.
     *
     * @throws IllegalArgumentException if a kernel size, dilation or stride is not positive, or a
     *     padding is negative; the message names the parameter and both of its values
     */
    public Window(int kernelH, int kernelW, int dilationH, int dilationW,
                  int paddingH, int paddingW, int strideH, int strideW) {
        // Checked in PyTorch's order (im2col_shape_check.h), so that the first message matches.
        requirePositive("kernel size", "kernel", kernelH, kernelW);
        requirePositive("stride", "stride", strideH, strideW);
        requirePositive("dilation", "dilation", dilationH, dilationW);
        if (paddingH < 0 || paddingW < 0) {
            throw new IllegalArgumentException("padding should be non-negative, but got pad_height: "
                    + paddingH + " pad_width: " + paddingW);
        }
        this.kernelH = kernelH;
        this.kernelW = kernelW;
        this.dilationH = dilationH;
        this.dilationW = dilationW;
        this.paddingH = paddingH;
        this.paddingW = paddingW;
        this.strideH = strideH;
        this.strideW = strideW;
    }

    /** A window with the given kernel size and PyTorch's defaults: dilation 1, padding 0, stride 1. */
    public static Window ofKernel(int kernelH, int kernelW) {
        return new Window(kernelH, kernelW, 1, 1, 0, 0, 1, 1);
    }

    private static void requirePositive(String what, String prefix, int h, int w) {
        if (h <= 0 || w <= 0) {
            throw new IllegalArgumentException(what + " should be greater than zero, but got "
                    + prefix + "_height: " + h + " " + prefix + "_width: " + w);
        }
    }

    /** A copy with another dilation. @throws IllegalArgumentException if either value is not positive */
    public Window withDilation(int h, int w) {
        return new Window(kernelH, kernelW, h, w, paddingH, paddingW, strideH, strideW);
    }

    /** A copy with another zero padding. @throws IllegalArgumentException if either value is negative */
    public Window withPadding(int h, int w) {
        return new Window(kernelH, kernelW, dilationH, dilationW, h, w, strideH, strideW);
    }

    /** A copy with another stride. @throws IllegalArgumentException if either value is not positive */
    public Window withStride(int h, int w) {
        return new Window(kernelH, kernelW, dilationH, dilationW, paddingH, paddingW, h, w);
    }

    /** Kernel height. */
    public int kernelH() { return kernelH; }
    /** Kernel width. */
    public int kernelW() { return kernelW; }
    /** Dilation along the height. */
    public int dilationH() { return dilationH; }
    /** Dilation along the width. */
    public int dilationW() { return dilationW; }
    /** Zero padding added to the top and to the bottom. */
    public int paddingH() { return paddingH; }
    /** Zero padding added to the left and to the right. */
    public int paddingW() { return paddingW; }
    /** Stride along the height. */
    public int strideH() { return strideH; }
    /** Stride along the width. */
    public int strideW() { return strideW; }

    /** kernelH · kernelW, the number of values one channel contributes to a column. */
    public int kernelArea() {
        return Math.multiplyExact(kernelH, kernelW);
    }

    /**
     * The number of window positions along one dimension of {@code size} pixels, as PyTorch
     * computes it: {@code (size + 2·pad − (dil·(k−1) + 1)) / stride + 1}, which may be below 1
     * (the caller rejects that). Division rounds toward zero as in C, so a negative numerator
     * gives the same count PyTorch prints in its message.
     */
    static long blocks(long size, int kernel, int dilation, int padding, int stride) {
        long extent = (long) dilation * (kernel - 1) + 1;
        long padded = Math.addExact(size, 2L * padding);
        return Math.floorDiv(padded - extent, stride) + 1;
    }

    /** PyTorch's parameter list, as printed in its error messages. */
    String describe() {
        return "kernel_size=" + pair(kernelH, kernelW) + ", dilation=" + pair(dilationH, dilationW)
                + ", padding=" + pair(paddingH, paddingW) + ", stride=" + pair(strideH, strideW);
    }

    static String pair(long a, long b) {
        return "(" + a + ", " + b + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Window other && Arrays.equals(values(), other.values());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values());
    }

    private int[] values() {
        return new int[] {kernelH, kernelW, dilationH, dilationW, paddingH, paddingW, strideH, strideW};
    }

    @Override
    public String toString() {
        return "Window[" + describe() + "]";
    }
}
