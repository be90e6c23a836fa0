package org.unfold4j.cli;

import java.util.Locale;

/**
 * Image filters as convolutions, computed two ways: as unfold + matrix product + view (the seed's
 * equivalence {@code conv2d(x, w) = (w.view(C_out, -1) @ unfold(x)).view(C_out, H, W)}) and as a
 * direct loop, the reference.
 *
 * <p>Each filter is applied to every channel on its own: the conv2d weight is
 * {@code [C, C, n, n]} with the filter on the diagonal ({@code w[o][o]}) and zeros elsewhere, so
 * the product is one {@code [C × C·n²] · [C·n² × H·W]} matrix product. Zero padding of
 * {@code n/2} keeps the image size ({@code n} is odd). Like PyTorch's conv2d this is a
 * cross-correlation (the filter is not flipped).
 *
 * <p>This class makes the filters and the direct reference; FilterProduct computes the
 * convolution as unfold + matrix product (with EJML), and ClBlastSgemm its product on an OpenCL
 * device (with CLBlast).
 */
final class Filters {
    /** The filter kinds of {@code --kind}. */
    enum Kind {
        gaussian, box, sobel_x, sobel_y;

        static Kind parse(String s) {
            try {
                return valueOf(s.trim().toLowerCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new BadInputException("--kind must be gaussian, sobel-x, sobel-y or box, not '" + s + "'");
            }
        }

        String label() {
            return name().replace('_', '-');
        }

        boolean signed() {
            return this == sobel_x || this == sobel_y;
        }
    }

    private Filters() {
    }

    /**
     * The {@code n × n} filter, row-major. Gaussian: sampled and normalised to sum 1, with
     * {@code sigma} (0 for OpenCV's default {@code 0.3·((n−1)/2 − 1) + 0.8}). Box: all
     * {@code 1/n²}. Sobel: the outer product of binomial smoothing and a central difference,
     * the 3×3 Sobel operator for {@code n = 3} and its usual extension for larger {@code n}.
     *
     * @throws BadInputException if {@code n} is not an odd number >= 1 (≥ 3 for Sobel) or sigma is negative
     */
    static float[] kernel(Kind kind, int n, double sigma) {
        if (n < 1 || n % 2 == 0) {
            throw new BadInputException("--size must be an odd number >= 1 (so the filtered image keeps its size), but got " + n);
        }
        if (n > 255) {
            throw new BadInputException("--size must be at most 255, but got " + n);
        }
        if (sigma < 0 || Double.isNaN(sigma)) {
            throw new BadInputException("--sigma must not be negative, but got " + sigma);
        }
        float[] k = new float[n * n];
        switch (kind) {
            case box -> java.util.Arrays.fill(k, 1f / (n * n));
            case gaussian -> {
                double s = sigma > 0 ? sigma : 0.3 * ((n - 1) * 0.5 - 1) + 0.8;
                double[] g = new double[n];
                double total = 0;
                for (int i = 0; i < n; i++) {
                    double d = i - n / 2;
                    g[i] = Math.exp(-d * d / (2 * s * s));
                    total += g[i];
                }
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        k[i * n + j] = (float) (g[i] * g[j] / (total * total));
                    }
                }
            }
            case sobel_x, sobel_y -> {
                if (n < 3) {
                    throw new BadInputException("--size must be at least 3 for a Sobel filter, but got " + n);
                }
                double[] smooth = binomial(n - 1);
                double[] diff = convolve(binomial(n - 3), new double[] {-1, 0, 1});
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        k[i * n + j] = (float) (kind == Kind.sobel_x ? smooth[i] * diff[j] : diff[i] * smooth[j]);
                    }
                }
            }
            default -> throw new AssertionError(kind);
        }
        return k;
    }

    private static double[] binomial(int order) {
        double[] b = {1};
        for (int i = 0; i < order; i++) {
            b = convolve(b, new double[] {1, 1});
        }
        return b;
    }

    private static double[] convolve(double[] a, double[] b) {
        double[] c = new double[a.length + b.length - 1];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                c[i + j] += a[i] * b[j];
            }
        }
        return c;
    }

    /** The conv2d weight {@code [C, C·n·n]}: the filter for channel o in row o, at columns of channel o. */
    static float[] weight(float[] filter, int channels) {
        int area = filter.length;
        float[] w = new float[channels * channels * area];
        for (int o = 0; o < channels; o++) {
            System.arraycopy(filter, 0, w, (o * channels + o) * area, area);
        }
        return w;
    }

    /** The direct convolution (cross-correlation, zero padding n/2) with the full conv2d weight, in double. */
    static Picture direct(Picture x, float[] filter) {
        float[] out = new float[x.data().length];
        directRows(x, filter, 0, x.height(), out);
        return new Picture(out, x.channels(), x.height(), x.width());
    }

    /**
     * Rows {@code [y0, y1)} of {@link #direct}, into {@code out} as {@code [C, y1 − y0, W]}: the
     * filter command compares band by band, so the reference needs no second whole image.
     * Weights that are zero (every off-diagonal channel pair) are skipped, which changes no sum.
     */
    static void directRows(Picture x, float[] filter, int y0, int y1, float[] out) {
        int n = (int) Math.round(Math.sqrt(filter.length)), p = n / 2;
        int c = x.channels(), h = x.height(), w = x.width(), plane = h * w, rows = y1 - y0;
        float[] weight = weight(filter, c);
        float[] in = x.data();
        // Rows are independent: computed in parallel, each as before.
        java.util.stream.IntStream.range(0, c * rows).parallel().forEach(task -> {
            int o = task / rows, y = y0 + task % rows;
            for (int xx = 0; xx < w; xx++) {
                double acc = 0;
                for (int ci = 0; ci < c; ci++) {
                    int wBase = (o * c + ci) * n * n;
                    for (int i = 0; i < n; i++) {
                        int iy = y + i - p;
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        for (int j = 0; j < n; j++) {
                            int ix = xx + j - p;
                            float wv = weight[wBase + i * n + j];
                            if (ix >= 0 && ix < w && wv != 0) {
                                acc += (double) wv * in[ci * plane + iy * w + ix];
                            }
                        }
                    }
                }
                out[(o * rows + y - y0) * w + xx] = (float) acc;
            }
        });
    }
}
