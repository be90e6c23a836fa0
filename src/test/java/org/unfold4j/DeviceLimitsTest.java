package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Device memory and size limits, on a backend of its own whose allocation limit is lowered: host
 * calls split over the batch, and over channels when one image is too large, and still equal the
 * Java backend; when one plane (or, for layouts that cannot split by channel, one image) is too
 * large, and for uploads and device results above the limit, a clear {@link OpenCLException}
 * naming the sizes; afterwards the backend works. And a uint8 device tensor just over 2^31
 * elements, where the device allows such a buffer.
 */
class DeviceLimitsTest {

    /** An operation on host tensors: a spec, an input, and how to apply it. */
    record Op(String name, Tensor input, ColumnGeometry geometry, java.util.function.BiFunction<Tensor, Backend, Tensor> apply) {
        /** The bytes of one unit the backend chunks by: one image. */
        long bytesPerImage() {
            long images = Math.max(1, geometry.batch());
            return Math.max(geometry.imageElements(), geometry.columnElements()) / images * geometry.dtype().bytes();
        }

        long bytesPerPlane() {
            return bytesPerImage() / geometry.channels();
        }

        /** The larger of the input and output buffers of the whole call, unsplit. */
        long bytesUnsplit() {
            return Math.max(geometry.imageElements(), geometry.columnElements()) * geometry.dtype().bytes();
        }

        Tensor java() {
            return apply.apply(input, Backend.java());
        }

        @Override
        public String toString() {
            return name + " of " + geometry;
        }
    }

    static Op unfold(Unfold spec, Tensor input) {
        return new Op("unfold", input, spec.geometry(input.dtype(), input.shape()), spec::apply);
    }

    static Op fold(Fold spec, Tensor input) {
        return new Op("fold", input, spec.geometry(input.dtype(), input.shape()), spec::apply);
    }

    static Tensor data(Random r, DType dtype, long... shape) {
        return PropertiesTest.unfoldData(dtype, r.nextLong(), shape);
    }

    static Tensor columnsFor(Random r, Unfold u, DType dtype, long... imageShape) {
        return PropertiesTest.foldData(dtype, r.nextLong(), u.geometry(dtype, imageShape).columnsShape());
    }

    /** Channels-first images with PyTorch's columns: these split by channel. */
    static List<Op> planeSplittable() {
        Random r = new Random(31);
        List<Op> ops = new ArrayList<>();
        Unfold u2 = Unfold.of(3, 2).withDilation(2, 1).withPadding(1, 2).withStride(1, 2);
        for (PaddingMode mode : PaddingMode.values()) {
            ops.add(unfold(u2.withPaddingMode(mode), data(r, DType.FLOAT32, 3, 5, 9, 8)));
        }
        ops.add(unfold(u2, data(r, DType.UINT8, 5, 9, 8)));                                  // unbatched
        ops.add(unfold(u2, data(r, DType.INT32, 2, 5, 9, 8)));
        ops.add(unfold(u2, data(r, DType.FLOAT64, 2, 5, 9, 8)));
        Unfold u1 = Unfold.of(Window.of(new int[] {4}, new int[] {2}, new int[] {3}, new int[] {3}));
        ops.add(unfold(u1.withPaddingMode(PaddingMode.REFLECT), data(r, DType.FLOAT32, 3, 5, 17)));
        Unfold u3 = Unfold.of(Window.of(new int[] {2, 3, 2}, new int[] {1, 1, 2}, new int[] {1, 0, 1}, new int[] {2, 1, 1}));
        ops.add(unfold(u3.withPaddingMode(PaddingMode.CIRCULAR), data(r, DType.FLOAT32, 2, 5, 4, 6, 5)));
        for (FoldMode m : FoldMode.values()) {
            ops.add(fold(Fold.of(9, 8, u2.window()).withMode(m), columnsFor(r, u2, DType.FLOAT32, 3, 5, 9, 8)));
            ops.add(fold(Fold.of(new long[] {4, 6, 5}, u3.window()).withMode(m), columnsFor(r, u3, DType.FLOAT64, 2, 5, 4, 6, 5)));
        }
        ops.add(fold(Fold.of(new long[] {17}, u1.window()), columnsFor(r, u1, DType.FLOAT32, 5, 17)));  // unbatched
        return ops;
    }

