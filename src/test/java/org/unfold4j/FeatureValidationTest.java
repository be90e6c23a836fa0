package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * The options of the extended features are validated: what F.pad and F.fold reject (reflect
 * padding not below the size, circular padding above it), channels-last with a window that is not
 * 2-D, integer fold, fold with a padding mode, output sizes and window arrays of the wrong rank.
 * Each is an {@link IllegalArgumentException} whose message names the offending parameter and
 * value, on every backend, leaving the input untouched; the limits themselves are accepted.
 */
class FeatureValidationTest {

    private static IllegalArgumentException assertRejected(Executable call, String... mentions) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String m : mentions) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(m),
                    () -> "'" + e.getMessage() + "' should mention '" + m + "'");
        }
        return e;
    }

    /** Rejected as {@link #assertRejected}, and {@code input} (every bit of it) is as before. */
    private static void assertRejectedUnchanged(Tensor input, Executable call, String... mentions) {
        long[] before = Reference.bits(input);
        long[] shape = input.shape();
        assertRejected(call, mentions);
        assertArrayEquals(shape, input.shape(), "input shape changed");
        assertArrayEquals(before, Reference.bits(input), "input values changed");
    }

    private static Tensor random(DType dtype, long... shape) {
        return RandomCases.values(new Random(Tensor.elementCount(shape)), dtype, shape);
    }

    private static Unfold unfold(Window w, PaddingMode mode) {
        return Unfold.of(w).withPaddingMode(mode);
    }

    @TestFactory
    Stream<DynamicTest> reflectPaddingMustBeBelowTheSize() {
        return PerBackend.tests("reflect padding >= size is rejected", b -> {
            Tensor x = random(DType.FLOAT32, 1, 2, 2, 5);
            // padding == size along the height
            assertRejectedUnchanged(x, () -> unfold(Window.ofKernel(3, 3).withPadding(2, 1), PaddingMode.REFLECT).apply(x, b),
                    "reflect", "padding 2", "size 2", "[1, 2, 2, 5]");
            // padding > size along the width
            assertRejectedUnchanged(x, () -> unfold(Window.ofKernel(1, 1).withPadding(1, 6), PaddingMode.REFLECT).apply(x, b),
                    "reflect", "padding 6", "size 5");
            // padding == size - 1 is F.pad's limit, accepted
            assertArrayEquals(new long[] {1, 18, 2 * 11},
                    unfold(Window.ofKernel(3, 3).withPadding(1, 4), PaddingMode.REFLECT).apply(x, b).shape());

            Tensor x1 = random(DType.INT32, 2, 3);  // unbatched 1-D: [C, W]
            assertRejectedUnchanged(x1, () -> unfold(Window.ofKernel(2).withPadding(3), PaddingMode.REFLECT).apply(x1, b),
                    "reflect", "padding 3", "size 3");
            Tensor x3 = random(DType.UINT8, 1, 1, 2, 3, 4);
            assertRejectedUnchanged(x3, () -> unfold(Window.ofKernel(1, 1, 1).withPadding(1, 1, 4), PaddingMode.REFLECT)
                    .apply(x3, b), "reflect", "padding 4", "size 4");
            assertRejectedUnchanged(x3, () -> unfold(Window.ofKernel(1, 1, 1).withPadding(2, 0, 0), PaddingMode.REFLECT)
                    .apply(x3, b), "reflect", "padding 2", "size 2");

            // Channels-last: the sizes are H and W, not C. H = 2 rejects padding 2 although C = 7 ...
            Tensor nhwc = random(DType.FLOAT64, 1, 2, 5, 7);
            Unfold reflect2 = Unfold.of(1, 1).withPadding(2, 0).withPaddingMode(PaddingMode.REFLECT)
                    .withImageLayout(ImageLayout.CHANNELS_LAST);
            assertRejectedUnchanged(nhwc, () -> reflect2.apply(nhwc, b), "reflect", "padding 2", "size 2");
            // ... and H = 7 accepts it although C = 2.
            assertArrayEquals(new long[] {1, 2, 11 * 5}, reflect2.apply(random(DType.FLOAT64, 1, 7, 5, 2), b).shape());
        });
    }

    @TestFactory
    Stream<DynamicTest> circularPaddingMustNotExceedTheSize() {
        return PerBackend.tests("circular padding > size is rejected", b -> {
            Tensor x = random(DType.FLOAT32, 2, 1, 2, 4);
            assertRejectedUnchanged(x, () -> unfold(Window.ofKernel(2, 2).withPadding(3, 0), PaddingMode.CIRCULAR).apply(x, b),
                    "circular", "padding 3", "size 2");
            assertRejectedUnchanged(x, () -> unfold(Window.ofKernel(2, 2).withPadding(0, 5), PaddingMode.CIRCULAR).apply(x, b),
                    "circular", "padding 5", "size 4");
            // padding == size wraps around exactly once: accepted
            assertArrayEquals(new long[] {2, 4, 5 * 11},
                    unfold(Window.ofKernel(2, 2).withPadding(2, 4), PaddingMode.CIRCULAR).apply(x, b).shape());
            Tensor x1 = random(DType.FLOAT64, 1, 2, 3);
            assertRejectedUnchanged(x1, () -> unfold(Window.ofKernel(1).withPadding(4), PaddingMode.CIRCULAR).apply(x1, b),
                    "circular", "padding 4", "size 3");
            Tensor x3 = random(DType.INT32, 2, 3, 1, 2);  // unbatched 3-D: [C, D, H, W]
            assertRejectedUnchanged(x3, () -> unfold(Window.ofKernel(1, 1, 1).withPadding(0, 2, 0), PaddingMode.CIRCULAR)
                    .apply(x3, b), "circular", "padding 2", "size 1");
            // Replicate and zeros have no limit.
            assertArrayEquals(new long[] {2, 1, 10 * 12},
                    unfold(Window.ofKernel(1, 1).withPadding(4, 4), PaddingMode.REPLICATE).apply(x, b).shape());
            assertArrayEquals(new long[] {2, 1, 10 * 12},
                    unfold(Window.ofKernel(1, 1).withPadding(4, 4), PaddingMode.ZEROS).apply(x, b).shape());
        });
    }

    @TestFactory
    Stream<DynamicTest> channelsLastNeedsA2dWindow() {
        return PerBackend.tests("channels-last with a 1-D or 3-D window is rejected", b -> {
            Tensor x1 = random(DType.FLOAT32, 1, 6, 3);
            assertRejectedUnchanged(x1, () -> Unfold.of(Window.ofKernel(2)).withImageLayout(ImageLayout.CHANNELS_LAST)
                    .apply(x1, b), "nhwc", "2-D", "kernel_size has 1");
            Tensor x3 = random(DType.UINT8, 1, 3, 4, 5, 2);
            assertRejectedUnchanged(x3, () -> Unfold.of(Window.ofKernel(2, 2, 2)).withImageLayout(ImageLayout.CHANNELS_LAST)
                    .apply(x3, b), "nhwc", "2-D", "kernel_size has 3");
            Tensor cols1 = random(DType.FLOAT32, 1, 6, 4);  // C = 3, K = 2, L = 4 for output 5
            assertRejectedUnchanged(cols1, () -> Fold.of(new long[] {5}, Window.ofKernel(2))
                    .withImageLayout(ImageLayout.CHANNELS_LAST).apply(cols1, b), "nhwc", "2-D", "kernel_size has 1");
            Tensor cols3 = random(DType.FLOAT64, 8, 8);  // C = 1, K = 8, L = 8 for output (3, 3, 3)
            assertRejectedUnchanged(cols3, () -> Fold.of(new long[] {3, 3, 3}, Window.ofKernel(2, 2, 2))
                    .withImageLayout(ImageLayout.CHANNELS_LAST).withMode(FoldMode.MEAN).apply(cols3, b),
                    "nhwc", "2-D", "kernel_size has 3");
            // The same calls channels-first are fine.
            assertArrayEquals(new long[] {1, 12, 2}, Unfold.of(Window.ofKernel(2)).apply(x1, b).shape());
            assertArrayEquals(new long[] {1, 3, 5}, Fold.of(new long[] {5}, Window.ofKernel(2)).apply(cols1, b).shape());
        });
    }

    @TestFactory
    Stream<DynamicTest> foldRejectsIntegerTypes() {
        return PerBackend.tests("fold of uint8 or int32 is rejected", b -> {
            for (FoldMode mode : FoldMode.values()) {
                if (mode == FoldMode.MAX) {
                    continue;  // max takes every type (BlendingFoldTest.maxOfIntegerTypes)
                }
                Tensor u8 = random(DType.UINT8, 1, 2 * 4, 9);  // C = 2, K = 4, L = 9 for output (4, 4)
                assertRejectedUnchanged(u8, () -> Fold.of(4, 4, 2, 2).withMode(mode).apply(u8, b), "fold", "uint8");
                Tensor i32 = random(DType.INT32, 9, 2);        // unbatched: C = 1, K = 9, L = 2 for output (3, 4)
                assertRejectedUnchanged(i32, () -> Fold.of(3, 4, 3, 3).withMode(mode).apply(i32, b), "fold", "int32");
                Tensor i32d1 = random(DType.INT32, 1, 6, 4);   // 1-D patch-major: L = 6, C = 2, K = 2 for output 7
                assertRejectedUnchanged(i32d1, () -> Fold.of(new long[] {7}, Window.ofKernel(2)).withMode(mode)
                        .withColumnLayout(ColumnLayout.PATCHES).apply(i32d1, b), "fold", "int32");
                Tensor u8d3 = random(DType.UINT8, 8, 8);       // 3-D: C = 1, K = 8, L = 8 for output (3, 3, 3)
                assertRejectedUnchanged(u8d3, () -> Fold.of(new long[] {3, 3, 3}, Window.ofKernel(2, 2, 2)).withMode(mode)
                        .apply(u8d3, b), "fold", "uint8");
            }
            // Unfold of the same types is fine, and a float fold of the same shape works.
            assertEquals(DType.UINT8, Unfold.of(2).apply(random(DType.UINT8, 1, 2, 4, 4), b).dtype());
            assertEquals(DType.FLOAT32, Fold.of(4, 4, 2, 2).apply(random(DType.FLOAT32, 1, 8, 9), b).dtype());
        });
    }

    @Test
    void foldHasNoPaddingModes() {
        Fold fold = Fold.of(4, 4, 2, 2).withPadding(1);
        assertRejected(() -> fold.withPaddingMode(PaddingMode.REFLECT), "padding_mode=reflect");
        assertRejected(() -> fold.withPaddingMode(PaddingMode.REPLICATE), "padding_mode=replicate");
        assertRejected(() -> fold.withPaddingMode(PaddingMode.CIRCULAR), "padding_mode=circular");
        assertRejected(() -> Fold.of(new long[] {5, 5, 5}, Window.ofKernel(2, 2, 2)).withPaddingMode(PaddingMode.REFLECT),
                "padding_mode=reflect");
        assertEquals(fold, fold.withPaddingMode(PaddingMode.ZEROS), "zeros is fold's own mode: accepted, nothing changes");
    }

    @Test
    void outputSizeRankMustMatchTheWindow() {
        assertRejected(() -> Fold.of(new long[] {4, 4}, Window.ofKernel(3)), "output_size", "(4, 4)", "kernel_size=(3)");
        assertRejected(() -> Fold.of(new long[] {4, 4, 4}, Window.ofKernel(2, 2)), "output_size", "(4, 4, 4)",
                "kernel_size=(2, 2)");
        assertRejected(() -> Fold.of(new long[] {6}, Window.ofKernel(1, 2, 3)), "output_size", "(6)", "kernel_size=(1, 2, 3)");
        assertRejected(() -> Fold.of(new long[0], Window.ofKernel(2)), "output_size");
        assertRejected(() -> Fold.of(5, 5, Window.ofKernel(2, 2, 2)), "output_size", "(5, 5)");
        assertRejected(() -> ColumnGeometry.forFold(new long[] {1, 4, 9}, new long[] {4, 4, 4}, Window.ofKernel(2, 2),
                DType.FLOAT32, ImageLayout.CHANNELS_FIRST, ColumnLayout.COLUMNS, FoldMode.SUM), "output_size", "(4, 4, 4)");
        // A zero or negative entry of a 1-D or 3-D output size.
        assertRejected(() -> Fold.of(new long[] {0}, Window.ofKernel(1)), "output_size", "(0)");
        assertRejected(() -> Fold.of(new long[] {3, -2, 3}, Window.ofKernel(1, 1, 1)), "output_size", "(3, -2, 3)");
    }

    @Test
    void windowRankAndArrayRanks() {
        assertRejected(() -> Window.ofKernel(1, 1, 1, 1), "kernel_size", "[1, 1, 1, 1]");
        assertRejected(() -> Window.of(new int[] {2, 2, 2, 2}, new int[] {1, 1, 1, 1}, new int[4], new int[] {1, 1, 1, 1}),
                "kernel_size", "[2, 2, 2, 2]");
        assertRejected(() -> Window.ofKernel(), "kernel_size", "[]");
        assertRejected(() -> Window.of(new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1}),
                "stride", "2 entries", "[1]");
        assertRejected(() -> Window.of(new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1, 1}),
                "stride", "[1, 1, 1]");
        assertRejected(() -> Window.of(new int[] {3}, new int[] {1, 1}, new int[] {0}, new int[] {1}),
                "dilation", "1 entries", "[1, 1]");
        assertRejected(() -> Window.of(new int[] {3, 3, 3}, new int[] {1, 1, 1}, new int[] {0, 0}, new int[] {1, 1, 1}),
                "padding", "3 entries", "[0, 0]");
        // Through the specs: one value broadcasts, a count that is neither 1 nor the rank is rejected.
        assertRejected(() -> Unfold.of(Window.ofKernel(3, 3, 3)).withStride(1, 2), "stride", "[1, 2]");
        assertRejected(() -> Unfold.of(2, 2).withPadding(1, 1, 1), "padding", "[1, 1, 1]");
        assertRejected(() -> Unfold.of(Window.ofKernel(4)).withDilation(1, 1), "dilation", "[1, 1]");
        assertRejected(() -> Fold.of(new long[] {6, 6, 6}, Window.ofKernel(2, 2, 2)).withStride(2, 2), "stride", "[2, 2]");
        assertEquals(Window.ofKernel(2, 2, 2).withStride(3, 3, 3),
                Unfold.of(Window.ofKernel(2, 2, 2)).withStride(3).window(), "one value broadcasts to every dimension");
        // Values are still checked in 1-D and 3-D, naming the dimension.
        assertRejected(() -> Window.ofKernel(3).withStride(0), "stride", "stride_width: 0");
        assertRejected(() -> Window.ofKernel(1, 2, 0), "kernel", "kernel_depth: 1", "kernel_width: 0");
        assertRejected(() -> Window.ofKernel(2, 2, 2).withPadding(0, -1, 0), "padding", "pad_height: -1");
    }

    @TestFactory
    Stream<DynamicTest> inputRankMustMatchTheWindow() {
        return PerBackend.tests("an input of another rank than the window is rejected", b -> {
            Tensor four = random(DType.FLOAT32, 1, 1, 4, 4);
            assertRejectedUnchanged(four, () -> Unfold.of(Window.ofKernel(2)).apply(four, b), "2D or 3D", "[1, 1, 4, 4]");
            Tensor three = random(DType.FLOAT64, 1, 4, 4);
            assertRejectedUnchanged(three, () -> Unfold.of(Window.ofKernel(2, 2, 2)).apply(three, b), "4D or 5D", "[1, 4, 4]");
            Tensor six = random(DType.UINT8, 1, 1, 3, 3, 3, 3);
            assertRejectedUnchanged(six, () -> Unfold.of(Window.ofKernel(2, 2, 2)).apply(six, b), "4D or 5D");
            Tensor nhwc3 = random(DType.INT32, 4, 4);
            assertRejectedUnchanged(nhwc3, () -> Unfold.of(2, 2).withImageLayout(ImageLayout.CHANNELS_LAST).apply(nhwc3, b),
                    "3D or 4D", "[4, 4]");
            Tensor cols = random(DType.FLOAT32, 1, 1, 8, 27);
            assertRejectedUnchanged(cols, () -> Fold.of(new long[] {4, 4, 4}, Window.ofKernel(2, 2, 2)).apply(cols, b),
                    "2D or 3D", "[1, 1, 8, 27]");
            // 3-D fold: L must be the block product of all three dimensions.
            Tensor cols3 = random(DType.FLOAT64, 1, 8, 26);
            assertRejectedUnchanged(cols3, () -> Fold.of(new long[] {4, 4, 4}, Window.ofKernel(2, 2, 2)).apply(cols3, b),
                    "3 * 3 * 3 = 27", "26");
            // 1-D patch-major [L, C*K]: output 8, kernel 4 has 5 blocks, not 6.
            Tensor cols1 = random(DType.FLOAT32, 6, 4);
            assertRejectedUnchanged(cols1, () -> Fold.of(new long[] {8}, Window.ofKernel(4))
                    .withColumnLayout(ColumnLayout.PATCHES).apply(cols1, b), "sliding blocks 5", "input.size(0)=6");
        });
    }

    @Test
    void geometryValidatesWithoutABackend() {
        // Validation happens before any backend is involved, so every backend rejects alike.
        assertRejected(() -> Unfold.of(1).withPadding(2).withPaddingMode(PaddingMode.REFLECT)
                .geometry(DType.UINT8, 1, 1, 2, 2), "reflect", "padding 2", "size 2");
        assertRejected(() -> Unfold.of(Window.ofKernel(3)).withPadding(4).withPaddingMode(PaddingMode.CIRCULAR)
                .geometry(DType.INT32, 2, 3), "circular", "padding 4", "size 3");
        assertRejected(() -> Fold.of(4, 4, 2, 2).geometry(DType.INT32, 1, 4, 9), "int32");
        assertRejected(() -> Unfold.of(Window.ofKernel(2, 2, 2)).withImageLayout(ImageLayout.CHANNELS_LAST)
                .geometry(1, 4, 4, 4, 1), "nhwc", "kernel_size has 3");
    }
}
