package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The blending folds ({@link FoldMode#WEIGHTED}, {@link FoldMode#MAX}) on every backend: a case
 * worked by hand, constant weights giving the mean bit for bit, NaN and uncovered pixels, max of
 * the integer types, random cases against {@link Reference} bit for bit (Note [reference
 * blending] there, the library's definition), device tensors, the weight checks, and the named
 * windows' weights against the README's formulas.
 */
class BlendingFoldTest {
    private static final long SEED = 0xB1E_4D;

    /**
     * Kernel 3, stride 1 on 4 pixels, weights (1, 2, 1): window 0 covers pixels 0-2 with its
     * offsets 0-2, window 1 pixels 1-3. Pixel 1 is offset 1 of window 0 (weight 2) and offset 0
     * of window 1 (weight 1): (2·2 + 1·4) / 3.
     */
    @TestFactory
    Stream<DynamicTest> weightedFoldOfAHandWorkedCase() {
        return PerBackend.tests("weighted by hand", backend -> {
            Tensor cols = Tensor.of(new float[] {1, 4, 2, 5, 3, 6}, 3, 2);  // [offsets, windows]
            Fold fold = Fold.of(new long[] {4}, Window.ofKernel(3)).withWeights(Tensor.of(new float[] {1, 2, 1}, 3));
            assertEquals(FoldMode.WEIGHTED, fold.mode());
            Tensor got = fold.apply(cols, backend);
            assertArrayEquals(new float[] {1, (2 * 2 + 4) / 3f, (3 + 2 * 5) / 3f, 6}, got.toFloatArray());
            // Zero weights at the ends: pixels only they reach are 0.
            Tensor middle = Fold.of(new long[] {4}, Window.ofKernel(3)).withWeights(Tensor.of(new float[] {0, 1, 0}, 3))
                    .apply(cols, backend);
            assertArrayEquals(new float[] {0, 2, 5, 0}, middle.toFloatArray());
        });
    }

    /** Max by hand: the larger value where windows overlap, a NaN wins, an uncovered pixel is 0. */
    @TestFactory
    Stream<DynamicTest> maxFoldOfAHandWorkedCase() {
        return PerBackend.tests("max by hand", backend -> {
            // Kernel 2, stride 3 on 5 pixels: windows at 0 and 3, pixel 2 uncovered.
            Tensor cols = Tensor.of(new float[] {-1, Float.NaN, -2, 7}, 2, 2);
            Tensor got = Fold.of(new long[] {5}, Window.ofKernel(2).withStride(3)).withMode(FoldMode.MAX).apply(cols, backend);
            assertArrayEquals(new float[] {-1, -2, 0, Float.NaN, 7}, got.toFloatArray());
            // Overlapping: kernel 3, stride 1 on 4 pixels, a NaN in window 1's first tap.
            Tensor overlap = Tensor.of(new float[] {1, Float.NaN, 5, -3, 2, 8}, 3, 2);
            Tensor m = Fold.of(new long[] {4}, Window.ofKernel(3)).withMode(FoldMode.MAX).apply(overlap, backend);
            assertEquals(1f, m.toFloatArray()[0]);
            assertTrue(Float.isNaN(m.toFloatArray()[1]), "NaN propagates");
            assertEquals(2f, m.toFloatArray()[2]);
            assertEquals(8f, m.toFloatArray()[3]);
            // +0.0 is above -0.0 in either order (Math.max), so the pixel's bits do not depend on the tap order.
            Tensor zeros = Tensor.of(new float[] {-0f, -0f, 0f, -0f}, 2, 2);  // [offsets, windows]: kernel 2, stride 1, 3 pixels
            float[] z = Fold.of(new long[] {3}, Window.ofKernel(2)).withMode(FoldMode.MAX).apply(zeros, backend).toFloatArray();
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(z[0]), "only -0.0 lands on pixel 0");
            assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(z[1]), "-0.0 then +0.0");
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(z[2]), "only -0.0 lands on pixel 2");
            Tensor swapped = Tensor.of(new float[] {-0f, 0f, -0f, -0f}, 2, 2);
            float[] w = Fold.of(new long[] {3}, Window.ofKernel(2)).withMode(FoldMode.MAX).apply(swapped, backend).toFloatArray();
            assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(w[1]), "+0.0 then -0.0");
        });
    }

    /** Note [weighted without weights] in Fold: WEIGHTED alone and a constant window are the mean, bit for bit. */
    @TestFactory
    Stream<DynamicTest> constantWeightsAreTheMean() {
        return PerBackend.tests("constant weights", backend -> {
            Random r = new Random(SEED);
            for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                Case f = Case.of2d(true, 2, 3, 13, 11, 4, 3, 1, 2, 1, 0, 2, 1).withDtype(dtype);
                Tensor cols = RandomCases.columns(r, f);
                Tensor mean = f.fold(FoldMode.MEAN).apply(cols, backend);
                Reference.assertSameBits(mean, f.fold(FoldMode.WEIGHTED).apply(cols, backend), "WEIGHTED " + dtype);
                Reference.assertSameBits(mean, f.fold().withBlend(BlendWindow.constant()).apply(cols, backend),
                        "constant window " + dtype);
            }
        });
    }

    /** Random cases of every kind and column layout, both float types: the reference's bits, weighted and max. */
    @TestFactory
    Stream<DynamicTest> randomCasesMatchTheReference() {
        return PerBackend.tests("random cases", backend -> {
            Random r = new Random(SEED + 1);
            BlendWindow[] windows = {BlendWindow.gaussian(0.125), BlendWindow.hann(), BlendWindow.triangular()};
            int i = 0;
            for (Case.Kind kind : Case.KINDS) {
                for (ColumnLayout columns : ColumnLayout.values()) {
                    for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                        Case f = RandomCases.valid(r, kind, PaddingMode.ZEROS, columns, dtype);
                        Tensor cols = RandomCases.columns(r, f);
                        BlendWindow w = windows[i++ % windows.length];
                        float[] weights = w.weights(Arrays.stream(f.kernel()).asLongStream().toArray()).toFloatArray();
                        Case weighted = f.withFoldMode(FoldMode.WEIGHTED);
                        Reference.assertSameBits(Reference.fold(weighted, cols, weights),
                                f.fold().withBlend(w).apply(cols, backend), w + ", " + weighted);
                        Case max = f.withFoldMode(FoldMode.MAX);
                        Reference.assertSameBits(Reference.fold(max, cols, null), max.fold().apply(cols, backend),
                                max.toString());
                    }
                }
            }
        });
    }

    /** Max of uint8 (unsigned: 200 beats 100) and int32 (the extremes included), against the reference. */
    @TestFactory
    Stream<DynamicTest> maxOfIntegerTypes() {
        return PerBackend.tests("integer max", backend -> {
            Random r = new Random(SEED + 2);
            for (DType dtype : new DType[] {DType.UINT8, DType.INT32}) {
                for (Case.Kind kind : Case.KINDS) {
                    Case f = RandomCases.valid(r, kind, PaddingMode.ZEROS, ColumnLayout.COLUMNS, dtype)
                            .withFoldMode(FoldMode.MAX);
                    Tensor cols = RandomCases.columns(r, f);
                    Reference.assertSameBits(Reference.fold(f, cols, null), f.fold().apply(cols, backend), f.toString());
                }
            }
            Tensor bytes = Tensor.ofUint8(new byte[] {100, (byte) 200, 7, 9}, 2, 2);
            Tensor got = Fold.of(new long[] {3}, Window.ofKernel(2)).withMode(FoldMode.MAX).apply(bytes, backend);
            assertArrayEquals(new byte[] {100, (byte) 200, 9}, got.toByteArray());
            // Integer types only take max.
            assertThrows(IllegalArgumentException.class,
                    () -> Fold.of(new long[] {3}, Window.ofKernel(2)).withMode(FoldMode.WEIGHTED).apply(bytes, backend));
        });
    }

    /** Device tensors: the weighted fold on the device, one weight buffer per weights value, freed on close. */
    @Test
    void weightedFoldOfDeviceTensorsSharesOneWeightBuffer() {
        if (!TestBackends.openCLAvailable() && !TestBackends.REQUIRE_OPENCL) {
            TestBackends.unavailable(OpenCLRuntime.get().unavailableReason());
        }
        Random r = new Random(SEED + 3);
        Case f = Case.of2d(true, 2, 3, 20, 17, 5, 4, 1, 1, 1, 2, 2, 3);
        Tensor cols = RandomCases.columns(r, f);
        Fold gaussian = f.fold().withBlend(BlendWindow.gaussian(0.25));
        Tensor expected = gaussian.apply(cols, Backend.java());
        try (OpenCLBackend cl = TestBackends.withConfig(c -> c)) {
            try (DeviceTensor in = cl.upload(cols); DeviceTensor out = gaussian.apply(in)) {
                Reference.assertSameBits(expected, out.download(), "device tensors");
                gaussian.apply(in, out);
                Reference.assertSameBits(expected, out.download(), "into a device tensor");
            }
            // Another spec with equal weights, and a host call, share the buffer.
            Reference.assertSameBits(expected, f.fold().withBlend(BlendWindow.gaussian(0.25)).apply(cols, cl), "host call");
            assertEquals(1, cl.openCLEngine().weightBufferCount(), "one buffer per weights value");
            f.fold().withBlend(BlendWindow.hann()).apply(cols, cl);
            assertEquals(2, cl.openCLEngine().weightBufferCount());
            cl.close();
            assertEquals(0, cl.openCLEngine().weightBufferCount(), "close frees the weight buffers");
        }
    }

    /** Note [fold weights are checked here] in ColumnGeometry: bad weights are refused, naming the weights and the value or shape. */
    @Test
    void badWeightsAreRefused() {
        Fold fold = Fold.of(8, 8, 3, 3);
        for (float bad : new float[] {-0.5f, Float.NaN, Float.POSITIVE_INFINITY}) {
            float[] w = new float[9];
            Arrays.fill(w, 1);
            w[4] = bad;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> fold.withWeights(Tensor.of(w, 3, 3)));
            assertTrue(e.getMessage().contains("weights") && e.getMessage().contains(String.valueOf(bad)), e.getMessage());
        }
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> fold.withWeights(Tensor.of(new float[6], 2, 3)));
        assertTrue(shape.getMessage().contains("weights") && shape.getMessage().contains("[2, 3]")
                && shape.getMessage().contains("[3, 3]"), shape.getMessage());
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                () -> fold.withWeights(Tensor.of(new double[9], 3, 3)));
        assertTrue(type.getMessage().contains("float32"), type.getMessage());
        // Zero weights are fine.
        fold.withWeights(Tensor.of(new float[9], 3, 3));
    }

    /** The specs: withBlend chooses WEIGHTED, the weights stay across mode changes, and take part in equality. */
    @Test
    void specsKeepTheirWeights() {
        Fold plain = Fold.of(8, 8, 3, 3);
        Fold hann = plain.withBlend(BlendWindow.hann());
        assertEquals(FoldMode.WEIGHTED, hann.mode());
        assertEquals(BlendWindow.hann(), hann.blend());
        assertEquals(BlendWindow.constant(), plain.blend());
        assertEquals(hann, hann.withMode(FoldMode.SUM).withMode(FoldMode.WEIGHTED));
        assertNotEquals(hann, plain.withMode(FoldMode.WEIGHTED));
        assertEquals(plain.withBlend(BlendWindow.gaussian(0.2)), plain.withBlend(BlendWindow.gaussian(0.2)));
        assertTrue(hann.toString().contains("blend=hann"), hann.toString());
        assertEquals(FoldMode.MAX, FoldMode.parse("MAX"));
        assertEquals("weighted", FoldMode.WEIGHTED.toString());
    }

    /** BlendWindow's weights are the README's formulas (Reference.blendWeights), rounded once to float32. */
    @Test
    void namedWindowsAreTheDefinitions() {
        for (int[] kernel : new int[][] {{1}, {2}, {7}, {4, 5}, {3, 1, 6}, {64, 64}}) {
            long[] k = Arrays.stream(kernel).asLongStream().toArray();
            assertArrayEquals(Reference.blendWeights("gaussian", 0.125, kernel), BlendWindow.gaussian(0.125).weights(k).toFloatArray());
            assertArrayEquals(Reference.blendWeights("hann", 0, kernel), BlendWindow.hann().weights(k).toFloatArray());
            assertArrayEquals(Reference.blendWeights("triangular", 0, kernel), BlendWindow.triangular().weights(k).toFloatArray());
            assertArrayEquals(Reference.blendWeights("constant", 0, kernel), BlendWindow.constant().weights(k).toFloatArray());
        }
        // By hand: kernel 3, hann sin²(π/4), sin²(π/2), sin²(3π/4) = 0.5, 1, 0.5; triangular 0.5, 1, 0.5.
        assertArrayEquals(new float[] {0.5f, 1, 0.5f}, BlendWindow.hann().weights(3).toFloatArray(), 1e-7f);
        assertArrayEquals(new float[] {0.5f, 1, 0.5f}, BlendWindow.triangular().weights(3).toFloatArray());
    }

    @Test
    void blendWindowsParseFromTheirNames() {
        assertEquals(BlendWindow.constant().weights(5, 7), BlendWindow.parse("constant", 0.1).weights(5, 7));
        assertEquals(BlendWindow.gaussian(0.2).weights(5, 7), BlendWindow.parse(" Gaussian ", 0.2).weights(5, 7));
        assertNotEquals(BlendWindow.gaussian(0.2).weights(5, 7), BlendWindow.parse("gaussian", 0.3).weights(5, 7));
        assertEquals(BlendWindow.hann().weights(5, 7), BlendWindow.parse("HANN", 0).weights(5, 7));
        assertEquals(BlendWindow.triangular().weights(5, 7), BlendWindow.parse("triangular", Double.NaN).weights(5, 7));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlendWindow.parse("kaiser", 0.1));
        assertEquals("blend must be constant, gaussian, hann or triangular, but got 'kaiser'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BlendWindow.parse("gaussian", -1));
        assertTrue(e.getMessage().contains("sigma_scale=-1.0"), e.getMessage());
    }
}
