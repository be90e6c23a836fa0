package org.unfold4j.internal.cpu;

import org.unfold4j.PaddingMode;
import org.unfold4j.internal.geometry.View;

/*
 * Note [border runs]
 * Taps in the padding of the reflect, replicate and circular modes read pixels of the image.
 * On one side of the image (raw coordinate below 0, or at or beyond the size) the pixel read
 * is affine in the raw coordinate: -raw or 2(size-1) - raw for reflect, 0 or size-1 for
 * replicate, raw + size or raw - size for circular (ColumnGeometry keeps the padding within
 * one reflection or wrap). Consecutive windows of one tap, or consecutive taps of one window,
 * move the raw coordinate by the stride, or the dilation, so a border segment on one side
 * is one strided run (step AxisTables.windowBorderStep or tapBorderStep): one source() per
 * segment instead of one per element, and the O(kernel) tables need no per-window entries
 * (Note [axis tables stay linear]). Callers split a segment at the image: windows before
 * windowLo (taps before tapLo) read left of it, those past windowHi (tapHi), or from windowLo
 * on when no window is inside, read right of it.
 */

/** Unfold: one task per (n, c, kernel offset), or per (n, c, kz, ky) when runs go along the kernel. */
final class UnfoldPass extends Pass {
    private final boolean zeros;
    /**
     * For strided windows written as PyTorch's contiguous rows: each window's origin relative
     * to window 0's in the input, so that an output row whose tap lands inside the image for
     * every window is one flat gather (vit16, tile256: rows of 14 or 15 windows made the per-row
     * loop cost more than the copy); null unless the variant is UNFOLD_WINDOW_GROUPS.
     */
    private final WindowGroups windowGroups;
    /** Whether a plane of output rows is one copy (Note [plane copies]). */
    private final boolean planeCopies;

    UnfoldPass(View g, JavaVariant variant) {
        super(g, variant);
        this.zeros = g.paddingMode() == PaddingMode.ZEROS;
        this.windowGroups = variant == JavaVariant.UNFOLD_WINDOW_GROUPS
                ? windowGroups(g.stride3()[0] * inZ, g.stride3()[1] * inY) : null;
        this.planeCopies = variant == JavaVariant.UNFOLD_PLANE_COPIES;
    }

    /** Whether tap k of every window lands inside the image (so the row is one gather through windowGroups). */
    private boolean insideForEveryWindow(int kz, int ky, int kx) {
        return z.windowLo[kz] == 0 && z.windowHi[kz] == bd - 1 && y.windowLo[ky] == 0 && y.windowHi[ky] == bh - 1
                && x.windowLo[kx] == 0 && x.windowHi[kx] == bw - 1;
    }

    void run() {
        int channels = (int) g.channels();
        int perPlane = alongKernel ? kd * kh : (int) g.kernelVolume();
        engine.forEach(g.batch() * channels * perPlane, g.columnElements(), t -> {
            int plane = t / perPlane, k = t % perPlane;
            int n = plane / channels, c = plane % channels;
            if (alongKernel) {
                kernelRuns(n, c, k / kh, k % kh);
            } else {
                windowRuns(n, c, k);
            }
        });
    }

    /** Output row (n, c, k): for each window row, the window positions whose tap k lands inside the image. */
    private void windowRuns(int n, int c, int k) {
        int kx = k % kw, ky = k / kw % kh, kz = k / (kw * kh);
        int inBase = n * inN + c * inC;
        int outBase = n * colN + c * colC + k * colK;
        if (variant == JavaVariant.UNFOLD_WINDOW_GROUPS && insideForEveryWindow(kz, ky, kx)) {
            int first = inBase + z.windowStart[kz] * inZ + y.windowStart[ky] * inY + x.windowStart[kx] * inX;
            WindowGroups w = windowGroups;
            for (int i = 0; i < w.groupPixel.length; i++) {  // Note [window groups] in WindowGroups
                ops.gather(in, first + w.groupPixel[i], w.offsets, w.groupLength[i], out, outBase + w.groupWindow[i]);
            }
            return;
        }
        int xLo = x.windowLo[kx], xHi = x.windowHi[kx];
        int yLo = y.windowLo[ky], yHi = y.windowHi[ky];
        for (int oz = 0; oz < bd; oz++) {
            int iz = z.source(kz, oz);
            if (!planeCopies || iz < 0 || xLo > xHi || yLo > yHi) {
                rows(inBase, outBase, kx, ky, iz, oz, 0, bh);
                continue;
            }
            // Note [plane copies]: with stride 1 and as many windows per row as pixels, the
            // rows of tap k inside the image are one contiguous run on both sides, apart from
            // the border taps, which one copy overwrites with neighbouring pixels and border()
            // then puts right. One copy per plane instead of one per row (conv3x3, dilated).
            rows(inBase, outBase, kx, ky, iz, oz, 0, yLo);
            int plane = outBase + oz * bh * bw;
            int firstIn = inBase + iz * inZ + y.source(ky, yLo) * inY;
            System.arraycopy(in, firstIn + x.windowStart[kx], out, plane + yLo * bw + xLo, (yHi - yLo) * bw + xHi - xLo + 1);
            for (int oy = yLo; oy <= yHi; oy++) {
                int rowIn = firstIn + (oy - yLo) * inY, rowOut = plane + oy * bw;
                border(rowIn, rowOut, kx, 0, xLo);
                border(rowIn, rowOut, kx, xHi + 1, bw);
            }
            rows(inBase, outBase, kx, ky, iz, oz, yHi + 1, bh);
        }
    }

