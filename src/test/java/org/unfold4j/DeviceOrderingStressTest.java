package org.unfold4j;

import static org.jocl.CL.CL_SUCCESS;
import static org.jocl.CL.clEnqueueCopyBuffer;
import static org.jocl.CL.clEnqueueFillBuffer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.jocl.Pointer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Program order on device tensors holds across command queues (Note [device ordering] in
 * {@code DeviceBuffer}). A backend is first made to open all its queues (four interop bodies held
 * at once), after which single-threaded calls go round the queues, so that consecutive commands
 * on one buffer run on different queues. Each test then reuses device outputs in a loop, in
 * every direction (a write after a read on another queue is the hazard), keeps every
 * per-iteration result on the device and downloads them only at the end, and compares each
 * with the Java backend bit for bit.
 *
 * <p>Fails without the fix: with DeviceBuffer, DeviceTensor and OpenCLBackend reverted to the
 * commit before it (a buffer kept only the event of its last write, and a write waited only for
 * that), on PoCL with 2 cores 3 or 4 of the 5 loops got wrong results in each of 3 runs (whole
 * folds of the wrong input, e.g. "9216 of 9216 elements differ"): the three reuse loops every
 * time, the interop-write loop in 2 of 3. PoCL runs commands of different queues concurrently,
 * so the hazard shows without slowing anything down; the loops pair heavy reads (a 5 x 5 unfold,
 * 25 columns per pixel) with light writes so that the read is still running when the write
 * comes. The interop-read loop passes either way (interop waits on the host, so the old code
 * ordered it too); it guards that interop waits for the writes of the tensors it is handed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DeviceOrderingStressTest {
    static final int ITERATIONS = 200;
    /** Distinct inputs the loops cycle through, so that a stale or mixed buffer shows. */
    static final int INPUTS = 4;

    /** A heavy pair (25 columns per pixel), so that a kernel is still running when the next command comes. */
    static final Unfold UNFOLD = Unfold.of(5).withPadding(2);
    static final Fold FOLD = Fold.of(48, 48, UNFOLD.window());
    /** A light pair of the same image: disjoint 2 x 2 patches, columns as large as the image. */
    static final Unfold PATCHES = Unfold.of(2).withStride(2);
    static final Fold UNPATCH = Fold.of(48, 48, PATCHES.window());

    static OpenCLBackend cl;
    static Tensor[] images = new Tensor[INPUTS];

    @BeforeAll
    static void openAllQueues() throws Exception {
        cl = Backend.openCL(TestBackends.openCL().deviceName());
        Random r = new Random(0x0D0E);
        for (int i = 0; i < INPUTS; i++) {
            images[i] = RandomCases.tensor(r, 1, 4, 48, 48);
        }
        forceAllQueues(cl);
    }

    @AfterAll
    static void close() {
        if (cl != null) {
            cl.close();
        }
    }

    /** Four threads each inside an interop body at once: the backend opens all its command queues. */
    static void forceAllQueues(OpenCLBackend backend) throws Exception {
        CyclicBarrier inside = new CyclicBarrier(OpenCLBackend.MAX_QUEUES);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < OpenCLBackend.MAX_QUEUES; t++) {
            Thread thread = new Thread(() -> {
                try {
                    backend.interop((queue, buffers) -> {
                        try {
                            return inside.await(30, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertEquals(List.of(), failures);
        assertEquals(OpenCLBackend.MAX_QUEUES, backend.openCLEngine().queueCount(), "queues opened");
    }

    /** Downloads and closes each result, comparing it with {@code expected(i)}. */
    private static void checkAll(List<DeviceTensor> outs, java.util.function.IntFunction<Tensor> expected, String what) {
        try {
            for (int i = 0; i < outs.size(); i++) {
                Reference.assertSameBits(expected.apply(i), outs.get(i).download(), what + ", iteration " + i);
            }
        } finally {
            outs.forEach(DeviceTensor::close);
        }
    }

    /** The README's loop: unfold each fresh upload into one reused column buffer, then fold from it. */
    @Test
    void unfoldIntoAReusedBufferThenFoldFromIt() {
        Tensor[] expected = new Tensor[INPUTS];
        for (int k = 0; k < INPUTS; k++) {
            expected[k] = FOLD.apply(UNFOLD.apply(images[k], Backend.java()), Backend.java());
        }
        List<DeviceTensor> outs = new ArrayList<>();
        try (DeviceTensor cols = cl.upload(Tensor.zeros(UNFOLD.geometry(images[0].shape()).columnsShape()))) {
            for (int i = 0; i < ITERATIONS; i++) {
                try (DeviceTensor in = cl.upload(images[i % INPUTS])) {
                    UNFOLD.apply(in, cols);
                    outs.add(FOLD.apply(cols));
                }
            }
        }
        checkAll(outs, i -> expected[i % INPUTS], "fold of the reused columns");
    }

    /**
     * Fold into one reused image (a light fold of patches), then read it with a heavy unfold before
     * the next fold overwrites it; the unfold's columns are closed at once and folded into a fresh
     * image per iteration.
     */
    @Test
    void foldIntoAReusedImageThenUnfoldIt() {
        Tensor[] patches = new Tensor[INPUTS], expected = new Tensor[INPUTS];
        for (int k = 0; k < INPUTS; k++) {
            patches[k] = PATCHES.apply(images[k], Backend.java());
            Tensor image = UNPATCH.apply(patches[k], Backend.java());
            expected[k] = FOLD.apply(UNFOLD.apply(image, Backend.java()), Backend.java());
        }
        List<DeviceTensor> outs = new ArrayList<>(), inputs = new ArrayList<>();
        try (DeviceTensor image = cl.upload(Tensor.zeros(images[0].shape()))) {
            for (int k = 0; k < INPUTS; k++) {
                inputs.add(cl.upload(patches[k]));
            }
            for (int i = 0; i < ITERATIONS; i++) {
                UNPATCH.apply(inputs.get(i % INPUTS), image);
                try (DeviceTensor cols = UNFOLD.apply(image)) {
                    outs.add(FOLD.apply(cols));
                }
            }
        } finally {
            inputs.forEach(DeviceTensor::close);
        }
        checkAll(outs, i -> expected[i % INPUTS], "the reused image, unfolded and folded");
    }

    /** Three reused buffers in a chain (unfold, fold, unfold), and a fresh fold of the last per iteration. */
    @Test
    void chainsOfThreeOpsThroughReusedBuffers() {
        Tensor[] expected = new Tensor[INPUTS];
        for (int k = 0; k < INPUTS; k++) {
            Tensor image = FOLD.apply(UNFOLD.apply(images[k], Backend.java()), Backend.java());
            expected[k] = UNPATCH.apply(PATCHES.apply(image, Backend.java()), Backend.java());
        }
        List<DeviceTensor> outs = new ArrayList<>(), inputs = new ArrayList<>();
        try (DeviceTensor a = cl.upload(Tensor.zeros(UNFOLD.geometry(images[0].shape()).columnsShape()));
             DeviceTensor b = cl.upload(Tensor.zeros(images[0].shape()));
             DeviceTensor c = cl.upload(Tensor.zeros(PATCHES.geometry(images[0].shape()).columnsShape()))) {
            for (int k = 0; k < INPUTS; k++) {
                inputs.add(cl.upload(images[k]));
            }
            for (int i = 0; i < ITERATIONS; i++) {
                UNFOLD.apply(inputs.get(i % INPUTS), a);
                FOLD.apply(a, b);
                PATCHES.apply(b, c);
                outs.add(UNPATCH.apply(c));
            }
        } finally {
            inputs.forEach(DeviceTensor::close);
        }
        checkAll(outs, i -> expected[i % INPUTS], "the end of the chain");
    }

    /** An interop body fills a reused buffer (clEnqueueFillBuffer) that a fold then reads, before the next fill. */
    @Test
    void interopWritesABufferAnotherOpReads() {
        long[] shape = UNFOLD.geometry(images[0].shape()).columnsShape();
        long bytes = 4 * Tensor.elementCount(shape);
        Tensor[] expected = new Tensor[INPUTS];
        for (int k = 0; k < INPUTS; k++) {
            float[] v = new float[(int) Tensor.elementCount(shape)];
            java.util.Arrays.fill(v, value(k));
            expected[k] = FOLD.apply(Tensor.of(v, shape), Backend.java());
        }
        List<DeviceTensor> outs = new ArrayList<>();
        try (DeviceTensor cols = cl.upload(Tensor.zeros(shape))) {
            for (int i = 0; i < ITERATIONS; i++) {
                float[] pattern = {value(i % INPUTS)};
                int status = cl.interop((queue, buffers) -> clEnqueueFillBuffer(queue, buffers[0], Pointer.to(pattern),
                        4, 0, bytes, 0, null, null), cols);
                assertEquals(CL_SUCCESS, status);
                outs.add(FOLD.apply(cols));
            }
        }
        checkAll(outs, i -> expected[i % INPUTS], "fold of the buffer the interop body filled");
    }

    /** An op writes a reused buffer, an interop body copies it into a fresh one, and the next op overwrites it. */
    @Test
    void interopReadsABufferAnOpWrites() {
        Tensor[] expected = new Tensor[INPUTS];
        for (int k = 0; k < INPUTS; k++) {
            expected[k] = PATCHES.apply(images[k], Backend.java());
        }
        List<DeviceTensor> outs = new ArrayList<>(), inputs = new ArrayList<>();
        try (DeviceTensor cols = cl.upload(Tensor.zeros(PATCHES.geometry(images[0].shape()).columnsShape()))) {
            for (int k = 0; k < INPUTS; k++) {
                inputs.add(cl.upload(images[k]));
            }
            long bytes = 4 * cols.elementCount();
            for (int i = 0; i < ITERATIONS; i++) {
                PATCHES.apply(inputs.get(i % INPUTS), cols);
                // The copy's destination is itself just computed (from another input): a write after a write.
                DeviceTensor copy = PATCHES.apply(inputs.get((i + 1) % INPUTS));
                outs.add(copy);
                int status = cl.interop((queue, buffers) -> clEnqueueCopyBuffer(queue, buffers[0], buffers[1], 0, 0,
                        bytes, 0, null, null), cols, copy);
                assertEquals(CL_SUCCESS, status);
            }
        } finally {
            inputs.forEach(DeviceTensor::close);
        }
        checkAll(outs, i -> expected[i % INPUTS], "the interop body's copy");
    }

    private static float value(int k) {
        return 0.25f + 1.5f * k;
    }
}
