package org.unfold4j;

import org.unfold4j.internal.geometry.SharedRules;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * Issue 10, item 3: a batch of 0 images with any valid geometry, however large, gives an empty
 * result of the right shape on every backend and kernel family (as PyTorch does); a geometry
 * whose result cannot be a host tensor is a clean {@link IllegalArgumentException} naming the
 * sizes; and the Java backend's working memory stays small next to its output (Note [axis
 * tables stay linear] in {@code AxisTables}, Note [window groups] in {@code WindowGroups},
 * Note [row-class strips] in {@code FoldPass}).
 *
 * <p>How each was checked to fail without the fix (main sources reverted to the parent commit):
 * {@code pytorchExamples} and {@code emptyBatchWithHugeGeometries} die with
 * {@code OutOfMemoryError} in {@code AxisTables.<init>} (the surefire fork itself goes down), and
 * with {@code NegativeArraySizeException} for 2^31 pixels: the per-axis tables were built before
 * the batch was looked at. {@code kernelVolumeBeyond64Bits}: {@code ArithmeticException: / by
 * zero} (the volume had wrapped to 0). {@code workingMemoryOfALongWindow}: unfold allocated
 * 3,222,249,152 bytes for its 1 GiB output. {@code workingMemoryOfManyWindows}: 604,707,544 bytes
 * for a 16 MiB uint8 output, 184,621,368 for a 16 MiB patch fold, 7,833,168 for a 4 MiB row-class
 * fold; with only the window groups and strips disabled (GROUP_WINDOWS and SCRATCH_ELEMENTS set
 * to Integer.MAX_VALUE) still 67,841,800, 16,849,456 and 7,359,888. {@code
 * unfoldThroughWindowGroupsMatchesTheDefinition}: with every group's length taken as a full
 * group, {@code ArrayIndexOutOfBoundsException}. {@code resultsBeyondAHostTensorAreRefusedByName}
 * held before too: it guards the refusal, which the huge-geometry paths must keep.
 */
class EmptyAndHugeGeometriesTest {
    private static final long HUGE_KERNEL = 1L << 30;

    /** Every backend under test: Java, and both OpenCL kernel families where OpenCL runs. */
    private static List<Backend> backends() {
        List<Backend> all = new ArrayList<>(TestBackends.all());
        if (all.size() > 1) {
            all.add(TestBackends.otherKernelFamily());
        }
        return all;
    }

    private static String label(Backend b) {
        return b instanceof OpenCLBackend cl ? "opencl (" + (cl.openCLEngine().config().rowKernels() ? "row" : "element") + " kernels)" : b.name();
    }

    /** The two examples of the issue, with PyTorch's stated results. */
    @Test
    void pytorchExamples() {
        // F.fold(torch.empty(0, 1, 2**31), (2**31, 1), 1).shape == (0, 1, 2147483648, 1)
        Fold fold = Fold.of(new long[] {1L << 31, 1}, Window.ofKernel(1, 1));
        // F.unfold(torch.empty(0, 1, 1, 1), (1, 2**30), padding=(0, 2**30)).shape == (0, 1073741824, 1073741826)
        Unfold unfold = Unfold.of(Window.ofKernel(1, 1 << 30).withPadding(0, 1 << 30));
        long[] folded = {0, 1, 2147483648L, 1}, unfolded = {0, 1073741824L, 1073741826L};
        List<Executable> checks = new ArrayList<>();
        for (Backend b : backends()) {
            checks.add(() -> assertArrayEquals(folded, fold.apply(Tensor.zeros(0, 1, 1L << 31), b).shape(), label(b)));
            checks.add(() -> assertArrayEquals(unfolded, unfold.apply(Tensor.zeros(0, 1, 1, 1), b).shape(), label(b)));
            if (b instanceof OpenCLBackend cl) {
                checks.add(() -> {
                    try (DeviceTensor x = cl.upload(Tensor.zeros(0, 1, 1L << 31)); DeviceTensor y = fold.apply(x)) {
                        assertArrayEquals(folded, y.shape(), label(b));
                        assertArrayEquals(folded, y.download().shape(), label(b));
                    }
                    try (DeviceTensor x = cl.upload(Tensor.zeros(0, 1, 1, 1)); DeviceTensor y = unfold.apply(x)) {
                        assertArrayEquals(unfolded, y.download().shape(), label(b));
                    }
                });
            }
        }
        assertAll(checks);
    }

