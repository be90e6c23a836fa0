package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** SlidingWindow: the grid, the stitching rule against a brute-force sum, batches, errors and memory. */
class SlidingWindowTest {
    static Stream<BlendWindow> blends() {
        return Stream.of(BlendWindow.constant(), BlendWindow.gaussian(0.125), BlendWindow.hann(), BlendWindow.triangular());
    }

    static Tensor random(long seed, long... shape) {
        Random r = new Random(seed);
        float[] v = new float[(int) Tensor.elementCount(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Tensor.of(v, shape);
    }

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(new long[] {2, 3, 50, 37}, new int[] {16, 12}, PaddingMode.ZEROS),
                Arguments.of(new long[] {3, 50, 37}, new int[] {16, 16}, PaddingMode.REFLECT),
                Arguments.of(new long[] {1, 2, 5, 7}, new int[] {16, 16}, PaddingMode.REPLICATE), // smaller than a tile
                Arguments.of(new long[] {2, 1, 300}, new int[] {64}, PaddingMode.CIRCULAR),
                Arguments.of(new long[] {1, 2, 9, 20, 11}, new int[] {4, 8, 5}, PaddingMode.REFLECT));
    }

    /** The identity model gives the image back exactly, for every blend, shape and padding mode. */
    @ParameterizedTest
    @MethodSource("shapes")
    void identityGivesTheImageBack(long[] shape, int[] tile, PaddingMode mode) {
        Tensor image = random(1, shape);
        blends().forEach(blend -> {
            SlidingWindow sw = SlidingWindow.of(tile).withOverlap(0.4).withBlend(blend).withBatchSize(3).withPaddingMode(mode);
            assertEquals(image, sw.apply(image, t -> t), blend.toString());
        });
    }

    /** A 1×1 convolution (3 → 2 channels) gives exactly what it gives on the whole image. */
    @Test
    void pointwiseModelMatchesTheWholeImage() {
        Tensor image = random(2, 2, 3, 41, 29);
        Function<Tensor, Tensor> conv = x -> {
            long[] s = x.shape();
            long plane = s[2] * s[3];
            float[] in = x.toFloatArray(), out = new float[(int) (s[0] * 2 * plane)];
            for (int b = 0; b < s[0]; b++) {
                for (int p = 0; p < plane; p++) {
                    float r = in[(int) ((b * 3) * plane + p)], g = in[(int) ((b * 3 + 1) * plane + p)], u = in[(int) ((b * 3 + 2) * plane + p)];
                    out[(int) ((b * 2) * plane + p)] = 0.25f * r - 1.5f * g + u;
                    out[(int) ((b * 2 + 1) * plane + p)] = r * g + 0.125f;
                }
            }
            return Tensor.of(out, s[0], 2, s[2], s[3]);
        };
        Tensor whole = conv.apply(image);
        blends().forEach(blend -> assertEquals(whole,
                SlidingWindow.of(12, 10).withOverlap(0.5).withBlend(blend).withBatchSize(4).apply(image, conv), blend.toString()));
    }

    /**
     * A model whose tiles disagree (each tile's output is its values plus its index): the result is
     * Σ w·y / Σ w over the covering tiles, computed here by brute force from positions().
     */
    @ParameterizedTest
    @MethodSource("shapes")
    void stitchingIsTheWeightedMeanOfTheCoveringTiles(long[] shape, int[] tile, PaddingMode mode) {
        Tensor image = random(3, shape);
        BlendWindow blend = BlendWindow.gaussian(0.25);
        SlidingWindow sw = SlidingWindow.of(tile).withStride(strides(tile)).withBlend(blend).withBatchSize(2).withPaddingMode(mode);
        // Each tile's output is 2x plus the tile's number within its image, counted from the tiles seen.
        long[] seen = {0};
        int tilesPerImage = sw.positions(spatial(shape, tile.length)).size();
        Function<Tensor, Tensor> numbered = x -> {
            float[] v = x.toFloatArray();
            int b = (int) x.shape()[0], per = v.length / b;
            for (int i = 0; i < v.length; i++) {
                v[i] = v[i] * 2 + (seen[0] + i / per) % tilesPerImage;
            }
            seen[0] += b;
            return Tensor.of(v, x.shape());
        };
        Tensor got = sw.apply(image, numbered);
        double[] expected = bruteForce(image, shape, tile, sw, mode, blend);
        float[] g = got.toFloatArray();
        assertEquals(expected.length, g.length);
        for (int i = 0; i < g.length; i++) {
            assertEquals(expected[i], g[i], 1e-5 * (1 + Math.abs(expected[i])), "element " + i);
        }
    }

