package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The worked examples of the seed article ("Pytroch nn.Unfold() 与 nn.Fold()图码详解"), checked
 * against the numbers PyTorch printed there. The printed {@code tensor([...])} and
 * {@code torch.Size([...])} literals, in the article's order, are the fixture
 * {@code src/test/resources/seed/seed-examples.txt} (the numbers only, no prose), parsed here.
 *
 * <p>Note [printed precision]: PyTorch printed 4 decimals of values it held unrounded. Unfold
 * only copies, so unfolding the printed input must reproduce the printed output to within half a
 * unit of the 4th decimal. A folded pixel is the sum of the {@code m} windows covering it: the
 * printed sum is within half a unit of the true sum, and our sum of {@code m} printed (rounded)
 * inputs is within {@code m} half units of it, hence the bound {@code 0.5e-4·(m + 1)}.
 */
class SeedExamplesTest {
    /** The fixture, relative to the repository root (Maven's working directory for tests). */
    static final Path DEFAULT_SEED = Path.of("src", "test", "resources", "seed", "seed-examples.txt");

    private static final double HALF_UNIT = 0.5e-4;
    /** The shapes of the 12 printed tensors, in order: four examples, each (input, unfolded, folded). */
    private static final long[][] SHAPES = {
        {2, 5, 3, 4}, {2, 30, 4}, {2, 5, 3, 4},
        {1, 1, 6, 6}, {1, 9, 4}, {1, 1, 6, 6},
        {1, 3, 6, 6}, {1, 27, 4}, {1, 3, 6, 6},
        {1, 1, 6, 6}, {1, 9, 4}, {1, 1, 6, 6},
    };

    private static Path seed;
    /** The 12 printed tensors with brackets, in order. */
    private static List<TorchPrint.Literal> blocks;
    /** The printed scalars, {@code tensor(1.1567)} first. */
    private static List<TorchPrint.Literal> scalars;
    /** The printed {@code torch.Size([...])}s, in order. */
    private static List<long[]> sizes;

    static Path seedPath() {
        String override = System.getProperty("unfold4j.seed");
        return override == null || override.isBlank() ? DEFAULT_SEED : Path.of(override);
    }

    @BeforeAll
    static void readArticle() throws IOException {
        seed = seedPath();
        if (!Files.isRegularFile(seed)) {
            fail("the seed examples are not at " + seed.toAbsolutePath() + " (working directory "
                    + Path.of("").toAbsolutePath() + "); point -Dunfold4j.seed at it");
        }
        String text = Files.readString(seed, StandardCharsets.UTF_8);
        blocks = new ArrayList<>();
        scalars = new ArrayList<>();
        for (TorchPrint.Literal literal : TorchPrint.tensors(text)) {
            (literal.shape().length == 0 ? scalars : blocks).add(literal);
        }
        sizes = TorchPrint.sizes(text);
        assertEquals(SHAPES.length, blocks.size(), "printed tensors with brackets in " + seed);
        for (int i = 0; i < SHAPES.length; i++) {
            assertArrayEquals(SHAPES[i], blocks.get(i).shape(), "shape of printed tensor " + (i + 1) + ", " + blocks.get(i));
        }
        assertTrue(!scalars.isEmpty(), "the article prints tensor(1.1567), the centre pixel of the overlapping fold");
        // The printed sizes: one in a comment (2, 30, 4), then one per patch example.
        assertEquals(4, sizes.size(), "torch.Size printouts in " + seed);
        assertArrayEquals(SHAPES[1], sizes.get(0), "torch.Size of the first unfold");
        assertArrayEquals(SHAPES[4], sizes.get(1), "torch.Size of the 1-channel patches");
        assertArrayEquals(SHAPES[7], sizes.get(2), "torch.Size of the 3-channel patches");
        assertArrayEquals(SHAPES[10], sizes.get(3), "torch.Size of the overlapping patches");
    }

    /** Printed tensor number {@code k}, counting from 1 as in the class comment. */
    private static TorchPrint.Literal printed(int k) {
        return blocks.get(k - 1);
    }

