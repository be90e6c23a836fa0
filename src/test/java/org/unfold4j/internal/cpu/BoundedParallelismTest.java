package org.unfold4j.internal.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Issue 12, item 4: Note [bounded parallelism] in JavaEngine, seen from the threads that run the pieces. */
class BoundedParallelismTest {
    /** Runs many slow-enough pieces and returns the threads that ran them. */
    private static Set<Thread> threadsSeen(JavaEngine engine, Thread caller) {
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger done = new AtomicInteger();
        engine.forEach(512, 1 << 24, t -> {
            seen.add(Thread.currentThread());
            long spin = System.nanoTime() + 200_000;
            while (System.nanoTime() < spin) {
                Thread.onSpinWait();
            }
            done.incrementAndGet();
        });
        assertEquals(512, done.get(), "every piece ran once");
        return seen;
    }

    @Test
    void aBoundedEngineComputesOnAtMostItsThreadsAndOnlyOnItsOwnPool() {
        AtomicInteger made = new AtomicInteger();
        ForkJoinPool.ForkJoinWorkerThreadFactory factory = pool -> {
            made.incrementAndGet();
            return ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        };
        JavaEngine engine = JavaEngine.withThreads(3, factory);
        try {
            Set<Thread> seen = threadsSeen(engine, Thread.currentThread());
            assertTrue(seen.size() <= 3, "at most 3 threads, but saw " + seen);
            assertTrue(made.get() <= 3, "the pool made " + made.get() + " workers");
            assertFalse(seen.contains(Thread.currentThread()), "the caller waits");
            for (Thread t : seen) {
                assertTrue(t instanceof ForkJoinWorkerThread w && w.getPool() != ForkJoinPool.commonPool(),
                        t + " is not a worker of the engine's own pool");
            }
            assertEquals("JVM, 3 threads", engine.deviceName());
            assertEquals(3, engine.threads());
        } finally {
            engine.close();
        }
    }

    @Test
    void oneThreadIsTheCallerAlone() {
        AtomicInteger made = new AtomicInteger();
        JavaEngine engine = JavaEngine.withThreads(1, pool -> {
            made.incrementAndGet();
            return ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        });
        assertEquals(Set.of(Thread.currentThread()), threadsSeen(engine, Thread.currentThread()));
        assertEquals(0, made.get());
        assertEquals("JVM, 1 thread", engine.deviceName());
    }

    @Test
    void theSharedEngineUsesTheCommonPoolAndTheCaller() {
        Set<Thread> seen = threadsSeen(JavaEngine.INSTANCE, Thread.currentThread());
        assertTrue(seen.size() <= ForkJoinPool.getCommonPoolParallelism() + 1, seen.toString());
        for (Thread t : seen) {
            assertTrue(t == Thread.currentThread() || t instanceof ForkJoinWorkerThread w && w.getPool() == ForkJoinPool.commonPool(),
                    t.toString());
        }
        assertEquals(0, JavaEngine.INSTANCE.threads());
    }

    @Test
    void fewerThanOneThreadIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JavaEngine.withThreads(0, null));
        assertEquals("threads must be at least 1, but got 0", e.getMessage());
    }
}