    /** Channels-last images or patch-major columns: these split only by image. */
    static List<Op> imageSplittableOnly() {
        Random r = new Random(37);
        Unfold u = Unfold.of(3, 2).withPadding(1).withStride(2, 1);
        Unfold last = u.withImageLayout(ImageLayout.CHANNELS_LAST);
        Unfold patches = u.withColumnLayout(ColumnLayout.PATCHES);
        return List.of(
                unfold(last.withPaddingMode(PaddingMode.REPLICATE), data(r, DType.FLOAT32, 3, 9, 8, 5)),
                unfold(patches, data(r, DType.UINT8, 3, 5, 9, 8)),
                fold(Fold.of(9, 8, u.window()).withImageLayout(ImageLayout.CHANNELS_LAST).withMode(FoldMode.MEAN),
                        columnsFor(r, last, DType.FLOAT32, 3, 9, 8, 5)),
                fold(Fold.of(9, 8, u.window()).withColumnLayout(ColumnLayout.PATCHES),
                        columnsFor(r, patches, DType.FLOAT64, 3, 5, 9, 8)));
    }

    static OpenCLBackend freshBackend() {
        return Backend.openCL(TestBackends.openCL().deviceName());
    }

    static void assertEqualsJava(Op op, Tensor got, String how) {
        Tensor expected = op.java();
        if (!expected.equals(got)) {
            fail(how + ", " + op + ": " + PropertiesTest.firstDifference(expected, got));
        }
    }

    /** A fresh backend whose largest buffer is {@code bytes}. */
    static OpenCLBackend limited(long bytes) {
        OpenCLBackend cl = TestBackends.withConfig(c -> c.withAllocationLimit(bytes));
        assertEquals(bytes, cl.openCLEngine().config().allocationLimit());
        return cl;
    }

    @Test
    void hostCallsSplitOverTheBatchAndStayExact() {
        int checked = 0;
        List<Op> ops = new ArrayList<>(planeSplittable());
        ops.addAll(imageSplittableOnly());
        for (Op op : ops) {
            if (op.geometry().batch() < 2) {
                continue;
            }
            for (long images = 1; images < op.geometry().batch(); images++) {
                try (OpenCLBackend cl = limited(images * op.bytesPerImage())) {
                    assertTrue(op.bytesUnsplit() > cl.openCLEngine().config().allocationLimit(), "the whole call must not fit: " + op);
                    assertEqualsJava(op, op.apply().apply(op.input(), cl), "chunks of " + images + " images");
                    checked++;
                    assertEquals(0, TestBackends.buffersBeyondTheCache(cl), "chunk buffers left behind by " + op);
                }
            }
        }
        assertTrue(checked >= 20, "only " + checked + " batch splits checked");
    }

    @Test
    void hostCallsSplitOverChannelsWhenOneImageIsTooLarge() {
        int checked = 0;
        for (Op op : planeSplittable()) {
            long channels = op.geometry().channels();
            assertEquals(5, channels);
            // 1, 2 or 3 planes a chunk: chunks cross image boundaries when the batch has several images.
            for (long planes = 1; planes < channels; planes++) {
                try (OpenCLBackend cl = limited(planes * op.bytesPerPlane())) {
                    assertTrue(op.bytesPerImage() > cl.openCLEngine().config().allocationLimit(), "one image must not fit: " + op);
                    assertEqualsJava(op, op.apply().apply(op.input(), cl), "chunks of " + planes + " planes");
                    checked++;
                    assertEquals(0, TestBackends.buffersBeyondTheCache(cl), "chunk buffers left behind by " + op);
                }
            }
        }
        assertTrue(checked >= 40, "only " + checked + " channel splits checked");
    }

