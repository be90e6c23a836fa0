package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * float16 and bfloat16: PyTorch's half_unfold and half_fold records of the blend case file on
 * every backend and kernel family (unfold bit for bit; fold within 2^-10 or 2^-7 of PyTorch's
 * float64 result, and bit for bit the Java backend's result on OpenCL), and the tensor API of
 * the two types.
 */
class HalfTypesTest {
    private static final List<GoldenCase> CASES = GoldenCase.load(GoldenCase.VENDORED.resolve("cases-blend-public.jsonl"))
            .stream().filter(c -> c.feature().equals("half_unfold") || c.feature().equals("half_fold")).toList();

    @Test
    void theCaseFileHasBothTypesAndBothOperations() {
        long f16 = CASES.stream().filter(c -> c.dtype().equals("float16")).count();
        long bf16 = CASES.stream().filter(c -> c.dtype().equals("bfloat16")).count();
        long folds = CASES.stream().filter(c -> c.op().equals("fold")).count();
        assertTrue(f16 >= 20 && bf16 >= 20 && folds >= 20 && CASES.size() - folds >= 20,
                "float16 " + f16 + ", bfloat16 " + bf16 + ", folds " + folds + " of " + CASES.size());
    }

    @TestFactory
    Stream<DynamicNode> java() {
        return GoldenCasesTest.cases(CASES, Backend.java(), "", HalfTypesTest::run);
    }

    /** Both kernel families, as GoldenCasesTest.opencl. */
    @TestFactory
    Stream<DynamicNode> opencl() {
        return GoldenCasesTest.openCLCases(CASES, HalfTypesTest::run);
    }

    private static void run(GoldenCase c, Backend backend) {
        assertTrue(c.dtype().equals("float16") || c.dtype().equals("bfloat16"), c.dtype());
        assertEquals(DType.parse(c.dtype()), c.input().dtype(), "the input field's suffix names its dtype");
        GoldenCasesTest.run(c, backend);
        if (c.op().equals("fold") && !backend.name().equals("java")) {
            // Both backends sum (or compare) in float32 in one order and round once: the same bits.
            Window w = GoldenCasesTest.window(c);
            TensorAssert.assertTensorEquals(GoldenCasesTest.apply(c, w, c.input(), Backend.java()),
                    GoldenCasesTest.apply(c, w, c.input(), backend), c.id() + " against Java");
        }
    }

    @Test
    void factoriesWrapOrRound() {
        short[] bits = {0x3c00, (short) 0xc000, 0x7c00, 0x0001, (short) 0x8000, 0x7e00};
        Tensor h = Tensor.ofFloat16(bits, 2, 3);
        assertEquals(DType.FLOAT16, h.dtype());
        assertEquals("Tensor[2, 3] float16", h.toString());
        assertArrayEquals(new double[] {1, -2, Double.POSITIVE_INFINITY, 0x1p-24, -0.0, Double.NaN}, h.toDoubleArray());
        assertArrayEquals(bits, h.toShortArray());
        bits[0] = 0x4000;
        assertEquals(2.0, h.getDouble(0), "ofFloat16 wraps, as of(float[]) does");

        Tensor b = Tensor.ofBFloat16(new short[] {0x3f80, (short) 0xc049}, 2);
        assertEquals(DType.BFLOAT16, b.dtype());
        assertArrayEquals(new float[] {1f, -3.140625f}, b.toFloatArray());

        float[] values = {1f, 1 + 0x1p-11f, 1 + 0x1p-11f + 0x1p-20f, 65520f, 1e-8f, Float.NaN, -0f};
        assertArrayEquals(new short[] {0x3c00, 0x3c00, 0x3c01, 0x7c00, 0, 0x7e00, (short) 0x8000},
                Tensor.float16Of(values, 7).toShortArray());
        assertArrayEquals(new short[] {0x3f80, 0x3f80, 0x3f80, 0x4780, 0x322c, 0x7fc0, (short) 0x8000},
                Tensor.bfloat16Of(values, 7).toShortArray());
        assertEquals(Tensor.float16Of(values, 7), Tensor.float16Of(values.clone(), 7));
        assertThrows(IllegalArgumentException.class, () -> Tensor.float16Of(values, 8));
        assertThrows(IllegalArgumentException.class, () -> Tensor.ofBFloat16(new short[3], 2));
        assertThrows(IllegalStateException.class, () -> Tensor.of(new float[1], 1).toShortArray());
        assertEquals(DType.FLOAT16, Tensor.zeros(DType.FLOAT16, 2).dtype());
        assertTrue(DType.FLOAT16.isHalf() && DType.BFLOAT16.isHalf() && !DType.FLOAT32.isHalf());
        assertEquals(2, DType.FLOAT16.bytes());
        assertEquals(DType.BFLOAT16, DType.parse("bfloat16"));
    }

    @Test
    void buffersCarryTheBits() {
        short[] bits = {0x3c00, (short) 0xfbff, 0x0400, 0x7e01};
        for (DType t : new DType[] {DType.FLOAT16, DType.BFLOAT16}) {
            ShortBuffer src = ShortBuffer.wrap(new short[] {9, 0x3c00, (short) 0xfbff, 0x0400, 0x7e01}).position(1);
            Tensor x = Tensor.copyOf(src, t, 2, 2);
            assertEquals(1, src.position(), "copyOf leaves the position");
            assertEquals(t, x.dtype());
            assertArrayEquals(bits, x.toShortArray());

            short[] out = new short[4];
            x.copyTo(out);
            assertArrayEquals(bits, out);
            ShortBuffer direct = ByteBuffer.allocateDirect(10).order(ByteOrder.nativeOrder()).asShortBuffer();
            direct.put((short) 7);
            x.copyTo(direct);
            assertEquals(5, direct.position());
            assertEquals((short) 0xfbff, direct.get(2));

            ByteBuffer bytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            x.copyTo(bytes);
            assertEquals(8, bytes.position());
            assertEquals(0x00, bytes.get(0));
            assertEquals(0x3c, bytes.get(1));
            bytes.flip();
            assertEquals(x, Tensor.copyOf(bytes, t, 2, 2));

            assertThrows(IllegalArgumentException.class, () -> x.copyTo(new short[3]));
            assertThrows(IllegalArgumentException.class, () -> x.copyTo(ShortBuffer.allocate(3)));
            assertThrows(IllegalArgumentException.class, () -> x.copyTo(ShortBuffer.allocate(4).asReadOnlyBuffer()));
            assertThrows(IllegalArgumentException.class, () -> Tensor.copyOf(ShortBuffer.allocate(3), t, 2, 2));
            float[] f = new float[4];
            x.copyTo(f);
            assertEquals(x.getDouble(1), f[1]);
        }
        assertThrows(IllegalArgumentException.class, () -> Tensor.copyOf(ShortBuffer.allocate(1), DType.INT32, 1));
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[1], 1).copyTo(new short[1]));
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[1], 1).copyTo(ShortBuffer.allocate(1)));
    }

    /**
     * The kernels' conversions against HalfFloats, all 65,536 patterns of each type: a 1-D fold
     * of two-tap windows at stride 1 sums each pattern with its neighbour in float32 and rounds
     * the sum, and one-tap windows round 0 + each pattern (NaN payloads, -0.0), so every backend
     * must give the reference's bits.
     */
    @Test
    void everyPatternFoldsAlikeOnEveryBackend() {
        short[] bits = new short[1 << 16];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = (short) i;
        }
        int backends = 0;
        for (Backend backend : TestBackends.all()) {
            for (DType t : new DType[] {DType.FLOAT16, DType.BFLOAT16}) {
                Tensor cols = t == DType.FLOAT16 ? Tensor.ofFloat16(bits, 1, 2, bits.length / 2)
                        : Tensor.ofBFloat16(bits, 1, 2, bits.length / 2);
                Tensor pairs = t == DType.FLOAT16 ? Tensor.ofFloat16(bits, 1, 1, bits.length)
                        : Tensor.ofBFloat16(bits, 1, 1, bits.length);
                for (Fold f : new Fold[] {
                    Fold.of(new long[] {bits.length / 2 + 1}, Window.of(new int[] {2}, new int[] {1}, new int[] {0}, new int[] {1})),
                    Fold.of(new long[] {bits.length}, Window.of(new int[] {1}, new int[] {1}, new int[] {0}, new int[] {1}))}) {
                    Tensor in = f.window().kernel()[0] == 2 ? cols : pairs;
                    float[] want = new float[(int) f.outputSize()[0]];
                    int k = f.window().kernel()[0], l = (int) (in.elementCount() / k);
                    for (int kx = 0; kx < k; kx++) {
                        for (int ox = 0; ox < l; ox++) {
                            want[ox + kx] += (float) in.getDouble((long) kx * l + ox);
                        }
                    }
                    Tensor expected = t == DType.FLOAT16 ? Tensor.float16Of(want, 1, 1, want.length)
                            : Tensor.bfloat16Of(want, 1, 1, want.length);
                    Tensor got = f.apply(in, backend);
                    String what = backend.name() + " " + t + " " + f;
                    if (k == 1) {
                        TensorAssert.assertTensorEquals(expected, got, what);
                    } else {
                        // The sum of two NaNs is a NaN whose payload IEEE 754 leaves open, and compilers
                        // commute additions (HotSpot's C2 does), so only there any NaN will do.
                        assertEquals(expected.dtype(), got.dtype(), what);
                        long[] eb = Reference.bits(expected), gb = Reference.bits(got);
                        for (int i = 0; i < want.length; i++) {
                            if (eb[i] != gb[i] && !(Double.isNaN(expected.getDouble(i)) && Double.isNaN(got.getDouble(i)))) {
                                TensorAssert.assertTensorEquals(expected, got, what);
                            }
                        }
                    }
                }
            }
            backends++;
        }
        assertEquals(TestBackends.REQUIRE_OPENCL ? 2 : backends, backends);
    }

    /** Random geometries, both types, both fold modes: every backend gives the reference's bits, and the reference rounds a float32 fold once. */
    @Test
    void randomFoldsMatchTheReferenceBitForBitOnEveryBackend() {
        Random r = new Random(0x16BF);
        int checked = 0;
        for (Backend backend : TestBackends.all()) {
            for (DType t : new DType[] {DType.FLOAT16, DType.BFLOAT16}) {
                for (int i = 0; i < 12; i++) {
                    Case g = RandomCases.valid(r, Case.KINDS.get(i % Case.KINDS.size()), PaddingMode.ZEROS,
                            i % 2 == 0 ? ColumnLayout.COLUMNS : ColumnLayout.PATCHES, t);
                    Tensor cols = RandomCases.columns(r, g);
                    Tensor image = RandomCases.image(r, g);
                    TensorAssert.assertTensorEquals(Reference.unfold(g, image), g.unfold().apply(image, backend), backend.name() + " unfold " + g);
                    for (FoldMode mode : new FoldMode[] {FoldMode.SUM, FoldMode.MEAN}) {
                        Tensor want = Reference.fold(g.withFoldMode(mode), cols);
                        TensorAssert.assertTensorEquals(want, g.fold(mode).apply(cols, backend), backend.name() + " " + mode + " " + g);
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked >= 48, checked + " folds checked");
    }
}
