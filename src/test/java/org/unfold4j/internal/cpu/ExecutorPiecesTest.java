package org.unfold4j.internal.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/** Issue 12: Note [pieces on the caller's executor] in ExecutorPieces, seen from the threads that run the pieces. */
class ExecutorPiecesTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    /** A factory that remembers the threads it made. */
    private static ThreadFactory counting(Set<Thread> made) {
        return r -> {
            Thread t = new Thread(r, "executor-pieces-test-" + made.size());
            t.setDaemon(true);
            made.add(t);
            return t;
        };
    }

    /** Runs {@code tasks} pieces and checks each ran exactly once. */
    private static void runAll(ExecutorService executor, int threads, int tasks, IntConsumer body) {
        AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
        ExecutorPieces.run(executor, threads, tasks, t -> {
            body.accept(t);
            runs.incrementAndGet(t);
        });
        for (int t = 0; t < tasks; t++) {
            assertEquals(1, runs.get(t), "piece " + t + " ran once");
        }
    }

    @Test
    void piecesRunOnTheExecutorsThreadsAndTheCaller() {
        Set<Thread> made = ConcurrentHashMap.newKeySet(), seen = ConcurrentHashMap.newKeySet();
        ExecutorService executor = Executors.newFixedThreadPool(3, counting(made));
        try {
            CountDownLatch helped = new CountDownLatch(1);
            // assertTimeoutPreemptively calls from a thread of its own: that thread is the caller.
            Thread caller = assertTimeoutPreemptively(LIMIT, () -> {
                Thread me = Thread.currentThread();
                runAll(executor, 3, 600, t -> {
                    seen.add(Thread.currentThread());
                    if (Thread.currentThread() != me) {
                        helped.countDown();
                    } else {
                        try {
                            helped.await(10, TimeUnit.SECONDS);  // so that a helper surely takes a piece, however loaded the machine
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                    }
                });
                return me;
            });
            seen.remove(caller);
            assertFalse(seen.isEmpty(), "no piece ran on the executor");
            assertTrue(made.containsAll(seen), "pieces ran on " + seen + ", the executor made " + made);
            assertTrue(made.size() <= 2, "3 threads, one the caller: at most 2 helpers, but made " + made);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void aSingleThreadExecutorCalledFromItsOwnThreadFinishes() throws Exception {
        Set<Thread> made = ConcurrentHashMap.newKeySet();
        ExecutorService one = Executors.newSingleThreadExecutor(counting(made));
        try {
            // As if it had 4 threads: 3 helpers queue behind the task that makes the call.
            Set<Thread> seen = assertTimeoutPreemptively(LIMIT, () -> one.submit(() -> {
                Set<Thread> s = ConcurrentHashMap.newKeySet();
                runAll(one, 4, 1000, t -> s.add(Thread.currentThread()));
                return s;
            }).get());
            assertEquals(made, seen, "the executor's one thread, the caller, ran every piece");
            one.shutdown();
            assertTrue(one.awaitTermination(10, TimeUnit.SECONDS), "the queued helpers found nothing and ended");
        } finally {
            one.shutdownNow();
        }
    }

    @Test
    void aSaturatedExecutorLeavesTheWorkToTheCaller() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ThreadPoolExecutor full = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1));
        try {
            full.execute(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            full.execute(() -> { });  // the queue is full: the next helper is rejected
            Set<Thread> seen = ConcurrentHashMap.newKeySet();
            Thread caller = assertTimeoutPreemptively(LIMIT, () -> {
                runAll(full, 4, 500, t -> seen.add(Thread.currentThread()));
                return Thread.currentThread();
            });
            assertEquals(Set.of(caller), seen);
        } finally {
            release.countDown();
            full.shutdownNow();
        }
    }

    @Test
    void aShutDownExecutorIsAnIllegalStateException() {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        executor.shutdown();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ExecutorPieces.run(executor, 2, 100, t -> { }));
        assertTrue(e.getMessage().contains("shut down"), e.getMessage());
    }

    @Test
    void aPiecesExceptionReachesTheCallerOnceTheClaimedPiecesAreDone() {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            IllegalArgumentException thrown = new IllegalArgumentException("piece 77");
            IllegalArgumentException e = assertTimeoutPreemptively(LIMIT, () -> assertThrows(IllegalArgumentException.class,
                    () -> ExecutorPieces.run(executor, 3, 400, t -> {
                        if (t == 77) {
                            throw thrown;
                        }
                    })));
            assertSame(thrown, e);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void anEngineOnAnExecutorNeverShutsItDown() {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            JavaEngine engine = JavaEngine.withExecutor(executor);
            engine.forEach(64, 1 << 20, t -> { });
            engine.close();
            assertFalse(executor.isShutdown());
            assertEquals(0, engine.threads());
            assertTrue(engine.deviceName().startsWith("JVM, an executor of "), engine.deviceName());
            NullPointerException npe = assertThrows(NullPointerException.class, () -> JavaEngine.withExecutor(null));
            assertEquals("executor", npe.getMessage());
        } finally {
            executor.shutdownNow();
        }
    }
}
