package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.unfold4j.internal.Op;
import org.unfold4j.internal.cpu.JavaConfig;
import org.unfold4j.internal.cpu.JavaEngine;
import org.unfold4j.internal.cpu.JavaVariant;
import org.unfold4j.internal.geometry.View;

/**
 * Every variant of the Java passes ({@link JavaVariant}) on its own: for each, a Java backend
 * whose configuration allows that variant and the general ones runs a standard set of cases,
 * unfold against {@link Reference#unfold(Case, Tensor)} bit for bit, fold in every mode against
 * {@link Reference#fold(Case, double[])} (and the definitions' small integers exactly), and both bit for
 * bit against the default Java backend, which chooses among all variants (Note [variants give
 * the same bits] in JavaVariant). The engine's counter of the variant must then have risen by
 * exactly the calls whose geometry the variant can run: the variant was really taken, and only
 * there (EJML's numChecked: a check that ran nothing fails). The general variants run with every
 * other variant forbidden.
 */
class JavaVariantCoverageTest {
    private static final long SEED = 0x7A_21_0001L;
    private static final DType[] FLOAT_TYPES = {DType.FLOAT32, DType.FLOAT64};

    /** A 2-D case of the property tests (zero padding, channels-first, PyTorch's columns) in another type. */
    private static Case of(Case g, DType dtype) {
        return g.withDtype(dtype);
    }

    private static Case of2d(int[] k, int[] d, int[] p, int[] s, ImageLayout layout, ColumnLayout columns,
                             int n, int c, int... size) {
        return new Case(k, d, p, s, PaddingMode.ZEROS, layout, columns, DType.FLOAT32, true, n, c, size);
    }

    /**
     * Geometries made to select each variant where the default backend would: patches tiling
     * the image (ViT's), overlapping wide tiles (row classes), disjoint windows with gaps along
     * the height only (pixel sources), wide kernels with padding (along the kernel), stride-1
     * windows (fused taps, plane copies), one window per row (kernel runs), strided windows
     * (window groups), and the window-group and strip sizes of JavaWindowGroupsTest.
     */
    static List<Case> variantCases() {
        ImageLayout cf = ImageLayout.CHANNELS_FIRST, cl = ImageLayout.CHANNELS_LAST;
        ColumnLayout cols = ColumnLayout.COLUMNS, patches = ColumnLayout.PATCHES;
        int[] one = {1, 1}, zero = {0, 0};
        List<Case> list = new ArrayList<>();
        // vit16-like patches, small: 8 x 8 patches on 32 x 40, both column layouts.
        list.add(of2d(new int[] {8, 8}, one, zero, new int[] {8, 8}, cf, cols, 2, 3, 32, 40));
        list.add(of2d(new int[] {8, 8}, one, zero, new int[] {8, 8}, cf, patches, 2, 3, 32, 40));
        list.add(of2d(new int[] {8, 8}, one, zero, new int[] {8, 8}, cl, cols, 1, 3, 32, 40));
        // tile256-like overlapping tiles: kernel 32, stride 16 on 96 x 112.
        list.add(of2d(new int[] {32, 32}, one, zero, new int[] {16, 16}, cf, cols, 1, 2, 96, 112));
        // Disjoint windows with rows no window covers: stride 3 over a 2-tall kernel.
        list.add(of2d(new int[] {2, 4}, one, zero, new int[] {3, 4}, cf, cols, 2, 2, 11, 16));
        // Wide kernels with padding (no row classes): disjoint ones fold along the kernel, overlapping
        // ones across (Note [folding along the kernel] in SharedRules).
        list.add(of2d(new int[] {3, 9}, one, new int[] {1, 2}, new int[] {2, 4}, cf, cols, 1, 2, 12, 14));
        list.add(of2d(new int[] {2, 6}, one, new int[] {0, 1}, new int[] {2, 6}, cf, cols, 1, 2, 8, 17));
        // Disjoint channels-last patches with gaps (no patch-row or pixel-source fold): along the kernel.
        list.add(of2d(new int[] {8, 8}, one, zero, new int[] {10, 10}, cl, cols, 1, 3, 48, 48));
        // conv3x3-like and dilated stride-1 windows: fused taps, plane copies.
        list.add(of2d(new int[] {3, 3}, one, one, one, cf, cols, 2, 3, 14, 14));
        list.add(of2d(new int[] {3, 3}, new int[] {2, 2}, new int[] {2, 2}, one, cf, cols, 1, 2, 12, 13));
        list.add(of2d(new int[] {5, 4}, one, zero, one, cf, cols, 1, 2, 9, 10));
        // Overlapping strided windows of channels-last images: only the general fold.
        list.add(of2d(new int[] {3, 3}, one, one, new int[] {2, 2}, cl, cols, 1, 2, 9, 9));
        // One window per row: kernel runs.
        list.add(of2d(new int[] {2, 7}, one, new int[] {0, 1}, one, cf, cols, 1, 2, 5, 5));
        list.add(of2d(new int[] {2, 3}, new int[] {1, 3}, zero, new int[] {1, 2}, cf, patches, 1, 2, 5, 7));
        for (Case g : JavaWindowGroupsTest.WINDOW_GROUP_UNFOLDS) {
            list.add(of(g, DType.FLOAT32));
        }
        // JavaWindowGroupsTest's fold sizes: patches in groups, row classes in several strips.
        list.add(of(Case.of2d(true, 1, 1, 4, 4100, 2, 2, 1, 1, 0, 0, 2, 2), DType.FLOAT32));
        list.add(of(Case.of2d(false, 1, 2, 2001, 60, 3, 40, 1, 1, 0, 0, 2, 1), DType.FLOAT64));
        list.add(of(Case.of2d(false, 1, 1, 8, 7, 2, 5, 1, 1, 0, 0, 3, 1), DType.FLOAT32));
        return list;
    }

