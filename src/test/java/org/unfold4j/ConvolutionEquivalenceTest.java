package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The seed article's last section: a convolution is unfold, a matrix product, then a reshape,
 * either {@code .view(N, O, bh, bw)} or {@code fold} with output (bh, bw) and kernel (1, 1):
 *
 * <pre>
 * inp_unf = unfold(inp, (4, 5));  out_unf = w.view(w.size(0), -1).matmul(inp_unf)
 * out = fold(out_unf, (7, 8), (1, 1))   # or out_unf.view(1, 2, 7, 8)
 * (conv2d(inp, w) - out).abs().max()    # tensor(1.9073e-06)
 * </pre>
 */
class ConvolutionEquivalenceTest {
    private static final long SEED = 0xC0_2DL;
    private static final double TOLERANCE = 1e-4;

    /** The article's case: x (1, 3, 10, 12), w (2, 3, 4, 5), no padding, stride 1 → (1, 2, 7, 8). */
    @TestFactory
    Stream<DynamicTest> articleCase() {
        return PerBackend.tests("conv2d(x (1,3,10,12), w (2,3,4,5)) == view(w) @ unfold(x)", backend ->
                check(backend, Case.of2d(true, 1, 3, 10, 12, 4, 5, 1, 1, 0, 0, 1, 1), 2, 7, 8, SEED));
    }

    /** The same with padding 1 and stride 2 → (1, 2, 5, 5). */
    @TestFactory
    Stream<DynamicTest> paddedAndStrided() {
        return PerBackend.tests("conv2d(x, w, stride=2, padding=1) == view(w) @ unfold(x)", backend ->
                check(backend, Case.of2d(true, 1, 3, 10, 12, 4, 5, 1, 1, 1, 1, 2, 2), 2, 5, 5, SEED + 1));
    }

    /** Batch of 2, dilation (2, 3), mixed padding and stride, kernel (3, 2) → (2, 4, 4, 5). */
    @TestFactory
    Stream<DynamicTest> batchedDilated() {
        return PerBackend.tests("conv2d(x (2,3,10,12), w (4,3,3,2), dilation=(2,3), padding=(1,0), stride=(2,2))",
                backend -> check(backend, Case.of2d(true, 2, 3, 10, 12, 3, 2, 2, 3, 1, 0, 2, 2),
                        4, 4, 5, SEED + 2));
    }

    private static void check(Backend backend, Case g, int outChannels, int bh, int bw, long seed) {
        String where = "seed " + seed + ", " + g + ", " + outChannels + " output channels, on " + backend;
        assertEquals(bh, g.blocks(0), "output height, " + where);
        assertEquals(bw, g.blocks(1), "output width, " + where);
        Random r = new Random(seed);
        float[] x = RandomCases.gaussian(r, g.imageElements());
        float[] w = RandomCases.gaussian(r, outChannels * g.rows());
        double[] conv = Reference.conv2d(g, x, outChannels, w);

        Tensor cols = g.unfold().apply(Tensor.of(x, g.imageShape()), backend);
        int rows = g.rows(), l = bh * bw, n = g.n();
        assertArrayEquals(new long[] {n, rows, l}, cols.shape(), "unfold shape, " + where);
        float[] c = cols.toFloatArray();

        // out_unf[n] = w.view(O, -1) @ inp_unf[n], accumulated in float as a float32 matmul would be.
        float[] product = new float[n * outChannels * l];
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < outChannels; o++) {
                for (int j = 0; j < l; j++) {
                    float sum = 0;
                    for (int k = 0; k < rows; k++) {
                        sum += w[o * rows + k] * c[(b * rows + k) * l + j];
                    }
                    product[(b * outChannels + o) * l + j] = sum;
                }
            }
        }
        // .view(N, O, bh, bw): the same values under another shape.
        assertClose("view(w) @ unfold(x) viewed as conv output", conv, product, where);

        Tensor folded = Fold.of(bh, bw, 1, 1).apply(Tensor.of(product, n, outChannels, l), backend);
        assertArrayEquals(new long[] {n, outChannels, bh, bw}, folded.shape(), "fold (1, 1) shape, " + where);
        assertClose("fold(view(w) @ unfold(x), (" + bh + ", " + bw + "), (1, 1))", conv, folded.toFloatArray(), where);
        // A (1, 1) fold adds each value once to a zero: a pure reshape.
        assertEquals(Tensor.of(product, n, outChannels, bh, bw), folded, "fold with kernel (1, 1) must be a reshape, " + where);
    }

    private static void assertClose(String what, double[] want, float[] got, String where) {
        assertEquals(want.length, got.length, what + ": length, " + where);
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            double error = Math.abs(want[i] - got[i]);
            if (!(error <= TOLERANCE)) {
                fail(what + ": at flat index " + i + " conv2d gives " + want[i] + " but got " + got[i] + ", " + where);
            }
            worst = Math.max(worst, error);
        }
        assertEquals(0, worst, TOLERANCE, what + ": max |error|, " + where);
    }
}
