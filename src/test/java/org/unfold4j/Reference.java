package org.unfold4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Naive reference computations written straight from PyTorch's definitions, independent of the
 * library's index arithmetic, plus random valid geometries for the property tests.
 */
final class Reference {
    private Reference() {
    }

    /**
     * One unfold/fold geometry: image {@code [n, c, h, w]} (or {@code [c, h, w]} when not batched)
     * and the window parameters, all per dimension (height, width).
     */
    record Geometry(boolean batched, int n, int c, int h, int w, int kh, int kw, int dh, int dw,
                    int ph, int pw, int sh, int sw) {

        /** PyTorch's block count, {@code (size + 2·pad − dil·(k−1) − 1) / stride + 1}. */
        static int blocks(int size, int k, int d, int p, int s) {
            return Math.floorDiv(size + 2 * p - d * (k - 1) - 1, s) + 1;
        }

        int blocksH() {
            return blocks(h, kh, dh, ph, sh);
        }

        int blocksW() {
            return blocks(w, kw, dw, pw, sw);
        }

        /** Whether PyTorch accepts it: every size positive and at least one block per dimension. */
        boolean valid() {
            return n >= 1 && c >= 1 && h >= 1 && w >= 1 && kh >= 1 && kw >= 1 && dh >= 1 && dw >= 1
                    && ph >= 0 && pw >= 0 && sh >= 1 && sw >= 1 && blocksH() >= 1 && blocksW() >= 1;
        }

        int blocks() {
            return blocksH() * blocksW();
        }

        int rows() {
            return c * kh * kw;
        }

        long[] imageShape() {
            return batched ? new long[] {n, c, h, w} : new long[] {c, h, w};
        }

        long[] columnsShape() {
            return batched ? new long[] {n, rows(), blocks()} : new long[] {rows(), blocks()};
        }

        int imageElements() {
            return n * c * h * w;
        }

        int columnElements() {
            return n * rows() * blocks();
        }

        Unfold unfold() {
            return Unfold.of(kh, kw).withDilation(dh, dw).withPadding(ph, pw).withStride(sh, sw);
        }

        Fold fold() {
            return Fold.of(h, w, kh, kw).withDilation(dh, dw).withPadding(ph, pw).withStride(sh, sw);
        }

        @Override
        public String toString() {
            return (batched ? "input [" + n + ", " : "unbatched input [") + c + ", " + h + ", " + w + "], kernel=("
                    + kh + ", " + kw + "), dilation=(" + dh + ", " + dw + "), padding=(" + ph + ", " + pw
                    + "), stride=(" + sh + ", " + sw + ") -> blocks (" + blocksH() + ", " + blocksW() + ")";
        }
    }

