package org.unfold4j.internal.cpu;

import org.unfold4j.FoldMode;
import org.unfold4j.internal.geometry.SharedRules;
import org.unfold4j.internal.geometry.View;

/** Fold: one task per output image row (n, c, z, y), summing covering windows in ascending kernel-offset order. */
final class FoldPass extends Pass {
    /** For fold mean and max: how many windows cover each pixel of a row along the width; null for sums. */
    private final int[] countX;
    /** For the weighted fold: the weight of each flat kernel offset; null in the other modes. */
    private final float[] weights;
    /** No two windows overlap (patches): values are set rather than summed; see fold.cl's DISJOINT. */
    private final boolean disjoint;
    /** Some pixels of a row have no window, so a row is cleared before its values are set. */
    private final boolean gaps;
    /** rowClass's scratch row pitch: the width plus one cache line (Note in scratch()). */
    private final int scratchPitch;
    /** Whether runs of three taps are added in one pass (addThreeTaps). */
    private final boolean fuseTaps;
    /** This call's output holds only +0.0 (a new array): rows summed from zero need no clearing. */
    boolean zeroed;
    /**
     * Patches covering every pixel once, channels-first: each row is one flat gather through
     * this table (as unfold's windowOffsets; vit16's rows are 14 windows of 16 taps, which
     * made a loop per window cost more than the copy); null otherwise.
     */
    private final int[] pixelSources;
    /**
     * For the weighted fold in a specialised variant (Note [weighted sums in the fast
     * variants]): each pixel's sum of weights, one image plane (depth × height × width, row
     * (pz, py) at (pz·height + py)·width) in the output's type; null otherwise.
     */
    private final Object weightSums;
    /** For weightSums: whether every weight sum of row (pz, py) is above 0 (its division needs no test). */
    private final boolean[] weightSumsPositive;
    /** For patchRow (patches tiling the image, PyTorch's columns): each window's first pixel relative to window 0's; null otherwise. */
    private final WindowGroups patchGroups;
    /** For rowClass (overlapping wide windows, no padding or dilation, 2-D, channels-first, PyTorch's columns); null otherwise. */
    private final WindowGroups rowClassGroups;

    FoldPass(View g, JavaVariant variant) {
        super(g, variant);
        // One int per pixel of a row, and only where needed: Note [axis tables stay linear].
        this.countX = g.foldMode() == FoldMode.MEAN || g.foldMode() == FoldMode.MAX ? new int[width] : null;
        this.weights = g.foldWeights() != null ? g.foldWeights().toArray() : null;
        boolean uncovered = false;
        for (int i = 0; i < width; i++) {
            int count = x.count(i);
            uncovered |= count == 0;
            if (countX != null) {
                countX[i] = count;
            }
        }
        this.disjoint = SharedRules.disjoint(g);
        this.gaps = uncovered;
        // Stride-1 windows of channels-first images in PyTorch's column order: a tap's run is
        // contiguous on both sides, so three taps can be added in one pass.
        this.fuseTaps = variant == JavaVariant.FOLD_FUSED_TAPS;
        // Pixel sources: the rows it does not set are those no window covers (disjoint windows
        // cover a pixel at most once per axis), which are only cleared, so such a pass never
        // reaches the loops that alongKernel and fuseTaps choose between.
        this.pixelSources = variant == JavaVariant.FOLD_PIXEL_SOURCES ? pixelSources() : null;
        this.scratchPitch = width + SharedRules.ROW_CLASS_PAD;
        this.patchGroups = variant == JavaVariant.FOLD_PATCH_ROWS
                ? windowGroups(g.stride3()[0] * inZ, g.stride3()[1] * inY) : null;
        // Window row oy of kernel row ky = r + m·stride lands on the class's row oy + m.
        this.rowClassGroups = variant == JavaVariant.FOLD_ROW_CLASSES ? windowGroups(0, scratchPitch) : null;
        boolean sums = weights != null && !variant.general() && variant != JavaVariant.FOLD_PATCH_ROWS;
        this.weightSums = sums ? weightSums() : null;
        this.weightSumsPositive = sums ? positiveRows(weightSums) : null;
    }

