package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * The extended features mean what PyTorch's primitives mean, on every backend: unfold with a
 * padding mode, channels-last input and patch-major output against {@link Reference}
 * (bit for bit, every type), fold sum and mean against the reference scatter-add and coverage
 * count, {@code fold_mean(unfold(x)) == x} wherever a window covers x (and 0 elsewhere), and
 * adjointness {@code <unfold(x), y> == <x, fold(y)>} for 1-D and 3-D windows.
 */
class FeatureSemanticsTest {
    private static final long UNFOLD_SEED = 0x5E_3A_0001L;
    private static final long FOLD_SEED = 0x5E_3A_0002L;
    private static final long ROUND_TRIP_SEED = 0x5E_3A_0003L;
    private static final long ADJOINT_SEED = 0x5E_3A_0004L;
    private static final DType[] FLOAT_TYPES = {DType.FLOAT32, DType.FLOAT64};

    /**
     * Hand-picked cases at the limits of the padding modes: reflect padding = size − 1, circular
     * padding = size, replicate padding far beyond the size, windows wholly in the zero padding,
     * and a channels-last patch case with every mode.
     */
    static List<Case> edgeCases() {
        List<Case> list = new ArrayList<>();
        ImageLayout cf = ImageLayout.CHANNELS_FIRST, cl = ImageLayout.CHANNELS_LAST;
        ColumnLayout cols = ColumnLayout.COLUMNS, patches = ColumnLayout.PATCHES;
        // reflect, padding = size - 1 in both dimensions
        list.add(new Case(new int[] {3, 2}, new int[] {1, 2}, new int[] {2, 3}, new int[] {1, 1},
                PaddingMode.REFLECT, cf, cols, DType.FLOAT32, true, 2, 2, new int[] {3, 4}));
        // circular, padding = size
        list.add(new Case(new int[] {3, 3}, new int[] {1, 1}, new int[] {2, 3}, new int[] {2, 1},
                PaddingMode.CIRCULAR, cf, patches, DType.INT32, false, 1, 3, new int[] {2, 3}));
        // replicate, padding larger than the size
        list.add(new Case(new int[] {2, 3}, new int[] {2, 1}, new int[] {3, 4}, new int[] {1, 2},
                PaddingMode.REPLICATE, cl, patches, DType.UINT8, true, 1, 3, new int[] {1, 2}));
        // 1-D: reflect padding = size - 1 with dilation; circular padding = size with stride
        list.add(new Case(new int[] {3}, new int[] {2}, new int[] {4}, new int[] {1},
                PaddingMode.REFLECT, cf, cols, DType.FLOAT64, true, 2, 2, new int[] {5}));
        list.add(new Case(new int[] {2}, new int[] {3}, new int[] {4}, new int[] {3},
                PaddingMode.CIRCULAR, cf, patches, DType.FLOAT32, false, 1, 2, new int[] {4}));
        // 1-D, zeros: windows wholly in the padding
        list.add(new Case(new int[] {1}, new int[] {1}, new int[] {3}, new int[] {1},
                PaddingMode.ZEROS, cf, cols, DType.INT32, true, 2, 1, new int[] {2}));
        // 3-D: circular padding = size along depth; reflect padding = size - 1 along depth and height
        list.add(new Case(new int[] {2, 2, 3}, new int[] {1, 2, 1}, new int[] {2, 1, 1}, new int[] {1, 2, 2},
                PaddingMode.CIRCULAR, cf, cols, DType.FLOAT32, true, 1, 2, new int[] {2, 3, 4}));
        list.add(new Case(new int[] {2, 2, 3}, new int[] {1, 2, 1}, new int[] {1, 2, 1}, new int[] {1, 1, 2},
                PaddingMode.REFLECT, cf, patches, DType.UINT8, false, 1, 2, new int[] {2, 3, 4}));
        // Note [border runs]: taps with no window inside, whose windows read left of the image and
        // then right of it (stride 5 over 3 pixels, reflect padding 2: raw -2 then 3), along the
        // windows; and along the kernel (one window per row, kernel (1, 2) dilation 6: raw -2
        // then 4). Fails without the split at the image (one run from the first source): case
        // out of bounds or wrong values, checked by removing the split in the Java engine (internal.cpu).
        for (PaddingMode mode : new PaddingMode[] {PaddingMode.REFLECT, PaddingMode.CIRCULAR, PaddingMode.REPLICATE}) {
            list.add(new Case(new int[] {1, 1}, new int[] {1, 1}, new int[] {2, 2}, new int[] {5, 5},
                    mode, cf, cols, DType.FLOAT32, true, 1, 2, new int[] {3, 3}));
            list.add(new Case(new int[] {1, 2}, new int[] {1, 6}, new int[] {0, 2}, new int[] {1, 1},
                    mode, cf, cols, DType.FLOAT32, true, 1, 2, new int[] {2, 3}));
        }
        for (PaddingMode mode : PaddingMode.values()) {
            list.add(new Case(new int[] {3, 2}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1},
                    mode, cl, patches, DType.FLOAT32, true, 2, 3, new int[] {3, 4}));
            list.add(new Case(new int[] {2, 3}, new int[] {2, 1}, new int[] {1, 2}, new int[] {2, 1},
                    mode, cl, cols, DType.INT32, false, 1, 2, new int[] {3, 3}));
        }
        for (Case f : list) {
            if (!f.valid()) {
                throw new IllegalStateException("edge case is not one PyTorch accepts: " + f);
            }
        }
        return list;
    }

    /** Unfold equals the reference bit for bit: every kind × mode × column layout × type, plus the edge cases. */
    @TestFactory
    Stream<DynamicTest> unfoldMatchesPaddedReference() {
        return PerBackend.tests("unfold == F.pad + plain unfold, permuted", backend -> {
            Random r = new Random(UNFOLD_SEED);
            List<Case> cases = new ArrayList<>(edgeCases());
            for (Case.Kind kind : Case.KINDS) {
                for (PaddingMode mode : PaddingMode.values()) {
                    for (ColumnLayout columns : ColumnLayout.values()) {
                        for (DType dtype : DType.values()) {
                            cases.add(RandomCases.valid(r, kind, mode, columns, dtype));
                        }
                    }
                }
            }
            List<Executable> checks = new ArrayList<>();
            int padReads = 0;
            for (int i = 0; i < cases.size(); i++) {
                Case f = cases.get(i);
                Tensor image = RandomCases.image(r, f);
                String what = "case " + i + " (seed " + UNFOLD_SEED + "): " + f + " on " + backend;
                for (int src : Reference.unfoldSources(f)) {
                    padReads += src < 0 ? 1 : 0;
                }
                checks.add(() -> {
                    Tensor got = f.unfold().apply(image, backend);
                    Reference.assertSameBits(Reference.unfold(f, image), got, what);
                });
            }
            assertEquals(edgeCases().size() + 192, cases.size());
            assertTrue(padReads > 0, "some case must read zero padding");
            assertAll(checks);
        });
    }

    /** Fold in every mode against the reference (weighted with constant weights), every kind × column layout × float type × mode. */
    @TestFactory
    Stream<DynamicTest> foldMatchesReference() {
        return PerBackend.tests("fold sum/mean == scatter-add (/ coverage)", backend -> {
            Random r = new Random(FOLD_SEED);
            List<Executable> checks = new ArrayList<>();
            int uncovered = 0, overlapped = 0;
            int i = 0;
            for (Case.Kind kind : Case.KINDS) {
                for (ColumnLayout columns : ColumnLayout.values()) {
                    for (DType dtype : FLOAT_TYPES) {
                        for (FoldMode foldMode : FoldMode.values()) {
                            for (int repeat = 0; repeat < 2; repeat++, i++) {
                                Case f = RandomCases.valid(r, kind, PaddingMode.ZEROS, columns, dtype);
                                for (int count : Reference.coverage(f)) {
                                    uncovered += count == 0 ? 1 : 0;
                                    overlapped += count > 1 ? 1 : 0;
                                }
                                Tensor input = RandomCases.columns(r, f);
                                double[] expected = Reference.fold(f.withFoldMode(foldMode), input.toDoubleArray());
                                // float32 sums rounded in float: PyTorch's golden tolerance; float64 far tighter.
                                double tolerance = dtype == DType.FLOAT32 ? 1e-5 : 1e-12;
                                String what = "fold " + foldMode + ", case " + i + " (seed " + FOLD_SEED + "): " + f
                                        + " on " + backend;
                                checks.add(() -> {
                                    Tensor got = f.fold(foldMode).apply(input, backend);
                                    assertEquals(dtype, got.dtype(), "dtype, " + what);
                                    assertArrayEquals(f.imageShape(), got.shape(), "shape, " + what);
                                    Reference.assertClose(expected, got, tolerance, what);
                                });
                            }
                        }
                    }
                }
            }
            assertEquals(32 * FoldMode.values().length, i);
            assertTrue(uncovered > 0 && overlapped > 0,
                    "the cases must have uncovered pixels (" + uncovered + ") and overlaps (" + overlapped + ")");
            assertAll(checks);
        });
    }

    /**
     * {@code fold_mean(unfold(x)) == x} for every padding mode and layout, wherever a window covers
     * the pixel (the reference coverage count is above 0), within a few ulp (the sum of the
     * copies rounds); pixels no window covers come back 0.
     */
    @TestFactory
    Stream<DynamicTest> foldMeanInvertsUnfold() {
        return PerBackend.tests("fold_mean(unfold(x)) == x where covered", backend -> {
            Random r = new Random(ROUND_TRIP_SEED);
            List<Case> cases = new ArrayList<>();
            for (Case.Kind kind : Case.KINDS) {
                for (PaddingMode mode : PaddingMode.values()) {
                    for (ColumnLayout columns : ColumnLayout.values()) {
                        for (DType dtype : FLOAT_TYPES) {
                            cases.add(RandomCases.valid(r, kind, mode, columns, dtype));
                        }
                    }
                }
            }
            // Strides beyond the window: pixels no window covers, in every rank.
            cases.add(new Case(new int[] {2}, new int[] {1}, new int[] {1}, new int[] {4},
                    PaddingMode.REFLECT, ImageLayout.CHANNELS_FIRST, ColumnLayout.COLUMNS, DType.FLOAT32,
                    true, 2, 2, new int[] {11}));
            cases.add(new Case(new int[] {2, 1}, new int[] {2, 1}, new int[] {0, 1}, new int[] {3, 3},
                    PaddingMode.REPLICATE, ImageLayout.CHANNELS_LAST, ColumnLayout.PATCHES, DType.FLOAT64,
                    true, 1, 3, new int[] {8, 7}));
            cases.add(new Case(new int[] {1, 2, 2}, new int[] {1, 1, 2}, new int[] {0, 0, 0}, new int[] {2, 3, 3},
                    PaddingMode.ZEROS, ImageLayout.CHANNELS_FIRST, ColumnLayout.PATCHES, DType.FLOAT32,
                    false, 1, 2, new int[] {3, 5, 6}));
            List<Executable> checks = new ArrayList<>();
            int covered = 0, uncovered = 0, overlapped = 0;
            for (int i = 0; i < cases.size(); i++) {
                Case f = cases.get(i);
                int[] count = Reference.coverage(f);
                for (int k : count) {
                    covered += k > 0 ? 1 : 0;
                    uncovered += k == 0 ? 1 : 0;
                    overlapped += k > 1 ? 1 : 0;
                }
                Tensor x = RandomCases.image(r, f);
                String what = "case " + i + " (seed " + ROUND_TRIP_SEED + "): " + f + " on " + backend;
                checks.add(() -> roundTrip(backend, f, x, count, what));
            }
            assertTrue(covered > 0 && uncovered > 0 && overlapped > 0, "the cases must have covered ("
                    + covered + "), overlapped (" + overlapped + ") and uncovered (" + uncovered + ") pixels");
            assertAll(checks);
        });
    }

    private static void roundTrip(Backend backend, Case f, Tensor x, int[] count, String what) {
        Tensor back = f.fold(FoldMode.MEAN).apply(f.unfold().apply(x, backend), backend);
        assertEquals(x.dtype(), back.dtype(), "dtype, " + what);
        assertArrayEquals(x.shape(), back.shape(), "shape, " + what);
        double[] expected = x.toDoubleArray(), got = back.toDoubleArray();
        // The copies are summed (up to 27 of them) and divided: a few roundings of the type's epsilon.
        double relative = x.dtype() == DType.FLOAT32 ? 1e-6 : 1e-14;
        for (int i = 0; i < got.length; i++) {
            if (count[i] == 0) {
                if (got[i] != 0) {
                    fail("pixel " + i + " (flat) is covered by no window, so fold_mean(unfold(x)) must be 0 there, "
                            + "but got " + got[i] + "; " + what);
                }
            } else if (!(Math.abs(got[i] - expected[i]) <= relative * Math.abs(expected[i]))) {
                fail("pixel " + i + " (flat), covered by " + count[i] + " windows: expected " + expected[i]
                        + " but got " + got[i] + "; " + what);
            }
        }
    }

    /** An empty batch (N = 0) is allowed with every feature: empty results of the right shape and type. */
    @TestFactory
    Stream<DynamicTest> emptyBatchWithEveryFeature() {
        return PerBackend.tests("N = 0 with every rank, mode, layout and type", backend -> {
            Random r = new Random(0xE3_0000L);
            List<Executable> checks = new ArrayList<>();
            for (Case.Kind kind : Case.KINDS) {
                for (PaddingMode mode : PaddingMode.values()) {
                    for (ColumnLayout columns : ColumnLayout.values()) {
                        for (DType dtype : DType.values()) {
                            Case one = RandomCases.valid(r, kind, mode, columns, dtype);
                            Case f = new Case(one.kernel(), one.dilation(), one.padding(), one.stride(), mode,
                                    kind.layout(), columns, dtype, true, 0, one.c(), one.size());
                            String what = f + " on " + backend;
                            checks.add(() -> {
                                Tensor cols = f.unfold().apply(Tensor.zeros(dtype, f.imageShape()), backend);
                                assertEquals(dtype, cols.dtype(), what);
                                assertArrayEquals(f.columnsShape(), cols.shape(), "unfold shape, " + what);
                                if (dtype.isFloatingPoint()) {
                                    for (FoldMode foldMode : FoldMode.values()) {
                                        Tensor image = f.fold(foldMode).apply(cols, backend);
                                        assertArrayEquals(f.imageShape(), image.shape(), "fold " + foldMode + " shape, " + what);
                                    }
                                }
                            });
                        }
                    }
                }
            }
            assertAll(checks);
        });
    }

    /** {@code <unfold(x), y> == <x, fold(y)>} for 1-D and 3-D windows, zero padding, both column layouts. */
    @TestFactory
    Stream<DynamicTest> foldIsTheAdjointOfUnfoldIn1dAnd3d() {
        return PerBackend.tests("<unfold(x), y> == <x, fold(y)>, 1-D and 3-D", backend -> {
            Random r = new Random(ADJOINT_SEED);
            List<Executable> checks = new ArrayList<>();
            int i = 0;
            for (Case.Kind kind : List.of(Case.KINDS.get(0), Case.KINDS.get(3))) {
                for (ColumnLayout columns : ColumnLayout.values()) {
                    for (DType dtype : FLOAT_TYPES) {
                        for (int repeat = 0; repeat < 6; repeat++, i++) {
                            Case f = RandomCases.valid(r, kind, PaddingMode.ZEROS, columns, dtype);
                            while (Arrays.stream(Reference.unfoldSources(f)).allMatch(s -> s < 0)) {
                                f = RandomCases.valid(r, kind, PaddingMode.ZEROS, columns, dtype);  // all in the padding
                            }
                            Case g = f;
                            Tensor x = RandomCases.image(r, f), y = RandomCases.columns(r, f);
                            String what = "case " + i + " (seed " + ADJOINT_SEED + "): " + f + " on " + backend;
                            checks.add(() -> adjoint(backend, g, x, y, what));
                        }
                    }
                }
            }
            assertEquals(48, i);
            assertAll(checks);
        });
    }

    private static void adjoint(Backend backend, Case f, Tensor x, Tensor y, String what) {
        double[] u = f.unfold().apply(x, backend).toDoubleArray();
        double[] folded = f.fold(FoldMode.SUM).apply(y, backend).toDoubleArray();
        double[] xs = x.toDoubleArray(), ys = y.toDoubleArray();
        double[] reference = Reference.unfold(f, x).toDoubleArray();
        double lhs = 0, rhs = 0, ref = 0, scale = 0;
        for (int i = 0; i < ys.length; i++) {
            lhs += u[i] * ys[i];
            ref += reference[i] * ys[i];
            scale += Math.abs(u[i] * ys[i]);
        }
        for (int i = 0; i < xs.length; i++) {
            rhs += xs[i] * folded[i];
        }
        // Unfold only copies: <unfold(x), y> is the reference's sum term for term (pins unfold down,
        // so a pair of wrong operations cannot satisfy the identity).
        assertEquals(ref, lhs, 1e-12 * scale, "<unfold(x), y> against the reference unfold, " + what);
        assertTrue(scale > 0, "<unfold(x), y> has no nonzero term: " + what);
        // fold rounds each pixel's sum in the tensor's type.
        double relative = x.dtype() == DType.FLOAT32 ? 1e-4 : 1e-10;
        assertEquals(lhs, rhs, relative * scale, "<unfold(x), y> = " + lhs + " but <x, fold(y)> = " + rhs + ", " + what);
    }
}