    private static int[] strides(int[] tile) {
        int[] s = new int[tile.length];
        for (int d = 0; d < s.length; d++) {
            s[d] = Math.max(1, tile[d] * 2 / 3);
        }
        return s;
    }

    private static long[] spatial(long[] shape, int rank) {
        return java.util.Arrays.copyOfRange(shape, shape.length - rank, shape.length);
    }

    /** Σ w·(2x + tile number) / Σ w per pixel, straight from the definition, in double. */
    private static double[] bruteForce(Tensor image, long[] shape, int[] tile, SlidingWindow sw, PaddingMode mode, BlendWindow blend) {
        int r = tile.length;
        boolean batched = shape.length == r + 2;
        long n = batched ? shape[0] : 1, c = shape[shape.length - r - 1];
        long[] sp = spatial(shape, r);
        long plane = 1;
        for (long s : sp) {
            plane *= s;
        }
        List<long[]> origins = sw.positions(sp);
        Tensor w = blend.weights(java.util.Arrays.stream(tile).asLongStream().toArray());
        double[] num = new double[(int) (n * c * plane)], den = new double[(int) plane];
        int k = (int) w.elementCount();
        for (int t = 0; t < origins.size(); t++) {
            long[] o = origins.get(t);
            for (int off = 0; off < k; off++) {
                long[] p = new long[r];
                int rem = off;
                boolean inside = true;
                for (int d = r - 1; d >= 0; d--) {
                    p[d] = o[d] + rem % tile[d];
                    rem /= tile[d];
                    inside &= p[d] >= 0 && p[d] < sp[d];
                }
                if (!inside) {
                    continue;
                }
                long flat = 0;
                for (int d = 0; d < r; d++) {
                    flat = flat * sp[d] + p[d];
                }
                double wk = w.getDouble(off);
                den[(int) flat] += wk;
                for (int img = 0; img < n; img++) {
                    for (int ch = 0; ch < c; ch++) {
                        int i = (int) ((img * c + ch) * plane + flat);
                        num[i] += wk * (2.0 * (float) image.getDouble(i) + t);
                    }
                }
            }
        }
        for (int i = 0; i < num.length; i++) {
            double d = den[(int) (i % plane)];
            num[i] = d == 0 ? 0 : num[i] / d;
        }
        return num;
    }

    /** The documented grid: centred, every tile full size, every pixel covered. */
    @Test
    void positionsFormTheDocumentedGrid() {
        SlidingWindow sw = SlidingWindow.of(32).withStride(24);
        // 100 pixels: 4 tiles span 3·24 + 32 = 104, so 2 pixels of padding before and 2 after.
        List<long[]> p = sw.positions(100);
        assertEquals(List.of(-2L, 22L, 46L, 70L), p.stream().map(a -> a[0]).collect(java.util.stream.Collectors.toList()));
        // Smaller than a tile: one tile, the excess split (rounded down before).
        assertArrayEquals(new long[] {-5, -4}, SlidingWindow.of(16, 16).positions(5, 7).get(0));
        assertEquals(1, SlidingWindow.of(16, 16).positions(5, 7).size());
        // 2-D: row-major over the grid; overlap 0.25 of 64 is stride 48.
        List<long[]> q = SlidingWindow.of(64, 64).withOverlap(0.25).positions(100, 64);
        assertEquals(2, q.size());
        assertArrayEquals(new long[] {-6, 0}, q.get(0));
        assertArrayEquals(new long[] {42, 0}, q.get(1));
        assertArrayEquals(new int[] {48, 48}, SlidingWindow.of(64, 64).withOverlap(0.25).stride());
        assertArrayEquals(new int[] {1}, SlidingWindow.of(3).withOverlap(0.9).stride());
    }

