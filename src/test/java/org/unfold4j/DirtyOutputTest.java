package org.unfold4j;

import static org.unfold4j.TensorAssert.assertTensorEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every unfold and fold path written into a caller's output that holds garbage: the host
 * into-variants {@code apply(x, out, backend)} and, on OpenCL, device outputs
 * {@code apply(DeviceTensor, DeviceTensor)}, on Java and on both OpenCL kernel families. The
 * result must be the fresh-output result bit for bit, and that must be the reference
 * ({@link Reference}, exact: fold's columns are small integers, so every sum is exact in
 * any order and every mean is one correctly rounded division).
 *
 * <p>The garbage has no zero anywhere (NaNs with a payload, huge values, -1 bit patterns), so a
 * path that leaves a padded tap, a pixel no window covers, or a row it meant to clear unwritten
 * shows up; a second round writes the same call into the output of a different input, the
 * stale values a loop reusing one buffer would see.
 *
 * <p>The geometries reach each path on purpose (UnfoldPass, FoldPass: windowRuns with plane copies, rows
 * and the flat gather, kernelRuns; fold's patchRow, rowClass, the flat gather of pixelSources,
 * disjoint rows with and without gaps, along the kernel, three taps at once; OpenCL: unfold,
 * unfold_rows, fold, fold_rows with ALONG_KERNEL / DISJOINT / GAPS_W, fold_row_classes,
 * fold_patches), in 1-D, 2-D (both image layouts, both column layouts) and 3-D, every padding
 * mode and dtype for unfold, both fold modes and float types for fold.
 *
 * <p>Checked by hand against the mutants a mutation run found surviving the rest of the suite
 * (each made in the source, this test run, the mutant reverted); see the comments at
 * {@link #unfoldGeometries()} and {@link #foldGeometries()} for which cases kill which.
 */
class DirtyOutputTest {
    private static Case c2(int[] k, int[] d, int[] p, int[] s, int... size) {
        return new Case(k, d, p, s, PaddingMode.ZEROS, ImageLayout.CHANNELS_FIRST, ColumnLayout.COLUMNS,
                DType.FLOAT32, true, 2, 2, size);
    }

    private static int[] a(int... v) {
        return v;
    }

    /**
     * Unfold geometries, channels-first in PyTorch's column order; {@link #unfoldCases()} adds
     * the other layouts, padding modes and dtypes. Mutants killed (made by hand, see the class
     * comment): the zeroing of padded runs in kernelRuns removed ("kernel runs, padded");
     * ElementOps.zero's strided fills skipped ("... channels-last" / "patches layout" variants);
     * ElementOps.zero's int32 fill skipped (every padded case in int32).
     */
    static List<Case> unfoldGeometries() {
        return List.of(
                // windowRuns with plane copies (stride 1, as many windows per row as pixels)
                c2(a(3, 3), a(1, 1), a(1, 1), a(1, 1), 5, 6),
                // windowRuns row by row (fewer windows per row than pixels)
                c2(a(2, 3), a(1, 1), a(1, 0), a(1, 1), 4, 7),
                // strided windows: the flat gather for inner taps, rows for the border taps
                c2(a(3, 3), a(1, 1), a(1, 1), a(2, 2), 7, 8),
                // dilated and strided differently per dimension
                c2(a(3, 3), a(2, 2), a(2, 1), a(1, 2), 7, 7),
                // kernelRuns: one window per row and a wider kernel, padded in both dimensions
                c2(a(3, 7), a(1, 1), a(1, 1), a(1, 1), 4, 5),
                // kernelRuns with the one window of a row wholly in the padding (a stride beyond the width)
                c2(a(2, 2), a(1, 1), a(0, 2), a(1, 10), 3, 2),
                // kernelRuns without padding, several window rows
                c2(a(2, 5), a(1, 1), a(0, 0), a(1, 1), 4, 5),
                // patches tiling the image, and patches with gaps between them
                c2(a(4, 4), a(1, 1), a(0, 0), a(4, 4), 8, 12),
                c2(a(2, 2), a(1, 1), a(1, 0), a(3, 3), 8, 8),
                // 1-D: padded stride 1, strided with padding
                new Case(a(3), a(1), a(2), a(1), PaddingMode.ZEROS, ImageLayout.CHANNELS_FIRST,
                        ColumnLayout.COLUMNS, DType.FLOAT32, true, 2, 3, a(6)),
                new Case(a(2), a(2), a(1), a(3), PaddingMode.ZEROS, ImageLayout.CHANNELS_FIRST,
                        ColumnLayout.COLUMNS, DType.FLOAT32, false, 1, 2, a(9)),
                // 3-D: padded depth (whole window planes in the padding), kernel runs, tiling patches
                new Case(a(2, 2, 2), a(1, 1, 1), a(1, 1, 0), a(1, 2, 1), PaddingMode.ZEROS,
                        ImageLayout.CHANNELS_FIRST, ColumnLayout.COLUMNS, DType.FLOAT32, true, 2, 2, a(3, 4, 5)),
                new Case(a(2, 2, 6), a(1, 1, 1), a(1, 0, 1), a(1, 1, 1), PaddingMode.ZEROS,
                        ImageLayout.CHANNELS_FIRST, ColumnLayout.COLUMNS, DType.FLOAT32, true, 1, 2, a(2, 3, 4)),
                new Case(a(2, 2, 3), a(1, 1, 1), a(0, 0, 0), a(2, 2, 3), PaddingMode.ZEROS,
                        ImageLayout.CHANNELS_FIRST, ColumnLayout.COLUMNS, DType.FLOAT32, true, 2, 2, a(4, 4, 6)));
    }

    /**
     * Fold geometries (zeros padding only, as fold has no other). Mutants killed: the gap pixels
     * of disjoint folds never cleared ("disjoint with gaps", on Java's row and on fold_rows with
     * GAPS_W); a wrong stride in the 3-D tiling-patch fold ("3-D tiling patches", also by
     * {@link #foldOfUnfoldOfTilingPatchesIsTheImage}).
     */
    static List<Case> foldGeometries() {
        return List.of(
                // patches tiling the image: patchRow / fold_patches
                c2(a(4, 4), a(1, 1), a(0, 0), a(4, 4), 8, 12),
                // disjoint with gaps between the windows (stride beyond the kernel), and an uncovered border
                c2(a(2, 2), a(1, 1), a(0, 0), a(3, 3), 8, 8),
                c2(a(3, 2), a(1, 1), a(1, 0), a(4, 3), 9, 10),
                // disjoint with gaps between window rows only: each covered row is one flat gather (pixelSources)
                c2(a(2, 2), a(1, 1), a(0, 0), a(3, 2), 8, 8),
                // disjoint, wider than the windows per row: along the kernel
                c2(a(2, 6), a(1, 1), a(0, 0), a(2, 7), 4, 13),
                // overlapping, wider than the windows per row: rowClass / fold_row_classes
                c2(a(6, 7), a(1, 1), a(0, 0), a(3, 2), 15, 12),
                // stride 1, three taps at once, padded
                c2(a(3, 5), a(1, 1), a(1, 2), a(1, 1), 6, 9),
                // general: dilated, strided, padded; wide kernels with padding (along the kernel)
                c2(a(3, 3), a(2, 2), a(2, 1), a(2, 1), 7, 8),
                c2(a(8, 8), a(1, 1), a(1, 1), a(4, 4), 12, 10),
                // 1-D
                new Case(a(3), a(1), a(1), a(2), PaddingMode.ZEROS, ImageLayout.CHANNELS_FIRST,
                        ColumnLayout.COLUMNS, DType.FLOAT32, true, 2, 3, a(9)),
                new Case(a(2), a(1), a(0), a(3), PaddingMode.ZEROS, ImageLayout.CHANNELS_FIRST,
                        ColumnLayout.COLUMNS, DType.FLOAT32, true, 2, 2, a(10)),
                // 3-D: overlapping padded, disjoint with gaps, tiling patches
                new Case(a(2, 2, 2), a(1, 1, 1), a(1, 1, 0), a(1, 2, 1), PaddingMode.ZEROS,
                        ImageLayout.CHANNELS_FIRST, ColumnLayout.COLUMNS, DType.FLOAT32, true, 2, 2, a(3, 4, 5)),
                new Case(a(1, 2, 2), a(1, 1, 1), a(0, 0, 0), a(2, 3, 3), PaddingMode.ZEROS,
                        ImageLayout.CHANNELS_FIRST, ColumnLayout.COLUMNS, DType.FLOAT32, true, 2, 2, a(3, 7, 8)),
                new Case(a(2, 2, 3), a(1, 1, 1), a(0, 0, 0), a(2, 2, 3), PaddingMode.ZEROS,
                        ImageLayout.CHANNELS_FIRST, ColumnLayout.COLUMNS, DType.FLOAT32, true, 2, 2, a(4, 4, 6)));
    }

    /** Each geometry in its layouts: channels-last (2-D only) and patch-major columns as well. */
    private static List<Case> layouts(Case f) {
        List<Case> r = new ArrayList<>();
        r.add(f);
        r.add(f.withLayouts(f.imageLayout(), ColumnLayout.PATCHES));
        if (f.rank() == 2) {
            r.add(f.withLayouts(ImageLayout.CHANNELS_LAST, ColumnLayout.COLUMNS));
            r.add(f.withLayouts(ImageLayout.CHANNELS_LAST, ColumnLayout.PATCHES));
        }
        return r;
    }

    static List<Case> unfoldCases() {
        List<Case> cases = new ArrayList<>();
        for (Case g : unfoldGeometries()) {
            for (Case f : layouts(g)) {
                for (PaddingMode mode : PaddingMode.values()) {
                    Case m = f.withMode(mode);
                    if (!m.valid()) {
                        continue;
                    }
                    // Every dtype in zeros mode (the zero fills are per type); float32 and int32 for the copying modes.
                    for (DType t : DType.values()) {
                        if (mode == PaddingMode.ZEROS || t == DType.FLOAT32 || t == DType.INT32) {
                            cases.add(m.withDtype(t));
                        }
                    }
                }
            }
        }
        return cases;
    }

    static List<Case> foldCases() {
        List<Case> cases = new ArrayList<>();
        for (Case g : foldGeometries()) {
            for (Case f : layouts(g)) {
                cases.add(f);
                cases.add(f.withDtype(DType.FLOAT64));
                cases.add(f.withDtype(DType.FLOAT16));
                cases.add(f.withDtype(DType.BFLOAT16));
            }
        }
        return cases;
    }

    /** Java, and OpenCL with each kernel family where OpenCL is available (or required). */
    static List<Backend> backends() {
        List<Backend> all = TestBackends.all();
        if (all.size() > 1) {
            all.add(TestBackends.otherKernelFamily());
        }
        return all;
    }

    static String describe(Backend b) {
        return b instanceof OpenCLBackend cl ? b + (cl.openCLEngine().config().rowKernels() ? ", row kernels" : ", element kernels") : b.toString();
    }

    /** A tensor of the type and shape with no zero element: NaNs with payloads, huge and negative values. */
    static Tensor garbage(Random r, DType dtype, long... shape) {
        int count = Math.toIntExact(Tensor.elementCount(shape));
        switch (dtype) {
            case FLOAT32: {
                float[] v = new float[count];
                for (int i = 0; i < count; i++) {
                    int kind = r.nextInt(4);
                    v[i] = kind == 0 ? Float.intBitsToFloat(0x7fc00000 | (1 + r.nextInt(0x3fffff)))
                            : kind == 1 ? 1e30f : kind == 2 ? -7.25f : 1 + r.nextInt(1000);
                }
                return Tensor.of(v, shape);
            }
            case FLOAT64: {
                double[] v = new double[count];
                for (int i = 0; i < count; i++) {
                    int kind = r.nextInt(4);
                    v[i] = kind == 0 ? Double.longBitsToDouble(0x7ff8000000000000L | (1 + r.nextInt(1 << 30)))
                            : kind == 1 ? -1e300 : kind == 2 ? 3.5 : 1 + r.nextInt(1000);
                }
                return Tensor.of(v, shape);
            }
            case UINT8: {
                byte[] v = new byte[count];
                for (int i = 0; i < count; i++) {
                    v[i] = (byte) (1 + r.nextInt(255));
                }
                return Tensor.ofUint8(v, shape);
            }
            case INT32: {
                int[] v = new int[count];
                for (int i = 0; i < count; i++) {
                    int x = r.nextInt();
                    v[i] = x == 0 ? -1 : x;
                }
                return Tensor.of(v, shape);
            }
            case FLOAT16:
            case BFLOAT16: {
                short[] v = new short[count];
                for (int i = 0; i < count; i++) {
                    int x = r.nextInt(1 << 16);
                    v[i] = (short) ((x & 0x7fff) == 0 ? 0x7e01 : x);  // any bits but ±0.0 (NaNs with payloads included)
                }
                return dtype == DType.FLOAT16 ? Tensor.ofFloat16(v, shape) : Tensor.ofBFloat16(v, shape);
            }
            default:
                throw new AssertionError(dtype);
        }
    }

    /** Small integers as the case's float type, so that fold sums are exact. */
    static Tensor integerColumns(Random r, Case f) {
        int count = f.columnElements();
        if (f.dtype() == DType.FLOAT64) {
            double[] v = new double[count];
            for (int i = 0; i < count; i++) {
                v[i] = r.nextInt(33) - 16;
            }
            return Tensor.of(v, f.columnsShape());
        }
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = r.nextInt(33) - 16;
        }
        return asType(v, f.dtype(), f.columnsShape());
    }

    /** float32 values as a tensor of {@code dtype}: float32, or rounded to float16 or bfloat16. */
    private static Tensor asType(float[] v, DType dtype, long[] shape) {
        return dtype == DType.FLOAT16 ? Tensor.float16Of(v, shape) : dtype == DType.BFLOAT16 ? Tensor.bfloat16Of(v, shape)
                : Tensor.of(v, shape);
    }

    static Tensor asType(double[] values, DType dtype, long[] shape) {
        if (dtype == DType.FLOAT64) {
            return Tensor.of(values.clone(), shape);
        }
        float[] v = new float[values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) values[i];
        }
        return asType(v, dtype, shape);
    }

    /**
     * A loop that skips what the backend does not support must not pass by skipping everything:
     * Java runs every case, OpenCL at least every case but float64 ones.
     */
    private static void assertEveryCaseRan(Backend b, int compared, List<Case> cases) {
        long needed = b instanceof OpenCLBackend ? cases.stream().filter(f -> f.dtype() != DType.FLOAT64).count() : cases.size();
        org.junit.jupiter.api.Assertions.assertTrue(compared >= needed,
                describe(b) + " ran " + compared + " of " + cases.size() + " cases, expected at least " + needed);
    }

    @TestFactory
    Stream<DynamicTest> unfoldIntoGarbageGivesTheFreshResult() {
        List<DynamicTest> tests = new ArrayList<>();
        List<Case> cases = unfoldCases();
        for (Backend b : backends()) {
            tests.add(DynamicTest.dynamicTest("unfold, " + cases.size() + " cases on " + describe(b), () -> {
                int compared = 0;
                for (Case f : cases) {
                    if (!b.supports(f.dtype())) {
                        continue;
                    }
                    compared++;
                    Random r = new Random(f.toString().hashCode());
                    Unfold u = f.unfold();
                    Tensor x = RandomCases.image(r, f), other = RandomCases.image(r, f);
                    Tensor expected = Reference.unfold(f, x);
                    String what = "unfold " + f + " on " + describe(b);
                    Tensor fresh = u.apply(x, b);
                    assertTensorEquals(expected, fresh, "fresh output, " + what);
                    Tensor dirty = garbage(r, f.dtype(), f.columnsShape());
                    u.apply(x, dirty, b);
                    assertTensorEquals(fresh, dirty, "garbage-filled output, " + what);
                    // The output of another input: the stale values of a reused buffer.
                    Tensor reused = u.apply(other, b);
                    u.apply(x, reused, b);
                    assertTensorEquals(fresh, reused, "output reused from another input, " + what);
                    if (b instanceof OpenCLBackend cl) {
                        try (DeviceTensor in = cl.upload(x); DeviceTensor out = cl.upload(garbage(r, f.dtype(), f.columnsShape()))) {
                            u.apply(in, out);
                            assertTensorEquals(fresh, out.download(), "garbage-filled device output, " + what);
                        }
                    }
                }
                assertEveryCaseRan(b, compared, cases);
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> foldIntoGarbageGivesTheFreshResult() {
        List<DynamicTest> tests = new ArrayList<>();
        List<Case> cases = foldCases();
        for (Backend b : backends()) {
            tests.add(DynamicTest.dynamicTest("fold, " + cases.size() + " cases in both modes on " + describe(b), () -> {
                int compared = 0;
                for (Case f : cases) {
                    if (!b.supports(f.dtype())) {
                        continue;
                    }
                    compared++;
                    for (FoldMode mode : FoldMode.values()) {
                        Random r = new Random(f.toString().hashCode() * 31 + mode.ordinal());
                        Fold fold = f.fold(mode);
                        Tensor cols = integerColumns(r, f), other = integerColumns(r, f);
                        Tensor expected = asType(Reference.fold(f.withFoldMode(mode), cols.toDoubleArray()), f.dtype(), f.imageShape());
                        String what = "fold " + mode + " " + f + " on " + describe(b);
                        Tensor fresh = fold.apply(cols, b);
                        assertTensorEquals(expected, fresh, "fresh output, " + what);
                        Tensor dirty = garbage(r, f.dtype(), f.imageShape());
                        fold.apply(cols, dirty, b);
                        assertTensorEquals(fresh, dirty, "garbage-filled output, " + what);
                        Tensor reused = fold.apply(other, b);
                        fold.apply(cols, reused, b);
                        assertTensorEquals(fresh, reused, "output reused from other columns, " + what);
                        if (b instanceof OpenCLBackend cl) {
                            try (DeviceTensor in = cl.upload(cols); DeviceTensor out = cl.upload(garbage(r, f.dtype(), f.imageShape()))) {
                                fold.apply(in, out);
                                assertTensorEquals(fresh, out.download(), "garbage-filled device output, " + what);
                            }
                        }
                    }
                }
                assertEveryCaseRan(b, compared, cases);
            }));
        }
        return tests.stream();
    }

    /**
     * fold(unfold(x)) = x for patches tiling the image (each pixel in exactly one window), in
     * 1-D, 2-D and 3-D and every layout, into a garbage-filled output: the tiling-patch folds
     * (patchRow, fold_patches) and unfolds together. Kills a wrong stride in the 3-D patch
     * fold's origin (made by hand: kz·dil·inZ → kz·dil·inY in FoldPass.patchRow).
     */
    @TestFactory
    Stream<DynamicTest> foldOfUnfoldOfTilingPatchesIsTheImage() {
        List<Case> geometries = List.of(
                new Case(a(4), a(1), a(0), a(4), PaddingMode.ZEROS, ImageLayout.CHANNELS_FIRST,
                        ColumnLayout.COLUMNS, DType.FLOAT32, true, 2, 3, a(12)),
                c2(a(4, 4), a(1, 1), a(0, 0), a(4, 4), 8, 12),
                c2(a(2, 3), a(1, 1), a(0, 0), a(2, 3), 6, 6),
                new Case(a(2, 2, 3), a(1, 1, 1), a(0, 0, 0), a(2, 2, 3), PaddingMode.ZEROS,
                        ImageLayout.CHANNELS_FIRST, ColumnLayout.COLUMNS, DType.FLOAT32, true, 2, 2, a(4, 4, 6)),
                new Case(a(3, 2, 2), a(1, 1, 1), a(0, 0, 0), a(3, 2, 2), PaddingMode.ZEROS,
                        ImageLayout.CHANNELS_FIRST, ColumnLayout.COLUMNS, DType.FLOAT32, false, 1, 2, a(6, 4, 2)));
        List<DynamicTest> tests = new ArrayList<>();
        for (Backend b : backends()) {
            tests.add(DynamicTest.dynamicTest("tiling patches on " + describe(b), () -> {
                for (Case g : geometries) {
                    for (Case f0 : layouts(g)) {
                        for (DType t : List.of(DType.FLOAT32, DType.FLOAT64)) {
                            Case f = f0.withDtype(t);
                            if (!b.supports(t)) {
                                continue;
                            }
                            Random r = new Random(f.toString().hashCode());
                            Tensor x = RandomCases.image(r, f);
                            Tensor cols = f.unfold().apply(x, b);
                            for (FoldMode mode : FoldMode.values()) {
                                Tensor out = garbage(r, t, f.imageShape());
                                f.fold(mode).apply(cols, out, b);
                                // 0 + v: -0.0 would become +0.0, which gaussians never give.
                                assertTensorEquals(x, out, "fold " + mode + " of unfold, " + f + " on " + describe(b));
                            }
                        }
                    }
                }
            }));
        }
        return tests.stream();
    }
}
