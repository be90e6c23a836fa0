package org.unfold4j;

import org.unfold4j.internal.opencl.ClCalls;
import org.unfold4j.internal.opencl.Programs;
import static org.jocl.CL.CL_OUT_OF_RESOURCES;
import static org.jocl.CL.CL_SUCCESS;
import static org.jocl.CL.clCreateContext;
import static org.jocl.CL.clReleaseContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The fault-injection seam ({@link ClCalls#failCall(long)}) makes the Nth checked OpenCL call of
 * an operation fail with {@code CL_OUT_OF_RESOURCES}, for every N from 1 until the operation
 * makes fewer than N calls, so every call of the operation fails once. After each injected
 * failure: only an {@link OpenCLException} escapes (the injected one), no result differs from the
 * Java backend's (a host call that splits its batch may absorb the fault by retrying a smaller
 * chunk, and then must be complete and exact), the buffer and tensor counts return to their
 * baseline once the caller closed what it got, and the next call, with the fault disarmed, works
 * and is exact. Run on a warm backend (programs built, queue made) and on a cold one per N (so
 * program, kernel and queue creation fail too).
 */
class FaultInjectionTest {
    /** A bound on N, far above the calls of any operation below (about 30 when cold). */
    static final int MAX_CALLS = 150;

    static final Unfold UNFOLD = Unfold.of(3, 2).withPadding(1).withStride(1, 2).withPaddingMode(PaddingMode.REFLECT);
    static final Fold FOLD = Fold.of(7, 6, UNFOLD.window()).withMode(FoldMode.MEAN);
    static final Tensor BATCH = RandomCases.tensor(new Random(11), 3, 2, 7, 6);
    static final Tensor SINGLE = RandomCases.tensor(new Random(12), 2, 7, 6);

    /** One operation as a caller writes it (closing what it makes), and whether a fault may be absorbed. */
    record Operation(String name, Function<OpenCLBackend, Tensor> run, Tensor expected, boolean mayRetry) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Operation> operations() {
        Tensor batchCols = UNFOLD.apply(BATCH, Backend.java());
        Tensor singleCols = UNFOLD.apply(SINGLE, Backend.java());
        return List.of(
                new Operation("host unfold, batch of 3", cl -> UNFOLD.apply(BATCH, cl), batchCols, true),
                new Operation("host unfold, unbatched", cl -> UNFOLD.apply(SINGLE, cl), singleCols, false),
                new Operation("host fold, batch of 3", cl -> FOLD.apply(batchCols, cl), FOLD.apply(batchCols, Backend.java()), true),
                new Operation("host fold, unbatched", cl -> FOLD.apply(singleCols, cl), FOLD.apply(singleCols, Backend.java()), false),
                new Operation("device chain upload, unfold, fold, download", cl -> {
                    try (DeviceTensor x = cl.upload(BATCH); DeviceTensor c = UNFOLD.apply(x); DeviceTensor back = FOLD.apply(c)) {
                        return back.download();
                    }
                }, FOLD.apply(batchCols, Backend.java()), false));
    }

    @TestFactory
    Stream<DynamicTest> everyCallFailsOnceOnAWarmBackend() {
        return operations().stream().map(op -> DynamicTest.dynamicTest(op.name(), () -> {
            try (OpenCLBackend cl = Backend.openCL(TestBackends.openCL().deviceName())) {
                assertExact(op, op.run().apply(cl), "warm-up");
                sweep(op, n -> cl, false);
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyCallFailsOnceOnAColdBackend() {
        String device = TestBackends.openCL().deviceName();
        return operations().stream().map(op -> DynamicTest.dynamicTest(op.name(), () -> sweep(op, n -> Backend.openCL(device), true)));
    }

    /**
     * Batched host calls with overlapped transfers (on two queues and two threads; Note
     * [overlapped host calls]): a failure anywhere stops both queues and either surfaces or sends
     * the call back to the sequential path, with nothing leaked.
     */
    @TestFactory
    Stream<DynamicTest> everyCallFailsOnceInOverlappedHostCalls() {
        return operations().stream().filter(Operation::mayRetry).map(op -> DynamicTest.dynamicTest(op.name(), () -> {
            try (OpenCLBackend cl = TestBackends.withConfig(c -> c.withOverlapTransfers(true))) {
                assertExact(op, op.run().apply(cl), "warm-up");
                sweep(op, n -> cl, false);
            }
        }));
    }

    /** Fails call 1, 2, … of {@code op} until a run makes fewer calls than N. */
    private static void sweep(Operation op, Function<Integer, OpenCLBackend> backendFor, boolean closeEach) {
        int failures = 0, absorbed = 0;
        for (int n = 1; n <= MAX_CALLS; n++) {
            OpenCLBackend cl = backendFor.apply(n);
            try {
                int live = TestBackends.buffersBeyondTheCache(cl), open = cl.openTensorCount();
                String where = op + ", call " + n + " failing" + (closeEach ? " (cold backend)" : "");
                cl.openCLEngine().calls().failCall(n);
                Tensor result = null;
                try {
                    result = op.run().apply(cl);
                } catch (OpenCLException e) {
                    assertEquals(CL_OUT_OF_RESOURCES, e.errorCode(), where + ": not the injected failure: " + e);
                    assertTrue(e.getMessage().contains("fault injected by a test"), where + ": " + e.getMessage());
                    failures++;
                } catch (RuntimeException | Error e) {
                    throw new AssertionError(where + ": something else than an OpenCLException escaped", e);
                }
                boolean consumed = !cl.openCLEngine().calls().faultPending();
                cl.openCLEngine().calls().failCall(0);
                if (result != null) {
                    assertExact(op, result, where + ", returned despite the failure");
                    if (consumed) {
                        // Batched host calls retry a chunk; kernel builds are tried twice (Note
                        // [transient build failures] in Programs), from source or from a kept
                        // binary (Note [program binaries]); nothing else may swallow a failure.
                        String hit = cl.openCLEngine().calls().lastInjected();
                        assertTrue(op.mayRetry() || hit.startsWith("clCreateProgramWithSource")
                                        || hit.startsWith("clCreateProgramWithBinary"),
                                where + ": the failure of " + hit + " was swallowed by an operation that cannot retry");
                        absorbed++;
                    }
                }
                assertEquals(live, TestBackends.buffersBeyondTheCache(cl), where + ": OpenCL buffers leaked");
                assertEquals(open, cl.openTensorCount(), where + ": device tensors left open");
                assertExact(op, op.run().apply(cl), where + ", the next call");
                assertEquals(live, TestBackends.buffersBeyondTheCache(cl), where + ": OpenCL buffers leaked by the next call");
                if (!consumed) {
                    // The operation made fewer than n checked calls: every one of them has failed once.
                    assertTrue(n > 3, op + " made only " + (n - 1) + " OpenCL calls; the seam is not reached");
                    assertEquals(n - 1, failures + absorbed, op + ": every failed call either surfaced or was retried");
                    return;
                }
            } finally {
                if (closeEach) {
                    cl.close();
                }
            }
        }
        fail(op + " still made more than " + MAX_CALLS + " OpenCL calls");
    }

    private static void assertExact(Operation op, Tensor got, String where) {
        if (!op.expected().equals(got)) {
            fail(where + ": " + op + " differs from the Java backend: " + PropertiesTest.firstDifference(op.expected(), got));
        }
    }

    /** Many faults in a row on one backend, alternating operations: it keeps working and leaks nothing. */
    @Test
    void aBackendSurvivesAStormOfFaults() {
        try (OpenCLBackend cl = Backend.openCL(TestBackends.openCL().deviceName())) {
            List<Operation> ops = operations();
            Random r = new Random(99);
            int surfaced = 0;
            for (int i = 0; i < 300; i++) {
                Operation op = ops.get(r.nextInt(ops.size()));
                cl.openCLEngine().calls().failCall(1 + r.nextInt(12));
                try {
                    assertExact(op, op.run().apply(cl), "storm " + i);
                } catch (OpenCLException e) {
                    surfaced++;
                } finally {
                    cl.openCLEngine().calls().failCall(0);
                }
                assertEquals(0, TestBackends.buffersBeyondTheCache(cl), "storm " + i);
                assertEquals(0, cl.openTensorCount(), "storm " + i);
            }
            assertTrue(surfaced > 50, "only " + surfaced + " of 300 faults surfaced");
            for (Operation op : ops) {
                assertExact(op, op.run().apply(cl), "after the storm");
            }
        }
    }

    /**
     * A kernel that does not compile (here: kernels/unfold.cl with an element type that does not
     * exist, as a device lacking an extension would fail) is a clear OpenCLException with the
     * build log, reported the same way again on the next call (failures are not cached: Note
     * [transient build failures] in Programs). The backend cannot be made to generate a bad define,
     * so this drives its program cache directly.
     */
    @Test
    void aKernelBuildFailureIsAClearErrorWithTheBuildLog() {
        OpenCLDevice device = TestBackends.openCL().device();
        int[] err = new int[1];
        cl_context context = clCreateContext(null, 1, new cl_device_id[] {device.facts().id()}, null, null, err);
        assertEquals(CL_SUCCESS, err[0]);
        try (Programs programs = new Programs(context, device.facts(), new ClCalls())) {
            String options = programs.options("-D T=no_such_type -D INDEX_T=int -D PAD_MODE=0 -D ORDER=0");
            OpenCLException e = assertThrows(OpenCLException.class, () -> programs.get("unfold", options));
            String message = e.getMessage();
            assertTrue(message.contains("building kernels/unfold.cl") && message.contains("no_such_type")
                    && message.contains(device.name()), message);
            assertTrue(message.contains("CL_BUILD_PROGRAM_FAILURE") || message.contains("-11"), message);
            String log = message.substring(message.indexOf("build log:") + "build log:".length()).trim();
            assertFalse(log.isEmpty(), "the build log is empty: " + message);
            OpenCLException again = assertThrows(OpenCLException.class, () -> programs.get("unfold", options));
            assertEquals(message.replaceAll("tempfile_\\w+", "tempfile"), again.getMessage().replaceAll("tempfile_\\w+", "tempfile"),
                    "the failure is reported again as it was");
            // A good build on the same cache still works.
            assertSame(programs.get("unfold", programs.options("-D T=float -D INDEX_T=int -D PAD_MODE=0 -D ORDER=0")),
                    programs.get("unfold", programs.options("-D T=float -D INDEX_T=int -D PAD_MODE=0 -D ORDER=0")));
            assertThrows(IllegalStateException.class, () -> programs.get("no_such_kernel", options),
                    "a kernel source missing from the class path");
        } finally {
            clReleaseContext(context);
        }
    }

    // ------------------------------------------------------------------ builds while the JVM raises signals

    /**
     * Keeps the JVM busy raising the signals it uses internally while it runs: one thread spins
     * in Java code (so it takes safepoint polls) and another requests safepoints with
     * {@code System.gc()} every millisecond. Close it to stop.
     */
    static final class SignalStorm implements AutoCloseable {
        private volatile boolean stop;
        private final List<Thread> threads = new ArrayList<>();
        static volatile long sink;

        SignalStorm() {
            threads.add(new Thread(() -> {
                long s = 0;
                while (!stop) {
                    s += System.nanoTime() % 7;
                }
                sink = s;
            }, "spinning in Java"));
            threads.add(new Thread(() -> {
                while (!stop) {
                    System.gc();
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "requesting safepoints"));
            threads.forEach(t -> {
                t.setDaemon(true);
                t.start();
            });
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            for (Thread t : threads) {
                t.join(10_000);
            }
        }
    }

    static final String SIGNALS_EXPLAINED = "PoCL builds kernels with an in-process LLVM/clang whose signal handlers "
            + "also catch the SIGSEGVs the JVM raises on purpose (safepoint polls) and then delete clang's temporary "
            + "files, so a build overlapping a safepoint fails with 'unable to rename temporary ...'. Run the JVM with "
            + "signal chaining, LD_PRELOAD=$JAVA_HOME/lib/libjsig.so (the pom sets it for the tests)";

    /**
     * Kernel builds on fresh backends succeed while other threads run Java code and the JVM
     * brings them to safepoints, as in any busy application. On PoCL this needs JVM signal
     * chaining (the pom preloads libjsig for the tests); without it every one of these builds
     * failed here (30 of 30).
     */
    @Test
    void kernelBuildsSucceedWhileOtherThreadsRunJavaCode() throws Exception {
        String device = TestBackends.openCL().deviceName();
        Tensor image = RandomCases.tensor(new Random(13), 1, 1, 5, 5);
        Tensor cols = Unfold.of(2).apply(image, Backend.java());
        try (SignalStorm storm = new SignalStorm()) {
            for (int round = 0; round < 10; round++) {
                try (OpenCLBackend cl = Backend.openCL(device)) {
                    assertEquals(cols, Unfold.of(2).apply(image, cl));
                    assertEquals(Fold.of(5, 5, 2, 2).apply(cols, Backend.java()), Fold.of(5, 5, 2, 2).apply(cols, cl));
                } catch (OpenCLException e) {
                    throw new AssertionError("round " + round + ": a kernel build failed while other threads ran Java "
                            + "code (LD_PRELOAD=" + System.getenv("LD_PRELOAD") + "). " + SIGNALS_EXPLAINED, e);
                }
            }
        }
    }

    /**
     * A build that failed for a transient reason is tried again on the next call: the backend
     * stays usable. Provoked in a child JVM without signal chaining, where builds fail while
     * the JVM raises its signals (see above); once that stops, the same call on the same
     * backend must succeed. Skipped where no build failure could be provoked (another OpenCL
     * implementation, or a JVM that chains signals anyway).
     */
    @Test
    void aKernelBuildThatFailedTransientlyIsTriedAgain() throws Exception {
        String device = TestBackends.openCL().deviceName();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                TransientBuildFailure.class.getName(), device).redirectErrorStream(true);
        builder.environment().remove("LD_PRELOAD");
        Process child = builder.start();
        String text;
        try {
            ResourcesTest.CompletableOutput out = new ResourcesTest.CompletableOutput(child);
            assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child did not finish in 120 s:\n" + out.text());
            text = new String(out.bytes(), StandardCharsets.UTF_8);
        } finally {
            child.destroyForcibly();
        }
        assertEquals(0, child.exitValue(), text);
        Assumptions.assumeTrue(text.contains("BUILD-FAILED"), () -> "no kernel build failed in a JVM without signal "
                + "chaining here, so there is no transient failure to recover from:\n" + text);
        assertTrue(text.contains("RETRY-OK"), "after a kernel build failed while the JVM raised its signals, the same "
                + "call on the same backend still fails once they stopped: the backend remembered a transient "
                + "failure as permanent (Programs caches every failed build).\n" + text);
    }

    /** The child JVM of {@link #aKernelBuildThatFailedTransientlyIsTriedAgain()}. */
    static final class TransientBuildFailure {
        public static void main(String[] args) throws Exception {
            Tensor image = RandomCases.tensor(new Random(14), 1, 1, 5, 5);
            Unfold unfold = Unfold.of(2);
            Tensor expected = unfold.apply(image, Backend.java());
            for (int attempt = 0; attempt < 20; attempt++) {
                // A kept binary would spare the compiler (Note [program binaries]), and so the failure.
                Programs.forgetBinaries();
                OpenCLBackend cl = Backend.openCL(args[0]);
                try {
                    OpenCLException failure = null;
                    try (SignalStorm storm = new SignalStorm()) {
                        unfold.apply(image, cl);
                    } catch (OpenCLException e) {
                        failure = e;
                    }
                    if (failure == null) {
                        continue;
                    }
                    System.out.println("BUILD-FAILED attempt " + attempt + ": " + failure.getMessage());
                    try {
                        Tensor got = unfold.apply(image, cl);
                        System.out.println(expected.equals(got) ? "RETRY-OK" : "RETRY-WRONG");
                    } catch (OpenCLException e) {
                        System.out.println("RETRY-FAILED: " + e.getMessage());
                    }
                    return;
                } finally {
                    cl.close();
                }
            }
            System.out.println("NO-FAILURE in 20 attempts");
        }
    }
}