    /**
     * One huge axis: a kernel and padding of 2^30 (2^31 + 2 windows), or a dilation and stride
     * of 2^30, or 2^31 pixels (beyond a Java array) with a 1-wide kernel; the other axes small.
     * {kernel, dilation, padding, stride, size}.
     */
    private static final long[][] HUGE_AXES = {
            {HUGE_KERNEL, 1, HUGE_KERNEL, 1, HUGE_KERNEL + 1},
            {2, HUGE_KERNEL, HUGE_KERNEL / 2, HUGE_KERNEL, HUGE_KERNEL + 1},
            {1, 1, 0, 1, 1L << 31},
    };
    private static final long[] SMALL_AXIS = {2, 2, 1, 1, 3};

    /** An empty batch through every rank, layout, type, padding mode and fold mode, with each axis huge in turn. */
    @TestFactory
    Stream<DynamicTest> emptyBatchWithHugeGeometries() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Backend b : backends()) {
            tests.add(DynamicTest.dynamicTest(label(b), () -> {
                List<Executable> checks = new ArrayList<>();
                for (int rank = 1; rank <= 3; rank++) {
                    for (ImageLayout layout : ImageLayout.values()) {
                        if (layout == ImageLayout.CHANNELS_LAST && rank != 2) {
                            continue;
                        }
                        for (int hugeDim = 0; hugeDim < rank; hugeDim++) {
                            for (long[] huge : HUGE_AXES) {
                                long[][] axes = new long[rank][];
                                Arrays.fill(axes, SMALL_AXIS);
                                axes[hugeDim] = huge;
                                for (PaddingMode mode : PaddingMode.values()) {
                                    for (ColumnLayout columns : ColumnLayout.values()) {
                                        for (DType dtype : DType.values()) {
                                            checks.add(() -> emptyBatch(b, axes, layout, mode, columns, dtype));
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                // (1 + 2 + 2 + 3) huge axes x 3 kinds of huge x 4 padding modes x 2 column layouts x 6 types
                assertEquals(8 * 3 * 4 * 2 * 6, checks.size(), "cases");
                assertAll(checks);
            }));
        }
        return tests.stream();
    }

    private static void emptyBatch(Backend b, long[][] axes, ImageLayout layout, PaddingMode mode,
                                   ColumnLayout columns, DType dtype) {
        int rank = axes.length;
        int[] kernel = new int[rank], dilation = new int[rank], padding = new int[rank], stride = new int[rank];
        long[] size = new long[rank];
        long volume = 1, blocks = 1;
        for (int d = 0; d < rank; d++) {
            kernel[d] = Math.toIntExact(axes[d][0]);
            dilation[d] = Math.toIntExact(axes[d][1]);
            padding[d] = Math.toIntExact(axes[d][2]);
            stride[d] = Math.toIntExact(axes[d][3]);
            size[d] = axes[d][4];
            volume *= kernel[d];
            // PyTorch's block count, computed here independently of Window.blocks.
            blocks *= Math.floorDiv(size[d] + 2L * padding[d] - (long) dilation[d] * (kernel[d] - 1) - 1, stride[d]) + 1;
        }
        long c = 2;
        long[] image = new long[rank + 2];
        image[0] = 0;
        image[layout == ImageLayout.CHANNELS_FIRST ? 1 : rank + 1] = c;
        System.arraycopy(size, 0, image, layout == ImageLayout.CHANNELS_FIRST ? 2 : 1, rank);
        long[] cols = columns == ColumnLayout.COLUMNS ? new long[] {0, c * volume, blocks} : new long[] {0, blocks, c * volume};
        Window w = Window.of(kernel, dilation, padding, stride);
        String what = w + " " + mode + " " + layout + " " + columns + " " + dtype + " on " + label(b);
        Unfold unfold = Unfold.of(w).withPaddingMode(mode).withImageLayout(layout).withColumnLayout(columns);
        Tensor x = Tensor.zeros(dtype, image);
        Tensor u = unfold.apply(x, b);
        assertEquals(dtype, u.dtype(), what);
        assertArrayEquals(cols, u.shape(), "unfold, " + what);
        Tensor into = Tensor.zeros(dtype, cols);
        unfold.apply(x, into, b);
        if (b instanceof OpenCLBackend cl) {
            try (DeviceTensor dx = cl.upload(x); DeviceTensor du = unfold.apply(dx); DeviceTensor reused = cl.upload(into)) {
                assertArrayEquals(cols, du.download().shape(), "device unfold, " + what);
                unfold.apply(dx, reused);
                assertArrayEquals(cols, reused.download().shape(), "device unfold into, " + what);
            }
        }
        if (!dtype.isFloatingPoint() || mode != PaddingMode.ZEROS) {
            return;  // fold sums floats, and has no padding modes: its cases are each once below
        }
        for (FoldMode foldMode : FoldMode.values()) {
            Fold fold = Fold.of(size, w).withMode(foldMode).withImageLayout(layout).withColumnLayout(columns);
            String f = "fold " + foldMode + ", " + what;
            assertArrayEquals(image, fold.apply(u, b).shape(), f);
            fold.apply(u, Tensor.zeros(dtype, image), b);
            if (b instanceof OpenCLBackend cl) {
                try (DeviceTensor du = cl.upload(u); DeviceTensor dy = fold.apply(du);
                     DeviceTensor reused = cl.upload(Tensor.zeros(dtype, image))) {
                    assertArrayEquals(image, dy.download().shape(), "device " + f);
                    fold.apply(du, reused);
                    assertArrayEquals(image, reused.download().shape(), "device into, " + f);
                }
            }
        }
    }

    /**
     * One image instead of none: the columns of the unfold example (2^60 elements), and the
     * image of a fold whose 2 windows are 2^30 pixels apart (2^31 pixels), cannot be host
     * tensors: an IllegalArgumentException with the shape and the count, on every backend.
     */
    @Test
    void resultsBeyondAHostTensorAreRefusedByName() {
        for (Backend b : backends()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Unfold.of(Window.ofKernel(1, 1 << 30).withPadding(0, 1 << 30)).apply(Tensor.zeros(1, 1, 1, 1), b));
            assertTrue(e.getMessage().contains("[1, 1073741824, 1073741826]")
                    && e.getMessage().contains("1152921506754330624 elements"), e.getMessage());
            Fold spread = Fold.of(new long[] {1L << 31, 1}, Window.ofKernel(1, 1).withStride(1 << 30, 1));
            e = assertThrows(IllegalArgumentException.class, () -> spread.apply(Tensor.zeros(1, 1, 2), b));
            assertTrue(e.getMessage().contains("[1, 1, 2147483648, 1]") && e.getMessage().contains("2147483648 elements"),
                    e.getMessage());
        }
    }

    /** A 3-D kernel of 2^21 · 2^21 · 2^22 taps has 2^64 of them: an IllegalArgumentException, not a volume wrapped to 0. */
    @Test
    void kernelVolumeBeyond64Bits() {
        Window w = Window.ofKernel(1 << 21, 1 << 21, 1 << 22);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Unfold.of(w).geometry(0, 1, 1 << 21, 1 << 21, 1 << 22));
        assertTrue(e.getMessage().contains("overflow"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Fold.of(new long[] {1 << 21, 1 << 21, 1 << 22}, w).geometry(0, 1, 1));
        assertTrue(e.getMessage().contains("overflow"), e.getMessage());
    }

    // ---- working memory

    /**
     * The bytes allocated by every live thread since {@code before} (a map from thread id to its
     * count then). Counts the calling thread and the ForkJoin workers the Java backend forks to;
     * a thread that ended meanwhile is missed, which can only make a regression look smaller.
     */
    private static long allocatedSince(Map<Long, Long> before) {
        long total = 0;
        for (Map.Entry<Long, Long> e : allocatedPerThread().entrySet()) {
            total += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        return total;
    }

    private static Map<Long, Long> allocatedPerThread() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled(),
                "this JVM does not count allocated bytes per thread");
        long[] ids = mx.getAllThreadIds();
        long[] bytes = mx.getThreadAllocatedBytes(ids);
        Map<Long, Long> m = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (bytes[i] >= 0) {
                m.put(ids[i], bytes[i]);
            }
        }
        return m;
    }

    /**
     * The case: a 1-D window of 16,384 over 32,767 samples, 16,384 windows, a 1 GiB
     * float32 column matrix. Unfold into it and fold from it on the Java backend allocate at most
     * 1/64 of it (the tables are O(kernel + windows + size) per axis), and both match the
     * definitions: column (k, o) is sample o + k, and fold(unfold(x)) is x times the windows
     * covering each sample. Under a heap too small for 1 GiB, the same shape at a quarter scale.
     */
    @Test
    void workingMemoryOfALongWindow() {
        int kernel = Runtime.getRuntime().maxMemory() >= (3L << 29) ? 16_384 : 4_096;
        int samples = 2 * kernel - 1, windows = samples - kernel + 1;
        float[] xs = new float[samples];
        for (int i = 0; i < samples; i++) {
            xs[i] = i % 251;
        }
        Tensor x = Tensor.of(xs, 1, 1, samples);
        Unfold unfold = Unfold.of(Window.ofKernel(kernel));
        Fold fold = Fold.of(new long[] {samples}, Window.ofKernel(kernel));
        Tensor cols = Tensor.zeros(1, kernel, windows);
        Tensor image = Tensor.zeros(1, 1, samples);
        long outputBytes = 4L * kernel * windows;
        for (int round = 0; round < 2; round++) {  // the second round is measured after the JIT has settled
            Map<Long, Long> before = allocatedPerThread();
            unfold.apply(x, cols, Backend.java());
            long unfoldBytes = allocatedSince(before);
            before = allocatedPerThread();
            fold.apply(cols, image, Backend.java());
            long foldBytes = allocatedSince(before);
            System.out.printf("working memory, kernel %d over %d samples (%d-byte columns): unfold %d bytes, fold %d bytes%n",
                    kernel, samples, outputBytes, unfoldBytes, foldBytes);
            assertTrue(unfoldBytes <= outputBytes / 64, "unfold allocated " + unfoldBytes + " bytes for a "
                    + outputBytes + "-byte output");
            assertTrue(foldBytes <= outputBytes / 64, "fold allocated " + foldBytes + " bytes reading a "
                    + outputBytes + "-byte input");
        }
        // Closed forms rather than Reference, whose per-element tables would not fit beside the 1 GiB columns.
        float[] c = cols.data();
        for (int k = 0; k < kernel; k++) {
            for (int o = 0; o < windows; o++) {
                if (c[k * windows + o] != xs[o + k]) {
                    fail("column (" + k + ", " + o + ") is " + c[k * windows + o] + ", expected sample " + (o + k)
                            + " = " + xs[o + k]);
                }
            }
        }
        float[] y = image.data();
        for (int p = 0; p < samples; p++) {
            int covering = Math.min(p, windows - 1) - Math.max(0, p - kernel + 1) + 1;
            if (y[p] != xs[p] * covering) {  // integers below 2^24: exact in float32
                fail("sample " + p + " folds to " + y[p] + ", expected " + xs[p] + " x " + covering + " windows");
            }
        }
    }

    /** Asserts that {@code call} allocates at most {@code limit} bytes over all threads, in each of two rounds. */
    private static void assertAllocatesAtMost(long limit, String what, Runnable call) {
        for (int round = 0; round < 2; round++) {
            Map<Long, Long> before = allocatedPerThread();
            call.run();
            long bytes = allocatedSince(before);
            System.out.printf("working memory, %s: %d bytes (round %d)%n", what, bytes, round);
            assertTrue(bytes <= limit, what + " allocated " + bytes + " bytes, more than " + limit);
        }
    }

    /**
     * The tables over all of a plane's windows (Note [window groups]) and the row-class scratch
     * (Note [row-class strips]): a strided uint8 unfold with a 1-wide kernel (whose table of
     * window origins was four times its output), a fold of 1-wide patches (a table as large as
     * its image), and a row-class fold with stride 1 (a table half its image and a scratch the
     * size of its image, kept by each thread). Each allocates at most 1/4 of its output, and
     * matches the definition.
     */
    @Test
    void workingMemoryOfManyWindows() {
        int samples = 1 << 25;
        byte[] bytes = new byte[samples];
        for (int i = 0; i < samples; i++) {
            bytes[i] = (byte) (i * 7 + (i >> 9));
        }
        Tensor x = Tensor.ofUint8(bytes, 1, 1, samples);
        Tensor strided = Tensor.zeros(DType.UINT8, 1, 1, samples / 2);
        Unfold everyOther = Unfold.of(Window.ofKernel(1).withStride(2));
        assertAllocatesAtMost(samples / 2 / 4, "strided uint8 unfold of 2^25 samples",
                () -> everyOther.apply(x, strided, Backend.java()));
        byte[] got = strided.toByteArray();
        // A closed form rather than Reference, whose tables for 2^25 samples would dwarf what is measured.
        for (int o = 0; o < samples / 2; o++) {
            if (got[o] != bytes[2 * o]) {
                fail("window " + o + " is " + got[o] + ", expected sample " + 2 * o + " = " + bytes[2 * o]);
            }
        }

        int pixels = 1 << 22;
        float[] values = new float[pixels];
        for (int i = 0; i < pixels; i++) {
            values[i] = i % 1009 - 500;
        }
        Tensor patches = Tensor.of(values, 1, 1, pixels);
        Tensor image = Tensor.zeros(1, 1, pixels);
        Fold ones = Fold.of(new long[] {pixels}, Window.ofKernel(1));
        assertAllocatesAtMost(4L * pixels / 4, "fold of 2^22 1-wide patches", () -> ones.apply(patches, image, Backend.java()));
        assertArrayEquals(values, image.data(), "a fold of 1-wide patches is the identity");

        int h = 16_384, w = 64, kw = 33, bw = w - kw + 1;
        float[] xs = new float[h * w];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = i % 61;
        }
        Window wide = Window.ofKernel(1, kw);
        assertTrue(SharedRules.foldsByRowClasses(Fold.of(h, w, wide).geometry(1, kw, (long) h * bw).view()), "the row-class fold");
        Tensor cols = Unfold.of(wide).apply(Tensor.of(xs, 1, 1, h, w), Backend.java());
        Tensor folded = Tensor.zeros(1, 1, h, w);
        assertAllocatesAtMost(4L * h * w / 4, "row-class fold of 16384 x 64, kernel (1, 33)",
                () -> Fold.of(h, w, wide).apply(cols, folded, Backend.java()));
        // Integers: every sum is exact, so the reference's order is no constraint here.
        assertArrayEquals(Reference.fold(Case.of(wide, true, 1, 1, h, w), cols.toFloatArray()), folded.data(),
                "row-class fold of 16384 x 64 against the reference");
    }

    /**
     * Unfolds whose rows of windows are flat gathers through window groups (Note [window groups]
     * in WindowGroups): groups of several window rows with a shorter last one, a row of more than
     * one group, and 3-D planes of groups, against the definition, on every backend.
     */
    @Test
    void unfoldThroughWindowGroupsMatchesTheDefinition() {
        for (Case g : JavaWindowGroupsTest.WINDOW_GROUP_UNFOLDS) {
            float[] image = new float[g.imageElements()];
            for (int i = 0; i < image.length; i++) {
                image[i] = i % 1013;
            }
            float[] expected = Reference.unfold(g, image);
            for (Backend b : backends()) {
                assertArrayEquals(expected, g.unfold().apply(Tensor.of(image, g.imageShape()), b).toFloatArray(),
                        g + " on " + label(b));
            }
        }
        Window w3 = Window.of(new int[] {2, 2, 2}, new int[] {1, 1, 1}, new int[] {0, 0, 0}, new int[] {2, 2, 3});
        float[] volume = new float[4 * 30 * 90];
        for (int i = 0; i < volume.length; i++) {
            volume[i] = i % 997;
        }
        Tensor x = Tensor.of(volume, 1, 1, 4, 30, 90);
        Tensor cols = Unfold.of(w3).apply(x, Backend.java());
        float[] c = cols.toFloatArray();
        assertArrayEquals(Reference.unfold(Case.of(w3, true, 1, 1, 4, 30, 90), volume), c, "3-D columns against the reference");
        for (Backend b : backends()) {
            assertArrayEquals(c, Unfold.of(w3).apply(x, b).toFloatArray(), "3-D on " + label(b));
        }
    }
}