    @Test
    void onePlaneOrUnsplittableImageAboveTheLimitIsAClearError() {
        for (Op op : planeSplittable()) {
            try (OpenCLBackend cl = limited(op.bytesPerPlane() - 1)) {
                OpenCLException e = assertThrows(OpenCLException.class, () -> op.apply().apply(op.input(), cl), op::toString);
                assertMentions(e, op.name(), String.valueOf(op.bytesPerPlane()), String.valueOf(op.bytesPerPlane() - 1),
                        "one channel of one image");
                assertEquals(0, TestBackends.buffersBeyondTheCache(cl));
                assertEquals(0, cl.openTensorCount());
                stillWorks(cl);
            }
        }
        for (Op op : imageSplittableOnly()) {
            try (OpenCLBackend cl = limited(op.bytesPerImage() - 1)) {
                OpenCLException e = assertThrows(OpenCLException.class, () -> op.apply().apply(op.input(), cl), op::toString);
                assertMentions(e, op.name(), String.valueOf(op.bytesPerImage()), String.valueOf(op.bytesPerImage() - 1),
                        "one image");
                assertEquals(0, TestBackends.buffersBeyondTheCache(cl));
                assertEquals(0, cl.openTensorCount());
                stillWorks(cl);
            }
        }
        try (OpenCLBackend cl = freshBackend()) {
            stillWorksAtTheDevicesLimit(cl);
        }
    }

    @Test
    void uploadsAndDeviceResultsAboveTheLimitAreAClearError() {
        Tensor image = data(new Random(41), DType.FLOAT32, 2, 3, 10, 10);  // 2,400 bytes
        try (OpenCLBackend cl = limited(2399)) {
            OpenCLException e = assertThrows(OpenCLException.class, () -> cl.upload(image));
            assertMentions(e, "upload", "2400 bytes", "2399 bytes");
            assertEquals(0, TestBackends.buffersBeyondTheCache(cl));
            assertEquals(0, cl.openTensorCount());
            stillWorks(cl);
        }
        Unfold u = Unfold.of(3).withPadding(1);  // [2, 27, 100]: 21,600 bytes, no splitting on the device
        try (OpenCLBackend cl = limited(2400)) {
            try (DeviceTensor x = cl.upload(image)) {
                OpenCLException e = assertThrows(OpenCLException.class, () -> u.apply(x));
                assertMentions(e, "unfold output", "21600 bytes", "2400 bytes");
                assertEquals(1, TestBackends.buffersBeyondTheCache(cl), "only the input is left");
                assertEquals(1, cl.openTensorCount());
            }
            assertEquals(0, TestBackends.buffersBeyondTheCache(cl));
            stillWorks(cl);
        }
        try (OpenCLBackend cl = limited(21_600)) {
            try (DeviceTensor x = cl.upload(image); DeviceTensor cols = u.apply(x)) {
                assertEquals(u.apply(image, Backend.java()), cols.download());
            }
            assertEquals(0, TestBackends.buffersBeyondTheCache(cl));
            stillWorks(cl);
        }
    }

