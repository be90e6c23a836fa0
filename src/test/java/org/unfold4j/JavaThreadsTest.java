package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** Issue 12, item 4: {@link Backend#java(int)} computes what the shared Java backend does, on at most its threads. */
class JavaThreadsTest {
    private static Tensor input() {
        float[] v = new float[4 * 3 * 64 * 64];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i * 7919 % 1000) / 7f;
        }
        return Tensor.of(v, 4, 3, 64, 64);
    }

    @Test
    void aBoundedBackendAgreesWithTheSharedOneAndMakesAtMostItsWorkers() {
        Set<Thread> made = ConcurrentHashMap.newKeySet();
        Tensor x = input();
        Unfold unfold = Unfold.of(3).withPadding(1);
        Tensor expected = unfold.apply(x, Backend.java());
        try (Backend b = Backend.java(2, pool -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            made.add(t);
            return t;
        })) {
            for (int i = 0; i < 4; i++) {
                assertEquals(expected, unfold.apply(x, b));
            }
            Tensor cols = unfold.apply(x, b);
            Fold fold = Fold.of(64, 3).withPadding(1);
            assertEquals(fold.apply(cols, Backend.java()), fold.apply(cols, b));
            assertTrue(made.size() >= 1 && made.size() <= 2, "workers made: " + made);
            assertEquals("JVM, 2 threads", b.deviceName());
            assertEquals("java", b.name());
        }
    }

    @Test
    void oneThreadComputesTheSame() {
        Tensor x = input();
        Unfold unfold = Unfold.of(3).withStride(2);
        try (Backend b = Backend.java(1)) {
            assertEquals(unfold.apply(x, Backend.java()), unfold.apply(x, b));
            assertEquals("JVM, 1 thread", b.deviceName());
        }
    }

    @Test
    void afterCloseLargeCallsAreRefusedAndSmallOnesStillRun() {
        Backend b = Backend.java(2);
        b.close();
        b.close();  // harmless
        assertThrows(RejectedExecutionException.class, () -> Unfold.of(3).apply(input(), b));
        Tensor small = Tensor.zeros(1, 1, 4, 4);
        assertEquals(Unfold.of(2).apply(small, Backend.java()), Unfold.of(2).apply(small, b));
    }

    @Test
    void fewerThanOneThreadIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Backend.java(0));
        assertThrows(IllegalArgumentException.class, () -> Backend.java(-1));
    }
}
