package org.unfold4j.cli;

import org.unfold4j.Backend;
import org.unfold4j.Fold;
import org.unfold4j.Tensor;
import org.unfold4j.Unfold;

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
}
