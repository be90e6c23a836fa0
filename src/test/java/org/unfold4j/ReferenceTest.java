package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The reference itself, independently of the library: {@link Reference} (with {@link Case}'s
 * sizes and the acceptance rules) against PyTorch's own results in every golden case file
 * (src/test/resources/golden/*.jsonl), and against hand-written expectations from the
 * definitions (F.pad's documented modes, a fold worked by hand). Only then may the other tests
 * use it as the oracle for every backend.
 *
 * <p>Golden records outside what unfold4j defines (fold modes other than sum, mean, weighted
 * and max) are counted per reason and skipped; every file must still have records the reference is checked
 * on. The 16-bit float types of the blend file are not unfold4j types, but the reference still
 * meets them: unfold on their raw 16-bit patterns (it copies bits), fold on their values in
 * float64 against PyTorch's float64 result.
 */
class ReferenceTest {

    /** Every golden case file, the default ones of GoldenCasesTest and any other beside them. */
    static List<Path> goldenFiles() throws IOException {
        try (Stream<Path> files = Files.list(GoldenCase.VENDORED)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList();
        }
    }

    @Test
    void everyDefaultGoldenFileIsAmongThoseChecked() throws IOException {
        List<Path> files = goldenFiles();
        assertTrue(files.size() >= 3, "golden files: " + files);
        for (Path p : GoldenCase.casesFiles()) {
            if (p.startsWith(GoldenCase.VENDORED)) {
                assertTrue(files.contains(p), p + " is not checked: " + files);
            }
        }
    }

    @TestFactory
    Stream<DynamicNode> referenceAgreesWithPyTorch() throws IOException {
        List<DynamicNode> nodes = new ArrayList<>();
        for (Path file : goldenFiles()) {
            List<DynamicNode> tests = new ArrayList<>();
            Map<String, Integer> skipped = new TreeMap<>();
            for (GoldenCase c : GoldenCase.load(file)) {
                String outside = outsideTheDefinitions(c);
                if (outside != null) {
                    skipped.merge(outside, 1, Integer::sum);
                } else {
                    tests.add(DynamicTest.dynamicTest(c.id(), () -> check(c)));
                }
            }
            int checked = tests.size();
            tests.add(DynamicTest.dynamicTest("records checked", () -> assertTrue(checked > 0,
                    file + ": no record the reference covers; skipped " + skipped)));
            nodes.add(DynamicContainer.dynamicContainer(file.getFileName() + " (" + checked + " checked, skipped "
                    + skipped + ")", tests));
        }
        return nodes.stream();
    }

    /** Why a record lies outside what unfold4j (and so the reference) defines, or null. */
    private static String outsideTheDefinitions(GoldenCase c) {
        if (c.json().has("fold_mode")) {
            String mode = c.json().get("fold_mode").asText();
            if (!List.of("sum", "mean", "weighted", "max").contains(mode)) {
                return "fold mode " + mode;
            }
        }
        return null;
    }

    /**
     * The weights of a weighted record: its explicit {@code fold_weights_f32}, or those of its
     * named {@code fold_window} from the reference's own definitions; null for the other modes.
     */
    private static float[] weights(GoldenCase c) {
        if (c.foldWeights() != null) {
            return c.foldWeights().toFloatArray();
        }
        if (!c.json().has("fold_window")) {
            return null;
        }
        var w = c.json().get("fold_window");
        double sigma = w.has("sigma_scale") ? w.get("sigma_scale").asDouble() : 0;
        return Reference.blendWeights(w.get("window").asText(), sigma, c.kernel());
    }

    /** The element type of a record: its input's field suffix (float32 for error records without values). */
    private static DType dtype(GoldenCase c) {
        if (c.json().has("input_f64")) {
            return DType.FLOAT64;
        } else if (c.json().has("input_i32")) {
            return DType.INT32;
        } else if (c.json().has("input_u8")) {
            return DType.UINT8;
        }
        return DType.FLOAT32;
    }

    /** The 16-bit float suffix of a record's input ({@code f16} or {@code bf16}), or null. */
    private static String half(GoldenCase c) {
        for (String t : new String[] {"f16", "bf16"}) {
            if (c.json().has("input_" + t)) {
                return t;
            }
        }
        return null;
    }

    /** The little-endian 16-bit patterns of a record's field. */
    private static long[] halfBits(GoldenCase c, String field) {
        byte[] b = Base64.getDecoder().decode(c.json().get(field).asText());
        long[] r = new long[b.length / 2];
        for (int i = 0; i < r.length; i++) {
            r[i] = (b[2 * i] & 0xff) | (b[2 * i + 1] & 0xff) << 8;
        }
        return r;
    }

    /** The value of a float16 (IEEE binary16) or bfloat16 (the upper half of a float32) bit pattern. */
    static double halfValue(long bits, String type) {
        if (type.equals("bf16")) {
            return Float.intBitsToFloat((int) bits << 16);
        }
        int sign = (int) (bits >> 15) & 1, exponent = (int) (bits >> 10) & 0x1f, mantissa = (int) bits & 0x3ff;
        double magnitude = exponent == 0x1f ? (mantissa == 0 ? Double.POSITIVE_INFINITY : Double.NaN)
                : exponent == 0 ? Math.scalb((double) mantissa, -24)
                : Math.scalb(1 + mantissa / 1024.0, exponent - 15);
        return sign == 1 ? -magnitude : magnitude;
    }

    private static void check(GoldenCase c) {
        // The spec's image is a placeholder: acceptUnfold and acceptFold take it from the shapes.
        Case spec = new Case(c.kernel(), c.dilation(), c.padding(), c.stride(), c.paddingMode(), c.layout(),
                c.outputLayout(), dtype(c), false, 1, 1, new int[c.kernel().length], c.foldMode());
        boolean unfold = c.op().equals("unfold");
        Case accepted = unfold ? Reference.acceptUnfold(spec, c.inputShape())
                : Reference.acceptFold(spec, c.inputShape(), c.outputSize());
        float[] weights = weights(c);
        if (c.isError()) {
            boolean weightsAccepted = c.foldWeights() == null
                    || Reference.acceptWeights(weights, c.foldWeights().shape(), c.kernel());
            assertTrue(accepted == null || !weightsAccepted,
                    "PyTorch rejects this input (" + c.error() + ") but the reference accepts " + accepted);
            return;
        }
        if (c.foldWeights() != null) {
            assertTrue(Reference.acceptWeights(weights, c.foldWeights().shape(), c.kernel()),
                    "PyTorch accepts these weights but the reference rejects them");
        }
        assertNotNull(accepted, "PyTorch accepts this input but the reference rejects it");
        assertArrayEquals(c.expectedShape(), unfold ? accepted.columnsShape() : accepted.imageShape(),
                "result shape from Case's sizes: " + accepted);
        assertArrayEquals(c.inputShape(), unfold ? accepted.imageShape() : accepted.columnsShape(),
                "input shape from Case's sizes: " + accepted);
        String half = half(c);
        if (half != null && unfold) {
            assertArrayEquals(halfBits(c, "expected_" + half), Reference.unfold(accepted, halfBits(c, "input_" + half)),
                    "16-bit patterns: " + accepted);
            return;
        } else if (half != null) {
            double[] values = Arrays.stream(halfBits(c, "input_" + half)).mapToDouble(b -> halfValue(b, half)).toArray();
            // The weighted results are rounded to the 16-bit type: the README's tolerances for them.
            double tolerance = c.foldMode() != FoldMode.WEIGHTED ? 1e-9 : half.equals("f16") ? 0x1p-10 : 0x1p-7;
            Reference.assertClose(c.expected().toDoubleArray(), Tensor.of(Reference.fold(accepted, values, weights),
                    accepted.imageShape()), tolerance, accepted.toString());
            return;
        }
        Tensor input = c.input(), expected = c.expected();
        Tensor got = unfold ? Reference.unfold(accepted, input) : Reference.fold(accepted, input, weights);
        if (!unfold && c.foldMode() == FoldMode.MAX) {
            Reference.assertClose(expected.toDoubleArray(), got, 0, accepted.toString() + " (max is exact)");
        } else if (c.foldTolerance()) {
            // PyTorch's float64 sum of float32 values; the reference sums in float32.
            Reference.assertClose(expected.toDoubleArray(), got, 1e-5, accepted.toString());
        } else {
            Reference.assertSameBits(expected, got, accepted.toString());
        }
    }

    // ------------------------------------------------------------------ hand-written expectations

    /** F.pad's modes on x = [x0, x1, x2, x3] with padding 3 (2 for reflect, which needs padding < size), from its documentation. */
    @Test
    void sourceIsFPadsModes() {
        assertEquals(List.of(-1L, -1L, -1L, 0L, 1L, 2L, 3L, -1L, -1L, -1L), sources(4, 3, PaddingMode.ZEROS));
        // reflect: x2 x1 | x0 x1 x2 x3 | x2 x1 (the edge is not repeated)
        assertEquals(List.of(2L, 1L, 0L, 1L, 2L, 3L, 2L, 1L), sources(4, 2, PaddingMode.REFLECT));
        // replicate: x0 x0 x0 | x0 x1 x2 x3 | x3 x3 x3
        assertEquals(List.of(0L, 0L, 0L, 0L, 1L, 2L, 3L, 3L, 3L, 3L), sources(4, 3, PaddingMode.REPLICATE));
        // circular: x1 x2 x3 | x0 x1 x2 x3 | x0 x1 x2
        assertEquals(List.of(1L, 2L, 3L, 0L, 1L, 2L, 3L, 0L, 1L, 2L), sources(4, 3, PaddingMode.CIRCULAR));
        // circular padding equal to the size wraps a whole period: x0 x1 | x0 x1 | x0 x1
        assertEquals(List.of(0L, 1L, 0L, 1L, 0L, 1L), sources(2, 2, PaddingMode.CIRCULAR));
    }

    private static List<Long> sources(int size, int pad, PaddingMode mode) {
        List<Long> r = new ArrayList<>();
        for (int i = -pad; i < size + pad; i++) {
            r.add(Reference.source(i, size, mode));
        }
        return r;
    }

    /**
     * A 1-D unfold worked by hand: x = [1, 2, 3, 4, 5], kernel 2, dilation 2, padding 1, stride 2
     * → padded [0, 1, 2, 3, 4, 5, 0], windows at 0, 2, 4 read (0, 2), (2, 4), (4, 0); reflect
     * padding reads x1 for the left zero and x3 for the right one; patches transpose.
     */
    @Test
    void unfoldOfAHandWorkedCase() {
        Case zeros = new Case(new int[] {2}, new int[] {2}, new int[] {1}, new int[] {2}, PaddingMode.ZEROS,
                ImageLayout.CHANNELS_FIRST, ColumnLayout.COLUMNS, DType.FLOAT32, false, 1, 1, new int[] {5});
        assertArrayEquals(new long[] {2, 3}, zeros.columnsShape());
        float[] x = {1, 2, 3, 4, 5};
        assertArrayEquals(new float[] {0, 2, 4, 2, 4, 0}, Reference.unfold(zeros, x));
        assertArrayEquals(new float[] {2, 2, 4, 2, 4, 4}, Reference.unfold(zeros.withMode(PaddingMode.REFLECT), x));
        assertArrayEquals(new float[] {0, 2, 2, 4, 4, 0},
                Reference.unfold(zeros.withLayouts(ImageLayout.CHANNELS_FIRST, ColumnLayout.PATCHES), x));
    }

    /**
     * A 2-D channels-last case worked by hand: a 1 × 2 image of 2 channels, kernel (1, 2): one
     * window; columns put the channel slowest (c·K + k), patches of channels-last images put it
     * fastest (k·C + c).
     */
    @Test
    void channelsLastRowOrder() {
        Case c = new Case(new int[] {1, 2}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, PaddingMode.ZEROS,
                ImageLayout.CHANNELS_LAST, ColumnLayout.COLUMNS, DType.FLOAT32, false, 1, 2, new int[] {1, 2});
        float[] image = {10, 20, 11, 21};   // [H=1, W=2, C=2]: pixel 0 (c0=10, c1=20), pixel 1 (c0=11, c1=21)
        assertArrayEquals(new float[] {10, 11, 20, 21}, Reference.unfold(c, image));
        assertArrayEquals(new float[] {10, 20, 11, 21},
                Reference.unfold(c.withLayouts(ImageLayout.CHANNELS_LAST, ColumnLayout.PATCHES), image));
    }

    /**
     * Fold by hand: kernel 3, stride 1 on 4 pixels (2 windows) covers the pixels 1, 2, 2, 1
     * times; the sum adds in ascending kernel offset from +0 (so -0.0 columns give +0.0), the
     * mean divides by the coverage.
     */
    @Test
    void foldOfAHandWorkedCase() {
        Case c = new Case(new int[] {3}, new int[] {1}, new int[] {0}, new int[] {1}, PaddingMode.ZEROS,
                ImageLayout.CHANNELS_FIRST, ColumnLayout.COLUMNS, DType.FLOAT32, false, 1, 1, new int[] {4});
        assertArrayEquals(new int[] {1, 2, 2, 1}, Reference.coverage(c));
        // columns [3 rows (kernel offsets), 2 windows]: window 0 reads pixels 0-2, window 1 pixels 1-3.
        float[] cols = {1, 2, 3, 4, 5, 6};
        assertArrayEquals(new float[] {1, 2 + 3, 4 + 5, 6}, Reference.fold(c, cols));
        assertArrayEquals(new float[] {1, 2.5f, 4.5f, 6}, Reference.fold(c.withFoldMode(FoldMode.MEAN), cols));
        float[] negativeZeros = {-0f, -0f, -0f, -0f, -0f, -0f};
        for (float v : Reference.fold(c, negativeZeros)) {
            assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(v), "+0 + -0 is +0");
        }
    }

    /**
     * The summation order, by hand: kernel 3, stride 1 on 5 pixels; pixel 2 is tap 0 of window
     * 2, tap 1 of window 1 and tap 2 of window 0. In ascending kernel offset,
     * {@code ((+0 + 2^24) + 1) − 2^24 = 0} in float32 (2^24 + 1 rounds to 2^24); ascending window
     * order would give {@code ((+0 − 2^24) + 1) + 2^24 = 1}.
     */
    @Test
    void foldAddsInAscendingKernelOffset() {
        Case c = new Case(new int[] {3}, new int[] {1}, new int[] {0}, new int[] {1}, PaddingMode.ZEROS,
                ImageLayout.CHANNELS_FIRST, ColumnLayout.COLUMNS, DType.FLOAT32, false, 1, 1, new int[] {5});
        float big = 1 << 24;
        float[] cols = new float[9];   // [3 kernel offsets, 3 windows]
        cols[0 * 3 + 2] = big;         // offset 0, window 2
        cols[1 * 3 + 1] = 1;           // offset 1, window 1
        cols[2 * 3 + 0] = -big;        // offset 2, window 0
        assertEquals(0f, Reference.fold(c, cols)[2]);
        assertEquals(0d, Reference.fold(c, new double[] {0, 0, 1e300, 0, 1, 0, -1e300, 0, 0})[2]);
    }

    /** float16 and bfloat16 decoding, by hand: 1, -2, the smallest subnormal, infinity; bfloat16 1.5. */
    @Test
    void halfValues() {
        assertEquals(1.0, halfValue(0x3c00, "f16"));
        assertEquals(-2.0, halfValue(0xc000, "f16"));
        assertEquals(Math.scalb(1.0, -24), halfValue(0x0001, "f16"));
        assertEquals(65504.0, halfValue(0x7bff, "f16"));
        assertEquals(Double.POSITIVE_INFINITY, halfValue(0x7c00, "f16"));
        assertEquals(1.5, halfValue(0x3fc0, "bf16"));
    }

    /** conv2d written as the sum, by hand: a 2 × 2 image, kernel (1, 2) of weights (1, 10). */
    @Test
    void conv2dOfAHandWorkedCase() {
        Case g = Case.of2d(true, 1, 1, 2, 2, 1, 2, 1, 1, 0, 0, 1, 1);
        double[] out = Reference.conv2d(g, new float[] {1, 2, 3, 4}, 1, new float[] {1, 10});
        assertArrayEquals(new double[] {1 + 10 * 2, 3 + 10 * 4}, out);
    }
}