    /*
     * Note [weighted sums in the fast variants]
     * The weighted fold's numerator Σ w[k]·x, in ascending kernel-offset order from +0 with each
     * product rounded to the type first (Note [weighted fold order] in FoldWeights), is the sum
     * fold of the columns with every column value multiplied by its offset's weight: each sum
     * variant adds a pixel's taps in that order from +0 (Note [variants give the same bits] in
     * JavaVariant), so the variants that run the weighted fold (patch rows, row classes, fused
     * taps: JavaVariant.applies) do the sum's loops with the product in place of the value
     * (BlendRows.setWeighted, add3Weighted, scatterAddWeighted; w = 0 times -0.0 gives the -0.0
     * the general fold adds too). The denominator Σ w[k] depends on the geometry alone, so the
     * plan computes it once, one image plane in the output's type, by the general fold's own
     * loop (weightSums) and keeps it with the plan (Note [memoised plans] in PlanCache): one
     * plane beside an output of batch × channels of them. Each row is then divided by its row of
     * the plane, den > 0 ? num / den : 0, the general fold's division; a row whose sums are all
     * above 0 divides without the test. Patches that tile the image need no plane: a pixel's one
     * tap gives num = 0 + w·x and den = 0 + w (BlendRows.scatterSetWeightedMean). The general
     * variant keeps its own loop (blendRow), which JavaVariantCoverageTest compares with the
     * default backend's choice bit for bit, as GoldenCasesTest compares both with fold.cl.
     * Checked once more by hand (432 random cases: -0.0, infinities, NaN, subnormals, zero
     * weights, every float type, used outputs): every non-NaN bit agreed; where two NaNs of
     * different signs meet, which one survives depends on the compiled addition's operand order,
     * in the sum's variants as much as here, so NaN signs and payloads are not part of the promise.
     */

    /** The weight sums of one image plane (Note [weighted sums in the fast variants]): blendRow's denominator loop, row by row. */
    private Object weightSums() {
        Object den = ops.newArray(Math.multiplyExact(depth * height, width));
        int zStep = z.coverStep(), yStep = y.coverStep();
        for (int pz = 0; pz < depth; pz++) {
            for (int py = 0; py < height; py++) {
                int row = (pz * height + py) * width;
                int zCount = z.count(pz), yCount = y.count(py);
                for (int iz = 0, kz = z.firstCover(pz); iz < zCount; iz++, kz += zStep) {
                    for (int iy = 0, ky = y.firstCover(py); iy < yCount; iy++, ky += yStep) {
                        int kBase = (kz * kh + ky) * kw;
                        for (int kx = 0; kx < kw; kx++) {
                            int lo = x.windowLo[kx], hi = x.windowHi[kx];
                            if (lo <= hi) {
                                BlendRows.addWeight(den, row + x.windowStart[kx], strideX, hi - lo + 1, weights[kBase + kx]);
                            }
                        }
                    }
                }
            }
        }
        return den;
    }

    /** For each row of the weight sums' plane, whether all its sums are above 0. */
    private boolean[] positiveRows(Object den) {
        boolean[] positive = new boolean[depth * height];
        for (int r = 0; r < positive.length; r++) {
            boolean all = true;
            for (int i = r * width; i < (r + 1) * width && all; i++) {
                all = den instanceof float[] f ? f[i] > 0 : ((double[]) den)[i] > 0;
            }
            positive[r] = all;
        }
        return positive;
    }

    /** Divides the weighted sums of image row (pz, py) at rowOut by their weights (Note [weighted sums in the fast variants]). */
    private void divideByWeights(int rowOut, int pz, int py) {
        int r = pz * height + py;
        BlendRows.divide(out, rowOut, inX, weightSums, r * width, width, weightSumsPositive[r]);
    }

