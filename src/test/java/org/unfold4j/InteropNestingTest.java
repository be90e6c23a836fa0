package org.unfold4j;

import static org.jocl.CL.CL_SUCCESS;
import static org.jocl.CL.clEnqueueFillBuffer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jocl.Pointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * No combination of threads, nesting and closing makes {@link OpenCLBackend#interop} hang (Note
 * [calls, nesting and close] in {@code Lanes}): calls made inside a body on its thread
 * run on the body's queue, calls from threads a body waits for get a queue of their own,
 * {@code close()} inside a body fails at once, and {@code close()} from elsewhere never waits.
 * Each test runs on a fresh backend under a preemptive timeout, so that a hang fails it.
 *
 * <p>Fails without the fix: with OpenCLBackend's call, pool and close reverted to the commit
 * before the fix (calls under a read-write lock that close() takes for writing, a pool of four
 * queues that a call waits for), run one method at a time under a 150 s timeout on PoCL: every
 * test here hung and failed on its timeout, except aNestedCallRunsOnTheBodysQueueInOrder, which
 * failed on its queue count (3 queues for one body and its nested calls; the values happened to
 * be right on PoCL). closingWhileOtherThreadsCallAndNestFailsCleanly needs the close to fall
 * among running bodies (hence the warm-up and the count of bodies before it) to hang there.
 */
class InteropNestingTest {
    static final Duration LIMIT = Duration.ofSeconds(30);
    static final Unfold UNFOLD = Unfold.of(3).withPadding(1);
    static final Fold FOLD = Fold.of(12, 10, UNFOLD.window());

    private static OpenCLBackend fresh() {
        return Backend.openCL(TestBackends.openCL().deviceName());
    }

    /** A fresh backend with overlapped host calls on or off. */
    private static OpenCLBackend fresh(boolean overlapTransfers) {
        return TestBackends.withConfig(c -> c.withOverlapTransfers(overlapTransfers));
    }

    private static Tensor image(int seed) {
        return RandomCases.tensor(new Random(seed), 2, 3, 12, 10);
    }

    @Test
    void closeFromInsideABodyFailsAtOnce() {
        OpenCLBackend cl = fresh();
        try (DeviceTensor x = cl.upload(image(1))) {
            IllegalStateException e = assertTimeoutPreemptively(LIMIT, () -> assertThrows(IllegalStateException.class,
                    () -> cl.interop((queue, buffers) -> {
                        cl.close();
                        return null;
                    }, x)));
            assertTrue(e.getMessage().contains("inside an interop body"), e.getMessage());
            assertFalse(x.isClosed(), "the failed close closed nothing");
            assertEquals(UNFOLD.apply(image(1), Backend.java()), assertTimeoutPreemptively(LIMIT, () -> {
                try (DeviceTensor cols = UNFOLD.apply(x)) {
                    return cols.download();
                }
            }), "the backend still works");
        } finally {
            cl.close();
        }
        assertEquals(0, cl.openCLEngine().liveBufferCount(), "closed afterwards, from outside the body");
    }

    /**
     * A body fills a buffer without waiting, then makes calls on it on its own thread: they run on
     * the body's queue, after the fill, and open no other queue.
     */
    @Test
    void aNestedCallRunsOnTheBodysQueueInOrder() {
        try (OpenCLBackend cl = fresh(false)) {
            long[] shape = {1, 50, 200, 200};
            try (DeviceTensor big = cl.upload(Tensor.zeros(shape))) {
                for (int i = 1; i <= 20; i++) {
                    float[] value = {i};
                    Tensor[] seen = new Tensor[2];
                    assertTimeoutPreemptively(LIMIT, () -> cl.interop((queue, buffers) -> {
                        assertEquals(CL_SUCCESS, clEnqueueFillBuffer(queue, buffers[0], Pointer.to(value), 4, 0,
                                4 * big.elementCount(), 0, null, null));
                        seen[0] = big.download();  // nested: a download
                        try (DeviceTensor cols = Unfold.of(1).apply(big)) {  // nested: a kernel, then another interop
                            seen[1] = cl.interop((q, b) -> cols.download(), cols);
                        }
                        return null;
                    }, big));
                    for (Tensor t : seen) {
                        float[] v = (float[]) t.array();
                        assertEquals(i, v[0], "iteration " + i + ": the nested call ran before the fill");
                        assertEquals(i, v[v.length - 1], "iteration " + i + ": the nested call ran before the fill");
                    }
                }
            }
            assertEquals(1, cl.openCLEngine().queueCount(), "nested calls use the body's queue");
        }
    }

