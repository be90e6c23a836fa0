package org.unfold4j.cli;

import java.io.Console;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.unfold4j.DeviceTensor;
import org.unfold4j.OpenCLBackend;
import org.unfold4j.OpenCLRuntime;
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
 * {@link BenchTiming#interleaved}). Host-side timing includes launch and wait overhead, which matters only for the
 * tiny {@code seed} shape; so on OpenCL the bench runs on a {@linkplain OpenCLBackend#createProfiled
 * profiling backend} and also reports the kernels' own device time from their profiling events
 * ({@code kernel_ms}, {@code floor_kernel_ms}, {@code peer_kernel_ms}), which is what PyTorch's
 * CUDA-event timings ({@code bench/torch_peer.py}) compare with.
 *
 * <p>On OpenCL the bench also times host-resident data ({@code backend} "opencl-host"): a host
 * call ({@code Unfold.apply(input, output, backend)}, upload, kernel and download) against the
 * bare transfer of the same data, a blocking upload of the input and a blocking download of the
 * output between the same host arrays and preallocated device buffers.
 *
 * <p>The command's jobs are split by file: the shapes (BenchShape, from bench/shapes.tsv), the
 * timing loop (BenchTiming), what is timed on each backend (BenchRuns), the peers (ClBlastPeer,
 * TorchCpuPeer) and the report (BenchReport); this class holds the options and runs the rest.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"Time unfold and fold on the standard shapes (see --shapes) and print the median time, GB/s "
                + "moved (input + output bytes) and the ratio to the copy floor of the same bytes measured in the "
                + "same run (System.arraycopy on Java, clEnqueueCopyBuffer on OpenCL); on OpenCL, CLBlast's "
                + "im2col/col2im (one call per image) is timed as a peer."},
        footer = {"", "Examples:", "  unfold4j bench --quick", "  unfold4j bench --backend all --json out/bench.json"})
final class BenchCommand extends BaseCommand {
    @Option(names = "--backend", defaultValue = "auto", paramLabel = "auto|java|opencl|all",
            description = "Backend(s) to time; all = java and, when available, opencl (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--device", paramLabel = "NAME", description = "The OpenCL device whose name contains NAME.")
    String device;

    @Option(names = "--quick", description = "Fewer repetitions and smaller batches/images: a few seconds.")
    boolean quick;

    @Option(names = "--shapes", split = ",", paramLabel = "NAME", completionCandidates = BenchShape.Names.class,
            description = "Only these shapes (default: all of ${COMPLETION-CANDIDATES}).")
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

    @Override
    public Integer call() {
        List<BenchShape> selected = select();
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
                if (OpenCLRuntime.get().available()) {
                    opened.add(ChosenBackend.open("opencl", null));
                } else {
                    say("opencl skipped: %s", OpenCLRuntime.get().unavailableReason());
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
                    BenchTiming.coresCheck(), Runtime.getRuntime().availableProcessors());
            say("%s, %d timed repetitions (median)%s", quick ? "quick run: smaller shapes" : "standard shapes", r,
                    quick ? "" : "; seed uses " + 50 * r);
            for (BenchShape s : selected) {
                say("  %-8s %s: %s", s.name(), s.describe(), BenchShape.what(s.name()));
            }
            int steps = 0;
            for (ChosenBackend b : opened) {
                steps += selected.size() * (b.openCLOrNull() == null ? 1 : 2);
            }
            Progress progress = new Progress(spec.commandLine().getErr(), steps);
            List<BenchReport.Row> rows = new ArrayList<>();
            for (ChosenBackend b : opened) {
                if (b.openCLOrNull() == null) {
                    b.warmUp();  // OpenCL runs on the profiling backend below, which warms up in untimed rounds
                }
                // OpenCL runs on a profiling backend on the chosen device: kernel times from events.
                OpenCLBackend profiled = b.openCLOrNull() == null ? null : OpenCLBackend.createProfiled(b.openCLOrNull().device());
                TorchCpuPeer torchPeer = null;
                if (torchCpu != null && profiled == null) {
                    torchPeer = new TorchCpuPeer(torchCpu);
                    say("peer: %s (%s)", torchPeer.info(), torchCpu);
                }
                try {
                    BenchRuns runs = new BenchRuns(progress, torchPeer);
                    for (BenchShape s : selected) {
                        int n = s.name().equals("seed") ? 50 * r : r;
                        rows.addAll(profiled == null ? runs.java(s, n, b.backend()) : runs.openCL(s, n, profiled));
                    }
                } finally {
                    if (profiled != null) {
                        profiled.close();
                    }
                    if (torchPeer != null) {
                        torchPeer.close();
                    }
                }
            }
            progress.done();
            BenchReport.printTable(this, rows);
            if (jsonFiles != null) {
                String text = BenchReport.toJson(rows, quick);
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

    /**
     * The help's footer: {@code footer} followed by what each standard shape is (from shapes.tsv,
     * which the annotation cannot read; Main sets it).
     */
    static String[] footerWithShapes(String[] footer) {
        List<String> lines = new ArrayList<>(List.of(footer));
        lines.add("");
        lines.add("Shapes (bench/shapes.tsv; --quick runs the same windows on a smaller batch or image):");
        for (BenchShape s : BenchShape.standard()) {
            lines.add(String.format(Locale.ROOT, "  %-8s %s", s.name(), s.describe()));
            // Wrapped here, indented, within picocli's 80 columns (it would wrap them without the indent).
            StringBuilder line = new StringBuilder("          ");
            for (String word : BenchShape.what(s.name()).split(" ")) {
                if (line.length() + 1 + word.length() > 78) {
                    lines.add(line.toString());
                    line = new StringBuilder("          ");
                }
                line.append(' ').append(word);
            }
            lines.add(line.toString());
        }
        return lines.toArray(new String[0]);
    }

    private List<BenchShape> select() {
        List<BenchShape> all = quick ? BenchShape.quick() : BenchShape.standard();
        if (shapes == null || shapes.isEmpty()) {
            return all;
        }
        List<BenchShape> chosen = new ArrayList<>();
        for (String name : shapes) {
            BenchShape s = all.stream().filter(x -> x.name().equalsIgnoreCase(name.trim())).findFirst()
                    .orElseThrow(() -> new BadInputException("--shapes: no shape named '" + name
                            + "'; the shapes are " + new BenchShape.Names()));
            chosen.add(s);
        }
        return chosen;
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