    /** The model never sees more than batchSize tiles, always full tiles, and sees each tile once. */
    @Test
    void batchesAreBoundedAndCoverEveryTile() {
        Tensor image = random(4, 3, 2, 70, 45);
        SlidingWindow sw = SlidingWindow.of(16, 16).withOverlap(0.5).withBatchSize(5);
        int tiles = sw.positions(70, 45).size();
        List<Long> sizes = new ArrayList<>();
        sw.apply(image, t -> {
            assertEquals(List.of(2L, 16L, 16L), List.of(t.shape()[1], t.shape()[2], t.shape()[3]));
            sizes.add(t.shape()[0]);
            return t;
        });
        assertTrue(sizes.stream().allMatch(b -> b >= 1 && b <= 5), sizes.toString());
        assertEquals(3L * tiles, sizes.stream().mapToLong(Long::longValue).sum());
        // Batches do not straddle images: each image's tiles are ceil(tiles / 5) calls.
        assertEquals(3 * ((tiles + 4) / 5), sizes.size());
    }

    @Test
    void wrongModelOutputsAreNamed() {
        Tensor image = random(5, 1, 3, 40, 40);
        SlidingWindow sw = SlidingWindow.of(16, 16).withBatchSize(4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sw.apply(image, t -> Tensor.zeros(t.shape()[0], 3, 8, 8)));
        assertTrue(e.getMessage().contains("[4, 3, 8, 8]") && e.getMessage().contains("[4, 3, 16, 16]"), e.getMessage());
        // The channel count is fixed by the first call.
        int[] call = {0};
        e = assertThrows(IllegalArgumentException.class,
                () -> sw.apply(image, t -> Tensor.zeros(t.shape()[0], call[0]++ == 0 ? 2 : 1, 16, 16)));
        assertTrue(e.getMessage().contains("[4, 2, 16, 16]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> sw.apply(image, t -> Tensor.zeros(DType.INT32, t.shape())));
        assertTrue(e.getMessage().contains("int32"), e.getMessage());
        RuntimeException boom = new IllegalStateException("model failed");
        assertSame(boom, assertThrows(IllegalStateException.class, () -> sw.apply(image, t -> {
            throw boom;
        })));
    }

    @Test
    void badSpecsAndImagesAreRefusedWithTheirValues() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SlidingWindow.of(16, 0)).getMessage().contains("[16, 0]"));
        assertThrows(IllegalArgumentException.class, () -> SlidingWindow.of(1, 2, 3, 4));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SlidingWindow.of(8).withOverlap(1.0)).getMessage()
                .contains("overlap=1.0"));
        assertThrows(IllegalArgumentException.class, () -> SlidingWindow.of(8).withOverlap(Double.NaN));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SlidingWindow.of(8, 8).withStride(9)).getMessage()
                .contains("stride=[9]"));
        assertThrows(IllegalArgumentException.class, () -> SlidingWindow.of(8, 8).withStride(4, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> SlidingWindow.of(8).withBatchSize(0));
        SlidingWindow sw = SlidingWindow.of(8, 8);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> sw.apply(Tensor.zeros(10, 10), t -> t)).getMessage()
                .contains("[10, 10]"));
        assertThrows(IllegalArgumentException.class, () -> sw.apply(Tensor.zeros(0, 3, 10, 10), t -> t));
        assertThrows(IllegalArgumentException.class, () -> sw.positions(10));
        // Reflect cannot pad a 3-pixel image up to an 8-pixel tile.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sw.withPaddingMode(PaddingMode.REFLECT).apply(Tensor.zeros(1, 3, 10), t -> t));
        assertTrue(e.getMessage().contains("reflect"), e.getMessage());
    }

    @Test
    void specsAreValues() {
        SlidingWindow a = SlidingWindow.of(64, 64).withOverlap(0.5).withBlend(BlendWindow.hann());
        assertEquals(a, SlidingWindow.of(64, 64).withStride(32).withBlend(BlendWindow.hann()));
        assertEquals(a.hashCode(), SlidingWindow.of(64, 64).withStride(32).withBlend(BlendWindow.hann()).hashCode());
        assertTrue(!a.equals(a.withBatchSize(2)) && !a.equals(a.withBlend(BlendWindow.constant())));
        assertTrue(a.toString().contains("stride=[32, 32]"), a.toString());
    }

    /**
     * Bounded memory: a 3 × 4096 × 4096 float32 image (192 MiB) with 128-pixel tiles at overlap
     * 0.5, whose windows alone would take 780 MB, runs in a JVM limited to -Xmx1g.
     */
    @Test
    void aLargeImageRunsInAOneGigabyteHeap() throws IOException, InterruptedException {
        Path javaBin = Paths.get(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder pb = new ProcessBuilder(javaBin.toString(), "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                SlidingWindowMemoryProbe.class.getName()).redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("identity ok"), out);
    }
}