    /** Threads each inside a body at once (all queues held, or more bodies than queues) make host and device calls. */
    @ParameterizedTest(name = "{0} threads, overlapped transfers {1}")
    @CsvSource({"4, false", "4, true", "8, false", "8, true"})
    void threadsMakeNestedCallsInsideBodies(int threads, boolean overlap) throws Exception {
        try (OpenCLBackend cl = fresh(overlap)) {
            CyclicBarrier allInside = new CyclicBarrier(threads);
            List<Throwable> failures = onThreads(threads, t -> {
                Tensor host = image(100 + t);
                Tensor expected = UNFOLD.apply(host, Backend.java());
                try (DeviceTensor x = cl.upload(host)) {
                    cl.interop((queue, buffers) -> {
                        await(allInside);
                        assertEquals(expected, UNFOLD.apply(host, cl), "a nested host call");
                        try (DeviceTensor cols = UNFOLD.apply(x)) {
                            assertEquals(expected, cols.download(), "a nested device call");
                        }
                        return null;
                    }, x);
                }
                return null;
            });
            assertEquals(List.of(), failures);
            if (overlap) {
                // A nested overlapped host call may take a second queue, never more than the pool's MAX_QUEUES beside the bodies'.
                assertTrue(cl.openCLEngine().queueCount() <= threads + OpenCLBackend.MAX_QUEUES, cl.openCLEngine().queueCount() + " queues");
            } else {
                assertEquals(threads, cl.openCLEngine().queueCount(), "one queue per body: nested calls opened none");
            }
        }
    }

