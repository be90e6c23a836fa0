package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * OpenCL agrees with the Java backend bit for bit on the extended features: random cases of every
 * rank (1, 2, 3), padding mode, image layout (channels-last in 2-D), column layout and type, for
 * unfold (float32, float64, uint8, int32, float16, bfloat16) and fold (float32, float64; sum and mean), in the
 * 32-bit and the 64-bit index variants of the kernels. Each combination is its own test, so a
 * failure names it; the seeds are fixed, and each message carries the full case.
 */
class FeatureAgreementTest {
    static final int UNFOLD_CASES_PER_COMBINATION = 2;
    static final int FOLD_CASES_PER_COMBINATION = 3;
    /** 4 image kinds × 4 padding modes × 2 column layouts × 6 types, and 4 kinds × 2 layouts × 2 types × each fold mode. */
    static final int UNFOLD_COMBINATIONS = 192, FOLD_COMBINATIONS = 16 * FoldMode.values().length;

    private static final DType[] FLOAT_TYPES = {DType.FLOAT32, DType.FLOAT64};

    /** A fixed seed per combination, so each dynamic test is reproducible on its own. */
    private static long seed(String op, int combination) {
        return 0xFEA7_0000L + (op.equals("unfold") ? 0 : 10_000) + combination;
    }

