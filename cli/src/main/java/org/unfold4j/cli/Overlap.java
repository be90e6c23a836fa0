package org.unfold4j.cli;

import org.unfold4j.Backend;
import org.unfold4j.Fold;
import org.unfold4j.Tensor;
import org.unfold4j.Unfold;
import org.unfold4j.Window;

/** How many windows cover each pixel: what the sum of a fold counts several times, and the mean divides by. */
final class Overlap {
    private Overlap() {
    }

    /**
     * {@code fold(unfold(ones))} for one channel, on {@code backend}.
     *
     * @return {@code height × width} counts, row-major
     */
    static float[] count(Fold fold, Backend backend) {
        int h = (int) fold.outputH(), w = (int) fold.outputW();
        float[] ones = new float[h * w];
        java.util.Arrays.fill(ones, 1f);
        Tensor cols = Unfold.of(fold.window()).apply(Tensor.of(ones, 1, h, w), backend);
        return Fold.of(h, w, fold.window()).apply(cols, backend).toFloatArray();
    }

    /**
     * The same counts without unfolding anything: windows are the product of a row and a column
     * position, so the count of pixel (y, x) is the count of row y times that of column x, each
     * found along its axis in O(blocks · kernel) (Note [bounded pieces]: no unfold of the image's size).
     *
     * @return {@code height × width} counts, row-major
     */
    static float[] separable(int h, int w, Window window) {
        long[] rows = axis(h, window.kernelH(), window.dilationH(), window.paddingH(), window.strideH());
        long[] cols = axis(w, window.kernelW(), window.dilationW(), window.paddingW(), window.strideW());
        float[] out = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out[y * w + x] = rows[y] * cols[x];
            }
        }
        return out;
    }

    private static long[] axis(int size, int kernel, int dilation, int padding, int stride) {
        long[] count = new long[size];
        long blocks = (size + 2L * padding - (long) dilation * (kernel - 1) - 1) / stride + 1;
        for (long b = 0; b < blocks; b++) {
            for (int a = 0; a < kernel; a++) {
                long y = b * stride - padding + (long) a * dilation;
                if (y >= 0 && y < size) {
                    count[(int) y]++;
                }
            }
        }
        return count;
    }
}
