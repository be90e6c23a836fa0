package org.unfold4j.cli;

import org.unfold4j.Backend;
import org.unfold4j.Fold;
import org.unfold4j.Tensor;
import org.unfold4j.Unfold;

/**
 * Fold with averaging instead of summing: each pixel is the mean of the window values that land
 * on it, and 0 where no window covers it.
 *
 * <p>Note [fold mean in the command line]: the library has no fold mean yet, so this computes it
 * from the library's sum fold as {@code fold(cols) / fold(unfold(ones))}; the divisor is each
 * pixel's overlap count. When the library gains a fold mean, {@link #apply} is the one place to
 * replace. With pixel values in 0..255 the sums are exact integers in float32, so a mean fold of
 * an unfold returns the image bit for bit.
 */
final class FoldMean {
    private FoldMean() {
    }

    /**
     * How many windows cover each pixel: {@code fold(unfold(ones))} for one channel.
     *
     * @return {@code height × width} counts
     */
    static float[] multiplicity(Fold fold, Backend backend) {
        int h = (int) fold.outputH(), w = (int) fold.outputW();
        float[] ones = new float[h * w];
        java.util.Arrays.fill(ones, 1f);
        Tensor cols = Unfold.of(fold.window()).apply(Tensor.of(ones, 1, h, w), backend);
        return fold.apply(cols, backend).toFloatArray();
    }

    /**
     * The mean fold of unbatched columns {@code [C·kh·kw, L]} into {@code [C, H, W]}.
     *
     * @param cols not modified
     */
    static Tensor apply(Fold fold, Tensor cols, Backend backend) {
        float[] sum = fold.apply(cols, backend).toFloatArray();
        float[] count = multiplicity(fold, backend);
        int plane = count.length;
        for (int i = 0; i < sum.length; i++) {
            float n = count[i % plane];
            sum[i] = n == 0 ? 0 : sum[i] / n;
        }
        return Tensor.of(sum, sum.length / plane, fold.outputH(), fold.outputW());
    }
}
