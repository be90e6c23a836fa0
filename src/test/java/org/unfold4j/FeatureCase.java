package org.unfold4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * One test case of the extended features (issue 5): a window of rank 1, 2 or 3, a padding mode,
 * an image layout, a column layout, an element type and an image size. Sizes are computed here
 * from the definitions, independently of {@link ColumnGeometry}, so a test can check the
 * library's shapes against them. Immutable.
 */
final class FeatureCase {
    /** The image kinds under test: channels-first for every rank, channels-last for rank 2 only. */
    static final List<FeatureCase.Kind> KINDS = List.of(
            new Kind(1, ImageLayout.CHANNELS_FIRST), new Kind(2, ImageLayout.CHANNELS_FIRST),
            new Kind(2, ImageLayout.CHANNELS_LAST), new Kind(3, ImageLayout.CHANNELS_FIRST));

    /** A spatial rank with an image layout. */
    record Kind(int rank, ImageLayout layout) {
        @Override
        public String toString() {
            return rank + "-D " + layout;
        }
    }

    final int[] kernel, dilation, padding, stride, size;
    final PaddingMode mode;
    final ImageLayout imageLayout;
    final ColumnLayout columnLayout;
    final DType dtype;
    final boolean batched;
    final int n, c;

    FeatureCase(int[] kernel, int[] dilation, int[] padding, int[] stride, PaddingMode mode,
                ImageLayout imageLayout, ColumnLayout columnLayout, DType dtype,
                boolean batched, int n, int c, int[] size) {
        int r = kernel.length;
        if (dilation.length != r || padding.length != r || stride.length != r || size.length != r) {
            throw new IllegalArgumentException("ranks differ");
        }
        this.kernel = kernel.clone();
        this.dilation = dilation.clone();
        this.padding = padding.clone();
        this.stride = stride.clone();
        this.size = size.clone();
        this.mode = mode;
        this.imageLayout = imageLayout;
        this.columnLayout = columnLayout;
        this.dtype = dtype;
        this.batched = batched;
        this.n = batched ? n : 1;
        this.c = c;
    }

    FeatureCase withDtype(DType t) {
        return new FeatureCase(kernel, dilation, padding, stride, mode, imageLayout, columnLayout, t, batched, n, c, size);
    }

    /** The same case with a batch of {@code images}. */
    FeatureCase withBatch(int images) {
        return new FeatureCase(kernel, dilation, padding, stride, mode, imageLayout, columnLayout, dtype, true, images, c, size);
    }

    FeatureCase withMode(PaddingMode m) {
        return new FeatureCase(kernel, dilation, padding, stride, m, imageLayout, columnLayout, dtype, batched, n, c, size);
    }

    int rank() {
        return kernel.length;
    }

