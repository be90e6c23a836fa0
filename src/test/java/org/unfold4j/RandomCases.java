package org.unfold4j;

import java.util.Random;

/** Random valid geometries and data for property-style tests; reproducible from the seed. */
final class RandomCases {
    private RandomCases() {
    }

    /** A valid unfold geometry with small sizes: batched or not, non-square, any stride, dilation, padding. */
    static Unfold unfold(Random r) {
        return Unfold.of(1 + r.nextInt(4), 1 + r.nextInt(4))
                .withDilation(1 + r.nextInt(3), 1 + r.nextInt(3))
                .withPadding(r.nextInt(3), r.nextInt(3))
                .withStride(1 + r.nextInt(3), 1 + r.nextInt(3));
    }

    /** An input shape that fits {@code unfold} (at least one block in each dimension). */
    static long[] imageShape(Random r, Window w) {
        long minH = Math.max(1, (long) w.dilationH() * (w.kernelH() - 1) + 1 - 2L * w.paddingH());
        long minW = Math.max(1, (long) w.dilationW() * (w.kernelW() - 1) + 1 - 2L * w.paddingW());
        long h = minH + r.nextInt(8), wd = minW + r.nextInt(8);
        long c = 1 + r.nextInt(3);
        return r.nextInt(4) == 0 ? new long[] {c, h, wd} : new long[] {1 + r.nextInt(3), c, h, wd};
    }

    static Tensor tensor(Random r, long... shape) {
        float[] data = new float[(int) Tensor.elementCount(shape)];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) r.nextGaussian();
        }
        return Tensor.of(data, shape);
    }
}
