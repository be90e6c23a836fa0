package org.unfold4j;

import org.unfold4j.internal.geometry.SharedRules;
import org.unfold4j.internal.opencl.KernelVariant;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The fold paths chosen for particular geometries, on purpose: patches covering every pixel once
 * (FoldPass's flat gather), overlapping windows wider than the windows per row without padding
 * or dilation (FoldPass.rowClass, fold.cl's fold_row_classes), and stride-1 kernels of three or
 * more taps (three taps added in one pass), each next to a geometry just outside its conditions.
 * Integer-valued columns make every sum exact in any order, so each backend is checked against
 * the plain scatter-add of {@link Reference#fold(Case, float[])}; gaussian columns check that
 * OpenCL (both kernel families) gives the Java backend's bits.
 */
class FoldFastPathsTest {
    /**
     * The fold modes the fast paths take: the weighted and max folds run in the general
     * variants only (Note [blending folds take the general variant] in SharedRules), which
     * BlendingFoldTest and the variant coverage tests check.
     */
    static final FoldMode[] SUMMING_MODES = {FoldMode.SUM, FoldMode.MEAN};

    /** A named {@link Case}: the tests here know their geometries by what they exercise. */
    record Named(String name, Case geometry) {
        /** A batched float32 channels-first case of image {@code [n, c, h, w]} and window {@code w}. */
        Named(String name, long[] image, Window window) {
            this(name, Case.of(window, true, (int) image[0], (int) image[1], (int) image[2], (int) image[3]));
        }

        long[] image() {
            return geometry.imageShape();
        }

        Window window() {
            return geometry.window();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Named> cases() {
        return List.of(
                new Named("patches 4x4 over 12x8", new long[] {2, 3, 12, 8}, new Window(4, 4, 1, 1, 0, 0, 4, 4)),
                new Named("patches with uncovered border", new long[] {2, 2, 10, 9}, new Window(4, 4, 1, 1, 0, 0, 4, 4)),
                new Named("tile-like k8 s4 over 20x16", new long[] {2, 3, 20, 16}, new Window(8, 8, 1, 1, 0, 0, 4, 4)),
                new Named("tile-like k(6,7) s(3,2) over 15x12", new long[] {1, 2, 15, 12}, new Window(6, 7, 1, 1, 0, 0, 3, 2)),
                new Named("tile-like with stride beyond the kernel rows", new long[] {2, 1, 9, 10}, new Window(5, 6, 1, 1, 0, 0, 6, 3)),
                new Named("tile-like with a stride far beyond the height", new long[] {2, 3, 4, 12}, new Window(4, 8, 1, 1, 0, 0, 1 << 30, 2)),
                new Named("tall image: one class of 8000 rows, beyond PoCL's local memory (fold_rows instead)",
                        new long[] {1, 2, 8000, 12}, new Window(1, 8, 1, 1, 0, 0, 1, 2)),
                new Named("wide with padding (general path)", new long[] {1, 2, 12, 10}, new Window(8, 8, 1, 1, 1, 1, 4, 4)),
                new Named("wide with dilation (general path)", new long[] {1, 2, 14, 14}, new Window(4, 5, 2, 2, 0, 0, 2, 2)),
                new Named("stride-1 k3 p1", new long[] {2, 3, 9, 11}, new Window(3, 3, 1, 1, 1, 1, 1, 1)),
                new Named("stride-1 k5 d2 p3", new long[] {1, 2, 13, 12}, new Window(5, 5, 2, 2, 3, 3, 1, 1)),
                // 3 x 3 stride-1 kernels (three taps added in one pass): with dilation and padding (dilated's),
                // without padding, and an image too small for any pixel to get all three taps of a row.
                new Named("stride-1 k3 d2 p2", new long[] {2, 3, 10, 11}, new Window(3, 3, 2, 2, 2, 2, 1, 1)),
                new Named("stride-1 k3 p0", new long[] {1, 2, 7, 9}, new Window(3, 3, 1, 1, 0, 0, 1, 1)),
                new Named("stride-1 k3 d3 p2 over 5x4", new long[] {1, 2, 5, 4}, new Window(3, 3, 3, 3, 2, 2, 1, 1)),
                new Named("stride-1 k(2,7) p(0,2)", new long[] {2, 2, 6, 15}, new Window(2, 7, 1, 1, 0, 2, 1, 1)),
                // Note [window groups] in WindowGroups: groups of 10 window rows (the last of 5), and rows of 1,050
                // windows in groups of 1,024 and 26; Note [row-class strips]: classes of 1,500 rows in strips of
                // 1,170, kernel rows crossing the strips' edges.
                new Named("patches 2x2 over 50x200 (window groups of 10 rows, the last of 5)", new long[] {1, 2, 50, 200},
                        new Window(2, 2, 1, 1, 0, 0, 2, 2)),
                new Named("patches 2x2 over 4x2100 (rows of 1050 windows in two groups)", new long[] {1, 2, 4, 2100},
                        new Window(2, 2, 1, 1, 0, 0, 2, 2)),
                new Named("tall tile-like k(5,24) s2 over 3001x40 (row classes in strips)", new long[] {1, 1, 3001, 40},
                        new Window(5, 24, 1, 1, 0, 0, 2, 2)));
    }

    /**
     * 3-D folds just outside rowClass's conditions (a kernel of depth 1 with depth padding, so
     * windows lie wholly in the padding) against their 2-D equivalents: the padded depth
     * positions contribute nothing, so the result is the fold of the middle window plane alone.
     */
    @TestFactory
    Stream<DynamicTest> depthPaddingIsNotMistakenForAFlatImage() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Backend b : backends()) {
            tests.add(DynamicTest.dynamicTest(describe(b), () -> {
                Window w3 = Window.of(new int[] {1, 6, 6}, new int[] {1, 1, 1}, new int[] {1, 0, 0}, new int[] {1, 2, 2});
                Fold fold3 = Fold.of(new long[] {1, 10, 10}, w3);
                ColumnGeometry g3 = Unfold.of(w3).geometry(2, 2, 1, 10, 10);
                Random r = new Random(31);
                float[] values = new float[Math.toIntExact(g3.columnElements())];
                for (int i = 0; i < values.length; i++) {
                    values[i] = r.nextInt(17) - 8;
                }
                // Columns [N, C·36, 3·3·3]: depth position 1 (the real plane) is windows 9..17 of each row.
                Window w2 = new Window(6, 6, 1, 1, 0, 0, 2, 2);
                float[] middle = new float[values.length / 3];
                for (int row = 0; row < middle.length / 9; row++) {
                    System.arraycopy(values, row * 27 + 9, middle, row * 9, 9);
                }
                Tensor expected = Fold.of(10, 10, w2).apply(Tensor.of(middle, 2, 72, 9), Backend.java());
                Tensor got = fold3.apply(Tensor.of(values, g3.columnsShape()), b);
                assertArrayEquals(expected.toFloatArray(), got.toFloatArray(), describe(b));
            }));
        }
        return tests.stream();
    }

    /**
     * Columns of -0.0 fold to +0.0 everywhere, as PyTorch's sum starting from zero gives
     * (0 + -0.0 = +0.0), on every path: the paths that set a pixel rather than add into a cleared
     * one must keep that.
     */
    @TestFactory
    Stream<DynamicTest> negativeZeroColumnsFoldToPositiveZero() {
        return forEachCaseAndMode((c, mode, fold, g) -> {
            float[] values = new float[Math.toIntExact(g.columnElements())];
            java.util.Arrays.fill(values, -0.0f);
            for (Backend b : backends()) {
                float[] got = fold.apply(Tensor.of(values, g.columnsShape()), b).toFloatArray();
                for (int i = 0; i < got.length; i++) {
                    if (Float.floatToRawIntBits(got[i]) != 0) {
                        throw new AssertionError("pixel " + i + " is " + got[i] + ", not +0.0: " + c + " " + mode
                                + " on " + describe(b));
                    }
                }
            }
        });
    }

    /** A check of one case and fold mode, given the fold and the geometry of its columns. */
    interface CaseCheck {
        void run(Named c, FoldMode mode, Fold fold, ColumnGeometry g) throws Throwable;
    }

    /** One dynamic test per case and fold mode. */
    private static Stream<DynamicTest> forEachCaseAndMode(CaseCheck check) {
        List<DynamicTest> tests = new ArrayList<>();
        for (Named c : cases()) {
            for (FoldMode mode : SUMMING_MODES) {
                Fold fold = Fold.of((int) c.image()[2], (int) c.image()[3], c.window()).withMode(mode);
                tests.add(DynamicTest.dynamicTest(c + " " + mode,
                        () -> check.run(c, mode, fold, Unfold.of(c.window()).geometry(c.image()))));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> everyBackendMatchesAPlainScatterAdd() {
        return forEachCaseAndMode((c, mode, fold, g) -> {
            Random r = new Random(c.name().hashCode() + mode.ordinal());
            float[] values = new float[Math.toIntExact(g.columnElements())];
            for (int i = 0; i < values.length; i++) {
                values[i] = r.nextInt(17) - 8;
            }
            Tensor cols = Tensor.of(values, g.columnsShape());
            float[] expected = Reference.fold(c.geometry().withFoldMode(mode), values);
            for (Backend b : backends()) {
                assertArrayEquals(expected, fold.apply(cols, b).toFloatArray(), c + " " + mode + " on " + describe(b));
            }
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) r.nextGaussian();
            }
            Tensor javaResult = fold.apply(cols, Backend.java());
            double[] wide = new double[values.length];
            for (int i = 0; i < wide.length; i++) {
                wide[i] = r.nextGaussian();
            }
            Tensor colsDouble = Tensor.of(wide, g.columnsShape());
            Tensor javaDouble = fold.apply(colsDouble, Backend.java());
            for (Backend b : backends()) {
                Reference.assertSameBits(javaResult, fold.apply(cols, b), c + " " + mode + " gaussian on " + describe(b));
                if (b.supports(DType.FLOAT64)) {
                    Reference.assertSameBits(javaDouble, fold.apply(colsDouble, b),
                            c + " " + mode + " float64 on " + describe(b));
                }
            }
        });
    }

    /**
     * fold_row_classes with its work-items interleaved (Note [interleaved work-items] in fold.cl):
     * each work-item sums its class of rows in its own part of the group's __local scratch, and
     * on PoCL, which runs a group's items one after another, a wrong per-item offset (parts that
     * overlap) gives right answers anyway. Built with barriers between the phases, every item of
     * a group zeroes, sums and writes out in step, so overlapping parts spoil the sums. Several
     * group shapes: one group of 6 or 24 items, and 300 items over two groups.
     * Fails with the offset made wrong: {@code get_local_id(0) * pitch} (one row per item) and
     * {@code 0} instead of {@code get_local_id(0) * rows_max * pitch}, both checked by hand;
     * without the barriers (interleaveWorkItems false) both mutants pass every other test on PoCL.
     */
    @TestFactory
    Stream<DynamicTest> rowClassScratchIsPerWorkItem() {
        List<Named> cases = List.of(
                new Named("6 items", new long[] {2, 3, 9, 10}, new Window(5, 6, 1, 1, 0, 0, 1, 3)),
                new Named("24 items", new long[] {2, 3, 20, 16}, new Window(8, 8, 1, 1, 0, 0, 4, 4)),
                new Named("300 items, two groups", new long[] {10, 10, 15, 12}, new Window(6, 7, 1, 1, 0, 0, 3, 2)));
        List<DynamicTest> tests = new ArrayList<>();
        for (Named c : cases) {
            for (FoldMode mode : SUMMING_MODES) {
                tests.add(DynamicTest.dynamicTest(c + " " + mode, () -> {
                    OpenCLBackend usual = TestBackends.openCL();
                    ColumnGeometry g = Unfold.of(c.window()).geometry(c.image());
                    org.junit.jupiter.api.Assertions.assertTrue(SharedRules.foldsByRowClasses(Fold.of((int) c.image()[2], (int) c.image()[3], c.window())
                            .geometry(g.columnsShape()).view()), "not a row-class fold: " + c);
                    // KernelVariant.FOLD_ROW_CLASSES applies when a class's scratch fits half the local memory.
                    long scratch = (c.image()[2] + c.window().strideH() - 1) / c.window().strideH()
                            * (c.image()[3] + SharedRules.ROW_CLASS_PAD) * 4;
                    org.junit.jupiter.api.Assertions.assertTrue(scratch <= usual.device().facts().localMemory() / 2,
                            "scratch of " + scratch + " bytes beyond local memory: " + c);
                    Fold fold = Fold.of((int) c.image()[2], (int) c.image()[3], c.window()).withMode(mode);
                    Random r = new Random(c.name().hashCode());
                    float[] values = new float[Math.toIntExact(g.columnElements())];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = r.nextInt(17) - 8;
                    }
                    Tensor cols = Tensor.of(values, g.columnsShape());
                    Tensor expected = fold.apply(cols, Backend.java());
                    try (OpenCLBackend interleaved = TestBackends.withConfig(k -> k.withRowKernels(true).withInterleaveWorkItems(true))) {
                        TensorAssert.assertTensorEquals(expected, fold.apply(cols, interleaved), c + " " + mode);
                        assertTrue(interleaved.openCLEngine().launches(KernelVariant.FOLD_ROW_CLASSES) > 0, "fold_row_classes ran: " + c);
                    }
                }));
            }
        }
        return tests.stream();
    }

    /** Java, and OpenCL with each kernel family (the shared backend's and the other). */
    private static List<Backend> backends() {
        List<Backend> all = TestBackends.all();
        if (all.size() > 1) {
            all.add(TestBackends.otherKernelFamily());
        }
        return all;
    }

    private static String describe(Backend b) {
        return b instanceof OpenCLBackend cl ? b + (cl.openCLEngine().config().rowKernels() ? ", row kernels" : ", element kernels") : b.toString();
    }
}