    @TestFactory
    Stream<DynamicTest> unfoldOpenCLMatchesJava() {
        List<DynamicTest> tests = new ArrayList<>();
        AtomicInteger compared = new AtomicInteger();
        int combination = 0;
        for (Case.Kind kind : Case.KINDS) {
            for (PaddingMode mode : PaddingMode.values()) {
                for (ColumnLayout columns : ColumnLayout.values()) {
                    for (DType dtype : DType.values()) {
                        long seed = seed("unfold", combination++);
                        tests.add(dynamicTest("unfold " + kind + " " + mode + " " + columns + " " + dtype, () -> {
                            List<OpenCLBackend> openCL = bothKernelFamilies();
                            Random r = new Random(seed);
                            for (int i = 0; i < UNFOLD_CASES_PER_COMBINATION; i++) {
                                compareUnfold(openCL, RandomCases.valid(r, kind, mode, columns, dtype), r,
                                        "case " + i + " of seed " + seed);
                                compared.incrementAndGet();
                            }
                        }));
                    }
                }
            }
        }
        assertEquals(UNFOLD_COMBINATIONS, combination);
        tests.add(dynamicTest("unfold: every case compared", () -> {
            TestBackends.openCL();
            assertEquals(UNFOLD_COMBINATIONS * UNFOLD_CASES_PER_COMBINATION, compared.get(),
                    "cases compared (the others failed above)");
        }));
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> foldOpenCLMatchesJava() {
        List<DynamicTest> tests = new ArrayList<>();
        AtomicInteger compared = new AtomicInteger();
        int combination = 0;
        for (Case.Kind kind : Case.KINDS) {
            for (ColumnLayout columns : ColumnLayout.values()) {
                for (DType dtype : FLOAT_TYPES) {
                    for (FoldMode foldMode : FoldMode.values()) {
                        long seed = seed("fold", combination++);
                        tests.add(dynamicTest("fold " + kind + " " + columns + " " + dtype + " " + foldMode, () -> {
                            List<OpenCLBackend> openCL = bothKernelFamilies();
                            Random r = new Random(seed);
                            for (int i = 0; i < FOLD_CASES_PER_COMBINATION; i++) {
                                Case f = RandomCases.valid(r, kind, PaddingMode.ZEROS, columns, dtype);
                                compareFold(openCL, f, foldMode, r, "case " + i + " of seed " + seed);
                                compared.incrementAndGet();
                            }
                        }));
                    }
                }
            }
        }
        assertEquals(FOLD_COMBINATIONS, combination);
        tests.add(dynamicTest("fold: every case compared", () -> {
            TestBackends.openCL();
            assertEquals(FOLD_COMBINATIONS * FOLD_CASES_PER_COMBINATION, compared.get(),
                    "cases compared (the others failed above)");
        }));
        return tests.stream();
    }

    /**
     * The 64-bit index kernels ({@code INDEX_T=long}, normally used only past 2^31 elements)
     * agree with Java on a subset: unfold for every padding mode with every column order (the
     * four types spread over them) on every rank, and every fold variant (type × image layout ×
     * mode) with both column layouts on every rank.
     */
    @Test
    void longIndexKernelsMatchJava() {
        TestBackends.openCL();
        int unfoldCases = 0, foldCases = 0;
        // The other kernel family than the shared backend's.
        try (OpenCLBackend longIndex = TestBackends.withConfig(c -> c.withForceLongIndex(true).withRowKernels(!c.rowKernels()))) {
            Random r = new Random(0x10_4E_1DL);
            int i = 0;
            for (Case.Kind kind : Case.KINDS) {
                for (PaddingMode mode : PaddingMode.values()) {
                    for (ColumnLayout columns : ColumnLayout.values()) {
                        // One type per (mode, column order), each type four times: 16 kernel variants to build.
                        int order = (columns == ColumnLayout.COLUMNS ? 0 : 2) + (kind.layout() == ImageLayout.CHANNELS_LAST ? 1 : 0);
                        DType dtype = DType.values()[(mode.ordinal() + order) % DType.values().length];
                        i++;
                        compareUnfold(List.of(longIndex), RandomCases.valid(r, kind, mode, columns, dtype), r,
                                "long index, case " + i);
                        unfoldCases++;
                    }
                }
                for (ColumnLayout columns : ColumnLayout.values()) {
                    for (DType dtype : FLOAT_TYPES) {
                        for (FoldMode foldMode : FoldMode.values()) {
                            Case f = RandomCases.valid(r, kind, PaddingMode.ZEROS, columns, dtype);
                            compareFold(List.of(longIndex), f, foldMode, r, "long index, case " + i++);
                            foldCases++;
                        }
                    }
                }
            }
        }
        assertEquals(32, unfoldCases);
        assertEquals(16 * FoldMode.values().length, foldCases);
    }

    /**
     * The kernels built for one geometry (P_SPECIALISED, normally used only from 2^20 elements)
     * agree with Java: every rank and image layout with every padding mode, both column layouts
     * and types spread over them, and fold sum and mean. Each case is a build of its own, so the
     * set stays small.
     */
    @Test
    void specialisedKernelsMatchJava() {
        TestBackends.openCL();
        int cases = 0;
        try (OpenCLBackend rows = TestBackends.withConfig(c -> c.withSpecialiseFrom(0).withRowKernels(true));
             OpenCLBackend elements = TestBackends.withConfig(c -> c.withSpecialiseFrom(0).withRowKernels(false))) {
            Random r = new Random(0x5BEC_1A1L);
            for (Case.Kind kind : Case.KINDS) {
                for (PaddingMode mode : PaddingMode.values()) {
                    OpenCLBackend specialised = cases % 3 != 0 ? rows : elements;  // both kernel families
                    ColumnLayout columns = ColumnLayout.values()[(mode.ordinal() + cases) % 2];
                    DType dtype = DType.values()[(mode.ordinal() + kind.rank()) % DType.values().length];
                    compareUnfold(List.of(specialised), RandomCases.valid(r, kind, mode, columns, dtype), r,
                            "specialised, case " + cases++);
                }
                for (FoldMode foldMode : FoldMode.values()) {
                    OpenCLBackend specialised = cases % 2 == 0 ? rows : elements;
                    ColumnLayout columns = ColumnLayout.values()[cases % 2];
                    Case f = RandomCases.valid(r, kind, PaddingMode.ZEROS, columns, FLOAT_TYPES[cases % 2]);
                    compareFold(List.of(specialised), f, foldMode, r, "specialised, case " + cases++);
                }
            }
        }
        assertEquals(4 * (PaddingMode.values().length + FoldMode.values().length), cases);
    }

    /** The shared OpenCL backend and the one with the other kernel family: every case runs on both. */
    private static List<OpenCLBackend> bothKernelFamilies() {
        return List.of(TestBackends.openCL(), TestBackends.otherKernelFamily());
    }

    private static String family(OpenCLBackend b) {
        return b + (b.openCLEngine().config().rowKernels() ? ", row kernels" : ", element kernels");
    }

    private static void compareUnfold(List<OpenCLBackend> openCL, Case f, Random r, String where) {
        Tensor image = RandomCases.image(r, f);
        Tensor expected = f.unfold().apply(image, Backend.java());
        assertTrue(Arrays.equals(f.columnsShape(), expected.shape()),
                () -> "Java's shape " + Arrays.toString(expected.shape()) + ", unfold " + where + ": " + f);
        for (OpenCLBackend b : openCL) {
            TensorAssert.assertTensorEquals(expected, f.unfold().apply(image, b), "unfold " + where + ": " + f + " on " + family(b));
        }
    }

    private static void compareFold(List<OpenCLBackend> openCL, Case f, FoldMode foldMode, Random r, String where) {
        Tensor columns = RandomCases.columns(r, f);
        // The weighted fold with weights that differ per kernel offset (constant ones are the mean).
        Fold fold = foldMode == FoldMode.WEIGHTED ? f.fold().withBlend(BlendWindow.hann()) : f.fold(foldMode);
        Tensor expected = fold.apply(columns, Backend.java());
        assertTrue(Arrays.equals(f.imageShape(), expected.shape()),
                () -> "Java's shape " + Arrays.toString(expected.shape()) + ", fold " + foldMode + " " + where + ": " + f);
        for (OpenCLBackend b : openCL) {
            TensorAssert.assertTensorEquals(expected, fold.apply(columns, b),
                    "fold " + foldMode + " " + where + ": " + f + " on " + family(b));
        }
    }
}
