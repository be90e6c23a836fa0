package org.unfold4j.cli;

import static org.jocl.CL.CL_SUCCESS;
import static org.jocl.CL.CL_TRUE;
import static org.jocl.CL.clEnqueueCopyBuffer;
import static org.jocl.CL.clEnqueueReadBuffer;
import static org.jocl.CL.clEnqueueWriteBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.jocl.Pointer;
import org.jocl.cl_event;
import org.unfold4j.Backend;
import org.unfold4j.ColumnGeometry;
import org.unfold4j.DeviceTensor;
import org.unfold4j.Fold;
import org.unfold4j.OpenCLBackend;
import org.unfold4j.OpenCLException;
import org.unfold4j.Tensor;
import org.unfold4j.Unfold;
import org.unfold4j.Window;

/**
 * What the bench times on one backend, shape by shape (Note [what the bench times] in
 * BenchCommand): on Java the calls into outputs, the allocating calls and the copy floor (and the
 * PyTorch CPU peer, when there is one); on OpenCL the device-resident calls, the copy floor and
 * CLBlast's peer, then the host-resident calls against the bare transfer.
 */
final class BenchRuns {
    private final BenchCommand.Progress progress;
    /** The PyTorch CPU peer while the Java backend is timed with --torch-cpu, else null. */
    private final TorchCpuPeer torchPeer;

    BenchRuns(BenchCommand.Progress progress, TorchCpuPeer torchPeer) {
        this.progress = progress;
        this.torchPeer = torchPeer;
    }

    /*
     * Note [the PyTorch CPU peer]
     * PyTorch on the CPU is timed in the same loop as the Java backend: each round calls the
     * Java backend into preallocated outputs, the copy floor, the Java backend's allocating calls
     * (Unfold.apply(x, backend), new float[] and its zeroing included, as a caller of F.unfold
     * pays for its result), and then one F.unfold and one F.fold in the peer process, each timed
     * inside Python (the pipe's round trip is not counted). The two never run at once, and the
     * machine's drift falls on both alike. PyTorch has no out= for unfold or fold, so its only
     * call is the allocating one; it is compared with both of the Java backend's.
     */

    List<BenchReport.Row> java(BenchShape s, int reps, Backend java) {
        Window win = s.window();
        Unfold unfold = Unfold.of(win);
        Fold fold = Fold.of(s.h(), s.w(), win);
        Tensor x = BenchTiming.filled(s.input());
        Tensor cols = unfold.apply(x, java);
        Tensor colsOut = Tensor.zeros(cols.shape()), imageOut = Tensor.zeros(x.shape());
        long bytes = 4 * (x.elementCount() + cols.elementCount());
        float[] src = new float[(int) (bytes / 8)];
        float[] dst = new float[src.length];
        int parts = Runtime.getRuntime().availableProcessors();
        int per = (src.length + parts - 1) / parts;
        // The seed shape takes microseconds: warm the JIT up properly before timing it.
        int warm = s.name().equals("seed") ? 5000 : Math.max(1, reps / 5);
        progress.step(s.name() + " java");
        List<BenchTiming.TimedCall> calls = new ArrayList<>(List.of((rep, timed) -> {
            long t0 = System.nanoTime();
            unfold.apply(x, colsOut, java);
            return System.nanoTime() - t0;
        }, (rep, timed) -> {
            long t0 = System.nanoTime();
            fold.apply(cols, imageOut, java);
            return System.nanoTime() - t0;
        }, (rep, timed) -> {
            long t0 = System.nanoTime();
            if (src.length < (1 << 16)) {
                System.arraycopy(src, 0, dst, 0, src.length);
            } else {  // on every core, as the backend runs
                IntStream.range(0, parts).parallel().forEach(p -> {
                    int from = p * per, len = Math.min(per, src.length - from);
                    if (len > 0) {
                        System.arraycopy(src, from, dst, from, len);
                    }
                });
            }
            return System.nanoTime() - t0;
        }, (rep, timed) -> {
            long t0 = System.nanoTime();
            Tensor r = unfold.apply(x, java);
            long t = System.nanoTime() - t0;
            return r.elementCount() < 0 ? t + 1 : t;  // keep the result live
        }, (rep, timed) -> {
            long t0 = System.nanoTime();
            Tensor r = fold.apply(cols, java);
            long t = System.nanoTime() - t0;
            return r.elementCount() < 0 ? t + 1 : t;
        }));
        if (torchPeer != null) {  // Note [the PyTorch CPU peer]
            torchPeer.shape(s);
            calls.add((rep, timed) -> torchPeer.nanos("unfold"));
            calls.add((rep, timed) -> torchPeer.nanos("fold"));
        }
        double[] ms = BenchTiming.interleaved(warm, reps, calls.toArray(new BenchTiming.TimedCall[0]));
        String dev = java.deviceName();
        List<BenchReport.Row> rows = new ArrayList<>(List.of(new BenchReport.Row(s, "unfold", "java", dev, ms[0], ms[2], Double.NaN, bytes, reps),
                new BenchReport.Row(s, "fold", "java", dev, ms[1], ms[2], Double.NaN, bytes, reps),
                new BenchReport.Row(s, "unfold", "java-alloc", dev, ms[3], ms[2], Double.NaN, bytes, reps),
                new BenchReport.Row(s, "fold", "java-alloc", dev, ms[4], ms[2], Double.NaN, bytes, reps)));
        if (torchPeer != null) {
            rows.add(new BenchReport.Row(s, "unfold", "torch-cpu", torchPeer.info(), ms[5], ms[2], Double.NaN, bytes, reps));
            rows.add(new BenchReport.Row(s, "fold", "torch-cpu", torchPeer.info(), ms[6], ms[2], Double.NaN, bytes, reps));
        }
        return rows;
    }