    @Test
    void parserReadsShapesValuesAndScalars() {
        List<TorchPrint.Literal> found = TorchPrint.tensors(
                "a tensor([[ 1.5, -2.0000e-01],\n  [3, 4]]) b tensor(1.1567) c torch.as_tensor(7) tensor([[[0.],[1e3]]])");
        assertEquals(3, found.size());
        assertArrayEquals(new long[] {2, 2}, found.get(0).shape());
        assertArrayEquals(new double[] {1.5, -0.2, 3, 4}, found.get(0).values());
        assertArrayEquals(new long[0], found.get(1).shape());
        assertArrayEquals(new double[] {1.1567}, found.get(1).values());
        assertArrayEquals(new long[] {1, 2, 1}, found.get(2).shape());
        assertArrayEquals(new double[] {0, 1000}, found.get(2).values());
        assertThrows(IllegalArgumentException.class, () -> TorchPrint.tensors("tensor([[1, 2], [3]])"));
        assertThrows(IllegalArgumentException.class, () -> TorchPrint.tensors("tensor([1, 2"));
        assertArrayEquals(new long[] {1, 27, 4}, TorchPrint.sizes("torch.Size([1, 27, 4])").get(0));
    }

    /** Example 1: kernel (2, 3), stride 1, windows overlap; input (2, 5, 3, 4). */
    @TestFactory
    Stream<DynamicTest> overlappingKernel2x3() {
        return PerBackend.tests("seed example 1: Unfold(kernel_size=(2, 3)), Fold((3, 4), (2, 3))", backend -> {
            Tensor input = printed(1).tensor();
            Unfold unfold = Unfold.of(2, 3);
            Fold fold = Fold.of(3, 4, 2, 3);
            Tensor cols = unfold.apply(input, backend);
            assertArrayEquals(new long[] {2, 30, 4}, cols.shape(), "unfold output shape (the article: 30 values per patch, 4 blocks)");
            assertCopies("unfold output (printed tensor 2)", cols, printed(2));
            Tensor image = fold.apply(cols, backend);
            assertArrayEquals(input.shape(), image.shape(), "fold output shape");
            float[] m = multiplicity(unfold, fold, input.shape(), backend, Case.of2d(true, 2, 5, 3, 4,
                    2, 3, 1, 1, 0, 0, 1, 1));
            assertSums("fold output (printed tensor 3)", image, printed(3), m);
        });
    }

    /** Example 2: one channel, kernel 3, stride 3: the patches do not overlap, and fold restores the image. */
    @TestFactory
    Stream<DynamicTest> nonOverlappingOneChannel() {
        return PerBackend.tests("seed example 2: 1x1x6x6, kernel 3, stride 3", backend ->
                nonOverlapping(backend, printed(4), printed(5), printed(6), 1));
    }

    /** Example 3: as example 2 with three channels. */
    @TestFactory
    Stream<DynamicTest> nonOverlappingThreeChannels() {
        return PerBackend.tests("seed example 3: 1x3x6x6, kernel 3, stride 3", backend ->
                nonOverlapping(backend, printed(7), printed(8), printed(9), 3));
    }

    private static void nonOverlapping(Backend backend, TorchPrint.Literal in, TorchPrint.Literal patches,
                                       TorchPrint.Literal restored, int channels) {
        Tensor input = in.tensor();
        Unfold unfold = Unfold.of(3).withStride(3);
        Fold fold = Fold.of(6, 6, 3, 3).withStride(3);
        Tensor cols = unfold.apply(input, backend);
        assertArrayEquals(new long[] {1, channels * 9L, 4}, cols.shape(), "unfold output shape");
        assertCopies("unfold output", cols, patches);
        Tensor image = fold.apply(cols, backend);
        float[] m = multiplicity(unfold, fold, input.shape(), backend, Case.of2d(true, 1, channels, 6, 6,
                3, 3, 1, 1, 0, 0, 3, 3));
        for (float v : m) {
            assertEquals(1f, v, "stride == kernel on a 6x6 image: every pixel in exactly one window");
        }
        assertSums("fold output", image, restored, m);
        // The article's claim: without overlap, fold(unfold(x)) is x itself, bit for bit.
        assertEquals(input, image, "fold(unfold(x)) must reproduce the image exactly");
        assertEquals(restored.tensor(), image, "fold(unfold(x)) must equal the printed restored image");
    }

