package org.unfold4j;

import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The parameters of a sliding window over 1, 2 or 3 spatial dimensions: kernel size, dilation,
 * padding and stride, one value per dimension (for 2-D: height, width). Immutable and validated
 * on construction, so every {@code Window} that exists is one PyTorch would accept.
 *
 * <p>Thread-safe (immutable).
 */
public final class Window {
    /** The spatial ranks supported: 1-D, 2-D and 3-D windows. */
    public static final int MAX_RANK = 3;

    private final int[] kernel, dilation, padding, stride;

    /*
     * Note [null arguments]
     * Every public method of the API checks its reference arguments on entry, before anything else
     * is looked at, and a null one is a NullPointerException whose message is the parameter's
     * name as the other messages spell it, PyTorch's where it has one (kernel_size, output_size,
     * input_shape, padding_mode, ...), so the first null of a call is the one reported. The
     * nullable ones (Backend.openCL's device name, OpenCLRuntime.select's) say so in their Javadoc.
     * NullArgumentsTest calls every public method with each argument null.
     */

    private Window(int[] kernel, int[] dilation, int[] padding, int[] stride) {
        Objects.requireNonNull(kernel, "kernel_size");
        Objects.requireNonNull(dilation, "dilation");
        Objects.requireNonNull(padding, "padding");
        Objects.requireNonNull(stride, "stride");
        int rank = kernel.length;
        if (rank < 1 || rank > MAX_RANK) {
            throw new IllegalArgumentException("kernel_size must have 1, 2 or 3 entries, but got "
                    + Arrays.toString(kernel));
        }
        requireRank("dilation", dilation, rank);
        requireRank("padding", padding, rank);
        requireRank("stride", stride, rank);
        // Checked in PyTorch's order (im2col_shape_check.h), so that the first message matches.
        requirePositive("kernel size", "kernel", kernel);
        requirePositive("stride", "stride", stride);
        requirePositive("dilation", "dilation", dilation);
        if (Arrays.stream(padding).anyMatch(p -> p < 0)) {
            throw new IllegalArgumentException("padding should be non-negative, but got " + named("pad", padding));
        }
        this.kernel = kernel.clone();
        this.dilation = dilation.clone();
        this.padding = padding.clone();
        this.stride = stride.clone();
    }

    /**
     * A 2-D window, as {@code nn.Unfold(kernel_size=(kernelH, kernelW), dilation=(dilationH,
     * dilationW), padding=(paddingH, paddingW), stride=(strideH, strideW))}.
     *
     * @param kernelH   the kernel's height, at least 1
     * @param kernelW   the kernel's width, at least 1
     * @param dilationH the spacing between kernel rows, at least 1
     * @param dilationW the spacing between kernel columns, at least 1
     * @param paddingH  the padding above and below, at least 0
     * @param paddingW  the padding left and right, at least 0
     * @param strideH   the step between window rows, at least 1
     * @param strideW   the step between window columns, at least 1
     * @throws IllegalArgumentException if a kernel size, dilation or stride is not positive, or a
     *     padding is negative; the message names the parameter and both of its values
     */
    public Window(int kernelH, int kernelW, int dilationH, int dilationW,
                  int paddingH, int paddingW, int strideH, int strideW) {
        this(new int[] {kernelH, kernelW}, new int[] {dilationH, dilationW},
                new int[] {paddingH, paddingW}, new int[] {strideH, strideW});
    }

    /**
     * A window of any supported rank: the arrays hold one value per spatial dimension (copied),
     * in the order of the input's dimensions (depth, height, width for 3-D).
     *
     * @param kernel   the kernel size per dimension, each at least 1
     * @param dilation the dilation per dimension, each at least 1
     * @param padding  the padding per dimension, each at least 0
     * @param stride   the stride per dimension, each at least 1
     * @return the window
     * @throws IllegalArgumentException if the ranks differ or are not 1 to 3, or a value is out of range
     */
    public static Window of(int[] kernel, int[] dilation, int[] padding, int[] stride) {
        return new Window(kernel, dilation, padding, stride);
    }

    /**
     * A window with the given kernel size and PyTorch's defaults: dilation 1, padding 0, stride 1.
     *
     * @param kernel the kernel size per dimension (1 to 3 values, each at least 1); copied
     * @return the window
     * @throws IllegalArgumentException if there are not 1 to 3 values or one is not positive
     */
    public static Window ofKernel(int... kernel) {
        Objects.requireNonNull(kernel, "kernel_size");
        int[] ones = filled(kernel.length, 1);
        return new Window(kernel, ones, new int[kernel.length], ones);
    }

    static int[] filled(int rank, int value) {
        int[] a = new int[rank];
        Arrays.fill(a, value);
        return a;
    }

    private static void requireRank(String what, int[] values, int rank) {
        if (values.length != rank) {
            throw new IllegalArgumentException(what + " must have " + rank + " entries like kernel_size, but got "
                    + Arrays.toString(values));
        }
    }

    private static void requirePositive(String what, String prefix, int[] values) {
        if (Arrays.stream(values).anyMatch(v -> v <= 0)) {
            throw new IllegalArgumentException(what + " should be greater than zero, but got " + named(prefix, values));
        }
    }

    private static final String[][] DIM_NAMES = {{"width"}, {"height", "width"}, {"depth", "height", "width"}};

    /** PyTorch's wording: {@code kernel_height: 0 kernel_width: 3}. */
    private static String named(String prefix, int[] values) {
        String[] names = DIM_NAMES[values.length - 1];
        return IntStream.range(0, values.length).mapToObj(i -> prefix + "_" + names[i] + ": " + values[i])
                .collect(Collectors.joining(" "));
    }