    /**
     * Fold of patches that tile the image (ViT's): column row k of one plane, read in order,
     * each value set into its own pixel (fold.cl's fold_patches). Reading the columns in
     * order beats gathering each image row from kernel-offset rows a column row apart.
     * Mean divides by one, which changes nothing, so it is skipped.
     */
    private void patchRow(int plane, int k) {
        int n = plane / (int) g.channels(), c = plane % (int) g.channels();
        int kx = k % kw, ky = k / kw % kh, kz = k / (kw * kh);
        int[] dil = g.dilation3();
        int origin = n * inN + c * inC + kz * dil[0] * inZ + ky * dil[1] * inY + kx * dil[2] * inX;
        int column = n * colN + c * colC + k * colK;
        WindowGroups w = patchGroups;
        if (weights != null) {  // Note [weighted sums in the fast variants]
            float wk = weights[k];
            for (int i = 0; i < w.groupPixel.length; i++) {
                BlendRows.scatterSetWeightedMean(out, origin + w.groupPixel[i], w.offsets, w.groupLength[i], in,
                        column + w.groupWindow[i], wk);
            }
            return;
        }
        for (int i = 0; i < w.groupPixel.length; i++) {  // Note [window groups] in WindowGroups
            ops.scatterSet(out, origin + w.groupPixel[i], w.offsets, w.groupLength[i], in, column + w.groupWindow[i]);
        }
    }

    /**
     * Fold of overlapping wide windows without padding or dilation (tile256), for the image
     * rows py ≡ r (mod stride) of one plane: exactly the rows that kernel rows ky ≡ r land
     * on, so the task owns them. Each column row (ky, kx) is read once, in order, and added
     * into every window's pixel through rowClassGroups, kernel rows and then offsets ascending,
     * so each pixel meets its taps in ascending order (Note [fold summation order] in JavaEngine). Reading
     * the columns in order matters here: along the kernel they are a row (900 bytes) apart
     * and cross a page every few values, which defeats the hardware prefetcher.
     */
    private void rowClass(int plane, int r) {
        int n = plane / (int) g.channels(), c = plane % (int) g.channels();
        int image = n * inN + c * inC, colBase = n * colN + c * colC;
        int sy = g.stride3()[1];
        int rows = (height - r + sy - 1) / sy;
        // Note [row-class strips]: the class's rows in strips of at most SCRATCH_ELEMENTS.
        int strip = Math.max(1, Math.min(rows, SCRATCH_ELEMENTS / scratchPitch));
        Object scratch = scratch(strip * scratchPitch);
        WindowGroups w = rowClassGroups;
        for (int j0 = 0; j0 < rows; j0 += strip) {
            int j1 = Math.min(rows, j0 + strip);
            ops.zero(scratch, 0, 1, (j1 - j0) * scratchPitch);
            for (int ky = r, m = 0; ky < kh && m < j1; ky += sy, m++) {
                // Window row oy of kernel row ky lands on class row oy + m: those in [j0, j1).
                int oyFrom = Math.max(0, j0 - m), oyTo = Math.min(bh, j1 - m);
                for (int kx = 0; kx < kw; kx++) {
                    int column = colBase + (ky * kw + kx) * colK;
                    for (int oy = oyFrom; oy < oyTo; oy += w.rows) {  // Note [window groups] in WindowGroups
                        for (int ox = 0; ox < bw; ox += w.width) {
                            int length = w.rows > 1 ? Math.min(w.rows, oyTo - oy) * bw : Math.min(w.width, bw - ox);
                            int at = (m + oy - j0) * scratchPitch + kx + ox * strideX, from = column + oy * bw + ox;
                            if (weights != null) {  // Note [weighted sums in the fast variants]
                                BlendRows.scatterAddWeighted(scratch, at, w.offsets, length, in, from, weights[ky * kw + kx]);
                            } else {
                                ops.scatterAdd(scratch, at, w.offsets, length, in, from);
                            }
                        }
                    }
                }
            }
            for (int j = j0, py = r + j0 * sy; j < j1; j++, py += sy) {
                if (weights != null) {  // the copy and the division in one pass
                    BlendRows.divideInto(scratch, (j - j0) * scratchPitch, weightSums, py * width, out, image + py * inY,
                            width, weightSumsPositive[py]);
                    continue;
                }
                System.arraycopy(scratch, (j - j0) * scratchPitch, out, image + py * inY, width);
                if (g.foldMode() == FoldMode.MEAN) {
                    ops.divide(out, image + py * inY, 1, countX, y.count(py));
                }
            }
        }
    }

