package org.unfold4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one geometry descriptor of the tests: a window of rank 1, 2 or 3 (kernel, dilation,
 * padding, stride), a padding mode, an image layout, a column layout, a fold mode, an element
 * type, batched or not, batch, channels and the image's spatial size. Every test's geometry goes
 * through it: {@link #unfold()} and {@link #fold()} turn it into the library's specs, {@link
 * Reference} computes from it, {@link RandomCases} draws it.
 *
 * <p>Sizes (blocks, shapes, element counts) are computed here from PyTorch's definitions,
 * independently of {@link ColumnGeometry}, so a test can check the library's shapes against them.
 * The components are not validated: a case may be one PyTorch rejects ({@link #valid()} says
 * which, {@link Reference#acceptUnfold} and {@link Reference#acceptFold} decide for a given
 * input shape), so that the validation tests can describe their inputs with it too. The arrays
 * are copied in and must not be changed through the accessors.
 *
 * @param kernel       kernel size per spatial dimension (outermost first)
 * @param dilation     dilation per dimension
 * @param padding      padding per dimension, at both ends
 * @param stride       stride per dimension
 * @param mode         the padding mode of unfold (fold pads with zeros only)
 * @param imageLayout  channels-first {@code [N, C, *size]} or channels-last {@code [N, H, W, C]}
 * @param columnLayout columns {@code [N, C·K, L]} or patches {@code [N, L, C·K]}
 * @param dtype        the element type of both sides
 * @param batched      whether the image and columns have a leading batch dimension
 * @param n            the batch (1 when not batched)
 * @param c            channels
 * @param size         the image's spatial size (fold's output size), one entry per dimension
 * @param foldMode     sum or mean, for {@link #fold()}
 */
record Case(int[] kernel, int[] dilation, int[] padding, int[] stride, PaddingMode mode, ImageLayout imageLayout,
            ColumnLayout columnLayout, DType dtype, boolean batched, int n, int c, int[] size, FoldMode foldMode) {

    /** The image kinds under test: channels-first for every rank, channels-last for rank 2 only. */
    static final List<Kind> KINDS = List.of(
            new Kind(1, ImageLayout.CHANNELS_FIRST), new Kind(2, ImageLayout.CHANNELS_FIRST),
            new Kind(2, ImageLayout.CHANNELS_LAST), new Kind(3, ImageLayout.CHANNELS_FIRST));

    /** A spatial rank with an image layout. */
    record Kind(int rank, ImageLayout layout) {
        @Override
        public String toString() {
            return rank + "-D " + layout;
        }
    }

    Case {
        kernel = kernel.clone();
        dilation = dilation.clone();
        padding = padding.clone();
        stride = stride.clone();
        size = size.clone();
        n = batched ? n : 1;
    }

    /** A case folding by sum. */
    Case(int[] kernel, int[] dilation, int[] padding, int[] stride, PaddingMode mode, ImageLayout imageLayout,
         ColumnLayout columnLayout, DType dtype, boolean batched, int n, int c, int[] size) {
        this(kernel, dilation, padding, stride, mode, imageLayout, columnLayout, dtype, batched, n, c, size, FoldMode.SUM);
    }

    /**
     * A 2-D float32 channels-first case in zeros mode and the columns layout, the arguments in
     * the order of {@code torch.nn.functional.unfold}'s tuples: image {@code [n, c, h, w]}, then
     * kernel, dilation, padding and stride, each (height, width).
     */
    static Case of2d(boolean batched, int n, int c, int h, int w, int kh, int kw, int dh, int dw,
                     int ph, int pw, int sh, int sw) {
        return new Case(new int[] {kh, kw}, new int[] {dh, dw}, new int[] {ph, pw}, new int[] {sh, sw},
                PaddingMode.ZEROS, ImageLayout.CHANNELS_FIRST, ColumnLayout.COLUMNS, DType.FLOAT32, batched, n, c,
                new int[] {h, w});
    }

    /** A float32 channels-first case in zeros mode and the columns layout with the library window {@code w}. */
    static Case of(Window w, boolean batched, int n, int c, int... size) {
        return new Case(w.kernel(), w.dilation(), w.padding(), w.stride(), PaddingMode.ZEROS, ImageLayout.CHANNELS_FIRST,
                ColumnLayout.COLUMNS, DType.FLOAT32, batched, n, c, size);
    }

    Case withDtype(DType t) {
        return new Case(kernel, dilation, padding, stride, mode, imageLayout, columnLayout, t, batched, n, c, size, foldMode);
    }

    /** The same case with a batch of {@code images}. */
    Case withBatch(int images) {
        return new Case(kernel, dilation, padding, stride, mode, imageLayout, columnLayout, dtype, true, images, c, size,
                foldMode);
    }

    Case withMode(PaddingMode m) {
        return new Case(kernel, dilation, padding, stride, m, imageLayout, columnLayout, dtype, batched, n, c, size, foldMode);
    }

    Case withFoldMode(FoldMode m) {
        return new Case(kernel, dilation, padding, stride, mode, imageLayout, columnLayout, dtype, batched, n, c, size, m);
    }

    Case withLayouts(ImageLayout image, ColumnLayout columns) {
        return new Case(kernel, dilation, padding, stride, mode, image, columns, dtype, batched, n, c, size, foldMode);
    }

    /** The same window and modes on an image of {@code n} (batched) images, {@code c} channels and spatial {@code size}. */
    Case withImage(boolean batched, int n, int c, int[] size) {
        return new Case(kernel, dilation, padding, stride, mode, imageLayout, columnLayout, dtype, batched, n, c, size,
                foldMode);
    }

    int rank() {
        return kernel.length;
    }

    /**
     * PyTorch's block count along dimension {@code d},
     * {@code floor((size + 2·pad − dil·(k−1) − 1) / stride) + 1}; may be below 1.
     */
    int blocks(int d) {
        return Math.floorDiv(size[d] + 2 * padding[d] - dilation[d] * (kernel[d] - 1) - 1, stride[d]) + 1;
    }

    /** The block count per dimension. */
    int[] blocks() {
        int[] b = new int[rank()];
        for (int d = 0; d < rank(); d++) {
            b[d] = blocks(d);
        }
        return b;
    }

    static int volume(int[] dims) {
        int v = 1;
        for (int d : dims) {
            v *= d;
        }
        return v;
    }

    int kernelVolume() {
        return volume(kernel);
    }

    int blockCount() {
        return volume(blocks());
    }

    int spatialVolume() {
        return volume(size);
    }

    /** Rows of a column, {@code C·K}. */
    int rows() {
        return c * kernelVolume();
    }

    int imageElements() {
        return n * c * spatialVolume();
    }

    int columnElements() {
        return n * c * kernelVolume() * blockCount();
    }

    /** Height (the second-to-last spatial size) of a 2-D case. */
    int h() {
        return size[rank() - 2];
    }

    /** Width (the last spatial size). */
    int w() {
        return size[rank() - 1];
    }

    /** Whether the window parameters are in range: kernel, dilation and stride at least 1, padding at least 0. */
    boolean windowValid() {
        return Arrays.stream(kernel).allMatch(v -> v >= 1) && Arrays.stream(dilation).allMatch(v -> v >= 1)
                && Arrays.stream(stride).allMatch(v -> v >= 1) && Arrays.stream(padding).allMatch(v -> v >= 0);
    }

    /**
     * Whether PyTorch (F.pad then F.unfold) accepts this case's image: the rules of {@link
     * Reference#acceptUnfold} for the shape {@link #imageShape()}, with at least one image and channel.
     */
    boolean valid() {
        return n >= 1 && c >= 1 && Reference.acceptUnfold(this, imageShape()) != null;
    }

    Window window() {
        return Window.of(kernel, dilation, padding, stride);
    }

    Unfold unfold() {
        return Unfold.of(window()).withPaddingMode(mode).withImageLayout(imageLayout).withColumnLayout(columnLayout);
    }

    /**
     * The fold back onto an image of {@link #size}, in this case's fold mode, with zero padding
     * whatever {@link #mode} (fold pads with zeros only; the adjoint of a non-zeros unfold is not
     * a fold): a test of fold's rejection of other modes adds {@code withPaddingMode} itself.
     */
    Fold fold() {
        return Fold.of(outputSize(), window()).withImageLayout(imageLayout).withColumnLayout(columnLayout)
                .withMode(foldMode);
    }

    /** {@link #fold()} in {@code m}. */
    Fold fold(FoldMode m) {
        return withFoldMode(m).fold();
    }

    /** {@link #size} as fold's output size. */
    long[] outputSize() {
        return Arrays.stream(size).asLongStream().toArray();
    }

    /** {@code [N, C, *size]}, {@code [N, H, W, C]}, or either without N when unbatched. */
    long[] imageShape() {
        List<Long> s = new ArrayList<>();
        if (batched) {
            s.add((long) n);
        }
        if (imageLayout == ImageLayout.CHANNELS_FIRST) {
            s.add((long) c);
        }
        for (int d : size) {
            s.add((long) d);
        }
        if (imageLayout == ImageLayout.CHANNELS_LAST) {
            s.add((long) c);
        }
        return s.stream().mapToLong(Long::longValue).toArray();
    }

    /** {@code [N, C·K, L]} or patch-major {@code [N, L, C·K]}, without N when unbatched. */
    long[] columnsShape() {
        long rows = (long) c * kernelVolume(), l = blockCount();
        long[] inner = columnLayout == ColumnLayout.COLUMNS ? new long[] {rows, l} : new long[] {l, rows};
        return batched ? new long[] {n, inner[0], inner[1]} : inner;
    }

    private static String tuple(int[] a) {
        return Arrays.stream(a).mapToObj(Integer::toString).collect(Collectors.joining(", ", "(", ")"));
    }

    @Override
    public String toString() {
        if (!windowValid() || c < 0 || n < 0) {
            return rank() + "-D kernel_size=" + tuple(kernel) + ", dilation=" + tuple(dilation) + ", padding="
                    + tuple(padding) + ", stride=" + tuple(stride) + ", padding_mode=" + mode + ", layout=" + imageLayout
                    + ", output_layout=" + columnLayout + ", fold_mode=" + foldMode + ", dtype=" + dtype
                    + (batched ? ", n=" + n : ", unbatched") + ", c=" + c + ", size=" + tuple(size);
        }
        return rank() + "-D kernel_size=" + tuple(kernel) + ", dilation=" + tuple(dilation) + ", padding="
                + tuple(padding) + ", stride=" + tuple(stride) + ", padding_mode=" + mode + ", layout=" + imageLayout
                + ", output_layout=" + columnLayout + ", fold_mode=" + foldMode + ", dtype=" + dtype + ", image "
                + Arrays.toString(imageShape()) + " <-> columns " + Arrays.toString(columnsShape()) + " (blocks "
                + tuple(blocks()) + ")";
    }

    /**
     * Hand-picked 2-D float32 cases that exercise the edge cases: 1×1 kernels, non-square kernels,
     * stride and dilation above 1 with common factors (the covering windows of a pixel then form
     * a progression with step stride/gcd), windows lying wholly in the padding, a kernel that
     * spans the whole padded image, and unbatched inputs.
     */
    static List<Case> edgeCases2d() {
        List<Case> list = new ArrayList<>();
        list.add(of2d(true, 2, 3, 5, 7, 1, 1, 1, 1, 0, 0, 1, 1));   // 1x1: a reshape
        list.add(of2d(true, 1, 2, 6, 5, 1, 1, 1, 1, 1, 2, 2, 1));   // 1x1 with padding and stride
        list.add(of2d(false, 1, 3, 3, 4, 2, 3, 1, 1, 0, 0, 1, 1));  // the seed's kernel, unbatched
        list.add(of2d(true, 2, 2, 7, 9, 3, 2, 2, 3, 1, 2, 2, 3));
        list.add(of2d(true, 1, 1, 9, 9, 3, 3, 2, 2, 0, 0, 2, 2));   // gcd(stride, dilation) = 2
        list.add(of2d(true, 1, 2, 11, 13, 4, 3, 2, 3, 1, 0, 3, 2));
        list.add(of2d(true, 1, 1, 30, 10, 5, 2, 6, 2, 3, 1, 4, 6)); // step stride/gcd with inverse
        list.add(of2d(true, 2, 1, 4, 4, 2, 2, 1, 1, 3, 3, 1, 1));   // windows wholly in the padding
        list.add(of2d(false, 1, 2, 3, 2, 5, 4, 1, 1, 2, 1, 1, 1));  // kernel spans the padded image
        list.add(of2d(true, 3, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1));   // 1x1 image
        list.add(of2d(true, 1, 1, 8, 8, 3, 3, 1, 1, 0, 0, 5, 5));   // stride > kernel: uncovered pixels
        list.add(of2d(false, 1, 2, 10, 3, 3, 1, 3, 1, 2, 0, 2, 1)); // kernel (3, 1)
        for (Case g : list) {
            if (!g.valid()) {
                throw new IllegalStateException("edge case is not a valid geometry: " + g);
            }
        }
        return list;
    }
}
