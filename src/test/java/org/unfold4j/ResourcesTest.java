package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Native resources of the OpenCL backend: a long loop of device calls leaks no buffer and keeps
 * the process memory flat; closing twice is harmless; use after close is an
 * {@link IllegalStateException}; a tensor (or backend) closed on one thread while another uses it
 * fails cleanly; a {@link java.lang.ref.Cleaner} releases what a caller forgot to close and logs
 * a warning.
 */
class ResourcesTest {
    /** The calls measured. */
    static final int CALLS = 100_000;
    /**
     * Calls before them, while the resident set still grows as the JIT compiles and PoCL's and
     * malloc's pools fill. It levelled off after about 60,000 calls on PoCL before the device
     * ordering bookkeeping (Note [device ordering] in DeviceBuffer), and after about 100,000 since:
     * measured with LeakLoop on PoCL, 4 runs each, the low-water mark rose by 0.3 to 16 MiB over
     * calls 50,000 to 150,000 but by -8.6 to 0 MiB over calls 150,000 to 250,000 (and stayed
     * flat to 400,000), so the longer warm-up measures a plateau, not the pools filling.
     */
    static final int WARM_UP_CALLS = 150_000;
    /** The resident set is sampled every this many calls after the warm-up. */
    static final int SAMPLE_EVERY = 5_000;
    /**
     * The most the low-water mark of the resident set may rise from the first 20,000 measured
     * calls to the last 20,000: 8 MiB, about 120 bytes a call over the 70,000 calls between them.
     * Without a leak it moved by -3 to +2 MiB on PoCL; leaking one OpenCL event a call (a
     * mutation of DeviceBuffer) raised it by 17 MiB. The allocator's own swings come and go, so
     * they move the minimum little.
     */
    static final long RSS_GROWTH_LIMIT_KB = 8 * 1024;
    /** The most the live heap (after a full GC) may grow over the measured calls. */
    static final long HEAP_GROWTH_LIMIT_BYTES = 4L << 20;

    // ------------------------------------------------------------------ 100,000 calls