    /*
     * Note [row-class strips]
     * A class of rows is summed in scratch strip by strip, each of at most SCRATCH_ELEMENTS
     * (or one row where a row is longer): for stride 1 a class is the whole image plane, and
     * scratch that large, kept by every worker thread, would double the output's memory. A
     * strip reads, for each column row (ky, kx) in the usual order, the windows that land
     * in it, so every pixel still meets its taps in ascending order (Note [fold summation
     * order]). The benchmark geometries (tile256: 16 rows of 2,064 per class) fit one strip.
     */

    /** Per-thread scratch for rowClass. */
    private static final ThreadLocal<Object> SCRATCH = new ThreadLocal<>();

    /** The most scratch elements one rowClass strip uses (Note [row-class strips]): 256 KB of float32. */
    private static final int SCRATCH_ELEMENTS = 1 << 16;

    /**
     * This thread's scratch array of at least {@code length} elements of the output's type:
     * rowClass sums a class of rows there, at a row pitch that is not a multiple of 4 KB.
     * Summed in the image itself (rows 8 KB apart for tile256, windows 512 bytes apart in a
     * row), the 225 pixels one column row adds to fall into 8 of the L1 cache's 64 sets and
     * evict each other; with the pitch one cache line longer they spread over the sets.
     */
    private Object scratch(int length) {
        Object kept = SCRATCH.get();
        if (!ops.holds(kept, length)) {
            kept = ops.newArray(length);
            SCRATCH.set(kept);
        }
        return kept;
    }

    /** For each pixel of a row, the column element of its only window relative to the row's (0, 0) tap and window. */
    private int[] pixelSources() {
        int[] sources = new int[width];
        for (int i = 0; i < width; i++) {
            int k = x.firstCover(i);
            sources[i] = k * colK + x.position(i, k) * colL;
        }
        return sources;
    }

    void run() {
        int channels = (int) g.channels();
        if (variant == JavaVariant.FOLD_PATCH_ROWS) {
            int k = (int) g.kernelVolume();
            engine.forEach(g.batch() * channels * k, g.columnElements(), t -> patchRow(t / k, t % k));
            return;
        }
        if (variant == JavaVariant.FOLD_ROW_CLASSES) {
            int classes = Math.min(g.stride3()[1], height);  // a stride beyond the height leaves rows r < height only
            engine.forEach(g.batch() * channels * classes, g.columnElements(), t -> rowClass(t / classes, t % classes));
            return;
        }
        int rowsPerPlane = depth * height;
        engine.forEach(g.batch() * channels * rowsPerPlane, g.columnElements(), t -> {
            int plane = t / rowsPerPlane, zy = t % rowsPerPlane;
            row(plane / channels, plane % channels, zy / height, zy % height);
        });
    }