    /** PyTorch's block count per dimension, {@code floor((size + 2·pad − dil·(k−1) − 1) / stride) + 1}. */
    int[] blocks() {
        int[] b = new int[rank()];
        for (int d = 0; d < rank(); d++) {
            b[d] = Math.floorDiv(size[d] + 2 * padding[d] - dilation[d] * (kernel[d] - 1) - 1, stride[d]) + 1;
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

    int imageElements() {
        return n * c * spatialVolume();
    }

    int columnElements() {
        return n * c * kernelVolume() * blockCount();
    }

    /** Whether PyTorch (F.pad then F.unfold) accepts this case. */
    boolean valid() {
        if (imageLayout == ImageLayout.CHANNELS_LAST && rank() != 2) {
            return false;
        }
        for (int d = 0; d < rank(); d++) {
            if (blocks()[d] < 1 || (mode == PaddingMode.REFLECT && padding[d] >= size[d])
                    || (mode == PaddingMode.CIRCULAR && padding[d] > size[d])) {
                return false;
            }
        }
        return true;
    }

    Window window() {
        return Window.of(kernel, dilation, padding, stride);
    }

    Unfold unfold() {
        return Unfold.of(window()).withPaddingMode(mode).withImageLayout(imageLayout).withColumnLayout(columnLayout);
    }

    Fold fold(FoldMode foldMode) {
        long[] out = Arrays.stream(size).asLongStream().toArray();
        return Fold.of(out, window()).withMode(foldMode).withImageLayout(imageLayout).withColumnLayout(columnLayout);
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
        return rank() + "-D kernel_size=" + tuple(kernel) + ", dilation=" + tuple(dilation) + ", padding="
                + tuple(padding) + ", stride=" + tuple(stride) + ", padding_mode=" + mode + ", layout=" + imageLayout
                + ", output_layout=" + columnLayout + ", dtype=" + dtype + ", image " + Arrays.toString(imageShape())
                + " <-> columns " + Arrays.toString(columnsShape()) + " (blocks " + tuple(blocks()) + ")";
    }

    // ---- random cases

    /**
     * A random valid case of the given kind: kernel 1..4 (1..3 in 3-D), dilation 1..3 (1..2 in
     * 3-D), stride 1..3, padding 0..2, sizes from the smallest the mode and window allow (so
     * reflect padding = size − 1 and circular padding = size occur) to a few more; batched or not.
     */
    static FeatureCase random(Random r, Kind kind, PaddingMode mode, ColumnLayout columns, DType dtype) {
        int rank = kind.rank();
        boolean small = rank == 3;
        while (true) {
            int[] k = new int[rank], d = new int[rank], p = new int[rank], s = new int[rank], size = new int[rank];
            for (int i = 0; i < rank; i++) {
                k[i] = 1 + r.nextInt(small ? 3 : 4);
                d[i] = 1 + r.nextInt(small ? 2 : 3);
                s[i] = 1 + r.nextInt(3);
                p[i] = r.nextInt(3);
                int extent = d[i] * (k[i] - 1) + 1;
                int min = Math.max(1, extent - 2 * p[i]);
                if (mode == PaddingMode.REFLECT) {
                    min = Math.max(min, p[i] + 1);
                } else if (mode == PaddingMode.CIRCULAR) {
                    min = Math.max(min, p[i]);
                }
                size[i] = min + r.nextInt(small ? 3 : 6);
            }
            boolean batched = r.nextInt(4) != 0;
            FeatureCase f = new FeatureCase(k, d, p, s, mode, kind.layout(), columns, dtype, batched,
                    1 + r.nextInt(2), 1 + r.nextInt(3), size);
            if (f.valid()) {
                return f;
            }
        }
    }

    /** Random values of the type: gaussians, every uint8 value 0..255, int32 including the extremes. */
    static Tensor randomTensor(Random r, DType dtype, long... shape) {
        int count = Math.toIntExact(Tensor.elementCount(shape));
        switch (dtype) {
            case FLOAT32: {
                float[] v = new float[count];
                for (int i = 0; i < count; i++) {
                    v[i] = (float) r.nextGaussian();
                }
                return Tensor.of(v, shape);
            }
            case FLOAT64: {
                double[] v = new double[count];
                for (int i = 0; i < count; i++) {
                    v[i] = r.nextGaussian();  // not representable in float32: a float detour would show
                }
                return Tensor.of(v, shape);
            }
            case UINT8: {
                byte[] v = new byte[count];
                r.nextBytes(v);
                return Tensor.ofUint8(v, shape);
            }
            case INT32: {
                int[] extremes = {Integer.MIN_VALUE, Integer.MAX_VALUE, -1, 0, 1, Integer.MIN_VALUE + 1, 1 << 24 | 1};
                int[] v = new int[count];
                for (int i = 0; i < count; i++) {
                    v[i] = r.nextInt(4) == 0 ? extremes[r.nextInt(extremes.length)] : r.nextInt();
                }
                return Tensor.of(v, shape);
            }
            default:
                throw new AssertionError(dtype);
        }
    }

    Tensor randomImage(Random r) {
        return randomTensor(r, dtype, imageShape());
    }

    Tensor randomColumns(Random r) {
        return randomTensor(r, dtype, columnsShape());
    }
}