    /** The unfold cases: FeatureSemanticsTest's edge cases, one random case per kind × mode × layout × type, the property edge cases, the variant cases. */
    static List<Case> unfoldCases() {
        Random r = new Random(SEED);
        List<Case> cases = new ArrayList<>(FeatureSemanticsTest.edgeCases());
        for (Case.Kind kind : Case.KINDS) {
            for (PaddingMode mode : PaddingMode.values()) {
                for (ColumnLayout columns : ColumnLayout.values()) {
                    for (DType dtype : DType.values()) {
                        cases.add(RandomCases.valid(r, kind, mode, columns, dtype));
                    }
                }
            }
        }
        for (Case g : Case.edgeCases2d()) {
            cases.add(of(g, DType.FLOAT32));
        }
        cases.addAll(variantCases());
        return cases;
    }

    /** The fold cases (zero padding, float types): random ones per kind × layout × type, the property edge cases, the variant cases. */
    static List<Case> foldCases() {
        Random r = new Random(SEED + 1);
        List<Case> cases = new ArrayList<>();
        for (Case.Kind kind : Case.KINDS) {
            for (ColumnLayout columns : ColumnLayout.values()) {
                for (DType dtype : FLOAT_TYPES) {
                    for (int repeat = 0; repeat < 2; repeat++) {
                        cases.add(RandomCases.valid(r, kind, PaddingMode.ZEROS, columns, dtype));
                    }
                }
            }
        }
        for (Case g : Case.edgeCases2d()) {
            cases.add(of(g, DType.FLOAT64));
        }
        for (Case f : variantCases()) {
            if (f.mode() == PaddingMode.ZEROS) {
                cases.add(f);
            }
        }
        return cases;
    }

    private static View view(Case f, Op op) {
        return op == Op.UNFOLD ? f.unfold().geometry(f.dtype(), f.imageShape()).view()
                : f.fold(FoldMode.SUM).geometry(f.dtype(), f.columnsShape()).view();
    }