    /** Output rows [from, to) of window plane oz (whose tap reads input plane iz, or -1 for zeros) for taps ky, kx, one run each. */
    private void rows(int inBase, int outBase, int kx, int ky, int iz, int oz, int from, int to) {
        int xLo = x.windowLo[kx], xHi = x.windowHi[kx], run = xHi - xLo + 1;
        for (int oy = from; oy < to; oy++) {
            int iy = y.source(ky, oy);
            int rowOut = outBase + (oz * bh + oy) * bw * colL;
            if (iz < 0 || iy < 0) {
                ops.zero(out, rowOut, colL, bw);
                continue;
            }
            int rowIn = inBase + iz * inZ + iy * inY;
            if (run <= 0) {
                // No window inside: those before windowLo read left of the image, the rest right of it.
                border(rowIn, rowOut, kx, 0, xLo);
                border(rowIn, rowOut, kx, xLo, bw);
                continue;
            }
            border(rowIn, rowOut, kx, 0, xLo);
            ops.copy(in, rowIn + x.windowStart[kx] * inX, strideX * inX, out, rowOut + xLo * colL, colL, run);
            border(rowIn, rowOut, kx, xHi + 1, bw);
        }
    }

    /** Window positions [from, to) of tap kx, which fall into the padding on one side of the image (Note [border runs]). */
    private void border(int rowIn, int rowOut, int kx, int from, int to) {
        if (from >= to) {
            return;
        }
        if (zeros) {
            ops.zero(out, rowOut + from * colL, colL, to - from);
            return;
        }
        ops.copy(in, rowIn + x.source(kx, from) * inX, x.windowBorderStep * inX, out, rowOut + from * colL, colL,
                to - from);
    }

    /** Kernel rows (kz, ky) of every window: for each window, the run of offsets kx inside the image. */
    private void kernelRuns(int n, int c, int kz, int ky) {
        int inBase = n * inN + c * inC;
        int outBase = n * colN + c * colC + (kz * kh + ky) * kw * colK;
        for (int oz = 0; oz < bd; oz++) {
            int iz = z.source(kz, oz);
            for (int oy = 0; oy < bh; oy++) {
                int iy = y.source(ky, oy);
                int rowIn = inBase + iz * inZ + iy * inY;
                for (int ox = 0; ox < bw; ox++) {
                    int windowOut = outBase + ((oz * bh + oy) * bw + ox) * colL;
                    if (iz < 0 || iy < 0) {
                        ops.zero(out, windowOut, colK, kw);
                        continue;
                    }
                    int lo = x.tapLo[ox], hi = x.tapHi[ox];
                    if (lo > hi) {
                        // No tap inside: those before tapLo read left of the image, the rest right of it.
                        taps(rowIn, windowOut, ox, 0, lo);
                        taps(rowIn, windowOut, ox, lo, kw);
                        continue;
                    }
                    taps(rowIn, windowOut, ox, 0, lo);
                    ops.copy(in, rowIn + x.tapStart[ox] * inX, dilationX * inX, out, windowOut + lo * colK, colK,
                            hi - lo + 1);
                    taps(rowIn, windowOut, ox, hi + 1, kw);
                }
            }
        }
    }

    /** Taps [from, to) of window ox, which fall into the padding on one side of the image (Note [border runs]). */
    private void taps(int rowIn, int windowOut, int ox, int from, int to) {
        if (from >= to) {
            return;
        }
        if (zeros) {
            ops.zero(out, windowOut + from * colK, colK, to - from);
            return;
        }
        ops.copy(in, rowIn + x.source(from, ox) * inX, x.tapBorderStep * inX, out, windowOut + from * colK, colK,
                to - from);
    }
}