    private void row(int n, int c, int pz, int py) {
        if (g.blends() && variant.general()) {
            blendRow(n, c, pz, py);
            return;
        }
        int rowOut = n * inN + c * inC + pz * inZ + py * inY;
        int colBase = n * colN + c * colC;
        int zCount = z.count(pz), yCount = y.count(py);
        boolean set = disjoint && zCount * yCount == 1;
        if (set && variant == JavaVariant.FOLD_PIXEL_SOURCES) {
            int kz = z.firstCover(pz), ky = y.firstCover(py);
            int kBase = (kz * kh + ky) * kw, lBase = (z.position(pz, kz) * bh + y.position(py, ky)) * bw;
            ops.gatherSet(out, rowOut, in, colBase + kBase * colK + lBase * colL, pixelSources);
            if (g.foldMode() == FoldMode.MEAN) {
                ops.divide(out, rowOut, inX, countX, 1);
            }
            return;
        }
        if ((!set || gaps) && !zeroed) {
            ops.zero(out, rowOut, inX, width);
        }
        // Counted loops: a step beyond the last covering offset may pass 2^31.
        int zStep = z.coverStep(), yStep = y.coverStep();
        for (int iz = 0, kz = z.firstCover(pz); iz < zCount; iz++, kz += zStep) {
            int oz = z.position(pz, kz);
            for (int iy = 0, ky = y.firstCover(py); iy < yCount; iy++, ky += yStep) {
                int oy = y.position(py, ky);
                int kBase = (kz * kh + ky) * kw;
                int lBase = (oz * bh + oy) * bw;
                if (alongKernel) {
                    // Windows from last to first: see Note [fold summation order] in JavaEngine.
                    for (int ox = bw - 1; ox >= 0; ox--) {
                        int lo = x.tapLo[ox], hi = x.tapHi[ox];
                        if (lo <= hi) {
                            accumulate(set, rowOut + x.tapStart[ox] * inX, dilationX * inX,
                                    colBase + (kBase + lo) * colK + (lBase + ox) * colL, colK, hi - lo + 1, -1);
                        }
                    }
                } else {
                    int kx = 0;
                    if (fuseTaps && !set) {
                        for (; kx + 3 <= kw; kx += 3) {
                            addThreeTaps(rowOut, colBase + kBase * colK + lBase, kx, kBase);
                        }
                    }
                    for (; kx < kw; kx++) {
                        int lo = x.windowLo[kx], hi = x.windowHi[kx];
                        if (lo <= hi) {
                            accumulate(set, rowOut + x.windowStart[kx] * inX, strideX * inX,
                                    colBase + (kBase + kx) * colK + (lBase + lo) * colL, colL, hi - lo + 1, kBase + kx);
                        }
                    }
                }
            }
        }
        if (g.foldMode() == FoldMode.MEAN) {
            ops.divide(out, rowOut, inX, countX, (long) zCount * yCount);
        } else if (weights != null) {
            divideByWeights(rowOut, pz, py);
        }
    }

    /**
     * The weighted or max fold of one image row (Note [blending folds take the general variant]
     * in SharedRules): the covering windows' runs along the windows of each kernel offset, kernel
     * offsets ascending, so each pixel meets its taps in ascending order as fold.cl's per-pixel
     * gather does (Note [weighted fold order] in FoldWeights). The weighted fold keeps the sum of
     * the weights of each pixel in this thread's scratch row, in the output's type.
     */
    private void blendRow(int n, int c, int pz, int py) {
        int rowOut = n * inN + c * inC + pz * inZ + py * inY;
        int colBase = n * colN + c * colC;
        int zCount = z.count(pz), yCount = y.count(py);
        boolean max = g.foldMode() == FoldMode.MAX;
        Object den = null;
        if (max) {
            BlendRows.lowest(out, rowOut, inX, width);
        } else {
            den = scratch(width);
            ops.zero(out, rowOut, inX, width);
            ops.zero(den, 0, 1, width);
        }
        int zStep = z.coverStep(), yStep = y.coverStep();
        for (int iz = 0, kz = z.firstCover(pz); iz < zCount; iz++, kz += zStep) {
            int oz = z.position(pz, kz);
            for (int iy = 0, ky = y.firstCover(py); iy < yCount; iy++, ky += yStep) {
                int oy = y.position(py, ky);
                int kBase = (kz * kh + ky) * kw;
                int lBase = (oz * bh + oy) * bw;
                for (int kx = 0; kx < kw; kx++) {
                    int lo = x.windowLo[kx], hi = x.windowHi[kx];
                    if (lo > hi) {
                        continue;
                    }
                    int start = x.windowStart[kx], len = hi - lo + 1;
                    int src = colBase + (kBase + kx) * colK + (lBase + lo) * colL;
                    if (max) {
                        BlendRows.max(out, rowOut + start * inX, strideX * inX, in, src, colL, len);
                    } else {
                        float w = weights[kBase + kx];
                        BlendRows.addWeightedAndWeight(out, rowOut + start * inX, strideX * inX, den, start, strideX,
                                in, src, colL, len, w);
                    }
                }
            }
        }
        if (max) {
            BlendRows.zeroUncovered(ops, out, rowOut, inX, countX, (long) zCount * yCount);
        } else {
            BlendRows.divide(out, rowOut, inX, den, width);
        }
    }

