package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: {@link Backend#java(ExecutorService)} computes what the shared Java backend does, on
 * the caller's executor, and never hangs on it (Note [pieces on the caller's executor] in
 * internal.cpu.ExecutorPieces).
 */
class JavaExecutorTest {
    private static final Duration LIMIT = Duration.ofSeconds(120);

    private static Tensor input() {
        float[] v = new float[4 * 3 * 64 * 64];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i * 7919 % 1000) / 7f;
        }
        return Tensor.of(v, 4, 3, 64, 64);
    }

    private static ThreadFactory counting(Set<Thread> made) {
        return r -> {
            Thread t = new Thread(r, "java-executor-test-" + made.size());
            t.setDaemon(true);
            made.add(t);
            return t;
        };
    }

    @Test
    void agreesBitForBitWithTheDefaultBackendOverTheStandardCases() {
        Set<Thread> made = ConcurrentHashMap.newKeySet();
        ThreadPoolExecutor executor = (ThreadPoolExecutor) Executors.newFixedThreadPool(3, counting(made));
        try (Backend b = Backend.java(executor)) {
            Random r = new Random(12);
            List<Case> unfolds = JavaVariantCoverageTest.unfoldCases(), folds = JavaVariantCoverageTest.foldCases();
            for (Case f : unfolds) {
                Tensor image = RandomCases.image(r, f);
                Reference.assertSameBits(f.unfold().apply(image, Backend.java()), f.unfold().apply(image, b), f.toString());
            }
            for (Case f : folds) {
                Tensor columns = RandomCases.columns(r, f);
                for (FoldMode mode : FoldMode.values()) {
                    Reference.assertSameBits(f.fold(mode).apply(columns, Backend.java()), f.fold(mode).apply(columns, b),
                            mode + ", " + f);
                }
            }
            Tensor x = input();
            Unfold unfold = Unfold.of(3).withPadding(1);
            Tensor cols = unfold.apply(x, b);
            assertEquals(unfold.apply(x, Backend.java()), cols);
            Fold fold = Fold.of(64, 3).withPadding(1);
            assertEquals(fold.apply(cols, Backend.java()), fold.apply(cols, b));
            assertTrue(executor.getCompletedTaskCount() > 0, "the large calls ran pieces on the executor");
            assertFalse(made.isEmpty());
            assertTrue(made.size() <= 3, "made " + made);
            assertEquals("java", b.name());
            assertTrue(b.deviceName().startsWith("JVM, an executor of "), b.deviceName());
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void aSingleThreadExecutorCalledFromItsOwnThreadFinishes() throws Exception {
        Tensor x = input();
        Unfold unfold = Unfold.of(3).withStride(2);
        Tensor expected = unfold.apply(x, Backend.java());
        // Wrapped, so that the backend cannot see it has one thread: it submits helpers that queue behind the call.
        ExecutorService one = Executors.unconfigurableExecutorService(Executors.newSingleThreadExecutor());
        try (Backend b = Backend.java(one)) {
            Tensor got = assertTimeoutPreemptively(LIMIT, () -> one.submit(() -> unfold.apply(x, b)).get());
            assertEquals(expected, got);
            Tensor cols = unfold.apply(x, b);
            Fold fold = Fold.of(64, 3).withStride(2);
            assertEquals(fold.apply(cols, Backend.java()),
                    assertTimeoutPreemptively(LIMIT, () -> one.submit(() -> fold.apply(cols, b)).get()));
        } finally {
            one.shutdownNow();
        }
    }

    @Test
    void aSaturatedExecutorDoesNotHang() throws Exception {
        ExecutorService two = Executors.newFixedThreadPool(2);
        CountDownLatch release = new CountDownLatch(1);
        try (Backend b = Backend.java(two)) {
            two.execute(() -> {
                try {
                    release.await();  // one thread busy for the whole call
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Tensor x = input();
            Tensor got = assertTimeoutPreemptively(LIMIT, () -> two.submit(() -> Unfold.of(5).apply(x, b)).get());
            assertEquals(Unfold.of(5).apply(x, Backend.java()), got);
        } finally {
            release.countDown();
            two.shutdownNow();
        }
    }

    @Test
    void closeLeavesTheExecutorRunning() {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            Backend b = Backend.java(executor);
            b.close();
            b.close();
            assertFalse(executor.isShutdown(), "the executor is the caller's");
            assertEquals(Unfold.of(3).apply(input(), Backend.java()), Unfold.of(3).apply(input(), b));
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void aShutDownExecutorIsAClearIllegalStateException() throws InterruptedException {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        Backend b = Backend.java(executor);
        executor.shutdown();
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
        IllegalStateException e = assertTimeoutPreemptively(LIMIT,
                () -> assertThrows(IllegalStateException.class, () -> Unfold.of(3).apply(input(), b)));
        assertTrue(e.getMessage().contains("executor is shut down"), e.getMessage());
        Tensor small = Tensor.zeros(1, 1, 4, 4);
        assertEquals(Unfold.of(2).apply(small, Backend.java()), Unfold.of(2).apply(small, b), "small calls need no executor");
    }

    @Test
    void aNullExecutorIsNamed() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> Backend.java((ExecutorService) null));
        assertEquals("executor", e.getMessage());
    }
}
