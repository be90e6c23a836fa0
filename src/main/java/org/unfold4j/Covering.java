package org.unfold4j;

/**
 * Which windows cover a pixel, along one dimension: the kernel offsets {@code k} and window
 * positions {@code o} with {@code o·stride + k·dilation = y + padding}, {@code 0 ≤ k < kernel},
 * {@code 0 ≤ o < blocks}.
 *
 * <p>Note [fold visits only covering windows]: the solutions of that linear equation in {@code k}
 * form one arithmetic progression with step {@code stride / gcd(stride, dilation)}, starting at
 * the residue {@code (p/g) · inverse(dilation/g) mod step}. Fold enumerates exactly those, so a
 * 256×256 kernel with stride 128 costs 4 visits per pixel, not 65,536 tests. The OpenCL kernel
 * ({@code fold.cl}) computes the same progression from {@link #gcd()}, {@link #step()} and
 * {@link #inverse()}, and both backends visit offsets in ascending order, so their sums are
 * bit-identical.
 */
final class Covering {
    private final long kernel, dilation, padding, stride, blocks;
    private final long gcd, step, inverse;

    Covering(int kernel, int dilation, int padding, int stride, long blocks) {
        this.kernel = kernel;
        this.dilation = dilation;
        this.padding = padding;
        this.stride = stride;
        this.blocks = blocks;
        this.gcd = gcd(stride, dilation);
        this.step = stride / gcd;
        this.inverse = step == 1 ? 0 : modInverse((dilation / gcd) % step, step);
    }

    /** The smallest covering kernel offset of pixel {@code y}, or a value above {@link #last} if none. */
    long first(long y) {
        long p = y + padding;
        if (p % gcd != 0) {
            return kernel;
        }
        long low = p - (blocks - 1) * stride;
        long kLow = low <= 0 ? 0 : (low + dilation - 1) / dilation;
        long residue = ((p / gcd) % step) * inverse % step;
        return kLow + Math.floorMod(residue - kLow, step);
    }

    /** An upper bound (inclusive) of the covering kernel offsets of pixel {@code y}. */
    long last(long y) {
        return Math.min(kernel - 1, (y + padding) / dilation);
    }

    /** The window position whose offset {@code k} lands on pixel {@code y}. */
    long position(long y, long k) {
        return (y + padding - k * dilation) / stride;
    }

    /** gcd(stride, dilation). */
    long gcd() { return gcd; }
    /** stride / gcd: the distance between consecutive covering kernel offsets. */
    long step() { return step; }
    /** The inverse of dilation/gcd modulo {@link #step()} (0 when the step is 1). */
    long inverse() { return inverse; }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /** a⁻¹ mod m for coprime a and m, by the extended Euclidean algorithm. */
    private static long modInverse(long a, long m) {
        long oldR = a, r = m, oldS = 1, s = 0;
        while (r != 0) {
            long q = oldR / r;
            long t = oldR - q * r;
            oldR = r;
            r = t;
            t = oldS - q * s;
            oldS = s;
            s = t;
        }
        return Math.floorMod(oldS, m);
    }
}
