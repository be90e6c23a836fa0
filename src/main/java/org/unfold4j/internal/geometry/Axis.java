package org.unfold4j.internal.geometry;

import org.unfold4j.PaddingMode;

/**
 * One spatial dimension of a geometry, in the normalised 3-D view: where the taps of each window
 * land (for unfold), and which windows cover each pixel (for fold).
 *
 * <p>A tap of kernel offset {@code k} of the window at position {@code o} lands on the padded
 * coordinate {@code o·stride + k·dilation}, i.e. on pixel {@code raw = o·stride − padding +
 * k·dilation}; outside {@code [0, size)} the padding mode decides what is read.
 *
 * <p>Note [fold visits only covering windows]: the taps landing on pixel {@code y} solve
 * {@code o·stride + k·dilation = y + padding} with {@code 0 ≤ k < kernel}, {@code 0 ≤ o < blocks}.
 * The solutions in {@code k} form one arithmetic progression with step
 * {@code stride / gcd(stride, dilation)}, starting at the residue
 * {@code (p/g) · inverse(dilation/g) mod step}. Fold enumerates exactly those, so a 256×256 kernel
 * with stride 128 costs 4 visits per pixel, not 65,536 tests. {@code fold.cl} computes the same
 * progression from {@link #gcd()}, {@link #step()} and {@link #inverse()}, and both backends
 * visit offsets in ascending order, so their sums are bit-identical.
 */
public final class Axis {
    private final long size, blocks;
    private final long kernel, dilation, padding, stride;
    private final PaddingMode mode;
    private final long gcd, step, inverse;

    public Axis(long size, int kernel, int dilation, int padding, int stride, long blocks, PaddingMode mode) {
        this.size = size;
        this.kernel = kernel;
        this.dilation = dilation;
        this.padding = padding;
        this.stride = stride;
        this.blocks = blocks;
        this.mode = mode;
        this.gcd = gcd(stride, dilation);
        this.step = stride / gcd;
        this.inverse = step == 1 ? 0 : modInverse((dilation / gcd) % step, step);
    }

    // ---- unfold: where taps land

    /** The pixel tap {@code k} of window {@code o} lands on, before the padding mode: may be outside [0, size). */
    public long raw(long k, long o) {
        return o * stride - padding + k * dilation;
    }

    /**
     * How far {@link #source} moves when a raw coordinate outside the image moves by
     * {@code delta} and stays on the same side of it (Note [border runs]): reflect mirrors
     * ({@code -delta}), replicate stays ({@code 0}), circular shifts ({@code delta}); 0 for zeros.
     */
    public long borderStep(long delta) {
        switch (mode) {
            case REFLECT: return -delta;
            case CIRCULAR: return delta;
            default: return 0;
        }
    }

    /** The pixel read for a raw coordinate under the padding mode, or -1 for a zero. */
    public long source(long raw) {
        // F.pad's limits (checked by ColumnGeometry) keep the mirrored and wrapped pixels inside the image.
        return mode.source(raw, size);
    }

    /** The first window position whose tap {@code k} lands inside the image (above {@link #lastInside} if none). */
    public long firstInside(long k) {
        return Math.max(0, -Math.floorDiv(raw(k, 0), stride));
    }

    /** The last window position whose tap {@code k} lands inside the image. */
    public long lastInside(long k) {
        return Math.max(-1, Math.min(blocks - 1, Math.floorDiv(size - 1 - raw(k, 0), stride)));
    }

    /** The first kernel offset of window {@code o} whose tap lands inside the image (above {@link #lastTapInside} if none). */
    public long firstTapInside(long o) {
        return Math.max(0, -Math.floorDiv(raw(0, o), dilation));
    }

    /** The last kernel offset of window {@code o} whose tap lands inside the image. */
    public long lastTapInside(long o) {
        return Math.max(-1, Math.min(kernel - 1, Math.floorDiv(size - 1 - raw(0, o), dilation)));
    }

    public long stride() {
        return stride;
    }

    public long dilation() {
        return dilation;
    }

    // ---- fold: which windows cover a pixel

    /** The smallest kernel offset whose tap covers pixel {@code y}, or a value above {@link #last} if none. */
    public long first(long y) {
        long p = y + padding;
        if (p % gcd != 0) {
            return kernel;
        }
        long low = p - (blocks - 1) * stride;
        long kLow = low <= 0 ? 0 : (low + dilation - 1) / dilation;
        long residue = ((p / gcd) % step) * inverse % step;
        return kLow + Math.floorMod(residue - kLow, step);
    }

    /** An upper bound (inclusive) of the kernel offsets covering pixel {@code y}. */
    public long last(long y) {
        return Math.min(kernel - 1, (y + padding) / dilation);
    }

    /** The window position whose tap {@code k} covers pixel {@code y}. */
    public long position(long y, long k) {
        return (y + padding - k * dilation) / stride;
    }

    /** How many windows cover pixel {@code y} (fold mean divides by the product over the dimensions). */
    public long count(long y) {
        long f = first(y), l = last(y);
        return f > l ? 0 : (l - f) / step + 1;
    }

    /** Whether some pixel of {@code [0, size)} has no window covering it. */
    public boolean uncoveredPixels(long size) {
        for (long p = 0; p < size; p++) {
            if (count(p) == 0) {
                return true;
            }
        }
        return false;
    }

    /** gcd(stride, dilation). */
    public long gcd() { return gcd; }
    /** stride / gcd: the distance between consecutive covering kernel offsets. */
    public long step() { return step; }
    /** The inverse of dilation/gcd modulo {@link #step()} (0 when the step is 1). */
    public long inverse() { return inverse; }

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
