package org.unfold4j.internal.geometry;

import java.util.Arrays;
import org.unfold4j.ColumnLayout;
import org.unfold4j.DType;
import org.unfold4j.FoldMode;
import org.unfold4j.ImageLayout;
import org.unfold4j.PaddingMode;

/**
 * A validated geometry as every backend sees it: Note [normalised 3-D view]. Backends see every
 * rank as three spatial dimensions (depth, height, width), a missing leading dimension having
 * size 1 and a trivial window (kernel 1, dilation 1, padding 0, stride 1, one block), and every
 * layout as element strides. So one kernel design, in Java and in OpenCL, serves 1-D, 2-D and 3-D
 * windows and every layout.
 *
 * <p>Made only by {@code ColumnGeometry}, which has checked every size and product (so nothing
 * here can overflow), and by {@link #withBatch} and {@link #asPlanes} from such a view. Derives
 * sizes and strides and nothing else: no backend's plan is stored here (each backend caches its
 * own, keyed by this immutable value: {@link #equals} and {@link #hashCode}), and the rules that
 * choose a variant live with the variants ({@link SharedRules} for those both backends share).
 *
 * <p>Immutable and thread-safe.
 */
public final class View {
    /** Axes of the column side, for {@link #columnOrder()}. */
    public static final int AXIS_CHANNEL = 0, AXIS_KERNEL = 1, AXIS_BLOCK = 2;

    private final long batch, channels;
    private final long[] size3, blocks3;
    private final int[] kernel3, dilation3, padding3, stride3;
    private final DType dtype;
    private final ImageLayout imageLayout;
    private final ColumnLayout columnLayout;
    private final PaddingMode paddingMode;
    private final FoldMode foldMode;
    /** The weights of a weighted fold; null in every other mode. */
    private final FoldWeights foldWeights;
    private final long kernelVolume, blockCount, imageElements, columnElements;
    private final int hash;

    /**
     * A view of checked sizes, each array given in the caller's rank (1 to 3 spatial dimensions)
     * and padded here to three. Only {@code ColumnGeometry} calls this, after its checks.
     *
     * @param batch        N
     * @param channels     C
     * @param size         the spatial size
     * @param blocks       the windows per dimension
     * @param kernel       the kernel
     * @param dilation     the dilation
     * @param padding      the padding
     * @param stride       the stride
     * @param dtype        the element type
     * @param imageLayout  where the image's channels are
     * @param columnLayout how the column side is laid out
     * @param paddingMode  how unfold reads the padding
     * @param foldMode     what fold does with overlaps
     * @param foldWeights  the validated weights of a weighted fold (one per kernel offset), null otherwise
     */
    public View(long batch, long channels, long[] size, long[] blocks, int[] kernel, int[] dilation, int[] padding,
                int[] stride, DType dtype, ImageLayout imageLayout, ColumnLayout columnLayout, PaddingMode paddingMode,
                FoldMode foldMode, FoldWeights foldWeights) {
        this(batch, channels, pad3(size, 1), pad3(blocks, 1), pad3(kernel, 1), pad3(dilation, 1), pad3(padding, 0),
                pad3(stride, 1), dtype, imageLayout, columnLayout, paddingMode, foldMode, foldWeights, true);
    }

