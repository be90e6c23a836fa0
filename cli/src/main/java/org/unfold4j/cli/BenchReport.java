package org.unfold4j.cli;

import java.util.List;
import java.util.Locale;

/** What {@code unfold4j bench} measured: its rows, printed as a table and written as JSON. */
final class BenchReport {
    private BenchReport() {
    }

    /**
     * One measured row. The kernel times (OpenCL only, NaN elsewhere) are medians of the devices'
     * profiling events: the kernel alone, the copy, and CLBlast's kernels summed over its calls.
     */
    record Row(BenchShape shape, String op, String backend, String device, double medianMs, double floorMs,
               double peerMs, long bytes, int reps, double kernelMs, double floorKernelMs, double peerKernelMs,
               Boolean overlap) {
        Row(BenchShape shape, String op, String backend, String device, double medianMs, double floorMs, double peerMs,
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

    /** The rows as the table the command prints, with the notes its columns need. */
    static void printTable(BaseCommand cmd, List<Row> rows) {
        cmd.say("");
        cmd.say("%-8s %-6s %-11s %-38s %11s %8s %10s %7s %10s %10s %7s", "shape", "op", "backend", "input / window",
                "median ms", "GB/s", "floor ms", "ratio", "peer ms", "kernel ms", "k-ratio");
        for (Row r : rows) {
            cmd.say("%-8s %-6s %-11s %-38s %11.3f %8.2f %10.3f %7.2f %10s %10s %7s", r.shape().name(), r.op(), r.backend(),
                    r.shape().describe(), r.medianMs(), r.gbps(), r.floorMs(), r.ratio(), fixed(r.peerMs(), 3),
                    fixed(r.kernelMs(), 3), fixed(r.kernelMs() / r.floorKernelMs(), 2));
        }
        cmd.say("ratio = median / floor (1.00 = as fast as copying the same bytes); peer = CLBlast im2col/col2im, "
                + "one call per image");
        if (rows.stream().anyMatch(r -> !Double.isNaN(r.kernelMs()))) {
            cmd.say("kernel ms = the device's own time for the kernel (OpenCL profiling events), k-ratio = that over the "
                    + "copy's; median and floor are timed on the host, launch and wait included");
        }
        if (rows.stream().anyMatch(r -> r.backend().equals("opencl-host"))) {
            cmd.say("opencl-host = host tensor in, host tensor out; its floor is the bare transfer (blocking upload of "
                    + "the input, download of the output)");
        }
    }

    /** The rows as a JSON array (the fields of the performance issue, plus the geometry and bytes). */
    static String toJson(List<Row> rows, boolean quick) {
        StringBuilder b = new StringBuilder("[\n");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            BenchShape s = r.shape();
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
}