    /** Unfold by the definition: column row (c, ki, kj), column (oh, ow) reads pixel (oh·s − p + k·d), 0 outside. */
    static float[] unfold(Geometry g, float[] image) {
        int bh = g.blocksH(), bw = g.blocksW(), l = bh * bw;
        float[] out = new float[g.columnElements()];
        for (int n = 0; n < g.n(); n++) {
            for (int c = 0; c < g.c(); c++) {
                for (int ki = 0; ki < g.kh(); ki++) {
                    for (int kj = 0; kj < g.kw(); kj++) {
                        int row = (c * g.kh() + ki) * g.kw() + kj;
                        for (int oh = 0; oh < bh; oh++) {
                            for (int ow = 0; ow < bw; ow++) {
                                int y = oh * g.sh() - g.ph() + ki * g.dh();
                                int x = ow * g.sw() - g.pw() + kj * g.dw();
                                if (y >= 0 && y < g.h() && x >= 0 && x < g.w()) {
                                    out[(n * g.rows() + row) * l + oh * bw + ow] =
                                            image[((n * g.c() + c) * g.h() + y) * g.w() + x];
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    /** How many (window, kernel offset) pairs land on each pixel of one {@code h × w} plane. */
    static int[] coverage(Geometry g) {
        int[] count = new int[g.h() * g.w()];
        for (int oh = 0; oh < g.blocksH(); oh++) {
            for (int ow = 0; ow < g.blocksW(); ow++) {
                for (int ki = 0; ki < g.kh(); ki++) {
                    for (int kj = 0; kj < g.kw(); kj++) {
                        int y = oh * g.sh() - g.ph() + ki * g.dh();
                        int x = ow * g.sw() - g.pw() + kj * g.dw();
                        if (y >= 0 && y < g.h() && x >= 0 && x < g.w()) {
                            count[y * g.w() + x]++;
                        }
                    }
                }
            }
        }
        return count;
    }

    /**
     * Direct cross-correlation as {@code torch.nn.functional.conv2d(x, w, stride, padding, dilation)},
     * in double: x {@code [n, c, h, w]}, weight {@code [o, c, kh, kw]}, result {@code [n, o, bh, bw]}.
     */
    static double[] conv2d(Geometry g, float[] x, int outChannels, float[] weight) {
        int bh = g.blocksH(), bw = g.blocksW();
        double[] out = new double[g.n() * outChannels * bh * bw];
        for (int n = 0; n < g.n(); n++) {
            for (int o = 0; o < outChannels; o++) {
                for (int oh = 0; oh < bh; oh++) {
                    for (int ow = 0; ow < bw; ow++) {
                        double sum = 0;
                        for (int c = 0; c < g.c(); c++) {
                            for (int ki = 0; ki < g.kh(); ki++) {
                                for (int kj = 0; kj < g.kw(); kj++) {
                                    int y = oh * g.sh() - g.ph() + ki * g.dh();
                                    int xx = ow * g.sw() - g.pw() + kj * g.dw();
                                    if (y >= 0 && y < g.h() && xx >= 0 && xx < g.w()) {
                                        sum += (double) weight[((o * g.c() + c) * g.kh() + ki) * g.kw() + kj]
                                                * x[((n * g.c() + c) * g.h() + y) * g.w() + xx];
                                    }
                                }
                            }
                        }
                        out[((n * outChannels + o) * bh + oh) * bw + ow] = sum;
                    }
                }
            }
        }
        return out;
    }

    static float[] gaussian(Random random, int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    static double dot(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("lengths " + a.length + " and " + b.length);
        }
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    /** Σ|a_i·b_i|: the scale of a dot product, against which its rounding error is measured. */
    static double absDot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += Math.abs((double) a[i] * b[i]);
        }
        return s;
    }

    /**
     * Hand-picked geometries that exercise the edge cases: 1×1 kernels, non-square kernels,
     * stride and dilation above 1 with common factors (the covering windows of a pixel then form
     * a progression with step stride/gcd), windows lying wholly in the padding, a kernel that
     * spans the whole padded image, and unbatched inputs.
     */
    static List<Geometry> edgeCases() {
        List<Geometry> list = new ArrayList<>();
        list.add(new Geometry(true, 2, 3, 5, 7, 1, 1, 1, 1, 0, 0, 1, 1));   // 1x1: a reshape
        list.add(new Geometry(true, 1, 2, 6, 5, 1, 1, 1, 1, 1, 2, 2, 1));   // 1x1 with padding and stride
        list.add(new Geometry(false, 1, 3, 3, 4, 2, 3, 1, 1, 0, 0, 1, 1));  // the seed's kernel, unbatched
        list.add(new Geometry(true, 2, 2, 7, 9, 3, 2, 2, 3, 1, 2, 2, 3));
        list.add(new Geometry(true, 1, 1, 9, 9, 3, 3, 2, 2, 0, 0, 2, 2));   // gcd(stride, dilation) = 2
        list.add(new Geometry(true, 1, 2, 11, 13, 4, 3, 2, 3, 1, 0, 3, 2));
        list.add(new Geometry(true, 1, 1, 30, 10, 5, 2, 6, 2, 3, 1, 4, 6)); // step stride/gcd with inverse
        list.add(new Geometry(true, 2, 1, 4, 4, 2, 2, 1, 1, 3, 3, 1, 1));   // windows wholly in the padding
        list.add(new Geometry(false, 1, 2, 3, 2, 5, 4, 1, 1, 2, 1, 1, 1));  // kernel spans the padded image
        list.add(new Geometry(true, 3, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1));   // 1x1 image
        list.add(new Geometry(true, 1, 1, 8, 8, 3, 3, 1, 1, 0, 0, 5, 5));   // stride > kernel: uncovered pixels
        list.add(new Geometry(false, 1, 2, 10, 3, 3, 1, 3, 1, 2, 0, 2, 1)); // kernel (3, 1)
        for (Geometry g : list) {
            if (!g.valid()) {
                throw new IllegalStateException("edge case is not a valid geometry: " + g);
            }
        }
        return list;
    }

    /** A random geometry PyTorch accepts, small enough to check in well under a millisecond. */
    static Geometry random(Random r) {
        while (true) {
            int kh = 1 + r.nextInt(4), kw = 1 + r.nextInt(4);
            int dh = 1 + r.nextInt(3), dw = 1 + r.nextInt(3);
            int ph = r.nextInt(3), pw = r.nextInt(3);
            int sh = 1 + r.nextInt(4), sw = 1 + r.nextInt(4);
            int h = 1 + r.nextInt(12), w = 1 + r.nextInt(12);
            boolean batched = r.nextInt(4) != 0;
            int n = batched ? 1 + r.nextInt(3) : 1;
            int c = 1 + r.nextInt(3);
            Geometry g = new Geometry(batched, n, c, h, w, kh, kw, dh, dw, ph, pw, sh, sw);
            if (g.valid()) {
                return g;
            }
        }
    }
}