    private View(long batch, long channels, long[] size3, long[] blocks3, int[] kernel3, int[] dilation3,
                 int[] padding3, int[] stride3, DType dtype, ImageLayout imageLayout, ColumnLayout columnLayout,
                 PaddingMode paddingMode, FoldMode foldMode, FoldWeights foldWeights, boolean padded) {
        this.batch = batch;
        this.channels = channels;
        this.size3 = size3;
        this.blocks3 = blocks3;
        this.kernel3 = kernel3;
        this.dilation3 = dilation3;
        this.padding3 = padding3;
        this.stride3 = stride3;
        this.dtype = dtype;
        this.imageLayout = imageLayout;
        this.columnLayout = columnLayout;
        this.paddingMode = paddingMode;
        this.foldMode = foldMode;
        this.foldWeights = foldMode == FoldMode.WEIGHTED ? foldWeights : null;
        this.kernelVolume = (long) kernel3[0] * kernel3[1] * kernel3[2];
        this.blockCount = blocks3[0] * blocks3[1] * blocks3[2];
        this.imageElements = batch * channels * size3[0] * size3[1] * size3[2];
        this.columnElements = batch * channels * kernelVolume * blockCount;
        int h = Long.hashCode(batch) * 31 + Long.hashCode(channels);
        h = h * 31 + Arrays.hashCode(size3);
        h = h * 31 + Arrays.hashCode(blocks3);
        h = h * 31 + Arrays.hashCode(kernel3);
        h = h * 31 + Arrays.hashCode(dilation3);
        h = h * 31 + Arrays.hashCode(padding3);
        h = h * 31 + Arrays.hashCode(stride3);
        h = h * 31 + dtype.hashCode();
        h = h * 31 + imageLayout.hashCode();
        h = h * 31 + columnLayout.hashCode();
        h = h * 31 + paddingMode.hashCode();
        h = h * 31 + java.util.Objects.hashCode(this.foldWeights);
        this.hash = h * 31 + foldMode.hashCode();
    }

    private static long[] pad3(long[] a, long fill) {
        long[] r = new long[3];
        Arrays.fill(r, fill);
        System.arraycopy(a, 0, r, 3 - a.length, a.length);
        return r;
    }

    private static int[] pad3(int[] a, int fill) {
        int[] r = new int[3];
        Arrays.fill(r, fill);
        System.arraycopy(a, 0, r, 3 - a.length, a.length);
        return r;
    }

    /** {@return N, the batch size (1 for unbatched tensors)} */
    public long batch() { return batch; }
    /** {@return C, the image channels} */
    public long channels() { return channels; }
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
    /** {@return the weights of a weighted fold, one per flat kernel offset; null in the other modes} */
    public FoldWeights foldWeights() { return foldWeights; }
    /** {@return whether fold blends overlaps (weighted or max) rather than summing them: Note [blending folds take the general variant] in SharedRules} */
    public boolean blends() { return foldMode == FoldMode.WEIGHTED || foldMode == FoldMode.MAX; }
    /** {@return K, the kernel volume} */
    public long kernelVolume() { return kernelVolume; }
    /** {@return L, the number of windows per image} */
    public long blocks() { return blockCount; }
    /** {@return the number of image elements, N · C · spatial} */
    public long imageElements() { return imageElements; }
    /** {@return the number of column elements, N · C · K · L} */
    public long columnElements() { return columnElements; }
    /** {@return the image height (1 for 1-D)} */
    public long height() { return size3[1]; }
    /** {@return the image width} */
    public long width() { return size3[2]; }
    /** {@return the number of window positions along the width} */
    public long blocksW() { return blocks3[2]; }

    // The normalised 3-D view: index 0 depth, 1 height, 2 width. Each returns a copy.

    /** {@return the spatial size {depth, height, width}} */
    public long[] size3() { return size3.clone(); }
    /** {@return the windows per dimension} */
    public long[] blocks3() { return blocks3.clone(); }
    /** {@return the kernel per dimension} */
    public int[] kernel3() { return kernel3.clone(); }
    /** {@return the dilation per dimension} */
    public int[] dilation3() { return dilation3.clone(); }
    /** {@return the padding per dimension} */
    public int[] padding3() { return padding3.clone(); }
    /** {@return the stride per dimension} */
    public int[] stride3() { return stride3.clone(); }

    /**
     * {@return normalised dimension {@code dim3} (0 depth, 1 height, 2 width) as an axis}
     *
     * @param dim3 0, 1 or 2
     */
    public Axis axis(int dim3) {
        return new Axis(size3[dim3], kernel3[dim3], dilation3[dim3], padding3[dim3], stride3[dim3], blocks3[dim3],
                paddingMode);
    }