    /** Bodies on all queues each wait for calls made on another thread: those get queues of their own. */
    @Test
    void bodiesWaitingForCallsOnOtherThreadsDoNotHang() throws Exception {
        try (OpenCLBackend cl = fresh()) {
            int threads = OpenCLBackend.MAX_QUEUES;
            CyclicBarrier allInside = new CyclicBarrier(threads);
            ExecutorService helpers = Executors.newCachedThreadPool(daemons());
            java.util.concurrent.atomic.AtomicInteger bodies = new java.util.concurrent.atomic.AtomicInteger();
            try (DeviceTensor warm = cl.upload(image(1))) {
                UNFOLD.apply(image(1), cl);  // builds the kernels first, so that the close falls among calls
                UNFOLD.apply(warm).close();
            }
            try {
                List<Throwable> failures = onThreads(threads, t -> {
                    Tensor host = image(200 + t);
                    Tensor cols = UNFOLD.apply(host, Backend.java());
                    cl.interop((queue, buffers) -> {
                        await(allInside);
                        Future<Tensor> onHost = helpers.submit(() -> FOLD.apply(cols, cl));
                        Future<Tensor> onDevice = helpers.submit(() -> {
                            try (DeviceTensor c = cl.upload(cols); DeviceTensor back = FOLD.apply(c)) {
                                return back.download();
                            }
                        });
                        Tensor expected = FOLD.apply(cols, Backend.java());
                        try {
                            assertEquals(expected, onHost.get(LIMIT.toSeconds(), TimeUnit.SECONDS), "host call from another thread");
                            assertEquals(expected, onDevice.get(LIMIT.toSeconds(), TimeUnit.SECONDS), "device call from another thread");
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                        return null;
                    });
                    return null;
                });
                assertEquals(List.of(), failures);
            } finally {
                helpers.shutdownNow();
            }
        }
    }

    /**
     * close() from another thread while bodies hold every queue returns at once; the bodies'
     * later calls fail with IllegalStateException; the last call out releases everything.
     */
    @Test
    void closeFromAnotherThreadWhileBodiesRunReturnsAtOnce() throws Exception {
        OpenCLBackend cl = fresh();
        int threads = OpenCLBackend.MAX_QUEUES;
        CyclicBarrier allInside = new CyclicBarrier(threads + 1);
        CountDownLatch closed = new CountDownLatch(1);
        List<DeviceTensor> inputs = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(threads, daemons());
        try {
            List<Future<String>> bodies = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Tensor host = image(300 + t);
                DeviceTensor x = cl.upload(host);
                inputs.add(x);
                bodies.add(pool.submit(() -> cl.interop((queue, buffers) -> {
                    await(allInside);
                    await(closed);
                    // Every later call fails cleanly, nested or not, host or device.
                    assertThrows(IllegalStateException.class, () -> UNFOLD.apply(host, cl));
                    assertThrows(IllegalStateException.class, () -> UNFOLD.apply(x));
                    assertThrows(IllegalStateException.class, () -> cl.interop((q, b) -> null));
                    return "done";
                }, x)));
            }
            await(allInside);
            assertTimeoutPreemptively(Duration.ofSeconds(5), cl::close, "close() waited for the bodies");
            closed.countDown();
            for (Future<String> f : bodies) {
                assertEquals("done", f.get(LIMIT.toSeconds(), TimeUnit.SECONDS));
            }
            assertEquals(0, cl.openCLEngine().liveBufferCount(), "the last call out released the buffers");
            assertEquals(0, cl.openCLEngine().queueCount(), "and the queues");
            inputs.forEach(x -> assertTrue(x.isClosed()));
            assertThrows(IllegalStateException.class, () -> cl.upload(image(1)));
        } finally {
            pool.shutdownNow();
            cl.close();
        }
    }