    List<BenchReport.Row> openCL(BenchShape s, int reps, OpenCLBackend cl) {
        Window win = s.window();
        Unfold unfold = Unfold.of(win);
        Fold fold = Fold.of(s.h(), s.w(), win);
        Tensor x = BenchTiming.filled(s.input());
        int warm = s.name().equals("seed") ? 200 : Math.max(1, reps / 5);
        boolean blast = ClBlastSgemm.unavailableReason() == null;
        try (DeviceTensor dx = cl.upload(x); DeviceTensor dcols = unfold.apply(dx);
             DeviceTensor colsOut = unfold.apply(dx); DeviceTensor imageOut = fold.apply(dcols);
             DeviceTensor copyFrom = cl.upload(Tensor.zeros(4 * (dx.elementCount() + dcols.elementCount()) / 8));
             DeviceTensor copyTo = cl.upload(Tensor.zeros(copyFrom.elementCount()));
             DeviceTensor scratchCols = cl.upload(Tensor.zeros(blast ? dcols.elementCount() : 0));
             DeviceTensor scratchImage = cl.upload(Tensor.zeros(blast ? dx.elementCount() : 0))) {
            long bytes = 4 * (dx.elementCount() + dcols.elementCount());
            long half = copyFrom.elementCount();
            long[][] kernels = new long[5][reps];  // unfold, fold, copy, CLBlast im2col, CLBlast col2im
            List<BenchTiming.TimedCall> calls = new ArrayList<>(List.of((rep, timed) -> {
                long t0 = System.nanoTime();
                unfold.apply(dx, colsOut);
                colsOut.await();
                long t = System.nanoTime() - t0;
                BenchTiming.record(timed, kernels[0], rep, colsOut.computeNanos());
                return t;
            }, (rep, timed) -> {
                long t0 = System.nanoTime();
                fold.apply(dcols, imageOut);
                imageOut.await();
                long t = System.nanoTime() - t0;
                BenchTiming.record(timed, kernels[1], rep, imageOut.computeNanos());
                return t;
            }, (rep, timed) -> {
                long t0 = System.nanoTime();
                cl_event copy = new cl_event();
                cl.interop((queue, m) -> {
                    check(clEnqueueCopyBuffer(queue, m[0], m[1], 0, 0, half * 4, 0, null, copy), "clEnqueueCopyBuffer");
                    return null;
                }, copyFrom, copyTo);  // interop waits for the queue to finish
                long t = System.nanoTime() - t0;
                BenchTiming.record(timed, kernels[2], rep, BenchTiming.kernelNanos(copy));
                return t;
            }));
            if (blast) {
                calls.add(ClBlastPeer.call(s, cl, true, dx, scratchCols, kernels[3]));
                calls.add(ClBlastPeer.call(s, cl, false, dcols, scratchImage, kernels[4]));
            }
            progress.step(s.name() + " opencl" + (blast ? " and CLBlast" : ""));
            double[] ms = BenchTiming.interleaved(warm, reps, calls.toArray(new BenchTiming.TimedCall[0]));
            double peerUnfold = blast ? ms[3] : Double.NaN, peerFold = blast ? ms[4] : Double.NaN;
            String dev = cl.deviceName();
            double copyKernelMs = BenchTiming.medianMs(kernels[2]);
            List<BenchReport.Row> rows = new ArrayList<>(List.of(
                    new BenchReport.Row(s, "unfold", "opencl", dev, ms[0], ms[2], peerUnfold, bytes, reps,
                            BenchTiming.medianMs(kernels[0]), copyKernelMs, blast ? BenchTiming.medianMs(kernels[3]) : Double.NaN, null),
                    new BenchReport.Row(s, "fold", "opencl", dev, ms[1], ms[2], peerFold, bytes, reps,
                            BenchTiming.medianMs(kernels[1]), copyKernelMs, blast ? BenchTiming.medianMs(kernels[4]) : Double.NaN, null)));
            rows.addAll(hostResident(s, reps, warm, cl, unfold, fold, x, bytes));
            return rows;
        }
    }