    private static void assertMentions(OpenCLException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "the message should mention '" + part + "': " + e.getMessage());
        }
    }

    /**
     * After errors, a backend still works: host calls, device calls, uploads and downloads that
     * fit its limit are exact and leave nothing behind (the limit is fixed for a backend's life).
     */
    private static void stillWorks(OpenCLBackend cl) {
        Random r = new Random(43);
        Unfold u = Unfold.of(2);
        Tensor image = data(r, DType.FLOAT32, 1, 1, 2, 2);  // 16 bytes; columns [1, 4, 1]: 16 bytes
        assertTrue(16 <= cl.openCLEngine().config().allocationLimit(), "the check must fit the limit");
        Tensor cols = u.apply(image, Backend.java());
        Fold f = Fold.of(2, 2, u.window());
        assertEquals(cols, u.apply(image, cl), "a host unfold after the errors");
        assertEquals(f.apply(cols, Backend.java()), f.apply(cols, cl), "a host fold after the errors");
        try (DeviceTensor x = cl.upload(image); DeviceTensor c = u.apply(x)) {
            assertEquals(image, x.download());
            assertEquals(cols, c.download());
        }
        assertEquals(0, TestBackends.buffersBeyondTheCache(cl));
        assertEquals(0, cl.openTensorCount());
    }

    /** With the device's real limit, every kind of call works and is exact. */
    private static void stillWorksAtTheDevicesLimit(OpenCLBackend cl) {
        assertEquals(cl.device().maxAllocation(), cl.openCLEngine().config().allocationLimit());
        for (Op op : planeSplittable().subList(0, 3)) {
            assertEqualsJava(op, op.apply().apply(op.input(), cl), "after the errors");
        }
        Op op = planeSplittable().get(0);
        try (DeviceTensor x = cl.upload(op.input())) {
            assertEquals(op.input(), x.download());
        }
        assertEquals(0, TestBackends.buffersBeyondTheCache(cl));
    }

    // ------------------------------------------------------------------ more than 2^31 elements

    /**
     * A 1-D unfold with kernel {@code k} of a uint8 signal of {@code k + l - 1} samples, on the
     * device: its result {@code [1, k, l]} has {@code k·l} elements, which can exceed 2^31 though
     * the input is small. It cannot be downloaded (a host tensor holds at most 2^31 − 9), so a
     * second unfold, reading it as a 1-D image of {@code k} channels and {@code l} samples with
     * kernel 1 and a large stride, picks samples 0, s, 2s, … of every row (with stride
     * {@code l − 1}: the first and the very last, flat index {@code k·l − 1}), which are
     * downloaded and checked against the input: row {@code r}, window {@code j} holds sample
     * {@code j + r}.
     */
    static void checkWideUint8(OpenCLBackend cl, int k, int l, long seed) {
        byte[] signal = new byte[k + l - 1];
        new Random(seed).nextBytes(signal);
        Unfold wide = Unfold.of(Window.ofKernel(k));
        try (DeviceTensor x = cl.upload(Tensor.ofUint8(signal, 1, 1, signal.length));
             DeviceTensor cols = wide.apply(x)) {
            assertArrayEquals(new long[] {1, k, l}, cols.shape());
            for (int stride : new int[] {l - 1, 65_537, 7}) {
                if (stride < 1 || (long) k * ((l - 1) / stride + 1) > 1 << 22) {
                    continue;
                }
                Unfold pick = Unfold.of(Window.of(new int[] {1}, new int[] {1}, new int[] {0}, new int[] {stride}));
                try (DeviceTensor picked = pick.apply(cols)) {
                    Tensor got = picked.download();
                    int blocks = (l - 1) / stride + 1;
                    assertArrayEquals(new long[] {1, k, blocks}, got.shape());
                    byte[] values = got.toByteArray();
                    for (int r = 0; r < k; r++) {
                        for (int j = 0; j < blocks; j++) {
                            int sample = j * stride + r;
                            if (values[r * blocks + j] != signal[sample]) {
                                fail("row " + r + ", sample " + (j * stride) + " (flat index " + ((long) r * l + (long) j * stride)
                                        + " of " + ((long) k * l) + "): expected " + (signal[sample] & 0xff) + " but got "
                                        + (values[r * blocks + j] & 0xff) + " (stride " + stride + ")");
                            }
                        }
                    }
                }
            }
        }
    }

    /** The same check at a small size, with the 64-bit and the 32-bit index kernels: the check itself works. */
    @Test
    void wideUint8CheckWorksAtASmallSize() {
        for (boolean longIndex : new boolean[] {true, false}) {
            try (OpenCLBackend cl = TestBackends.withConfig(c -> c.withForceLongIndex(longIndex))) {
                checkWideUint8(cl, 64, 1000, 3);
                checkWideUint8(cl, 3, 200_000, 4);
                assertEquals(0, TestBackends.buffersBeyondTheCache(cl));
            }
        }
    }

    /** Kernel 4,096 over 524,289 windows: 2^31 + 4,096 elements (bytes) in one device buffer. */
    @Test
    void uint8DeviceTensorJustOver2To31Elements() throws IOException {
        wideUint8OnTheDevice(4096, (1 << 19) + 1);
    }

    /**
     * Kernel 4,096 over 524,288 windows: exactly 2^31 elements, one more than a signed 32-bit
     * index reaches, in the largest buffer PoCL allows on a 23 GiB machine (2 GiB), so it can run
     * where the test above cannot (the kernels switch to 64-bit indices for it). It takes about
     * 30 s on two CPU cores with PoCL, so it runs only with {@code -Dunfold4j.largeTests=true}.
     */
    @Test
    void uint8DeviceTensorOf2To31Elements() throws IOException {
        Assumptions.assumeTrue(Boolean.getBoolean("unfold4j.largeTests"), "a 2 GiB device tensor takes about 30 s "
                + "on PoCL with two cores; run with -Dunfold4j.largeTests=true");
        wideUint8OnTheDevice(4096, 1 << 19);
    }

    private static void wideUint8OnTheDevice(int k, int l) throws IOException {
        long elements = (long) k * l;
        assertTrue(elements >= 1L << 31);
        ColumnGeometry g = Unfold.of(Window.ofKernel(k)).geometry(DType.UINT8, 1, 1, k + l - 1);
        assertEquals(elements, g.columnElements());
        assertFalse(g.view().fitsIntIndex(), "the geometry must need the 64-bit index kernels");
        OpenCLDevice device = TestBackends.openCL().device();
        long needed = elements + (1 << 20);
        if (device.maxAllocation() < elements) {
            // The device cannot hold the buffer (PoCL allows 2 GiB): rather than skip, check the
            // clean refusal, an OpenCLException naming the limit, with nothing left allocated.
            try (OpenCLBackend cl = freshBackend()) {
                try (DeviceTensor x = cl.upload(Tensor.ofUint8(new byte[k + l - 1], 1, 1, k + l - 1))) {
                    OpenCLException e = assertThrows(OpenCLException.class, () -> Unfold.of(Window.ofKernel(k)).apply(x));
                    assertTrue(e.getMessage().contains("largest allocation") && e.getMessage().contains(device.name()),
                            e.getMessage());
                }
                assertEquals(0, TestBackends.buffersBeyondTheCache(cl));
            }
            return;
        }
        // A device that allows the buffer but lacks the memory: a skip, or a failure where OpenCL
        // is required (then the run was meant to exercise it, and a skip would pass unseen).
        memoryAssumption(device.globalMemory() >= needed, () -> device.name() + " has " + device.globalMemory()
                + " bytes of global memory; the test needs " + needed);
        if (!device.isGpuOrAccelerator()) {
            long available = memAvailable();
            memoryAssumption(available < 0 || available >= needed + (2L << 30), () -> "the device's memory is "
                    + "host memory, and only " + available + " bytes are available; the test needs " + needed
                    + " plus 2 GiB to spare");
        }
        try (OpenCLBackend cl = freshBackend()) {
            checkWideUint8(cl, k, l, 5);
            assertEquals(0, TestBackends.buffersBeyondTheCache(cl));
        }
    }

    /** Skips when {@code holds} is false, or fails with the reason when OpenCL is required. */
    private static void memoryAssumption(boolean holds, java.util.function.Supplier<String> reason) {
        if (!holds && TestBackends.REQUIRE_OPENCL) {
            fail(reason.get() + " (unfold4j.requireOpenCL=true, so this is not skipped)");
        }
        Assumptions.assumeTrue(holds, reason);
    }

    /** MemAvailable from /proc/meminfo in bytes, or -1 where unknown. */
    static long memAvailable() throws IOException {
        Path meminfo = Path.of("/proc/meminfo");
        if (!Files.exists(meminfo)) {
            return -1;
        }
        for (String line : Files.readAllLines(meminfo)) {
            if (line.startsWith("MemAvailable:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }
}
