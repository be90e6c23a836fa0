package org.unfold4j.cli;

import java.util.List;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_context;
import org.jocl.cl_mem;
import org.jocl.blast.CLBlast;
import org.jocl.blast.CLBlastLayout;
import org.jocl.blast.CLBlastStatusCode;
import org.jocl.blast.CLBlastTranspose;
import org.unfold4j.DType;
import org.unfold4j.DeviceTensor;
import org.unfold4j.OpenCLBackend;
import org.unfold4j.OpenCLException;
import org.unfold4j.Tensor;
import org.unfold4j.Unfold;

/**
 * The filter's matrix product on an OpenCL device with CLBlast's SGEMM, on the device-resident
 * unfold (FilterProduct chooses it), with its working memory sized and allocated here (Note
 * [CLBlast's working memory]); and whether CLBlast's native library loads at all.
 */
final class ClBlastSgemm {
    private ClBlastSgemm() {
    }

    /** Image rows per band on the device: {@code hostRows} halved until a band fits (Note [CLBlast's working memory]). */
    static int deviceRows(OpenCLBackend cl, int c, int n, int k, int width, int hostRows, String what) {
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
    static FilterProduct.Result product(Picture x, Unfold unfold, float[] weight, int k, OpenCLBackend cl, int rows,
                                  Progress progress) {
        int c = x.channels(), width = x.width(), plane = x.height() * width;
        double setupMs = 0;
        float[] result = new float[c * plane];
        long unfoldNs = 0, productNs = 0;
        List<Bands.Band> bands = FilterProduct.bands(x, rows);
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
                    FilterProduct.place(out.download().toFloatArray(), result, c, l, plane, band.first() * width);
                }
                bar.advance(band.count());
            }
        }
        return new FilterProduct.Result(new Picture(result, c, x.height(), width), "CLBlast SGEMM on " + cl.deviceName(),
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

    private static volatile String reason;

    /** Null when CLBlast's native library loads here, else why not. */
    static String unavailableReason() {
        String r = reason;
        if (r == null) {
            try {
                CLBlast.setExceptionsEnabled(false);
                r = "";
            } catch (LinkageError e) {
                r = String.valueOf(e.getMessage());
            }
            reason = r;
        }
        return r.isEmpty() ? null : r;
    }
}