    /**
     * 100,000 unfold and fold calls on device-resident tensors (after 150,000 more to warm up), each
     * result closed at once, every 1,000th downloaded and checked. Runs in a child JVM with a fixed, pre-touched 64 MiB heap,
     * the serial collector and two malloc arenas, so that the resident set measures native memory
     * (OpenCL buffers, events, PoCL's bookkeeping) rather than the heap growing into its
     * reservation or per-thread arenas coming and going.
     */
    @Test
    void hundredThousandDeviceCallsLeaveBuffersAndMemoryFlat() throws Exception {
        String device = TestBackends.openCL().deviceName();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xms64m", "-Xmx64m", "-XX:+AlwaysPreTouch",
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), LeakLoop.class.getName(), device,
                String.valueOf(WARM_UP_CALLS + CALLS), String.valueOf(WARM_UP_CALLS), String.valueOf(SAMPLE_EVERY)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        Process child = builder.start();
        byte[] out;
        try {
            CompletableOutput reader = new CompletableOutput(child);
            assertTrue(child.waitFor(180, TimeUnit.SECONDS), "the loop did not finish in 180 s:\n" + reader.text());
            out = reader.bytes();
        } finally {
            child.destroyForcibly();
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, child.exitValue(), "the loop failed:\n" + text);
        Map<String, Long> r = LeakLoop.parse(text);
        List<Long> rss = LeakLoop.samples(text);
        assertAll(
                () -> assertEquals(WARM_UP_CALLS + CALLS, r.get("calls"), text),
                () -> assertEquals(r.get("live.start"), r.get("live.end"), "live OpenCL buffers before and after the calls:\n" + text),
                () -> assertEquals(r.get("open.start"), r.get("open.end"), "open device tensors before and after the calls:\n" + text),
                () -> assertEquals(0, r.get("live.closed"), "live OpenCL buffers after the backend closed:\n" + text),
                () -> assertTrue(r.get("heap.end") - r.get("heap.warm") < HEAP_GROWTH_LIMIT_BYTES,
                        "the live heap grew by " + (r.get("heap.end") - r.get("heap.warm")) + " bytes over "
                                + CALLS + " calls:\n" + text),
                () -> {
                    if (rss.isEmpty()) {
                        return;  // no /proc: the counts and the heap are still checked
                    }
                    int window = 20_000 / SAMPLE_EVERY;
                    assertEquals(CALLS / SAMPLE_EVERY + 1, rss.size(), text);
                    long early = Collections.min(rss.subList(0, window));
                    long late = Collections.min(rss.subList(rss.size() - window, rss.size()));
                    assertTrue(late - early < RSS_GROWTH_LIMIT_KB, "the resident set's low-water mark rose by "
                            + (late - early) + " KiB (limit " + RSS_GROWTH_LIMIT_KB + " KiB) over " + CALLS
                            + " calls; samples (KiB, every " + SAMPLE_EVERY + " calls): " + rss + "\n" + text);
                });
    }

    /** Collects a child's output on a thread of its own, so that a full pipe cannot stall it. */
    static final class CompletableOutput {
        private final java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        private final Thread thread;

        CompletableOutput(Process p) {
            thread = new Thread(() -> {
                try {
                    p.getInputStream().transferTo(buffer);
                } catch (IOException e) {
                    // the process went away; what was read is kept
                }
            }, "child output");
            thread.setDaemon(true);
            thread.start();
        }

        byte[] bytes() throws InterruptedException {
            thread.join(10_000);
            synchronized (buffer) {
                return buffer.toByteArray();
            }
        }

        String text() {
            synchronized (buffer) {
                return buffer.toString(StandardCharsets.UTF_8);
            }
        }
    }

    /** The child process of {@link #hundredThousandDeviceCallsLeaveBuffersAndMemoryFlat()}. */
    static final class LeakLoop {
        public static void main(String[] args) throws Exception {
            String device = args[0];
            int calls = Integer.parseInt(args[1]), warmUp = Integer.parseInt(args[2]), every = Integer.parseInt(args[3]);
            Tensor image = RandomCases.tensor(new Random(5), 1, 2, 6, 6);
            Unfold unfold = Unfold.of(3).withPadding(1);
            Fold fold = Fold.of(6, 6, unfold.window());
            Tensor expectedCols = unfold.apply(image, Backend.java());
            Tensor expectedImage = fold.apply(expectedCols, Backend.java());
            OpenCLBackend cl = Backend.openCL(device);
            try {
                try (DeviceTensor x = cl.upload(image)) {
                    report("live.start", cl.openCLEngine().liveBufferCount());
                    report("open.start", cl.openTensorCount());
                    int done = 0;
                    for (int i = 0; done < calls; i++) {
                        if (done == warmUp) {
                            report("heap.warm", liveHeap());
                        }
                        if (done >= warmUp && (done - warmUp) % every == 0) {
                            long rss = rssKb();
                            if (rss >= 0) {
                                System.out.println("LEAK-LOOP-RSS " + rss);
                            }
                        }
                        try (DeviceTensor cols = unfold.apply(x); DeviceTensor back = fold.apply(cols)) {
                            done += 2;
                            if (i % 1000 == 0 && !(expectedCols.equals(cols.download())
                                    && expectedImage.equals(back.download()))) {
                                throw new AssertionError("a wrong result at iteration " + i);
                            }
                        }
                    }
                    long rss = rssKb();
                    if (rss >= 0) {
                        System.out.println("LEAK-LOOP-RSS " + rss);
                    }
                    report("calls", done);
                    report("live.end", cl.openCLEngine().liveBufferCount());
                    report("open.end", cl.openTensorCount());
                    report("heap.end", liveHeap());
                }
            } finally {
                cl.close();
            }
            report("live.closed", cl.openCLEngine().liveBufferCount());
        }

        private static void report(String key, long value) {
            System.out.println("LEAK-LOOP " + key + "=" + value);
        }

        static Map<String, Long> parse(String output) {
            Map<String, Long> values = new HashMap<>();
            for (String line : output.split("\n")) {
                if (line.startsWith("LEAK-LOOP ")) {
                    String[] kv = line.substring(10).trim().split("=");
                    values.put(kv[0], Long.parseLong(kv[1]));
                }
            }
            for (String key : List.of("calls", "live.start", "live.end", "open.start", "open.end", "live.closed",
                    "heap.warm", "heap.end")) {
                assertTrue(values.containsKey(key), "the loop did not report " + key + ":\n" + output);
            }
            return values;
        }

        static List<Long> samples(String output) {
            List<Long> rss = new ArrayList<>();
            for (String line : output.split("\n")) {
                if (line.startsWith("LEAK-LOOP-RSS ")) {
                    rss.add(Long.parseLong(line.substring(14).trim()));
                }
            }
            return rss;
        }
    }

    /** VmRSS of this process in KiB, or -1 where /proc is missing. */
    static long rssKb() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** Used heap after full collections. */
    static long liveHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    // ------------------------------------------------------------------ close, use after close

    @Test
    void closingTwiceIsHarmlessAndUseAfterCloseIsIllegalState() {
        OpenCLBackend cl = Backend.openCL(TestBackends.openCL().deviceName());
        try {
            Tensor image = RandomCases.tensor(new Random(3), 2, 3, 5, 5);
            Unfold unfold = Unfold.of(2);
            Fold fold = Fold.of(5, 5, 2, 2);
            DeviceTensor x = cl.upload(image);
            DeviceTensor cols = unfold.apply(x);
            assertEquals(2, cl.openCLEngine().liveBufferCount());
            x.close();
            assertDoesNotThrow(x::close);
            assertTrue(x.isClosed());
            assertFalse(cols.isClosed(), "closing the input leaves the output alone");
            assertEquals(unfold.apply(image, Backend.java()), cols.download(),
                    "an output computed before its input was closed keeps its values");
            assertThrows(IllegalStateException.class, x::download);
            assertThrows(IllegalStateException.class, () -> unfold.apply(x));
            assertEquals(1, cl.openCLEngine().liveBufferCount());
            assertEquals(1, cl.openTensorCount());
            cols.close();
            cols.close();
            assertThrows(IllegalStateException.class, () -> fold.apply(cols));
            assertEquals(0, cl.openCLEngine().liveBufferCount());
            assertEquals(0, cl.openTensorCount());

            DeviceTensor y = cl.upload(image);
            cl.close();
            assertDoesNotThrow(cl::close);
            assertTrue(y.isClosed(), "closing the backend closes its tensors");
            assertDoesNotThrow(y::close);
            assertEquals(0, cl.openCLEngine().liveBufferCount());
            assertThrows(IllegalStateException.class, y::download);
            assertThrows(IllegalStateException.class, () -> cl.upload(image));
            assertThrows(IllegalStateException.class, () -> unfold.apply(image, cl));
            assertThrows(IllegalStateException.class, () -> fold.apply(unfold.apply(image, Backend.java()), cl));
        } finally {
            cl.close();
        }
    }

    /**
     * A device tensor closed on one thread while another thread unfolds and folds it in a loop:
     * the user thread sees correct results until it sees an {@link IllegalStateException}, and
     * nothing else (no other exception, no wrong values, no crash). Repeated with the close at
     * varied moments, then the same with the output tensor and with the whole backend.
     */
    @Test
    void closingWhileAnotherThreadUsesTheTensorFailsCleanly() throws Exception {
        String device = TestBackends.openCL().deviceName();
        Tensor image = RandomCases.tensor(new Random(9), 2, 2, 9, 7);
        Unfold unfold = Unfold.of(3, 2).withPadding(1).withStride(2, 1);
        Fold fold = Fold.of(9, 7, unfold.window());
        Tensor expectedCols = unfold.apply(image, Backend.java());
        Tensor expectedImage = fold.apply(expectedCols, Backend.java());
        Random timing = new Random(17);
        int cleanFailures = 0;
        try (OpenCLBackend cl = Backend.openCL(device)) {
            for (int round = 0; round < 60; round++) {
                int target = round % 3;  // 0: the input, 1: an output the user thread reads, 2: the backend
                OpenCLBackend backend = target == 2 ? Backend.openCL(device) : cl;
                DeviceTensor x = backend.upload(image);
                AtomicReference<DeviceTensor> current = new AtomicReference<>();
                AtomicInteger iterations = new AtomicInteger();
                AtomicReference<Throwable> unexpected = new AtomicReference<>();
                AtomicReference<IllegalStateException> ended = new AtomicReference<>();
                CountDownLatch started = new CountDownLatch(1);
                Thread user = new Thread(() -> {
                    try {
                        for (int i = 0; i < 100_000; i++) {
                            started.countDown();
                            try (DeviceTensor cols = unfold.apply(x)) {
                                current.set(cols);
                                Tensor c = cols.download();
                                try (DeviceTensor back = fold.apply(cols)) {
                                    Tensor b = back.download();
                                    if (!expectedCols.equals(c) || !expectedImage.equals(b)) {
                                        throw new AssertionError("a wrong result at iteration " + i);
                                    }
                                }
                            }
                            iterations.incrementAndGet();
                        }
                    } catch (IllegalStateException e) {
                        ended.set(e);
                    } catch (Throwable t) {
                        unexpected.set(t);
                    }
                }, "user " + round);
                user.start();
                assertTrue(started.await(10, TimeUnit.SECONDS));
                int wait = timing.nextInt(4);
                long until = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(timing.nextInt(3000));
                while (iterations.get() < wait && user.isAlive() || System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                if (target == 0) {
                    x.close();
                } else if (target == 1) {
                    DeviceTensor c = current.get();
                    if (c != null) {
                        c.close();  // maybe the one being downloaded or folded now, maybe an older one
                    }
                    x.close();      // so that the loop ends
                } else {
                    backend.close();
                }
                user.join(30_000);
                assertFalse(user.isAlive(), "round " + round + ": the user thread did not end");
                if (unexpected.get() != null) {
                    throw new AssertionError("round " + round + " (closing " + new String[] {"the input", "an output",
                        "the backend"}[target] + "): the user thread failed with something else than an "
                            + "IllegalStateException", unexpected.get());
                }
                assertTrue(ended.get() != null, "round " + round + ": the loop ended without an IllegalStateException");
                cleanFailures++;
                x.close();
                if (target == 2) {
                    assertEquals(0, backend.openCLEngine().liveBufferCount(), "round " + round);
                } else {
                    assertEquals(0, cl.openCLEngine().liveBufferCount(), "round " + round + ": every buffer released");
                    assertEquals(0, cl.openTensorCount(), "round " + round);
                }
            }
            // The backend still works after all that.
            try (DeviceTensor x = cl.upload(image); DeviceTensor cols = unfold.apply(x)) {
                assertEquals(expectedCols, cols.download());
            }
        }
        assertEquals(60, cleanFailures);
    }

    // ------------------------------------------------------------------ the cleaner

    /** Strongly held, so that java.util.logging keeps the handler's logger. */
    private static final Logger LOGGER = Logger.getLogger("org.unfold4j");

    /**
     * Device tensors dropped without closing are released by the cleaner once collected (the
     * live buffer count returns to its baseline) and each release logs a WARNING through
     * System.Logger "org.unfold4j" (java.util.logging, the default backend).
     */
    @Test
    void theCleanerReleasesForgottenTensorsAndWarns() throws Exception {
        List<LogRecord> records = Collections.synchronizedList(new ArrayList<>());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        handler.setLevel(Level.ALL);
        LOGGER.addHandler(handler);
        try (OpenCLBackend cl = Backend.openCL(TestBackends.openCL().deviceName())) {
            int leaked = forgetTensors(cl, 10);
            assertEquals(2 * leaked, cl.openCLEngine().liveBufferCount(), "the forgotten tensors hold their buffers until collected");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while ((cl.openCLEngine().liveBufferCount() > 0 || countWarnings(records) < 2 * leaked) && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(50);
            }
            assertEquals(0, cl.openCLEngine().liveBufferCount(), "buffers still live after collecting the forgotten tensors");
            assertEquals(0, cl.openTensorCount());
            assertEquals(2 * leaked, countWarnings(records), "one WARNING per forgotten tensor; records: "
                    + records.stream().map(r -> r.getLevel() + " " + r.getMessage()).toList());
            // The backend is unharmed.
            Tensor image = RandomCases.tensor(new Random(2), 1, 1, 4, 4);
            try (DeviceTensor x = cl.upload(image)) {
                assertEquals(image, x.download());
            }
        } finally {
            LOGGER.removeHandler(handler);
        }
    }

    /** The marker in the forgotten tensors' shapes, so that other tests' leaks do not count. */
    private static final String MARKER = "[1, 3, 7, 13]";

    private static long countWarnings(List<LogRecord> records) {
        synchronized (records) {
            return records.stream().filter(r -> r.getLevel() == Level.WARNING && r.getMessage() != null
                    && r.getMessage().contains("never closed")
                    && (r.getMessage().contains(MARKER) || r.getMessage().contains("[1, 12, 72]"))).count();
        }
    }

    /** Uploads and unfolds {@code n} tensors and drops every reference to them. */
    private static int forgetTensors(OpenCLBackend cl, int n) {
        Tensor image = Tensor.of(new int[3 * 7 * 13], 1, 3, 7, 13);
        for (int i = 0; i < n; i++) {
            DeviceTensor x = cl.upload(image);
            Unfold.of(2).apply(x);  // the output [1, 12, 72] is dropped too
        }
        return n;
    }
}