    /** Example 4: kernel 3, stride 2 on 6x6: windows overlap, the last row and column are dropped. */
    @TestFactory
    Stream<DynamicTest> overlappingStride2() {
        return PerBackend.tests("seed example 4: 1x1x6x6, kernel 3, stride 2", backend -> {
            Tensor input = printed(10).tensor();
            Unfold unfold = Unfold.of(3, 3).withStride(2);
            Fold fold = Fold.of(6, 6, 3, 3).withStride(2);
            Tensor cols = unfold.apply(input, backend);
            assertArrayEquals(new long[] {1, 9, 4}, cols.shape(), "unfold output shape");
            assertCopies("unfold output (printed tensor 11)", cols, printed(11));
            Tensor image = fold.apply(cols, backend);
            assertArrayEquals(new long[] {1, 1, 6, 6}, image.shape(), "fold output shape");
            float[] m = multiplicity(unfold, fold, input.shape(), backend, Case.of2d(true, 1, 1, 6, 6,
                    3, 3, 1, 1, 0, 0, 2, 2));
            assertSums("fold output (printed tensor 12)", image, printed(12), m);

            float[] got = image.toFloatArray();
            double[] shown = printed(12).values();
            for (int i = 0; i < 6; i++) {
                for (int at : new int[] {5 * 6 + i, i * 6 + 5}) {
                    assertEquals(0.0, shown[at], "the article prints 0 at flat index " + at);
                    assertEquals(0, Float.floatToRawIntBits(got[at]), "no window covers the last row and column, "
                            + "so pixel " + at / 6 + "," + at % 6 + " must be +0.0 but is " + got[at]);
                }
            }
            // "重复累加次数最多的元素: batches_img[0,0,2,2]*4 -> tensor(1.1567)"
            int centre = 2 * 6 + 2;
            float max = 0;
            for (float v : m) {
                max = Math.max(max, v);
            }
            assertEquals(4f, m[centre], "pixel (2, 2) lies in all four windows");
            assertEquals(max, m[centre], "pixel (2, 2) is the most repeated one");
            float x = input.toFloatArray()[centre];
            assertEquals(4 * x, got[centre], Math.ulp(4 * x), "the centre pixel must be 4 x input[2, 2] = 4 x " + x);
            double printedCentre = scalars.get(0).values()[0];
            assertEquals(printedCentre, got[centre], HALF_UNIT * 5 + 1e-6,
                    "the centre pixel against the printed tensor(" + printedCentre + ")");
        });
    }

    /**
     * Per pixel of the image, how many windows cover it: fold(unfold(ones)), as the article
     * suggests, checked against an independent count so that a broken fold cannot widen the
     * tolerance it is judged by.
     */
    private static float[] multiplicity(Unfold unfold, Fold fold, long[] shape, Backend backend,
                                        Case g) {
        float[] ones = new float[(int) Tensor.zeros(shape).elementCount()];
        Arrays.fill(ones, 1f);
        float[] m = fold.apply(unfold.apply(Tensor.of(ones, shape), backend), backend).toFloatArray();
        int[] count = Reference.coverage(g);
        for (int i = 0; i < m.length; i++) {
            assertEquals(count[i % count.length], m[i], "fold(unfold(ones)) at flat index " + i + " for " + g);
        }
        return m;
    }

    /** Unfold copies: |got − printed| ≤ half a unit of the 4th decimal (plus float rounding of the parse). */
    private static void assertCopies(String what, Tensor got, TorchPrint.Literal printed) {
        assertArrayEquals(printed.shape(), got.shape(), what + ": shape against the printed tensor");
        float[] g = got.toFloatArray();
        double[] p = printed.values();
        for (int i = 0; i < g.length; i++) {
            double tolerance = HALF_UNIT + 1e-7;
            if (!(Math.abs(g[i] - p[i]) <= tolerance)) {
                fail(what + ": at " + coordinates(printed.shape(), i) + " got " + g[i] + ", printed " + p[i]
                        + " (tolerance " + tolerance + ")");
            }
        }
    }

    /** Fold sums m windows: |got − printed| ≤ 0.5e-4·(m + 1) + 1e-6, see Note [printed precision]. */
    private static void assertSums(String what, Tensor got, TorchPrint.Literal printed, float[] multiplicity) {
        assertArrayEquals(printed.shape(), got.shape(), what + ": shape against the printed tensor");
        float[] g = got.toFloatArray();
        double[] p = printed.values();
        for (int i = 0; i < g.length; i++) {
            double tolerance = HALF_UNIT * (multiplicity[i] + 1) + 1e-6;
            if (!(Math.abs(g[i] - p[i]) <= tolerance)) {
                fail(what + ": at " + coordinates(printed.shape(), i) + " got " + g[i] + ", printed " + p[i]
                        + " (" + (int) multiplicity[i] + " windows, tolerance " + tolerance + ")");
            }
        }
    }

    private static String coordinates(long[] shape, int flat) {
        long[] at = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            at[d] = flat % shape[d];
            flat /= (int) shape[d];
        }
        return Arrays.toString(at);
    }
}