    /**
     * The fold of the case in {@code mode}, with random weights for the weighted fold (a few of
     * them 0, so that some pixels' weights may sum to 0), which go into {@code weights}.
     */
    static Fold fold(Case f, FoldMode mode, Random r, float[][] weights) {
        Fold fold = f.fold(mode);
        if (mode != FoldMode.WEIGHTED) {
            weights[0] = null;
            return fold;
        }
        float[] w = new float[Case.volume(f.kernel())];
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextInt(5) == 0 ? 0f : r.nextFloat() * 2;
        }
        weights[0] = w;
        return fold.withWeights(Tensor.of(w, Arrays.stream(f.kernel()).asLongStream().toArray()));
    }

    /** A tensor of small integers of the case's type: sums of a few of them are exact in any order. */
    private static Tensor smallIntegers(Random r, DType dtype, long... shape) {
        int count = Math.toIntExact(Tensor.elementCount(shape));
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = r.nextInt(17) - 8;
        }
        return dtype == DType.FLOAT32 ? Tensor.of(toFloats(v), shape) : Tensor.of(v, shape);
    }

    private static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    @TestFactory
    Stream<DynamicTest> eachVariantAgreesWithTheReferencesAndTheDefaultBackend() {
        List<Case> unfolds = unfoldCases(), folds = foldCases();
        return Arrays.stream(JavaVariant.values()).map(v -> DynamicTest.dynamicTest(v.name(), () -> {
            Backend backend = v.general() ? Backend.java(JavaConfig.allowing()) : Backend.java(JavaConfig.allowing(v));
            JavaEngine engine = (JavaEngine) backend.engine();
            Random r = new Random(SEED + v.ordinal());
            List<Executable> checks = new ArrayList<>();
            long expectedCalls = 0;
            if (v.op() == Op.UNFOLD) {
                for (Case f : unfolds) {
                    expectedCalls += v.general() || v.applies(view(f, Op.UNFOLD)) ? 1 : 0;
                    Tensor image = RandomCases.image(r, f);
                    Tensor got = f.unfold().apply(image, backend);
                    checks.add(() -> Reference.assertSameBits(Reference.unfold(f, image), got, v + ", " + f));
                    checks.add(() -> Reference.assertSameBits(f.unfold().apply(image, Backend.java()), got,
                            v + " against the default backend, " + f));
                }
            } else {
                for (Case f : folds) {
                    for (FoldMode mode : FoldMode.values()) {
                        float[][] weights = new float[1][];
                        Fold fold = fold(f, mode, r, weights);
                        // Note [blending folds take the general variant] in SharedRules: per mode and weights.
                        boolean applies = v.general() || v.applies(fold.geometry(f.dtype(), f.columnsShape()).view());
                        float[] w = weights[0];
                        Tensor columns = RandomCases.columns(r, f), integers = smallIntegers(r, f.dtype(), f.columnsShape());
                        Tensor got = fold.apply(columns, backend);
                        // Into a used output: the paths that clear rows themselves (DirtyOutputTest's point).
                        Tensor reused = smallIntegers(r, f.dtype(), f.imageShape());
                        fold.apply(integers, reused, backend);
                        expectedCalls += applies ? 2 : 0;
                        double tolerance = f.dtype() == DType.FLOAT32 ? 1e-5 : 1e-12;
                        String what = v + ", fold " + mode + ", " + f;
                        checks.add(() -> Reference.assertClose(
                                Reference.fold(f.withFoldMode(mode), columns.toDoubleArray(), w), got, tolerance, what));
                        checks.add(() -> Reference.assertSameBits(fold.apply(columns, Backend.java()), got,
                                what + ", against the default backend"));
                        if (mode == FoldMode.SUM) {
                            checks.add(() -> Reference.assertClose(
                                    Reference.fold(f.withFoldMode(mode), integers.toDoubleArray()), reused, 0, what + ", exact sums"));
                        }
                        checks.add(() -> Reference.assertSameBits(fold.apply(integers, Backend.java()), reused,
                                what + ", into a used output, against the default backend"));
                    }
                }
            }
            assertAll(checks);
            assertTrue(expectedCalls > 0, "no case selects " + v);
            assertEquals(expectedCalls, engine.calls(v), "calls that ran " + v);
            for (JavaVariant other : JavaVariant.values()) {
                if (other != v && other.op() == v.op() && !other.general()) {
                    assertEquals(0, engine.calls(other), other + " ran where only " + v + " was allowed");
                }
            }
        }));
    }

    /**
     * Note [folding along the kernel] in SharedRules: by default, overlapping windows wider than
     * the windows per row that the row-class fold cannot take (channels-last tiles) fold across
     * the windows, disjoint ones (channels-last patches with gaps) along the kernel.
     */
    @Test
    void onlyDisjointWideKernelsFoldAlongTheKernel() {
        JavaEngine engine = JavaEngine.with(JavaConfig.DEFAULTS);
        Backend backend = new EngineBackend(engine, false);
        Random r = new Random(SEED);
        int[] one = {1, 1}, zero = {0, 0};
        Case tiles = of2d(new int[] {16, 16}, one, zero, new int[] {8, 8}, ImageLayout.CHANNELS_LAST,
                ColumnLayout.COLUMNS, 1, 3, 48, 48);
        // Stride 10: gaps between the patches, so not the patch-row fold (a permutation).
        Case patches = of2d(new int[] {8, 8}, one, zero, new int[] {10, 10}, ImageLayout.CHANNELS_LAST,
                ColumnLayout.COLUMNS, 1, 3, 48, 48);
        tiles.fold(FoldMode.SUM).apply(RandomCases.columns(r, tiles), backend);
        assertEquals(0, engine.calls(JavaVariant.FOLD_ALONG_KERNEL), "overlapping tiles along the kernel");
        assertEquals(1, engine.calls(JavaVariant.FOLD_WINDOW_RUNS), "overlapping tiles across the windows");
        patches.fold(FoldMode.SUM).apply(RandomCases.columns(r, patches), backend);
        assertEquals(1, engine.calls(JavaVariant.FOLD_ALONG_KERNEL), "disjoint patches along the kernel");
    }

    /** The default backend chooses each variant for some case of the lists above, so each case list is the standard one. */
    @Test
    void theDefaultConfigurationAllowsEveryVariant() {
        assertEquals(EnumSet.allOf(JavaVariant.class), JavaConfig.DEFAULTS.allowed());
        assertEquals(EnumSet.of(JavaVariant.UNFOLD_WINDOW_RUNS, JavaVariant.FOLD_WINDOW_RUNS), JavaConfig.allowing().allowed());
        JavaEngine engine = JavaEngine.with(JavaConfig.DEFAULTS);
        Backend backend = new EngineBackend(engine, false);
        Random r = new Random(SEED);
        for (Case f : variantCases()) {
            f.unfold().apply(RandomCases.image(r, f), backend);
            f.fold(FoldMode.SUM).apply(RandomCases.columns(r, f), backend);
        }
        for (JavaVariant v : JavaVariant.values()) {
            assertTrue(engine.calls(v) > 0, v + " is chosen for no variant case by default");
        }
    }
}
