package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Device-resident tensors: chaining without host round trips, and the life cycle of native resources. */
class DeviceTensorTest {

    @Test
    void chainOnDeviceEqualsHostCalls() {
        OpenCLBackend cl = TestBackends.openCL();
        int before = cl.openTensorCount();
        Random r = new Random(21);
        Tensor image = RandomCases.tensor(r, 2, 3, 17, 15);
        Unfold unfold = Unfold.of(3, 4).withStride(2, 1).withPadding(1, 2).withDilation(1, 2);
        Fold fold = Fold.of(17, 15, unfold.window());
        try (DeviceTensor x = cl.upload(image);
             DeviceTensor cols = unfold.apply(x);
             DeviceTensor back = fold.apply(cols)) {
            assertArrayEquals(unfold.geometry(image.shape()).columnsShape(), cols.shape());
            Tensor expectedCols = unfold.apply(image, Backend.java());
            assertEquals(expectedCols, cols.download());
            assertEquals(fold.apply(expectedCols, Backend.java()), back.download());
            assertEquals(image, x.download(), "the device input is unchanged");
            assertEquals(before + 3, cl.openTensorCount());
        }
        assertEquals(before, cl.openTensorCount(), "every device tensor was released");
    }

    /**
     * computeNanos reports the kernel's device time on a profiling backend: present and positive
     * for computed tensors, consistent with the host's wall time around the call; empty for
     * uploads and on a backend that does not profile.
     */
    @Test
    void profilingBackendsReportKernelTimes() {
        Tensor image = RandomCases.tensor(new Random(24), 4, 8, 64, 64);
        Unfold unfold = Unfold.of(3).withPadding(1);
        try (OpenCLBackend profiled = OpenCLBackend.createProfiled(TestBackends.openCL().device());
             DeviceTensor x = profiled.upload(image)) {
            assertTrue(x.computeNanos().isEmpty(), "an upload was not computed");
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                try (DeviceTensor cols = unfold.apply(x)) {
                    cols.await();
                    long wall = System.nanoTime() - t0;
                    long kernel = cols.computeNanos().orElseThrow(() -> new AssertionError("no kernel time"));
                    assertTrue(kernel > 0 && kernel <= wall, "kernel " + kernel + " ns within the call's " + wall + " ns");
                    assertEquals(unfold.apply(image, Backend.java()), cols.download());
                }
            }
        }
        try (DeviceTensor x = TestBackends.openCL().upload(image); DeviceTensor cols = unfold.apply(x)) {
            assertTrue(cols.computeNanos().isEmpty(), "the shared backend does not profile");
        }
    }

    /**
     * A backend sets only the kernel arguments that changed since the kernel's last launch on the
     * same command queue: on a fresh backend (one queue, so every call lands on it) each change of
     * input, output or geometry alone must still reach the kernel.
     */
    @Test
    void eachChangedArgumentReachesTheKernel() {
        Random r = new Random(25);
        Unfold unfold = Unfold.of(3, 2).withPadding(1, 0);
        Unfold other = Unfold.of(2, 3).withStride(2, 1);
        Tensor a = RandomCases.tensor(r, 2, 3, 8, 7), b = RandomCases.tensor(r, 2, 3, 8, 7);
        try (OpenCLBackend cl = OpenCLBackend.create(TestBackends.openCL().device());
             DeviceTensor x = cl.upload(a); DeviceTensor y = cl.upload(b);
             DeviceTensor c1 = unfold.apply(x); DeviceTensor c2 = unfold.apply(x)) {
            String[] steps = {"input a", "input b (only the input changes)", "output 2 (only the output changes)",
                "input a into output 2", "another geometry", "the first geometry again"};
            for (int step = 0; step < steps.length; step++) {
                Tensor in = step == 1 || step == 2 ? b : a;
                Unfold u = step == 4 ? other : unfold;
                DeviceTensor out = step >= 2 && step != 5 ? c2 : c1;
                if (step == 4) {
                    try (DeviceTensor o = u.apply(step == 4 ? x : y)) {
                        assertEquals(u.apply(in, Backend.java()), o.download(), steps[step]);
                    }
                    continue;
                }
                u.apply(in == a ? x : y, out);
                assertEquals(u.apply(in, Backend.java()), out.download(), steps[step]);
            }
            assertEquals(1, cl.openCLEngine().queueCount(), "every call ran on the one queue");
        }
    }

    @Test
    void deviceOutputsAreReusedAndOverwritten() {
        OpenCLBackend cl = TestBackends.openCL();
        Random r = new Random(22);
        Unfold unfold = Unfold.of(3, 2).withPadding(1, 2).withStride(2, 1);
        Fold fold = Fold.of(9, 7, unfold.window()).withMode(FoldMode.MEAN);
        Tensor a = RandomCases.tensor(r, 2, 3, 9, 7), b = RandomCases.tensor(r, 2, 3, 9, 7);
        long[] colsShape = unfold.geometry(a.shape()).columnsShape();
        try (DeviceTensor x = cl.upload(a); DeviceTensor y = cl.upload(b);
             DeviceTensor cols = cl.upload(RandomCases.tensor(r, colsShape));   // garbage to overwrite
             DeviceTensor back = cl.upload(RandomCases.tensor(r, a.shape()))) {
            for (DeviceTensor in : new DeviceTensor[] {x, y, x}) {
                unfold.apply(in, cols);
                fold.apply(cols, back);
                Tensor host = in == x ? a : b;
                Tensor expectedCols = unfold.apply(host, Backend.java());
                assertEquals(expectedCols, cols.download());
                assertEquals(fold.apply(expectedCols, Backend.java()), back.download());
            }
            assertThrows(IllegalArgumentException.class, () -> unfold.apply(x, back));
            assertThrows(IllegalArgumentException.class, () -> Unfold.of(1).apply(x, x));
        }
    }

    @Test
    void useAfterCloseFailsAndCloseTwiceIsHarmless() {
        OpenCLBackend cl = TestBackends.openCL();
        DeviceTensor x = cl.upload(Tensor.zeros(1, 1, 4, 4));
        x.close();
        x.close();
        assertTrue(x.isClosed());
        assertThrows(IllegalStateException.class, x::download);
        assertThrows(IllegalStateException.class, () -> Unfold.of(2).apply(x));
    }

    @Test
    void closingTheBackendReleasesItsTensors() {
        OpenCLBackend cl = Backend.openCL(TestBackends.openCL().deviceName());
        DeviceTensor x = cl.upload(Tensor.zeros(1, 2, 5, 5));
        DeviceTensor cols = Unfold.of(2).apply(x);
        assertEquals(2, cl.openTensorCount());
        cl.close();
        cl.close();
        assertTrue(x.isClosed() && cols.isClosed());
        assertEquals(0, cl.openTensorCount());
        assertThrows(IllegalStateException.class, () -> cl.upload(Tensor.zeros(1)));
        assertThrows(IllegalStateException.class, () -> Unfold.of(1).apply(Tensor.zeros(1, 1, 1), cl));
        x.close();
    }

    @Test
    void tensorsDoNotCrossBackends() {
        OpenCLBackend shared = TestBackends.openCL();
        try (OpenCLBackend other = Backend.openCL(shared.deviceName());
             DeviceTensor x = other.upload(Tensor.zeros(1, 1, 3, 3))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> shared.fold(Fold.of(3, 3, 1, 1).geometry(1, 1, 9), x));
            assertTrue(e.getMessage().contains("another backend"), e.getMessage());
        }
    }

    @Test
    void emptyTensorsNeedNoBuffer() {
        OpenCLBackend cl = TestBackends.openCL();
        try (DeviceTensor x = cl.upload(Tensor.zeros(0, 3, 4, 4)); DeviceTensor cols = Unfold.of(2).apply(x)) {
            assertArrayEquals(new long[] {0, 12, 9}, cols.shape());
            assertEquals(0, cols.download().elementCount());
        }
    }
}
