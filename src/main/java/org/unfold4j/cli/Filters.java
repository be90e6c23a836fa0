package org.unfold4j.cli;

import java.util.Locale;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.jocl.blast.CLBlast;
import org.jocl.blast.CLBlastLayout;
import org.jocl.blast.CLBlastStatusCode;
import org.jocl.blast.CLBlastTranspose;
import org.unfold4j.Backend;
import org.unfold4j.DeviceTensor;
import org.unfold4j.OpenCLBackend;
import org.unfold4j.OpenCLException;
import org.unfold4j.Tensor;
import org.unfold4j.Unfold;

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
        int n = (int) Math.round(Math.sqrt(filter.length)), p = n / 2;
        int c = x.channels(), h = x.height(), w = x.width(), plane = h * w;
        float[] weight = weight(filter, c);
        float[] in = x.data();
        float[] out = new float[c * plane];
        for (int o = 0; o < c; o++) {
            for (int y = 0; y < h; y++) {
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
                                if (ix >= 0 && ix < w) {
                                    acc += (double) weight[wBase + i * n + j] * in[ci * plane + iy * w + ix];
                                }
                            }
                        }
                    }
                    out[o * plane + y * w + xx] = (float) acc;
                }
            }
        }
        return new Picture(out, c, h, w);
    }

    /**
     * The result, what computed the matrix product, and the milliseconds of the unfold and of the
     * product (for CLBlast the second call: the first builds CLBlast's kernels, {@code setupMs}).
     */
    record Result(Picture image, String product, double unfoldMs, double productMs, double setupMs) {
    }

    /**
     * The convolution as unfold + matrix product + view on {@code backend}: on Java with EJML's
     * {@code CommonOps_FDRM.mult}; on OpenCL with CLBlast's SGEMM on the device-resident unfold
     * (falling back to EJML on the host if CLBlast's native library cannot be loaded).
     */
    static Result viaUnfold(Picture x, float[] filter, Backend backend) {
        int n = (int) Math.round(Math.sqrt(filter.length));
        int c = x.channels();
        Unfold unfold = Unfold.of(n).withPadding(n / 2);
        float[] weight = weight(filter, c);
        int k = c * n * n;
        if (backend instanceof OpenCLBackend cl) {
            String why = clBlastUnavailableReason();
            if (why == null) {
                return clBlast(x, unfold, weight, k, cl);
            }
            return ejml(x, unfold, weight, k, backend, "EJML on the host (CLBlast unavailable: " + why + ")");
        }
        return ejml(x, unfold, weight, k, backend, "EJML CommonOps_FDRM.mult");
    }

    private static Result ejml(Picture x, Unfold unfold, float[] weight, int k, Backend backend, String label) {
        int c = x.channels();
        int l = x.height() * x.width();
        long t0 = System.nanoTime();
        Tensor cols = unfold.apply(x.batch(), backend);
        double unfoldMs = (System.nanoTime() - t0) / 1e6;
        long t1 = System.nanoTime();
        FMatrixRMaj a = FMatrixRMaj.wrap(c, k, weight);
        FMatrixRMaj b = FMatrixRMaj.wrap(k, l, cols.toFloatArray());
        FMatrixRMaj out = new FMatrixRMaj(c, l);
        CommonOps_FDRM.mult(a, b, out);
        double productMs = (System.nanoTime() - t1) / 1e6;
        // The view: [C, H·W] is [C, H, W].
        return new Result(new Picture(out.data, c, x.height(), x.width()), label, unfoldMs, productMs, 0);
    }

    private static Result clBlast(Picture x, Unfold unfold, float[] weight, int k, OpenCLBackend cl) {
        int c = x.channels();
        long l = (long) x.height() * x.width();
        try (DeviceTensor in = cl.upload(x.batch());
             DeviceTensor w = cl.upload(Tensor.of(weight, c, k));
             DeviceTensor out = cl.upload(Tensor.zeros(c, l))) {
            long t0 = System.nanoTime();
            try (DeviceTensor cols = unfold.apply(in)) {
                cols.await();
                double unfoldMs = (System.nanoTime() - t0) / 1e6;
                // The first call builds CLBlast's kernels for this device; the second is the product's time.
                double setupMs = sgemm(cl, c, l, k, w, cols, out);
                double productMs = sgemm(cl, c, l, k, w, cols, out);
                Picture result = new Picture(out.download().toFloatArray(), c, x.height(), x.width()); // the view
                return new Result(result, "CLBlast SGEMM on " + cl.deviceName(), unfoldMs, productMs, setupMs);
            }
        }
    }

    /**
     * Row-major {@code out[c × L] = w[c × k] · cols[k × L]} with CLBlast, on the device-resident
     * unfold (no host round trip), waited for; returns its milliseconds.
     */
    private static double sgemm(OpenCLBackend cl, int c, long l, int k, DeviceTensor w, DeviceTensor cols,
                                DeviceTensor out) {
        long t0 = System.nanoTime();
        int status = cl.interop((queue, b) -> CLBlast.CLBlastSgemm(CLBlastLayout.CLBlastLayoutRowMajor,
                CLBlastTranspose.CLBlastTransposeNo, CLBlastTranspose.CLBlastTransposeNo, c, l, k, 1f, b[0], 0, k,
                b[1], 0, l, 0f, b[2], 0, l, queue, null), w, cols, out);
        if (status != CLBlastStatusCode.CLBlastSuccess) {
            throw new OpenCLException("CLBlast SGEMM failed: " + CLBlastStatusCode.stringFor(status), null);
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    private static volatile String clBlastReason;

    /** Null when CLBlast's native library loads here, else why not. */
    static String clBlastUnavailableReason() {
        String r = clBlastReason;
        if (r == null) {
            try {
                CLBlast.setExceptionsEnabled(false);
                r = "";
            } catch (LinkageError e) {
                r = String.valueOf(e.getMessage());
            }
            clBlastReason = r;
        }
        return r.isEmpty() ? null : r;
    }
}
