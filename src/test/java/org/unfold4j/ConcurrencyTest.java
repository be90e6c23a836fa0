package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One backend and one {@link Unfold} / {@link Fold} shared by 8 threads, each on its own data,
 * give the results of sequential calls bit for bit: on the Java backend, on OpenCL with host
 * tensors and with device-resident chains (starting on a fresh backend, so that the threads also
 * race to build the programs and the command queues). And an OpenCL call does not wait for
 * another thread's call to finish: there is no global lock around whole operations.
 */
class ConcurrencyTest {
    static final int THREADS = 8;
    static final int ITERATIONS = 25;

    static final Unfold UNFOLD = Unfold.of(3, 2).withDilation(1, 2).withPadding(1, 1).withStride(2, 1);
    static final Fold FOLD = Fold.of(11, 10, UNFOLD.window());

    /** Thread t's input: its own batch, channels, type and values; one spatial size for the shared fold. */
    static Tensor input(int t) {
        Random r = new Random(1000 + t);
        long[] shape = {1 + t % 3, 1 + t % 4, 11, 10};
        if (t % 2 == 0) {
            return RandomCases.tensor(r, shape);
        }
        double[] a = new double[(int) Tensor.elementCount(shape)];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextGaussian();
        }
        return Tensor.of(a, shape);
    }

    record Expected(Tensor columns, Tensor image) {
    }

    /** What each thread must get: the sequential results, computed on {@code backend} one thread at a time. */
    static List<Expected> sequential(Backend backend) {
        List<Expected> expected = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Tensor cols = UNFOLD.apply(input(t), backend);
            expected.add(new Expected(cols, FOLD.apply(cols, backend)));
        }
        return expected;
    }

    /** Runs {@code body(t)} on 8 threads released together; returns the failures, with the thread and iteration. */
    static List<Throwable> onEightThreads(ThreadBody body) throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    for (int i = 0; i < ITERATIONS; i++) {
                        try {
                            body.run(thread, i);
                        } catch (Throwable e) {
                            failures.add(new AssertionError("thread " + thread + ", iteration " + i + ": " + e, e));
                            return null;
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(300, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return failures;
    }

    interface ThreadBody {
        void run(int thread, int iteration) throws Exception;
    }

    static void assertNoFailures(List<Throwable> failures) {
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError(failures.size() + " of " + THREADS + " threads failed; first: "
                    + failures.get(0).getMessage(), failures.get(0));
            failures.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
    }

    static void check(Expected expected, Tensor cols, Tensor image, String what) {
        if (!expected.columns().equals(cols)) {
            fail(what + " unfold: " + PropertiesTest.firstDifference(expected.columns(), cols));
        }
        if (!expected.image().equals(image)) {
            fail(what + " fold: " + PropertiesTest.firstDifference(expected.image(), image));
        }
    }

    @Test
    void eightThreadsOnTheJavaBackendGetTheSequentialResults() throws Exception {
        Backend java = Backend.java();
        List<Expected> expected = sequential(java);
        assertNoFailures(onEightThreads((t, i) -> {
            Tensor cols = UNFOLD.apply(input(t), java);
            check(expected.get(t), cols, FOLD.apply(cols, java), "java");
        }));
    }

    @Test
    void eightThreadsOnOneOpenCLBackendGetTheSequentialResults() throws Exception {
        String device = TestBackends.openCL().deviceName();
        List<Expected> java = sequential(Backend.java());
        try (OpenCLBackend cl = Backend.openCL(device)) {
            // Cold: the threads race to create the queues, build the programs and create the kernels.
            assertNoFailures(onEightThreads((t, i) -> {
                Tensor in = input(t);
                Tensor cols = UNFOLD.apply(in, cl);
                check(java.get(t), cols, FOLD.apply(cols, cl), "opencl host tensors");
                try (DeviceTensor x = cl.upload(in); DeviceTensor c = UNFOLD.apply(x); DeviceTensor back = FOLD.apply(c);
                     DeviceTensor again = UNFOLD.apply(back)) {
                    // Download in the reverse order of the chain, so that the reads wait on other queues' events.
                    Tensor a = again.download();
                    check(java.get(t), c.download(), back.download(), "opencl device chain");
                    Tensor expectedAgain = UNFOLD.apply(java.get(t).image(), Backend.java());
                    if (!expectedAgain.equals(a)) {
                        fail("opencl device chain, unfold of the fold: " + PropertiesTest.firstDifference(expectedAgain, a));
                    }
                }
            }));
            assertEquals(0, TestBackends.buffersBeyondTheCache(cl), "buffers left after the threads closed everything");
            assertEquals(0, cl.openTensorCount());
            // The sequential results on the same backend are the same too.
            List<Expected> again = sequential(cl);
            for (int t = 0; t < THREADS; t++) {
                check(java.get(t), again.get(t).columns(), again.get(t).image(), "opencl sequential, thread " + t);
            }
        }
    }

    /**
     * Each step of a device chain may run on another command queue than the step before (one
     * thread's consecutive calls take the pool's queues in turn once several exist), so each
     * must wait for its input's event. With inputs large enough that a step takes a while, a
     * step that did not wait would read a half-written input.
     */
    @Test
    void deviceChainsAcrossQueuesWaitForTheirInputs() throws Exception {
        String device = TestBackends.openCL().deviceName();
        Unfold unfold = Unfold.of(5).withPadding(2);
        Fold fold = Fold.of(64, 64, unfold.window());
        Tensor image = RandomCases.tensor(new Random(8), 2, 8, 64, 64);
        Tensor cols = unfold.apply(image, Backend.java());
        Tensor back = fold.apply(cols, Backend.java());
        Tensor again = unfold.apply(back, Backend.java());
        try (OpenCLBackend cl = Backend.openCL(device)) {
            // Several threads at once make the backend open several queues.
            assertNoFailures(onEightThreads((t, i) -> {
                Tensor in = input(t);
                try (DeviceTensor x = cl.upload(in); DeviceTensor c = UNFOLD.apply(x)) {
                    assertEquals(UNFOLD.apply(in, Backend.java()), c.download());
                }
            }));
            for (int i = 0; i < 10; i++) {
                try (DeviceTensor x = cl.upload(image); DeviceTensor c = unfold.apply(x); DeviceTensor b = fold.apply(c);
                     DeviceTensor a = unfold.apply(b)) {
                    Tensor gotAgain = a.download();
                    Tensor gotBack = b.download();
                    Tensor gotCols = c.download();
                    String where = "chain " + i;
                    check(new Expected(cols, back), gotCols, gotBack, where);
                    if (!again.equals(gotAgain)) {
                        fail(where + ", unfold of the fold: " + PropertiesTest.firstDifference(again, gotAgain));
                    }
                }
            }
        }
    }

    /**
     * Thread A runs one long host call (an unfold split into thousands of chunks by a lowered
     * allocation limit, all on A's command queue); while it is in flight, thread B runs small
     * unfold, fold, upload and download calls on the same backend. B must finish long before A:
     * with a lock around whole operations B would wait for the rest of A's call. B's deadline is
     * generous (its calls' sequential time ×10 + 200 ms), and a run where A ends too soon to tell
     * is repeated with a longer A, so the test does not depend on timing luck.
     */
    @Test
    void aCallDoesNotWaitForAnotherThreadsCall() throws Exception {
        String device = TestBackends.openCL().deviceName();
        Unfold unfold = Unfold.of(3).withPadding(1);
        Fold fold = Fold.of(8, 8, unfold.window());
        Tensor small = RandomCases.tensor(new Random(4), 1, 1, 8, 8);
        Tensor smallCols = unfold.apply(small, Backend.java());
        Tensor smallBack = fold.apply(smallCols, Backend.java());
        long perImage = unfold.geometry(1, 1, 8, 8).columnElements() * 4;
        try (OpenCLBackend cl = TestBackends.withConfig(c -> c.withAllocationLimit(perImage))) {  // one image per chunk
            assertEquals(device, cl.deviceName());
            Runnable b = () -> {
                assertEquals(smallCols, unfold.apply(small, cl));
                assertEquals(smallBack, fold.apply(smallCols, cl));
                try (DeviceTensor x = cl.upload(small); DeviceTensor c = unfold.apply(x)) {
                    assertEquals(smallCols, c.download());
                }
            };
            b.run();  // builds the programs
            long t0 = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                b.run();
            }
            long bAlone = (System.nanoTime() - t0) / 3;
            long t1 = System.nanoTime();
            unfold.apply(RandomCases.tensor(new Random(5), 200, 1, 8, 8), cl);
            long perChunk = Math.max(1, (System.nanoTime() - t1) / 200);
            long deadline = 10 * bAlone + TimeUnit.MILLISECONDS.toNanos(200);
            long aTarget = Math.max(2 * deadline, TimeUnit.MILLISECONDS.toNanos(1500));
            String log = "";
            for (int attempt = 0; attempt < 4; attempt++, aTarget *= 2) {
                int chunks = (int) Math.min(50_000, Math.max(500, aTarget / perChunk));
                Tensor big = RandomCases.tensor(new Random(6), chunks, 1, 8, 8);
                long[] aTimes = new long[2];
                Throwable[] aFailure = new Throwable[1];
                Thread a = new Thread(() -> {
                    aTimes[0] = System.nanoTime();
                    try {
                        unfold.apply(big, cl);
                    } catch (Throwable e) {
                        aFailure[0] = e;
                    }
                    aTimes[1] = System.nanoTime();
                }, "A");
                a.start();
                Thread.sleep(Math.max(20, TimeUnit.NANOSECONDS.toMillis(aTarget) / 10));  // A is well inside its call
                long bStart = System.nanoTime();
                b.run();
                long bEnd = System.nanoTime();
                a.join(600_000);
                assertTrue(aFailure[0] == null, "A failed: " + aFailure[0]);
                String run = String.format("attempt %d: A ran %d chunks in %.0f ms; B started %.0f ms into A and took %.1f ms "
                                + "(alone %.1f ms, deadline %.0f ms)%n", attempt, chunks, (aTimes[1] - aTimes[0]) / 1e6,
                        (bStart - aTimes[0]) / 1e6, (bEnd - bStart) / 1e6, bAlone / 1e6, deadline / 1e6);
                log += run;
                if (bStart > aTimes[1] - deadline) {
                    continue;  // A ended too soon after B started to tell; try a longer A
                }
                assertTrue(bEnd - bStart < deadline && bEnd < aTimes[1],
                        "B's calls waited for A's call to finish, as behind a global lock:\n" + log);
                return;
            }
            fail("A's call never lasted long enough to tell whether B waits for it:\n" + log);
        }
    }
}
