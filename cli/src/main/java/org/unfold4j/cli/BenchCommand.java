package org.unfold4j.cli;

import static org.jocl.CL.CL_SUCCESS;
import static org.jocl.CL.CL_TRUE;
import static org.jocl.CL.clEnqueueCopyBuffer;
import static org.jocl.CL.clEnqueueReadBuffer;
import static org.jocl.CL.clEnqueueWriteBuffer;
import static org.jocl.CL.clReleaseEvent;

import java.io.Console;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.jocl.Pointer;
import org.jocl.cl_event;
import org.jocl.blast.CLBlast;
import org.jocl.blast.CLBlastKernelMode;
import org.jocl.blast.CLBlastStatusCode;
import org.unfold4j.Backend;
import org.unfold4j.ColumnGeometry;
import org.unfold4j.DeviceTensor;
import org.unfold4j.Fold;
import org.unfold4j.OpenCLBackend;
import org.unfold4j.OpenCLException;
import org.unfold4j.Tensor;
import org.unfold4j.Unfold;
import org.unfold4j.Window;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code unfold4j bench}: times unfold and fold on the standard shapes against the copy floor of
 * the same bytes, measured in the same run.
 *
 * <p>Note [what the bench times]: on Java, a host call into a preallocated output
 * ({@code Unfold.apply(input, output, backend)}) against {@code System.arraycopy} split over
 * every core; on OpenCL, a call on a device-resident tensor into a preallocated device tensor
 * ({@code Unfold.apply(DeviceTensor, DeviceTensor)}) until its result is ready
 * ({@link DeviceTensor#await()}), against {@code clEnqueueCopyBuffer} enqueued and
 * waited for through {@link OpenCLBackend#interop}, timed on the host. Bytes moved are input plus output; the
 * floor copies half of them (a copy reads and writes each byte), as the performance issue's
 * floor does. An operation, its floor and its peer are timed in turn, call by call (see
 * {@link #interleaved}). Host-side timing includes launch and wait overhead, which matters only for the
 * tiny {@code seed} shape; so on OpenCL the bench runs on a {@linkplain OpenCLBackend#createProfiled
 * profiling backend} and also reports the kernels' own device time from their profiling events
 * ({@code kernel_ms}, {@code floor_kernel_ms}, {@code peer_kernel_ms}), which is what PyTorch's
 * CUDA-event timings ({@code bench/torch_peer.py}) compare with.
 *
 * <p>On OpenCL the bench also times host-resident data ({@code backend} "opencl-host"): a host
 * call ({@code Unfold.apply(input, output, backend)}, upload, kernel and download) against the
 * bare transfer of the same data, a blocking upload of the input and a blocking download of the
 * output between the same host arrays and preallocated device buffers.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"Time unfold and fold on the standard shapes (conv3x3, vit16, tile256, dilated, seed) and "
                + "print the median time, GB/s moved (input + output bytes) and the ratio to the copy floor of the "
                + "same bytes measured in the same run (System.arraycopy on Java, clEnqueueCopyBuffer on OpenCL); "
                + "on OpenCL, CLBlast's im2col/col2im (one call per image) is timed as a peer."},
        footer = {"", "Examples:", "  unfold4j bench --quick", "  unfold4j bench --backend all --json out/bench.json"})
final class BenchCommand extends BaseCommand {
    /** One benchmark geometry: an [N, C, H, W] input and a square window. */
    record Shape(String name, int n, int c, int h, int w, int k, int s, int p, int d, int kw) {
        Shape(String name, int n, int c, int h, int w, int k, int s, int p, int d) {
            this(name, n, c, h, w, k, s, p, d, k);
        }

        Window window() {
            return new Window(k, kw, d, d, p, p, s, s);
        }

        long[] input() {
            return new long[] {n, c, h, w};
        }

        String describe() {
            return String.format(Locale.ROOT, "[%d, %d, %d, %d] k%s s%d p%d d%d", n, c, h, w,
                    k == kw ? String.valueOf(k) : "(" + k + ", " + kw + ")", s, p, d);
        }
    }

    /** The performance issue's standard shapes. */
    static final List<Shape> STANDARD = List.of(
            new Shape("conv3x3", 8, 64, 112, 112, 3, 1, 1, 1),
            new Shape("vit16", 32, 3, 224, 224, 16, 16, 0, 1),
            new Shape("tile256", 1, 3, 2048, 2048, 256, 128, 0, 1),
            new Shape("dilated", 8, 32, 64, 64, 3, 1, 2, 2),
            new Shape("seed", 2, 5, 3, 4, 2, 1, 0, 1, 3));

    /** {@code --quick}: the same geometries with smaller batches or images, so a run takes seconds. */
    static final List<Shape> QUICK = List.of(
            new Shape("conv3x3", 1, 64, 112, 112, 3, 1, 1, 1),
            new Shape("vit16", 4, 3, 224, 224, 16, 16, 0, 1),
            new Shape("tile256", 1, 3, 1024, 1024, 256, 128, 0, 1),
            new Shape("dilated", 2, 32, 64, 64, 3, 1, 2, 2),
            new Shape("seed", 2, 5, 3, 4, 2, 1, 0, 1, 3));

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "auto|java|opencl|all",
            description = "Backend(s) to time; all = java and, when available, opencl (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--device", paramLabel = "NAME", description = "The OpenCL device whose name contains NAME.")
    String device;

    @Option(names = "--quick", description = "Fewer repetitions and smaller batches/images: a few seconds.")
    boolean quick;

    @Option(names = "--shapes", split = ",", paramLabel = "NAME",
            description = "Only these shapes (default: all of conv3x3, vit16, tile256, dilated, seed).")
    List<String> shapes;

    @Option(names = "--reps", paramLabel = "N",
            description = "Timed repetitions per measurement (default: 10, 3 with --quick; 50x that for seed).")
    Integer reps;

    @Option(names = "--torch-cpu", paramLabel = "COMMAND",
            description = "Also time PyTorch's F.unfold / F.fold on the CPU, call by call between the Java backend's "
                    + "calls: COMMAND starts the peer, e.g. \"/usr/bin/python3 bench/torch_cpu_peer.py\" "
                    + "(Java backend only).")
    String torchCpu;

    @Option(names = "--json", paramLabel = "FILE",
            description = "Also write the results as a JSON array, one object per shape x op x backend.")
    Path json;

    /**
     * One measured row. The kernel times (OpenCL only, NaN elsewhere) are medians of the devices'
     * profiling events: the kernel alone, the copy, and CLBlast's kernels summed over its calls.
     */
    record Row(Shape shape, String op, String backend, String device, double medianMs, double floorMs,
               double peerMs, long bytes, int reps, double kernelMs, double floorKernelMs, double peerKernelMs,
               Boolean overlap) {
        Row(Shape shape, String op, String backend, String device, double medianMs, double floorMs, double peerMs,
            long bytes, int reps) {
            this(shape, op, backend, device, medianMs, floorMs, peerMs, bytes, reps, Double.NaN, Double.NaN, Double.NaN, null);
        }

        double ratio() {
            return medianMs / floorMs;
        }

        double gbps() {
            return bytes / (medianMs * 1e6);
        }
    }

    private Progress progress;
    /** The PyTorch CPU peer while the Java backend is timed with --torch-cpu, else null. */
    private TorchCpuPeer torchPeer;

    @Override
    public Integer call() {
        List<Shape> selected = select();
        int r = reps == null ? (quick ? 3 : 10) : reps;
        if (r < 1) {
            throw new BadInputException("--reps must be at least 1, but got " + r);
        }
        String request = backend.trim().toLowerCase(Locale.ROOT);
        List<ChosenBackend> opened = new ArrayList<>();
        OutputFiles jsonFiles = null;
        try {
            if (request.equals("all")) {
                if (device != null) {
                    throw new BadInputException("--device cannot be combined with --backend all; use --backend opencl");
                }
                opened.add(ChosenBackend.open("java", null));
                if (org.unfold4j.OpenCLRuntime.get().available()) {
                    opened.add(ChosenBackend.open("opencl", null));
                } else {
                    say("opencl skipped: %s", org.unfold4j.OpenCLRuntime.get().unavailableReason());
                }
            } else {
                opened.add(ChosenBackend.open(request, device));
            }
            if (torchCpu != null && opened.stream().allMatch(b -> b.openCLOrNull() != null)) {
                throw new BadInputException("--torch-cpu times PyTorch beside the Java backend; use --backend java or all");
            }
            if (json != null) {
                Path parent = json.toAbsolutePath().getParent();
                if (Files.isDirectory(json)) {
                    throw new BadInputException("--json " + json + " is a directory, not a file");
                }
                jsonFiles = OutputFiles.open(parent);
            }
            for (ChosenBackend b : opened) {
                say("backend: %s", b.describe());
            }
            say("cores check: two busy threads ran %.2fx the throughput of one (of %d available processors)",
                    coresCheck(), Runtime.getRuntime().availableProcessors());
            say("%s, %d timed repetitions (median)%s", quick ? "quick run: smaller shapes" : "standard shapes", r,
                    quick ? "" : "; seed uses " + 50 * r);
            int steps = 0;
            for (ChosenBackend b : opened) {
                steps += selected.size() * (b.openCLOrNull() == null ? 1 : 2);
            }
            progress = new Progress(spec.commandLine().getErr(), steps);
            List<Row> rows = new ArrayList<>();
            for (ChosenBackend b : opened) {
                if (b.openCLOrNull() == null) {
                    b.warmUp();  // OpenCL runs on the profiling backend below, which warms up in untimed rounds
                }
                // OpenCL runs on a profiling backend on the chosen device: kernel times from events.
                OpenCLBackend profiled = b.openCLOrNull() == null ? null : OpenCLBackend.createProfiled(b.openCLOrNull().device());
                if (torchCpu != null && profiled == null) {
                    torchPeer = new TorchCpuPeer(torchCpu);
                    say("peer: %s (%s)", torchPeer.info(), torchCpu);
                }
                try {
                    for (Shape s : selected) {
                        int n = s.name().equals("seed") ? 50 * r : r;
                        rows.addAll(profiled == null ? benchJava(s, n, b.backend()) : benchOpenCL(s, n, profiled));
                    }
                } finally {
                    if (profiled != null) {
                        profiled.close();
                    }
                    if (torchPeer != null) {
                        torchPeer.close();
                        torchPeer = null;
                    }
                }
            }
            progress.done();
            printTable(rows);
            if (jsonFiles != null) {
                String text = toJson(rows, quick);
                String name = json.getFileName().toString();
                jsonFiles.write(name, f -> Files.writeString(f, text, StandardCharsets.UTF_8));
                sayWritten(jsonFiles.commit());
            }
        } finally {
            if (jsonFiles != null) {
                jsonFiles.close();
            }
            opened.forEach(ChosenBackend::close);
        }
        return 0;
    }

    private List<Shape> select() {
        List<Shape> all = quick ? QUICK : STANDARD;
        if (shapes == null || shapes.isEmpty()) {
            return all;
        }
        List<Shape> chosen = new ArrayList<>();
        for (String name : shapes) {
            Shape s = all.stream().filter(x -> x.name().equalsIgnoreCase(name.trim())).findFirst()
                    .orElseThrow(() -> new BadInputException("--shapes: no shape named '" + name
                            + "'; the shapes are conv3x3, vit16, tile256, dilated, seed"));
            chosen.add(s);
        }
        return chosen;
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

    private List<Row> benchJava(Shape s, int reps, Backend java) {
        Window win = s.window();
        Unfold unfold = Unfold.of(win);
        Fold fold = Fold.of(s.h(), s.w(), win);
        Tensor x = filled(s.input());
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
        List<TimedCall> calls = new ArrayList<>(List.of((rep, timed) -> {
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
        double[] ms = interleaved(warm, reps, calls.toArray(new TimedCall[0]));
        String dev = java.deviceName();
        List<Row> rows = new ArrayList<>(List.of(new Row(s, "unfold", "java", dev, ms[0], ms[2], Double.NaN, bytes, reps),
                new Row(s, "fold", "java", dev, ms[1], ms[2], Double.NaN, bytes, reps),
                new Row(s, "unfold", "java-alloc", dev, ms[3], ms[2], Double.NaN, bytes, reps),
                new Row(s, "fold", "java-alloc", dev, ms[4], ms[2], Double.NaN, bytes, reps)));
        if (torchPeer != null) {
            rows.add(new Row(s, "unfold", "torch-cpu", torchPeer.info(), ms[5], ms[2], Double.NaN, bytes, reps));
            rows.add(new Row(s, "fold", "torch-cpu", torchPeer.info(), ms[6], ms[2], Double.NaN, bytes, reps));
        }
        return rows;
    }

    private List<Row> benchOpenCL(Shape s, int reps, OpenCLBackend cl) {
        Window win = s.window();
        Unfold unfold = Unfold.of(win);
        Fold fold = Fold.of(s.h(), s.w(), win);
        Tensor x = filled(s.input());
        int warm = s.name().equals("seed") ? 200 : Math.max(1, reps / 5);
        boolean blast = Filters.clBlastUnavailableReason() == null;
        try (DeviceTensor dx = cl.upload(x); DeviceTensor dcols = unfold.apply(dx);
             DeviceTensor colsOut = unfold.apply(dx); DeviceTensor imageOut = fold.apply(dcols);
             DeviceTensor copyFrom = cl.upload(Tensor.zeros(4 * (dx.elementCount() + dcols.elementCount()) / 8));
             DeviceTensor copyTo = cl.upload(Tensor.zeros(copyFrom.elementCount()));
             DeviceTensor scratchCols = cl.upload(Tensor.zeros(blast ? dcols.elementCount() : 0));
             DeviceTensor scratchImage = cl.upload(Tensor.zeros(blast ? dx.elementCount() : 0))) {
            long bytes = 4 * (dx.elementCount() + dcols.elementCount());
            long half = copyFrom.elementCount();
            long[][] kernels = new long[5][reps];  // unfold, fold, copy, CLBlast im2col, CLBlast col2im
            List<TimedCall> calls = new ArrayList<>(List.of((rep, timed) -> {
                long t0 = System.nanoTime();
                unfold.apply(dx, colsOut);
                colsOut.await();
                long t = System.nanoTime() - t0;
                record(timed, kernels[0], rep, colsOut.computeNanos());
                return t;
            }, (rep, timed) -> {
                long t0 = System.nanoTime();
                fold.apply(dcols, imageOut);
                imageOut.await();
                long t = System.nanoTime() - t0;
                record(timed, kernels[1], rep, imageOut.computeNanos());
                return t;
            }, (rep, timed) -> {
                long t0 = System.nanoTime();
                cl_event copy = new cl_event();
                cl.interop((queue, m) -> {
                    check(clEnqueueCopyBuffer(queue, m[0], m[1], 0, 0, half * 4, 0, null, copy), "clEnqueueCopyBuffer");
                    return null;
                }, copyFrom, copyTo);  // interop waits for the queue to finish
                long t = System.nanoTime() - t0;
                record(timed, kernels[2], rep, kernelNanos(copy));
                return t;
            }));
            if (blast) {
                calls.add(clBlast(s, cl, true, dx, scratchCols, kernels[3]));
                calls.add(clBlast(s, cl, false, dcols, scratchImage, kernels[4]));
            }
            progress.step(s.name() + " opencl" + (blast ? " and CLBlast" : ""));
            double[] ms = interleaved(warm, reps, calls.toArray(new TimedCall[0]));
            double peerUnfold = blast ? ms[3] : Double.NaN, peerFold = blast ? ms[4] : Double.NaN;
            String dev = cl.deviceName();
            double copyKernelMs = medianMs(kernels[2]);
            List<Row> rows = new ArrayList<>(List.of(
                    new Row(s, "unfold", "opencl", dev, ms[0], ms[2], peerUnfold, bytes, reps,
                            medianMs(kernels[0]), copyKernelMs, blast ? medianMs(kernels[3]) : Double.NaN, null),
                    new Row(s, "fold", "opencl", dev, ms[1], ms[2], peerFold, bytes, reps,
                            medianMs(kernels[1]), copyKernelMs, blast ? medianMs(kernels[4]) : Double.NaN, null)));
            rows.addAll(benchHostResident(s, reps, warm, cl, unfold, fold, x, bytes));
            return rows;
        }
    }

    /**
     * CLBlast's im2col (or col2im) of shape s from {@code from} into {@code to}, one call per image
     * as its users must, waited for; each timed call's summed kernel time goes to {@code kernels}.
     */
    private static TimedCall clBlast(Shape s, OpenCLBackend cl, boolean im2col, DeviceTensor from, DeviceTensor to,
                                     long[] kernels) {
        long fromPer = from.elementCount() / s.n(), toPer = to.elementCount() / s.n();  // one image's elements
        return (rep, timed) -> {
            long t0 = System.nanoTime();
            cl_event[] events = new cl_event[s.n()];
            onFailureRelease(events, () -> cl.interop((queue, m) -> {
                for (int i = 0; i < s.n(); i++) {
                    events[i] = new cl_event();
                    blast(im2col
                            ? CLBlast.CLBlastSim2col(CLBlastKernelMode.CLBlastKernelModeCrossCorrelation, s.c(), s.h(),
                                    s.w(), s.k(), s.kw(), s.p(), s.p(), s.s(), s.s(), s.d(), s.d(),
                                    m[0], i * fromPer, m[1], i * toPer, queue, events[i])
                            : CLBlast.CLBlastScol2im(CLBlastKernelMode.CLBlastKernelModeCrossCorrelation, s.c(), s.h(),
                                    s.w(), s.k(), s.kw(), s.p(), s.p(), s.s(), s.s(), s.d(), s.d(),
                                    m[0], i * fromPer, m[1], i * toPer, queue, events[i]));
                }
                return null;
            }, from, to));
            long t = System.nanoTime() - t0;
            record(timed, kernels, rep, kernelNanos(events));
            return t;
        };
    }

    /** Host in, host out, against the bare transfer of the same bytes (Note [what the bench times]). */
    private List<Row> benchHostResident(Shape s, int reps, int warm, OpenCLBackend cl, Unfold unfold, Fold fold,
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
            ms = interleaved(warm, reps, (rep, timed) -> {
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
        return List.of(new Row(s, "unfold", "opencl-host", dev, ms[0], ms[1], Double.NaN, bytes, reps,
                        Double.NaN, Double.NaN, Double.NaN, overlap),
                new Row(s, "fold", "opencl-host", dev, ms[2], ms[3], Double.NaN, bytes, reps,
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

    private static void blast(int status) {
        if (status != CLBlastStatusCode.CLBlastSuccess) {
            throw new OpenCLException("CLBlast failed: " + CLBlastStatusCode.stringFor(status), null);
        }
    }

    /** A tensor of the given shape with varied values (a cheap hash of the index). */
    static Tensor filled(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] data = new float[(int) n];
        for (int i = 0; i < data.length; i++) {
            data[i] = ((i * 2654435761L) >>> 16 & 0xffff) / 65536f;
        }
        return Tensor.of(data, shape);
    }

    /** One call of a measurement: its nanoseconds; {@code rep} counts the timed calls, {@code timed} is false during warm-up. */
    interface TimedCall {
        long nanos(int rep, boolean timed);
    }

    /**
     * Medians in milliseconds of calls measured in turn (A, B, C, A, B, C, ...) after
     * {@code warm} untimed rounds, so that a shared machine slowing down or speeding up during
     * the run affects each alike and the ratios between them (to the floor, to the peer) stay
     * fair; one after the other, the seed shape's PoCL comparison with CLBlast flipped between
     * runs.
     */
    static double[] interleaved(int warm, int reps, TimedCall... calls) {
        for (int i = 0; i < warm; i++) {
            for (TimedCall call : calls) {
                call.nanos(i, false);
            }
        }
        long[][] t = new long[calls.length][reps];
        for (int i = 0; i < reps; i++) {
            for (int c = 0; c < calls.length; c++) {
                t[c][i] = calls[c].nanos(i, true);
            }
        }
        double[] ms = new double[calls.length];
        for (int c = 0; c < calls.length; c++) {
            ms[c] = medianMs(t[c]);
        }
        return ms;
    }

    /** The median of nanosecond values in milliseconds; NaN if any is negative (not measured). */
    static double medianMs(long[] nanos) {
        long[] t = nanos.clone();
        Arrays.sort(t);
        if (t.length == 0 || t[0] < 0) {
            return Double.NaN;
        }
        int n = t.length;
        double m = n % 2 == 1 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2.0;
        return m / 1e6;
    }

    /** Stores a timed call's kernel nanoseconds (-1 where the device gave none). */
    private static void record(boolean timed, long[] into, int rep, java.util.OptionalLong nanos) {
        if (timed) {
            into[rep] = nanos.orElse(-1);
        }
    }

    /** Runs {@code body}; if it throws, releases the events it had made (a CLBlast call failed midway). */
    private static void onFailureRelease(cl_event[] events, Runnable body) {
        try {
            body.run();
        } catch (RuntimeException | Error e) {
            for (cl_event ev : events) {
                if (ev != null) {
                    clReleaseEvent(ev);
                }
            }
            throw e;
        }
    }

    /** The summed device time of finished commands, from their profiling events, which it releases. */
    private static java.util.OptionalLong kernelNanos(cl_event... events) {
        long sum = 0;
        boolean all = true;
        for (cl_event e : events) {
            java.util.OptionalLong nanos = e == null ? java.util.OptionalLong.empty() : OpenCLBackend.deviceNanos(e);
            all &= nanos.isPresent();
            sum += nanos.orElse(0);
            if (e != null) {
                clReleaseEvent(e);
            }
        }
        return all ? java.util.OptionalLong.of(sum) : java.util.OptionalLong.empty();
    }

    /**
     * How many cores this process really gets (the development machines are shared): the
     * throughput of two threads spinning at once over that of one.
     */
    static double coresCheck() {
        long iterations = 30_000_000L;
        long one = spin(1, iterations);
        long two = spin(2, iterations);
        return 2.0 * one / two;
    }

    private static long spin(int threads, long iterations) {
        long[] sink = new long[threads];
        Thread[] ts = new Thread[threads];
        long t0 = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            int id = i;
            ts[i] = new Thread(() -> {
                long x = id + 1;
                for (long k = 0; k < iterations; k++) {
                    x = x * 6364136223846793005L + 1442695040888963407L;
                }
                sink[id] = x;
            });
            ts[i].start();
        }
        for (Thread t : ts) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long elapsed = System.nanoTime() - t0;
        return sink[0] == 42 ? elapsed + 1 : elapsed; // use the result so the loop is not removed
    }

    private void printTable(List<Row> rows) {
        say("");
        say("%-8s %-6s %-11s %-38s %11s %8s %10s %7s %10s %10s %7s", "shape", "op", "backend", "input / window",
                "median ms", "GB/s", "floor ms", "ratio", "peer ms", "kernel ms", "k-ratio");
        for (Row r : rows) {
            say("%-8s %-6s %-11s %-38s %11.3f %8.2f %10.3f %7.2f %10s %10s %7s", r.shape().name(), r.op(), r.backend(),
                    r.shape().describe(), r.medianMs(), r.gbps(), r.floorMs(), r.ratio(), fixed(r.peerMs(), 3),
                    fixed(r.kernelMs(), 3), fixed(r.kernelMs() / r.floorKernelMs(), 2));
        }
        say("ratio = median / floor (1.00 = as fast as copying the same bytes); peer = CLBlast im2col/col2im, "
                + "one call per image");
        if (rows.stream().anyMatch(r -> !Double.isNaN(r.kernelMs()))) {
            say("kernel ms = the device's own time for the kernel (OpenCL profiling events), k-ratio = that over the "
                    + "copy's; median and floor are timed on the host, launch and wait included");
        }
        if (rows.stream().anyMatch(r -> r.backend().equals("opencl-host"))) {
            say("opencl-host = host tensor in, host tensor out; its floor is the bare transfer (blocking upload of "
                    + "the input, download of the output)");
        }
    }

    /** The rows as a JSON array (the fields of the performance issue, plus the geometry and bytes). */
    static String toJson(List<Row> rows, boolean quick) {
        StringBuilder b = new StringBuilder("[\n");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            Shape s = r.shape();
            b.append("  {\"shape\": ").append(str(s.name()))
                    .append(", \"op\": ").append(str(r.op()))
                    .append(", \"backend\": ").append(str(r.backend()))
                    .append(", \"device\": ").append(str(r.device()))
                    .append(", \"median_ms\": ").append(num(r.medianMs()))
                    .append(", \"floor_ms\": ").append(num(r.floorMs()))
                    .append(", \"ratio\": ").append(num(r.ratio()));
            if (!Double.isNaN(r.peerMs())) {
                b.append(", \"peer_ms\": ").append(num(r.peerMs()));
            }
            if (!Double.isNaN(r.kernelMs())) {
                b.append(", \"kernel_ms\": ").append(num(r.kernelMs()));
            }
            if (!Double.isNaN(r.floorKernelMs())) {
                b.append(", \"floor_kernel_ms\": ").append(num(r.floorKernelMs()));
                if (!Double.isNaN(r.kernelMs())) {
                    b.append(", \"kernel_ratio\": ").append(num(r.kernelMs() / r.floorKernelMs()));
                }
            }
            if (!Double.isNaN(r.peerKernelMs())) {
                b.append(", \"peer_kernel_ms\": ").append(num(r.peerKernelMs()));
            }
            if (r.overlap() != null) {
                b.append(", \"overlap\": ").append(r.overlap());
            }
            b.append(", \"gbps\": ").append(num(r.gbps()))
                    .append(", \"bytes\": ").append(r.bytes())
                    .append(", \"reps\": ").append(r.reps())
                    .append(", \"quick\": ").append(quick)
                    .append(", \"input\": [").append(s.n()).append(", ").append(s.c()).append(", ").append(s.h())
                    .append(", ").append(s.w()).append("]")
                    .append(", \"kernel\": [").append(s.k()).append(", ").append(s.kw()).append("]")
                    .append(", \"stride\": ").append(s.s())
                    .append(", \"padding\": ").append(s.p())
                    .append(", \"dilation\": ").append(s.d())
                    .append(i + 1 < rows.size() ? "},\n" : "}\n");
        }
        return b.append("]\n").toString();
    }

    private static String fixed(double v, int digits) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + digits + "f", v) : "-";
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "null";
    }

    private static String str(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (ch < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** A one-line progress bar on standard error, drawn only when it is a terminal. */
    static final class Progress {
        private final java.io.PrintWriter err;
        private final int total;
        private final boolean enabled;
        private int done;

        Progress(java.io.PrintWriter err, int total) {
            Console console = System.console();
            this.err = err;
            this.total = Math.max(1, total);
            this.enabled = console != null;
        }

        void step(String what) {
            if (enabled) {
                int width = 30;
                int filled = done * width / total;
                err.print("\r[" + "#".repeat(filled) + "-".repeat(width - filled) + "] " + done + "/" + total + " "
                        + String.format(Locale.ROOT, "%-28s", what));
                err.flush();
            }
            done++;
        }

        void done() {
            if (enabled) {
                err.print("\r" + " ".repeat(70) + "\r");
                err.flush();
            }
        }
    }
}
