package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Host calls with overlapped transfers (Note [overlapped host calls] in {@code HostCalls}):
 * the default on GPUs, switched on by hand here so that PoCL runs them too. They give the Java
 * backend's bits for every kind of case and chunking, really use a second command queue, and
 * neither deadlock nor go wrong when many threads compete for the queues.
 */
class OverlappedHostCallsTest {
    private static OpenCLBackend overlapping() {
        return TestBackends.withConfig(c -> c.withOverlapTransfers(true));
    }

    /** Overlapping, with the given allocation limit (0: the device's). */
    private static OpenCLBackend overlapping(long allocationLimit) {
        return TestBackends.withConfig(c -> (allocationLimit > 0 ? c.withAllocationLimit(allocationLimit) : c).withOverlapTransfers(true));
    }

    /** Every image kind, padding mode, column layout and type, unfold and fold, batches of 2 to 9, with and without a lowered allocation limit. */
    @TestFactory
    Stream<DynamicTest> overlappedCallsGiveTheJavaResultsBitForBit() {
        List<DynamicTest> tests = new ArrayList<>();
        int combination = 0;
        for (Case.Kind kind : Case.KINDS) {
            for (PaddingMode mode : PaddingMode.values()) {
                for (DType dtype : DType.values()) {
                    long seed = 0x0E7A_0000L + combination++;
                    tests.add(DynamicTest.dynamicTest(kind + " " + mode + " " + dtype, () -> {
                        Random r = new Random(seed);
                        ColumnLayout columns = ColumnLayout.values()[r.nextInt(2)];
                        Case f = RandomCases.valid(r, kind, mode, columns, dtype).withBatch(2 + r.nextInt(8));
                        long limit = 0;
                        if (r.nextBoolean()) {
                            // One or two images per chunk: the limit, not the aim of four chunks, sets the size.
                            long perImage = Math.max(f.unfold().geometry(dtype, f.imageShape()).columnElements(),
                                    Tensor.elementCount(f.imageShape())) / f.n() * dtype.bytes();
                            limit = perImage * (1 + r.nextInt(2));
                        }
                        try (OpenCLBackend cl = overlapping(limit)) {
                            String where = f + ", seed " + seed + ", allocation limit " + cl.openCLEngine().config().allocationLimit();
                            if (cl.supports(dtype)) {
                                Tensor image = RandomCases.image(r, f);
                                Reference.assertSameBits(f.unfold().apply(image, Backend.java()),
                                        f.unfold().apply(image, cl), "overlapped unfold, " + where);
                            }
                            if ((dtype == DType.FLOAT32 || dtype == DType.FLOAT64) && cl.supports(dtype)) {
                                Tensor cols = RandomCases.columns(r, f);
                                FoldMode foldMode = FoldMode.values()[r.nextInt(2)];
                                Reference.assertSameBits(f.fold(foldMode).apply(cols, Backend.java()),
                                        f.fold(foldMode).apply(cols, cl), "overlapped fold " + foldMode + ", " + where);
                            }
                            assertEquals(0, TestBackends.buffersBeyondTheCache(cl), "chunk buffers left behind, " + where);
                        }
                    }));
                }
            }
        }
        return tests.stream();
    }

    /** A fresh backend's first batched host call opens two queues: the path is taken, not quietly skipped. */
    @Test
    void aBatchedHostCallRunsOnTwoQueues() {
        Unfold unfold = Unfold.of(3).withPadding(1);
        Tensor batch = RandomCases.tensor(new Random(21), 6, 3, 20, 20);
        try (OpenCLBackend cl = overlapping()) {
            assertEquals(unfold.apply(batch, Backend.java()), unfold.apply(batch, cl));
            assertEquals(2, cl.openCLEngine().queueCount(), "queues opened by one batched host call");
        }
        try (OpenCLBackend cl = TestBackends.withConfig(c -> c.withOverlapTransfers(false))) {
            assertEquals(unfold.apply(batch, Backend.java()), unfold.apply(batch, cl));
            assertEquals(1, cl.openCLEngine().queueCount(), "queues opened by one host call in sequence");
        }
    }

    /**
     * Host calls keep one input and one output buffer per queue for the next call (Note [staging
     * buffers]): repeated calls of any size allocate nothing more once the largest has run, a
     * larger call grows them, and releaseCachedBuffers frees them all.
     */
    @Test
    void hostCallsReuseTheirQueuesBuffers() {
        Unfold unfold = Unfold.of(3).withPadding(1);
        Tensor small = RandomCases.tensor(new Random(22), 1, 2, 9, 9), large = RandomCases.tensor(new Random(23), 1, 2, 30, 30);
        try (OpenCLBackend cl = TestBackends.withConfig(c -> c.withOverlapTransfers(false))) {
            assertEquals(unfold.apply(small, Backend.java()), unfold.apply(small, cl));
            assertEquals(2, cl.openCLEngine().liveBufferCount(), "one input and one output buffer kept");
            assertEquals(0, cl.openTensorCount(), "kept buffers are not the caller's tensors");
            assertEquals(unfold.apply(large, Backend.java()), unfold.apply(large, cl));
            assertEquals(2, cl.openCLEngine().liveBufferCount(), "grown in place, not added");
            for (int i = 0; i < 20; i++) {
                Tensor in = i % 2 == 0 ? small : large;
                assertEquals(unfold.apply(in, Backend.java()), unfold.apply(in, cl), "call " + i);
            }
            assertEquals(2, cl.openCLEngine().liveBufferCount(), "calls that fit reuse the kept buffers");
            cl.releaseCachedBuffers();
            assertEquals(0, cl.openCLEngine().liveBufferCount());
            assertEquals(unfold.apply(small, Backend.java()), unfold.apply(small, cl), "after the release");
        }
    }

    /**
     * Eight threads, each making batched host calls, compete for the pool's four queues: a call
     * that finds no second queue free runs in sequence rather than waiting for one (which could
     * deadlock), and every result is right.
     */
    @Test
    void manyThreadsShareTheQueuesWithoutDeadlock() {
        try (OpenCLBackend cl = overlapping()) {
            List<ConcurrencyTest.Expected> java = ConcurrencyTest.sequential(Backend.java());
            assertTimeoutPreemptively(Duration.ofMinutes(5), () -> ConcurrencyTest.assertNoFailures(
                    ConcurrencyTest.onEightThreads((t, i) -> {
                        Tensor in = ConcurrencyTest.input(t);
                        if (!cl.supports(in.dtype())) {
                            return;
                        }
                        Tensor cols = ConcurrencyTest.UNFOLD.apply(in, cl);
                        ConcurrencyTest.check(java.get(t), cols, ConcurrencyTest.FOLD.apply(cols, cl), "overlapped host calls");
                    })));
            assertEquals(0, TestBackends.buffersBeyondTheCache(cl));
        }
    }
}