    /** Host in, host out, against the bare transfer of the same bytes (Note [what the bench times]). */
    private List<BenchReport.Row> hostResident(BenchShape s, int reps, int warm, OpenCLBackend cl, Unfold unfold, Fold fold,
                                        Tensor x, long bytes) {
        ColumnGeometry g = unfold.geometry(x.shape());
        long[] colsShape = g.columnsShape();
        float[] image = hostArray(x), cols = new float[Math.toIntExact(g.columnElements())];
        float[] imageBack = new float[image.length];
        Tensor colsHost = Tensor.of(cols, colsShape), imageHost = Tensor.of(imageBack, x.shape());
        progress.step(s.name() + " opencl-host");
        double[] ms;
        try (DeviceTensor dImage = cl.upload(Tensor.zeros(image.length));
             DeviceTensor dCols = cl.upload(Tensor.zeros(cols.length))) {
            ms = BenchTiming.interleaved(warm, reps, (rep, timed) -> {
                long t0 = System.nanoTime();
                unfold.apply(x, colsHost, cl);
                return System.nanoTime() - t0;
            }, (rep, timed) -> transfer(cl, dImage, image, dCols, cols), (rep, timed) -> {
                long t0 = System.nanoTime();
                fold.apply(colsHost, imageHost, cl);
                return System.nanoTime() - t0;
            }, (rep, timed) -> transfer(cl, dCols, cols, dImage, imageBack));
        }
        String dev = cl.deviceName();
        // Whether these calls overlapped transfers with kernels: only a batch of several images splits.
        Boolean overlap = cl.overlapsTransfers() && s.n() > 1;
        return List.of(new BenchReport.Row(s, "unfold", "opencl-host", dev, ms[0], ms[1], Double.NaN, bytes, reps,
                        Double.NaN, Double.NaN, Double.NaN, overlap),
                new BenchReport.Row(s, "fold", "opencl-host", dev, ms[2], ms[3], Double.NaN, bytes, reps,
                        Double.NaN, Double.NaN, Double.NaN, overlap));
    }

    /** Nanoseconds to upload {@code up} into {@code dUp} and download {@code dDown} into {@code down}, both blocking. */
    private static long transfer(OpenCLBackend cl, DeviceTensor dUp, float[] up, DeviceTensor dDown, float[] down) {
        long t0 = System.nanoTime();
        cl.interop((queue, m) -> {
            check(clEnqueueWriteBuffer(queue, m[0], CL_TRUE, 0, 4L * up.length, Pointer.to(up), 0, null, null),
                    "clEnqueueWriteBuffer");
            check(clEnqueueReadBuffer(queue, m[1], CL_TRUE, 0, 4L * down.length, Pointer.to(down), 0, null, null),
                    "clEnqueueReadBuffer");
            return null;
        }, dUp, dDown);
        return System.nanoTime() - t0;
    }

    /** The values of a float32 tensor, as an array of its own. */
    private static float[] hostArray(Tensor t) {
        return t.toFloatArray();
    }

    private static void check(int status, String what) {
        if (status != CL_SUCCESS) {
            throw new OpenCLException(what + " failed with OpenCL error " + status, null);
        }
    }
}