    /**
     * Taps kx, kx + 1, kx + 2 of one kernel row added into an image row of stride-1 windows:
     * where all three land (pixel p reads window p − start(k) + lo(k) of tap k), in one pass
     * with ops.add3; at the ends, where only some land, tap by tap in ascending order. Each
     * pixel still meets its taps in ascending order (Note [fold summation order] in JavaEngine).
     */
    private void addThreeTaps(int rowOut, int tapRow0, int kx, int kBase) {
        int from = Integer.MIN_VALUE, to = Integer.MAX_VALUE;
        for (int k = kx; k < kx + 3; k++) {
            int lo = x.windowLo[k], hi = x.windowHi[k];
            from = Math.max(from, x.windowStart[k]);
            to = Math.min(to, x.windowStart[k] + hi - lo);  // empty (hi < lo) makes to < from
        }
        if (from > to) {
            from = Integer.MAX_VALUE;  // nothing common: every tap on its own below
        }
        for (int k = kx; k < kx + 3; k++) {
            int lo = x.windowLo[k], hi = x.windowHi[k], start = x.windowStart[k];
            int src = tapRow0 + k * colK + lo - start;  // column index of pixel p is src + p
            // Pixels of this tap before the common part; those after it follow the fused pass.
            int before = Math.min(start + hi - lo, from - 1);
            if (start <= before) {
                add(rowOut + start, 1, src + start, 1, before - start + 1, kBase + k);
            }
        }
        if (from <= to) {
            int a = tapRow0 + kx * colK + x.windowLo[kx] - x.windowStart[kx] + from;
            int b = tapRow0 + (kx + 1) * colK + x.windowLo[kx + 1] - x.windowStart[kx + 1] + from;
            int c = tapRow0 + (kx + 2) * colK + x.windowLo[kx + 2] - x.windowStart[kx + 2] + from;
            if (weights != null) {  // Note [weighted sums in the fast variants]
                BlendRows.add3Weighted(out, rowOut + from, in, a, b, c, to - from + 1,
                        weights[kBase + kx], weights[kBase + kx + 1], weights[kBase + kx + 2]);
            } else {
                ops.add3(out, rowOut + from, in, a, b, c, to - from + 1);
            }
            for (int k = kx; k < kx + 3; k++) {
                int lo = x.windowLo[k], hi = x.windowHi[k], start = x.windowStart[k];
                int src = tapRow0 + k * colK + lo - start, end = start + hi - lo;
                if (to < end) {
                    add(rowOut + to + 1, 1, src + to + 1, 1, end - to, kBase + k);
                }
            }
        }
    }

    /**
     * Adds a run of column values into the output row, or sets 0 + each value where nothing else
     * lands there; the weighted fold multiplies each by the weight of flat kernel offset
     * {@code k} first (Note [weighted sums in the fast variants]).
     */
    private void accumulate(boolean set, int dstPos, int dstStride, int srcPos, int srcStride, int len, int k) {
        if (weights != null && set) {
            BlendRows.setWeighted(out, dstPos, dstStride, in, srcPos, srcStride, len, weights[k]);
        } else if (set) {
            ops.set(out, dstPos, dstStride, in, srcPos, srcStride, len);
        } else {
            add(dstPos, dstStride, srcPos, srcStride, len, k);
        }
    }

    /** dst += src over a run (ElementOps.add), each value multiplied by the weight of flat kernel offset {@code k} first in the weighted fold. */
    private void add(int dstPos, int dstStride, int srcPos, int srcStride, int len, int k) {
        if (weights != null) {
            BlendRows.addWeighted(out, dstPos, dstStride, in, srcPos, srcStride, len, weights[k]);
        } else {
            ops.add(out, dstPos, dstStride, in, srcPos, srcStride, len);
        }
    }
}