    /** A body that waits for a thread which closes the backend: close returns, the body goes on and its calls fail cleanly. */
    @Test
    void aBodyWaitingForAThreadThatClosesDoesNotHang() {
        OpenCLBackend cl = fresh();
        try (DeviceTensor x = cl.upload(image(2))) {
            String result = assertTimeoutPreemptively(LIMIT, () -> cl.interop((queue, buffers) -> {
                Thread closer = new Thread(cl::close, "closer");
                closer.start();
                try {
                    closer.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                assertThrows(IllegalStateException.class, () -> UNFOLD.apply(x));
                return "returned";
            }, x));
            assertEquals("returned", result);
            assertTrue(x.isClosed(), "released once the call returned");
            assertEquals(0, cl.openCLEngine().liveBufferCount());
        } finally {
            cl.close();
        }
    }

    /**
     * Rounds of six threads (more than the queues) making host calls, device chains and interop
     * bodies with nested calls and calls on a helper thread that the body waits for, while the
     * backend is closed at a random moment: every call either gives the right result or fails
     * with an IllegalStateException, nothing hangs, and everything is released.
     */
    @Test
    void closingWhileOtherThreadsCallAndNestFailsCleanly() throws Exception {
        Random timing = new Random(31);
        for (int round = 0; round < 12; round++) {
            OpenCLBackend cl = fresh(round % 2 == 1);
            int threads = OpenCLBackend.MAX_QUEUES + 2;  // more bodies than queues
            CyclicBarrier start = new CyclicBarrier(threads + 1);
            String where = "round " + round;
            List<Throwable> failures;
            ExecutorService closer = Executors.newSingleThreadExecutor(daemons());
            ExecutorService helpers = Executors.newCachedThreadPool(daemons());
            java.util.concurrent.atomic.AtomicInteger bodies = new java.util.concurrent.atomic.AtomicInteger();
            try (DeviceTensor warm = cl.upload(image(1))) {
                UNFOLD.apply(image(1), cl);  // builds the kernels first, so that the close falls among calls
                UNFOLD.apply(warm).close();
            }
            try {
                int after = 1 + timing.nextInt(20);
                int extra = timing.nextInt(3000);
                Future<?> closing = closer.submit(() -> {
                    await(start);
                    // Once the threads are well under way: after some bodies, and a random few microseconds.
                    while (bodies.get() < after) {
                        Thread.onSpinWait();
                    }
                    long until = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(extra);
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                    cl.close();
                    return null;
                });
                failures = onThreads(threads, t -> {
                    await(start);
                    Tensor host = image(400 + t);
                    Tensor expected = UNFOLD.apply(host, Backend.java());
                    try {
                        for (int i = 0; i < 10_000; i++) {
                            assertEquals(expected, UNFOLD.apply(host, cl), "host call");
                            try (DeviceTensor x = cl.upload(host); DeviceTensor cols = UNFOLD.apply(x)) {
                                Tensor nested = cl.interop((q, b) -> {
                                    try {
                                        Thread.sleep(2);  // a body that takes a while, as a CLBlast call does
                                    } catch (InterruptedException e) {
                                        throw new AssertionError(e);
                                    }
                                    bodies.incrementAndGet();
                                    assertEquals(expected, UNFOLD.apply(host, cl), "nested host call");
                                    // A call on another thread that the body waits for, maybe while close() is under way.
                                    Future<Tensor> other = helpers.submit(() -> UNFOLD.apply(host, cl));
                                    try {
                                        assertEquals(expected, other.get(LIMIT.toSeconds(), TimeUnit.SECONDS), "call from a helper");
                                    } catch (java.util.concurrent.ExecutionException e) {
                                        if (e.getCause() instanceof IllegalStateException closed) {
                                            throw closed;
                                        }
                                        throw new AssertionError(e.getCause());
                                    } catch (Exception e) {
                                        throw new AssertionError(e);
                                    }
                                    return cols.download();
                                }, cols);
                                assertEquals(expected, nested, "download inside interop");
                            }
                        }
                        throw new AssertionError("the backend was never closed");
                    } catch (IllegalStateException e) {
                        return null;  // the clean failure after close
                    }
                });
                closing.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            } finally {
                closer.shutdownNow();
                helpers.shutdownNow();
                cl.close();
            }
            assertEquals(List.of(), failures, where);
            assertEquals(0, cl.openCLEngine().liveBufferCount(), where + ": every buffer released");
            assertEquals(0, cl.openCLEngine().queueCount(), where + ": every queue released");
        }
    }

    // ------------------------------------------------------------------ helpers

    interface ThreadBody {
        Object run(int thread) throws Exception;
    }

    /** Runs {@code body} on {@code threads} daemon threads; the failures, after all end or {@link #LIMIT} passes (a hang is a failure). */
    static List<Throwable> onThreads(int threads, ThreadBody body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads, daemons());
        try {
            List<Future<Object>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Callable<Object> c = () -> body.run(thread);
                futures.add(pool.submit(c));
            }
            List<Throwable> failures = new ArrayList<>();
            long deadline = System.nanoTime() + LIMIT.toNanos();
            for (int t = 0; t < threads; t++) {
                try {
                    futures.get(t).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    failures.add(new AssertionError("thread " + t + " hung (" + LIMIT + ")"));
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.add(new AssertionError("thread " + t + ": " + e.getCause(), e.getCause()));
                }
            }
            return failures;
        } finally {
            pool.shutdownNow();
        }
    }

    static java.util.concurrent.ThreadFactory daemons() {
        return r -> {
            Thread t = new Thread(r, "interop-nesting-test");
            t.setDaemon(true);
            return t;
        };
    }

    static void await(CyclicBarrier barrier) {
        try {
            barrier.await(LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("threads did not meet: " + e, e);
        }
    }

    static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(LIMIT.toSeconds(), TimeUnit.SECONDS), "latch");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