    /**
     * Element strides of the image: {@code {n, c, depth, height, width}}, in the normalised view.
     * The image is dense, so these follow from the layout alone.
     *
     * @return a new array of five strides
     */
    public long[] imageStrides() {
        long[] s = size3;
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
     *
     * @return a new array of four strides
     */
    public long[] columnStrides() {
        long c = channels, k = kernelVolume, l = blockCount;
        if (columnLayout == ColumnLayout.COLUMNS) {
            return new long[] {c * k * l, k * l, l, 1};
        }
        return imageLayout == ImageLayout.CHANNELS_FIRST ? new long[] {l * c * k, k, 1, c * k}
                : new long[] {l * k * c, 1, c, k * c};
    }

    /** {@return the column-side axes (channel, kernel, block) from slowest to fastest in memory, after n} */
    public int[] columnOrder() {
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
        for (int d = 0; d < 3; d++) {
            long reach = size3[d] + 2L * padding3[d] + (long) dilation3[d] * kernel3[d] + (long) stride3[d] * blocks3[d];
            if (reach >= limit) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@return the same geometry for {@code n} images, e.g. one chunk of a large batch}
     *
     * @param n the batch size, at most this view's
     */
    public View withBatch(long n) {
        if (n == batch) {
            return this;
        }
        return new View(n, channels, size3, blocks3, kernel3, dilation3, padding3, stride3, dtype, imageLayout,
                columnLayout, paddingMode, foldMode, foldWeights, true);
    }

    /**
     * {@return the same geometry for elements of another type, e.g. the float32 sums of a 16-bit fold}
     *
     * @param type the element type
     */
    public View withDType(DType type) {
        if (type == dtype) {
            return this;
        }
        return new View(batch, channels, size3, blocks3, kernel3, dilation3, padding3, stride3, type, imageLayout,
                columnLayout, paddingMode, foldMode, foldWeights, true);
    }

    /** {@return whether {@link #asPlanes()} applies: channels-first images with PyTorch's columns} */
    public boolean splitsIntoPlanes() {
        return imageLayout == ImageLayout.CHANNELS_FIRST && columnLayout == ColumnLayout.COLUMNS;
    }

    /**
     * The same data seen as N·C single-channel images: for channels-first images and columns,
     * {@code [N, C, *spatial]} is {@code [N·C, 1, *spatial]} and {@code [N, C·K, L]} is
     * {@code [N·C, K, L]}, element for element. Lets a backend split one huge image by channels.
     *
     * @return the view of N·C images of one channel
     */
    public View asPlanes() {
        if (!splitsIntoPlanes()) {
            throw new IllegalStateException("only channels-first columns split into planes: " + this);
        }
        return new View(batch * channels, 1, size3, blocks3, kernel3, dilation3, padding3, stride3, dtype, imageLayout,
                columnLayout, paddingMode, foldMode, foldWeights, true);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof View v && hash == v.hash && batch == v.batch && channels == v.channels
                && Arrays.equals(size3, v.size3) && Arrays.equals(blocks3, v.blocks3) && Arrays.equals(kernel3, v.kernel3)
                && Arrays.equals(dilation3, v.dilation3) && Arrays.equals(padding3, v.padding3)
                && Arrays.equals(stride3, v.stride3) && dtype == v.dtype && imageLayout == v.imageLayout
                && columnLayout == v.columnLayout && paddingMode == v.paddingMode && foldMode == v.foldMode
                && java.util.Objects.equals(foldWeights, v.foldWeights);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return "View[N=" + batch + ", C=" + channels + ", size=" + Arrays.toString(size3) + ", blocks="
                + Arrays.toString(blocks3) + ", kernel=" + Arrays.toString(kernel3) + ", dilation="
                + Arrays.toString(dilation3) + ", padding=" + Arrays.toString(padding3) + ", stride="
                + Arrays.toString(stride3) + ", " + dtype + ", " + imageLayout + ", " + columnLayout
                + (paddingMode == PaddingMode.ZEROS ? "" : ", padding_mode=" + paddingMode)
                + (foldMode == FoldMode.SUM ? "" : ", fold_mode=" + foldMode)
                + (foldWeights == null ? "" : ", weights=" + foldWeights) + "]";
    }
}
