package org.unfold4j.cli;

import java.util.List;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.unfold4j.Backend;
import org.unfold4j.DType;
import org.unfold4j.OpenCLBackend;
import org.unfold4j.Tensor;
import org.unfold4j.Unfold;

/**
 * A filter (Filters) computed as unfold + matrix product + view, band by band (Note [bounded
 * pieces]): the bands' sizes, and the product on the host with EJML; on OpenCL the product runs
 * on the device with CLBlast (ClBlastSgemm).
 */
final class FilterProduct {
    private FilterProduct() {
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
            String why = ClBlastSgemm.unavailableReason();
            if (why == null) {
                return new Plan(ClBlastSgemm.deviceRows(cl, c, n, k, width, rows, what), "CLBlast SGEMM on " + cl.deviceName());
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
        float[] weight = Filters.weight(filter, c);
        int k = c * n * n;
        if (backend instanceof OpenCLBackend cl && ClBlastSgemm.unavailableReason() == null) {
            return ClBlastSgemm.product(x, unfold, weight, k, cl, plan.rows(), progress);
        }
        return ejml(x, unfold, weight, k, backend, plan.rows(), progress, plan.product());
    }

    /** The unfold's bands: rows of the output image (stride 1, padding n/2: one row of windows per image row). */
    static List<Bands.Band> bands(Picture x, int rows) {
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
    static void place(float[] band, float[] result, int c, int l, int plane, int offset) {
        for (int o = 0; o < c; o++) {
            System.arraycopy(band, o * l, result, o * plane + offset, l);
        }
    }
}
