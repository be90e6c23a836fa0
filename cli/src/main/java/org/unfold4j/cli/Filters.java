package org.unfold4j.cli;

import java.util.List;
import java.util.Locale;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_context;
import org.jocl.cl_mem;
import org.jocl.blast.CLBlast;
import org.jocl.blast.CLBlastLayout;
import org.jocl.blast.CLBlastStatusCode;
import org.jocl.blast.CLBlastTranspose;
import org.unfold4j.Backend;
import org.unfold4j.DType;
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

    /**
     * The result, what computed the matrix product, the milliseconds of the unfold and of the
     * product (summed over the bands), of CLBlast's first call ({@code setupMs}: it builds its
     * kernels), and the number of bands (Note [bounded pieces]).
     */
    record Result(Picture image, String product, double unfoldMs, double productMs, double setupMs, int bands) {
    }

    /** {@link #viaUnfold(Picture, float[], Backend, Plan, Progress)} with the heap's budget, quietly. */
    static Result viaUnfold(Picture x, float[] filter, Backend backend) {
        return viaUnfold(x, filter, backend, plan(x, filter, backend, Memory.host(0)), Progress.QUIET);
    }

    /** How many image rows a band holds (Note [bounded pieces]); the product's label. */
    record Plan(int rows, String product) {
    }

    /**
     * Sizes the bands before anything is printed or computed: as many image rows as
     * {@code memory} allows, and on OpenCL as few more as keep the columns, result, input and
     * CLBlast's working memory within the device (Note [CLBlast's working memory]).
     *
     * @throws BadInputException if one image row does not fit
     */
    static Plan plan(Picture x, float[] filter, Backend backend, Memory memory) {
        int n = (int) Math.round(Math.sqrt(filter.length));
        int c = x.channels(), width = x.width();
        int k = c * n * n;
        // Per output row: the column block (k·W floats), the product's rows (c·W), the band's input twice.
        long rowBytes = 4L * width * (k + c + 2L * c);
        String what = "one row of the image (" + k + " x " + width + " columns)";
        int rows = memory.rowsPerBand(rowBytes, (long) k * width, x.height(), what);
        if (backend instanceof OpenCLBackend cl) {
            String why = clBlastUnavailableReason();
            if (why == null) {
                return new Plan(deviceRows(cl, c, n, k, width, rows, what), "CLBlast SGEMM on " + cl.deviceName());
            }
            return new Plan(rows, "EJML on the host (CLBlast unavailable: " + why + ")");
        }
        return new Plan(rows, "EJML CommonOps_FDRM.mult");
    }

    /**
     * The convolution as unfold + matrix product + view on {@code backend}: on Java with EJML's
     * {@code CommonOps_FDRM.mult}; on OpenCL with CLBlast's SGEMM on the device-resident unfold
     * (falling back to EJML on the host if CLBlast's native library cannot be loaded). The
     * product runs over bands of output rows (Note [bounded pieces]): each band's rows of the
     * image are unfolded into a column block {@code [C·n², rows·W]}, multiplied, and its rows of
     * the result written, so no column matrix of the whole image is ever held.
     *
     * @param plan from {@link #plan}, for the same picture, filter and backend
     */
    static Result viaUnfold(Picture x, float[] filter, Backend backend, Plan plan, Progress progress) {
        int n = (int) Math.round(Math.sqrt(filter.length));
        int c = x.channels();
        Unfold unfold = Unfold.of(n).withPadding(n / 2);
        float[] weight = weight(filter, c);
        int k = c * n * n;
        if (backend instanceof OpenCLBackend cl && clBlastUnavailableReason() == null) {
            return clBlast(x, unfold, weight, k, cl, plan.rows(), progress);
        }
        return ejml(x, unfold, weight, k, backend, plan.rows(), progress, plan.product());
    }

    /** Image rows per band on the device: {@code hostRows} halved until a band fits (Note [CLBlast's working memory]). */
    private static int deviceRows(OpenCLBackend cl, int c, int n, int k, int width, int hostRows, String what) {
        long maxAlloc = (long) (cl.device().maxAllocation() * 0.9);
        long global = (long) (cl.device().globalMemory() * 0.4);
        int rows = hostRows;
        while (true) {
            long temp = tempBytes(cl, c, (long) rows * width, k)[0];
            long l = (long) rows * width;
            long colsBytes = 4L * k * l;
            long inBytes = 4L * c * (rows + n - 1) * width;
            long total = colsBytes + 4L * c * l + inBytes + temp;
            if (colsBytes <= maxAlloc && temp <= maxAlloc && total <= global) {
                return rows;
            }
            if (rows == 1) {
                throw new BadInputException(what + " needs " + Memory.bytes(total) + " on the OpenCL device "
                        + cl.deviceName() + " (columns " + Memory.bytes(colsBytes) + ", CLBlast's working memory "
                        + Memory.bytes(temp) + "), more than it allows (90% of its largest allocation, "
                        + Memory.bytes(cl.device().maxAllocation()) + ", and 40% of its global memory, "
                        + Memory.bytes(cl.device().globalMemory()) + "); use --backend java");
            }
            rows = Math.max(1, rows / 2);
        }
    }

    /** The unfold's bands: rows of the output image (stride 1, padding n/2: one row of windows per image row). */
    private static List<Bands.Band> bands(Picture x, int rows) {
        return Bands.split(x.height(), rows);
    }

    private static Result ejml(Picture x, Unfold unfold, float[] weight, int k, Backend backend, int rows,
                               Progress progress, String label) {
        int c = x.channels(), width = x.width(), plane = x.height() * width;
        float[] result = new float[c * plane];
        FMatrixRMaj a = FMatrixRMaj.wrap(c, k, weight);
        long unfoldNs = 0, productNs = 0;
        List<Bands.Band> bands = bands(x, rows);
        float[] cols = null;
        try (Progress.Step bar = progress.start("unfold, product", x.height())) {
            for (Bands.Band band : bands) {
                int l = band.count() * width;
                Tensor in = Bands.input(x, unfold, DType.FLOAT32, band);
                if (cols == null || cols.length != k * l) {
                    cols = null;
                    cols = new float[k * l];
                }
                long t0 = System.nanoTime();
                Bands.unfold(unfold, band).apply(in, Tensor.of(cols, k, l), backend);
                long t1 = System.nanoTime();
                FMatrixRMaj out = new FMatrixRMaj(c, l);
                CommonOps_FDRM.mult(a, FMatrixRMaj.wrap(k, l, cols), out);
                productNs += System.nanoTime() - t1;
                unfoldNs += t1 - t0;
                place(out.data, result, c, l, plane, band.first() * width);
                bar.advance(band.count());
            }
        }
        // The view: [C, H·W] is [C, H, W].
        return new Result(new Picture(result, c, x.height(), width), label, unfoldNs / 1e6, productNs / 1e6, 0,
                bands.size());
    }

    /** Puts a band's product {@code [c, l]} at element {@code offset} of each channel's plane of {@code result}. */
    private static void place(float[] band, float[] result, int c, int l, int plane, int offset) {
        for (int o = 0; o < c; o++) {
            System.arraycopy(band, o * l, result, o * plane + offset, l);
        }
    }

    /**
     * On the device, band by band: upload the band's input rows, unfold them there, SGEMM with a
     * working buffer this code allocates itself, download the band's rows of the result.
     *
     * <p>Note [CLBlast's working memory]: for sizes that are not multiples of its tiles (a
     * product with 3 rows always), CLBlast's SGEMM copies A, B and C into padded temporary
     * matrices, about as large as the column block and the result padded to its tile height
     * together, and allocates them inside the call: when that allocation fails the failure
     * surfaces inside CLBlast's C++ code, which on some drivers takes the process down
     * (std::terminate, exit 134) instead of returning an error. So the size is asked first
     * ({@code CLBlastSGemmTempBufferSize}), each band is sized so that columns, result, input
     * and that working memory fit (Note [bounded pieces]; 90% of the largest allocation, 40% of
     * global memory), the buffer is created here with its error code checked, and passed in
     * ({@code CLBlastSgemmWithTempBuffer}); every CLBlast status is checked.
     */
    private static Result clBlast(Picture x, Unfold unfold, float[] weight, int k, OpenCLBackend cl, int rows,
                                  Progress progress) {
        int c = x.channels(), width = x.width(), plane = x.height() * width;
        double setupMs = 0;
        float[] result = new float[c * plane];
        long unfoldNs = 0, productNs = 0;
        List<Bands.Band> bands = bands(x, rows);
        boolean first = true;
        try (Progress.Step bar = progress.start("unfold, product", x.height());
             DeviceTensor w = cl.upload(Tensor.of(weight, c, k))) {
            for (Bands.Band band : bands) {
                int l = band.count() * width;
                Tensor host = Bands.input(x, unfold, DType.FLOAT32, band);
                try (DeviceTensor in = cl.upload(host); DeviceTensor out = cl.upload(Tensor.zeros(c, l))) {
                    long t1 = System.nanoTime();
                    try (DeviceTensor cols = Bands.unfold(unfold, band).apply(in)) {
                        cols.await();
                        long t2 = System.nanoTime();
                        unfoldNs += t2 - t1;
                        if (first) {
                            // CLBlast builds its kernels in its first SGEMM on this device (seconds on
                            // some drivers): that call is timed apart, as setup, and the band computed again.
                            first = false;
                            Progress.Step building = progress.start("CLBlast builds its SGEMM kernels (first call)", 0);
                            try {
                                sgemm(cl, c, l, k, w, cols, out);
                            } finally {
                                building.close();
                            }
                            long t3 = System.nanoTime();
                            setupMs = (t3 - t2) / 1e6;
                            t2 = t3;
                        }
                        sgemm(cl, c, l, k, w, cols, out);
                        productNs += System.nanoTime() - t2;
                    }
                    place(out.download().toFloatArray(), result, c, l, plane, band.first() * width);
                }
                bar.advance(band.count());
            }
        }
        return new Result(new Picture(result, c, x.height(), width), "CLBlast SGEMM on " + cl.deviceName(),
                unfoldNs / 1e6, productNs / 1e6, setupMs, bands.size());
    }

    /** CLBlast's working memory for the row-major {@code [c × k] · [k × l]} SGEMM, in bytes (element 0). */
    private static long[] tempBytes(OpenCLBackend cl, int c, long l, int k) {
        long[] size = new long[1];
        int status = cl.interop((queue, b) -> CLBlast.CLBlastSGemmTempBufferSize(CLBlastLayout.CLBlastLayoutRowMajor,
                CLBlastTranspose.CLBlastTransposeNo, CLBlastTranspose.CLBlastTransposeNo, c, l, k, 0, k, 0, l, 0, l,
                queue, size));
        if (status != CLBlastStatusCode.CLBlastSuccess) {
            throw new OpenCLException("CLBlast could not size its SGEMM working memory: "
                    + CLBlastStatusCode.stringFor(status), null);
        }
        return size;
    }

    /**
     * Row-major {@code out[c × L] = w[c × k] · cols[k × L]} with CLBlast, on the device-resident
     * unfold (no host round trip), with a working buffer allocated here (Note [CLBlast's working
     * memory]), waited for.
     */
    private static void sgemm(OpenCLBackend cl, int c, long l, int k, DeviceTensor w, DeviceTensor cols,
                              DeviceTensor out) {
        int status = cl.interop((queue, b) -> {
            long[] size = new long[1];
            int st = CLBlast.CLBlastSGemmTempBufferSize(CLBlastLayout.CLBlastLayoutRowMajor,
                    CLBlastTranspose.CLBlastTransposeNo, CLBlastTranspose.CLBlastTransposeNo, c, l, k, 0, k, 0, l, 0,
                    l, queue, size);
            if (st != CLBlastStatusCode.CLBlastSuccess) {
                return st;
            }
            if (size[0] == 0) {
                return CLBlast.CLBlastSgemm(CLBlastLayout.CLBlastLayoutRowMajor, CLBlastTranspose.CLBlastTransposeNo,
                        CLBlastTranspose.CLBlastTransposeNo, c, l, k, 1f, b[0], 0, k, b[1], 0, l, 0f, b[2], 0, l,
                        queue, null);
            }
            cl_context[] context = {new cl_context()};
            int err = CL.clGetCommandQueueInfo(queue, CL.CL_QUEUE_CONTEXT, Sizeof.cl_context,
                    Pointer.to(context[0]), null);
            if (err != CL.CL_SUCCESS) {
                throw new OpenCLException("clGetCommandQueueInfo(CL_QUEUE_CONTEXT) failed: "
                        + CL.stringFor_errorCode(err), null);
            }
            int[] code = new int[1];
            cl_mem temp = CL.clCreateBuffer(context[0], CL.CL_MEM_READ_WRITE, size[0], null, code);
            if (code[0] != CL.CL_SUCCESS || temp == null) {
                throw new OpenCLException("cannot allocate CLBlast's SGEMM working memory (" + Memory.bytes(size[0])
                        + ") on " + cl.deviceName() + ": " + CL.stringFor_errorCode(code[0]), null);
            }
            try {
                st = CLBlast.CLBlastSgemmWithTempBuffer(CLBlastLayout.CLBlastLayoutRowMajor,
                        CLBlastTranspose.CLBlastTransposeNo, CLBlastTranspose.CLBlastTransposeNo, c, l, k, 1f, b[0], 0,
                        k, b[1], 0, l, 0f, b[2], 0, l, queue, null, temp);
                if (st == CLBlastStatusCode.CLBlastSuccess) {
                    // The buffer is released below, before interop waits for the queue: finish here first.
                    int f = CL.clFinish(queue);
                    if (f != CL.CL_SUCCESS) {
                        throw new OpenCLException("clFinish after CLBlast SGEMM failed: " + CL.stringFor_errorCode(f),
                                null);
                    }
                }
                return st;
            } finally {
                CL.clReleaseMemObject(temp);
            }
        }, w, cols, out);
        if (status != CLBlastStatusCode.CLBlastSuccess) {
            throw new OpenCLException("CLBlast SGEMM failed: " + CLBlastStatusCode.stringFor(status), null);
        }
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