    /**
     * A copy with another dilation.
     *
     * @param d one value per dimension, each at least 1
     * @return a new window
     * @throws IllegalArgumentException if a value is not positive or the count differs from the rank
     */
    public Window withDilation(int... d) {
        return new Window(kernel, d, padding, stride);
    }

    /**
     * A copy with another padding.
     *
     * @param p one value per dimension, each at least 0
     * @return a new window
     * @throws IllegalArgumentException if a value is negative or the count differs from the rank
     */
    public Window withPadding(int... p) {
        return new Window(kernel, dilation, p, stride);
    }

    /**
     * A copy with another stride.
     *
     * @param s one value per dimension, each at least 1
     * @return a new window
     * @throws IllegalArgumentException if a value is not positive or the count differs from the rank
     */
    public Window withStride(int... s) {
        return new Window(kernel, dilation, padding, s);
    }

    /** {@return the number of spatial dimensions, 1 to 3} */
    public int rank() { return kernel.length; }

    /**
     * {@return the kernel size along spatial dimension {@code dim}}
     *
     * @param dim 0 to {@code rank() - 1}
     */
    public int kernel(int dim) { return kernel[dim]; }
    /**
     * {@return the dilation along spatial dimension {@code dim}}
     *
     * @param dim 0 to {@code rank() - 1}
     */
    public int dilation(int dim) { return dilation[dim]; }
    /**
     * {@return the padding added at both ends of spatial dimension {@code dim}}
     *
     * @param dim 0 to {@code rank() - 1}
     */
    public int padding(int dim) { return padding[dim]; }
    /**
     * {@return the stride along spatial dimension {@code dim}}
     *
     * @param dim 0 to {@code rank() - 1}
     */
    public int stride(int dim) { return stride[dim]; }

    /** {@return a copy of the kernel sizes} */
    public int[] kernel() { return kernel.clone(); }
    /** {@return a copy of the dilations} */
    public int[] dilation() { return dilation.clone(); }
    /** {@return a copy of the paddings} */
    public int[] padding() { return padding.clone(); }
    /** {@return a copy of the strides} */
    public int[] stride() { return stride.clone(); }

    // The 2-D view: height is the second-to-last spatial dimension, width the last; a dimension
    // the window does not have reads as kernel 1, dilation 1, padding 0, stride 1.
    /** {@return the kernel height (second-to-last dimension; 1 for a 1-D window)} */
    public int kernelH() { return fromEnd(kernel, 2, 1); }
    /** {@return the kernel width (last dimension)} */
    public int kernelW() { return fromEnd(kernel, 1, 1); }
    /** {@return the dilation along the height (1 for a 1-D window)} */
    public int dilationH() { return fromEnd(dilation, 2, 1); }
    /** {@return the dilation along the width} */
    public int dilationW() { return fromEnd(dilation, 1, 1); }
    /** {@return the padding at the top and at the bottom (0 for a 1-D window)} */
    public int paddingH() { return fromEnd(padding, 2, 0); }
    /** {@return the padding at the left and at the right} */
    public int paddingW() { return fromEnd(padding, 1, 0); }
    /** {@return the stride along the height (1 for a 1-D window)} */
    public int strideH() { return fromEnd(stride, 2, 1); }
    /** {@return the stride along the width} */
    public int strideW() { return fromEnd(stride, 1, 1); }

    private static int fromEnd(int[] a, int k, int absent) {
        return a.length >= k ? a[a.length - k] : absent;
    }

    /**
     * The product of the kernel sizes, K: the values one channel contributes to a column.
     *
     * @return the kernel volume
     * @throws ArithmeticException if it overflows a long (three sizes near 2^21 or more: no
     *     geometry has such a window, and {@link ColumnGeometry} refuses it by name)
     */
    public long kernelVolume() {
        long v = 1;
        for (int k : kernel) {
            v = Math.multiplyExact(v, k);  // three factors below 2^31 can pass 2^63: never wrap
        }
        return v;
    }

    /**
     * The number of window positions along one dimension of {@code size} pixels, as PyTorch
     * computes it: {@code (size + 2·pad − (dil·(k−1) + 1)) / stride + 1}, which may be below 1
     * (the caller rejects that). The division rounds down (PyTorch's {@code div_rtn}), not toward
     * zero: a window longer than the padded size must give 0 blocks, never 1.
     */
    long blocks(int dim, long size) {
        long extent = (long) dilation[dim] * (kernel[dim] - 1) + 1;
        long padded = Math.addExact(size, 2L * padding[dim]);
        return Math.floorDiv(padded - extent, stride[dim]) + 1;
    }

    /** PyTorch's parameter list, as printed in its error messages. */
    String describe() {
        return "kernel_size=" + tuple(kernel) + ", dilation=" + tuple(dilation)
                + ", padding=" + tuple(padding) + ", stride=" + tuple(stride);
    }

    static String tuple(int[] values) {
        return tuple(Arrays.stream(values).asLongStream().toArray());
    }

    static String tuple(long[] values) {
        return Arrays.stream(values).mapToObj(Long::toString).collect(Collectors.joining(", ", "(", ")"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Window w && Arrays.equals(kernel, w.kernel) && Arrays.equals(dilation, w.dilation)
                && Arrays.equals(padding, w.padding) && Arrays.equals(stride, w.stride);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(new Object[] {kernel, dilation, padding, stride});
    }

    @Override
    public String toString() {
        return "Window[" + describe() + "]";
    }
}
