package org.unfold4j.internal.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.unfold4j.DType;
import org.unfold4j.FoldMode;
import org.unfold4j.PaddingMode;
import org.unfold4j.internal.Engine;
import org.unfold4j.internal.PlanCache;
import org.unfold4j.internal.geometry.Axis;
import org.unfold4j.internal.geometry.SharedRules;
import org.unfold4j.internal.geometry.View;

/**
 * Unfold and fold in plain Java, parallel over independent pieces of the output.
 *
 * <p>Unfold copies runs: along the window positions of one kernel offset (each a strided run of
 * an input row, {@code System.arraycopy} where both sides are contiguous), or, for kernels wider
 * than the number of window positions (ViT patches, large tiles), along the kernel offsets of one
 * window (a contiguous input run). Taps in the padding are written as zeros or, for the other
 * padding modes, copied one by one.
 *
 * <p>Fold gathers each output image row from the windows that cover it (see {@link Axis}).
 * Note [fold summation order]: every pixel adds its contributions in ascending kernel-offset
 * order, starting from zero, exactly as {@code fold.cl} does, so both backends give the same
 * bits. The run along window positions of one kernel offset keeps that order trivially; the run
 * along kernel offsets of one window visits windows from the last to the first, so that each
 * pixel still meets its kernel offsets in ascending order.
 *
 * <p>Every output element is written (zeros included), so outputs may be reused. Stateless and
 * thread-safe.
 */
public final class JavaEngine implements Engine {
    /** The one Java engine: stateless apart from its plan caches, so every Java backend shares it. */
    public static final JavaEngine INSTANCE = new JavaEngine();

    /** Note [memoised plans] in PlanCache; Note [memoised passes] below. */
    private final PlanCache<View, UnfoldPass> unfoldPlans = new PlanCache<>();
    private final PlanCache<View, FoldPass> foldPlans = new PlanCache<>();

    /** Below this many elements a call runs on the calling thread: forking costs more. */
    private static final long PARALLEL_THRESHOLD = 1 << 15;

    private JavaEngine() {
    }

    @Override
    public String name() {
        return "java";
    }

    @Override
    public String deviceName() {
        // Parallel streams run on the common pool plus the calling thread.
        return "JVM, " + (ForkJoinPool.getCommonPoolParallelism() + 1) + " threads";
    }

    @Override
    public boolean supports(DType dtype) {
        return true;
    }

    @Override
    public void close() {
        // Nothing to release.
    }

    /*
     * Note [empty batches]
     * A batch of 0 images has nothing to compute whatever its geometry, and a valid geometry may
     * then be far beyond what a host array can index (PyTorch folds torch.empty(0, 1, 2**31) into
     * an image of 2^31 pixels): the passes below cast sizes to int and build per-axis tables, so
     * they are not even set up. Both element counts are 0 exactly when the batch is (every other
     * dimension is at least 1).
     */

    @Override
    public void unfold(View g, Object input, Object output) {
        if (g.columnElements() == 0) {
            return;  // Note [empty batches]
        }
        unfoldPlans.get(g, UnfoldPass::new).<UnfoldPass>on(input, output).run();  // Note [memoised passes]
    }

    /** Fold; {@code zeroed}: the output holds only +0.0 already, so rows are not cleared before summing. */
    @Override
    public void fold(View g, Object input, Object output, boolean zeroed) {
        if (g.imageElements() == 0) {
            return;  // Note [empty batches]
        }
        FoldPass pass = foldPlans.get(g, FoldPass::new).on(input, output);  // Note [memoised passes]
        pass.zeroed = zeroed;
        pass.run();
    }

    /*
     * Note [memoised passes]
     * A pass's tables depend on the geometry alone, and building them (three AxisTables, fold's
     * per-pixel counts, the window groups, the geometry's padded arrays) was most of a small
     * call's time, more than the work of the seed shape's calls. So the pass built for a
     * geometry is kept (Note [memoised plans] in PlanCache), and each call
     * runs a shallow copy of it holding that call's arrays (Pass.on), so that concurrent calls
     * on one geometry share only immutable tables.
     */

    /** Per-thread scratch for FoldPass.rowClass. */
    private static final ThreadLocal<Object> SCRATCH = new ThreadLocal<>();

    private static void forEach(long tasks, long work, IntConsumer body) {
        if (work < PARALLEL_THRESHOLD || tasks < 2) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
        } else {
            IntStream.range(0, (int) tasks).parallel().forEach(body);
        }
    }

    /** The normalised geometry unpacked into fields and tables, shared by both passes. Host arrays keep every index below 2^31. */
    private abstract static class Pass implements Cloneable {
        final View g;
        /** This call's arrays: null in the memoised plan, set in each call's copy (Note [memoised passes]). */
        Object in, out;
        final AxisTables z, y, x;
        final int kd, kh, kw, bd, bh, bw, depth, height, width, strideX, dilationX;
        final int inN, inC, inZ, inY, inX, colN, colC, colK, colL;
        /** Whether runs go along the kernel offsets of one window rather than along the windows of one offset. */
        boolean alongKernel;

        Pass(View g) {
            this.g = g;
            int[] k = g.kernel3();
            long[] b = g.blocks3(), s = g.size3(), image = g.imageStrides(), columns = g.columnStrides();
            this.kd = k[0];
            this.kh = k[1];
            this.kw = k[2];
            this.bd = (int) b[0];
            this.bh = (int) b[1];
            this.bw = (int) b[2];
            this.depth = (int) s[0];
            this.height = (int) s[1];
            this.width = (int) s[2];
            this.z = new AxisTables(g.axis(0), kd, bd);
            this.y = new AxisTables(g.axis(1), kh, bh);
            this.x = new AxisTables(g.axis(2), kw, bw);
            this.strideX = g.stride3()[2];
            this.dilationX = g.dilation3()[2];
            this.inN = (int) image[0];
            this.inC = (int) image[1];
            this.inZ = (int) image[2];
            this.inY = (int) image[3];
            this.inX = (int) image[4];
            this.colN = (int) columns[0];
            this.colC = (int) columns[1];
            this.colK = (int) columns[2];
            this.colL = (int) columns[3];
            // Fold: measured faster along the kernel as soon as the kernel is wider than the windows
            // per row (vit16 6.7 vs 14 ms, tile256 110 vs 164 ms); unfold overrides this below.
            this.alongKernel = kw > bw;
        }

        /** A copy of this plan working on the given arrays (Note [memoised passes]). */
        @SuppressWarnings("unchecked")
        <P extends Pass> P on(Object input, Object output) {
            try {
                P p = (P) clone();
                p.in = input;
                p.out = output;
                return p;
            } catch (CloneNotSupportedException e) {
                throw new AssertionError(e);
            }
        }

        /** The flat gathers and scatters of windows of this geometry, with rows {@code rowStep} and planes {@code planeStep} apart. */
        WindowGroups windowGroups(int planeStep, int rowStep) {
            return new WindowGroups(bd, bh, bw, planeStep, rowStep, strideX * inX);
        }
    }

    /*
     * Note [window groups]
     * The flat gathers and scatters over the windows of a plane (unfold's windowGroups, fold's
     * patchGroups and rowClassGroups) go through a table of each window's first pixel relative to
     * window 0's. A table of all L windows would be as large as an output row, and for a 1-wide
     * kernel as large as the output itself, four times a uint8 one (Note [axis tables stay
     * linear]). So the table covers one group of windows: as many whole window rows as make
     * GROUP_WINDOWS windows, or GROUP_WINDOWS windows of one row where a row has more; and the
     * windows are done group by group, each group's pixels moved by its first window's. A call
     * still handles GROUP_WINDOWS windows or whole rows, which keeps the flat loop's gain over a
     * loop per row of a few windows, and each window still goes through one call, so the order
     * in which a pixel meets its taps is unchanged.
     */

    /** The groups of windows of one plane set (Note [window groups]). Immutable once built. */
    private static final class WindowGroups {
        /** The window count at which a group stops growing. */
        static final int GROUP_WINDOWS = 1024;

        /** Window rows per group, and windows per group row: rows > 1 only when width is a whole row. */
        final int rows, width;
        /** The table: window (i / width, i % width) of a group, its first pixel relative to the group's first window's. */
        final int[] offsets;
        /** For each group: its first window's pixel relative to window 0's, its first window (flat), its window count. */
        final int[] groupPixel, groupWindow, groupLength;

        WindowGroups(int bd, int bh, int bw, int planeStep, int rowStep, int windowStep) {
            this.width = Math.min(bw, GROUP_WINDOWS);
            this.rows = width < bw ? 1 : Math.max(1, Math.min(bh, GROUP_WINDOWS / bw));
            this.offsets = new int[rows * width];
            for (int oy = 0, i = 0; oy < rows; oy++) {
                for (int ox = 0; ox < width; ox++) {
                    offsets[i++] = oy * rowStep + ox * windowStep;
                }
            }
            int perRow = (bw + width - 1) / width, perPlane = (bh + rows - 1) / rows * perRow;
            int count = bd * perPlane;
            groupPixel = new int[count];
            groupWindow = new int[count];
            groupLength = new int[count];
            int i = 0;
            for (int oz = 0; oz < bd; oz++) {
                for (int oy = 0; oy < bh; oy += rows) {
                    for (int ox = 0; ox < bw; ox += width, i++) {
                        groupPixel[i] = oz * planeStep + oy * rowStep + ox * windowStep;
                        groupWindow[i] = (oz * bh + oy) * bw + ox;
                        groupLength[i] = rows > 1 ? Math.min(rows, bh - oy) * bw : Math.min(width, bw - ox);
                    }
                }
            }
        }
    }

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
    private static final class UnfoldPass extends Pass {
        private final boolean zeros;
        /**
         * For strided windows written as PyTorch's contiguous rows: each window's origin relative
         * to window 0's in the input, so that an output row whose tap lands inside the image for
         * every window is one flat gather (vit16, tile256: rows of 14 or 15 windows made the per-row
         * loop cost more than the copy); null where runs are contiguous (stride 1) or not rows.
         */
        private final WindowGroups windowGroups;
        /** Whether a plane of output rows is one copy (Note [plane copies]). */
        private final boolean planeCopies;

        UnfoldPass(View g) {
            super(g);
            this.zeros = g.paddingMode() == PaddingMode.ZEROS;
            // Unfold writes contiguous output runs along the windows even for wide kernels
            // (measured: vit16 4.2 vs 9.8 ms, tile256 30 vs 48 ms); only a single window per row
            // leaves no run there.
            this.alongKernel = bw == 1 && kw > 1;
            this.windowGroups = !alongKernel && colL == 1 && strideX * inX != 1
                    ? windowGroups(g.stride3()[0] * inZ, g.stride3()[1] * inY) : null;
            this.planeCopies = !alongKernel && colL == 1 && strideX == 1 && inX == 1 && g.stride3()[1] == 1
                    && bw == width && inY == width;
        }

        /** Whether tap k of every window lands inside the image (so the row is one gather through windowGroups). */
        private boolean insideForEveryWindow(int kz, int ky, int kx) {
            return z.windowLo[kz] == 0 && z.windowHi[kz] == bd - 1 && y.windowLo[ky] == 0 && y.windowHi[ky] == bh - 1
                    && x.windowLo[kx] == 0 && x.windowHi[kx] == bw - 1;
        }

        void run() {
            int channels = (int) g.channels();
            int perPlane = alongKernel ? kd * kh : (int) g.kernelVolume();
            forEach(g.batch() * channels * perPlane, g.columnElements(), t -> {
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
            if (windowGroups != null && insideForEveryWindow(kz, ky, kx)) {
                int first = inBase + z.windowStart[kz] * inZ + y.windowStart[ky] * inY + x.windowStart[kx] * inX;
                WindowGroups w = windowGroups;
                for (int i = 0; i < w.groupPixel.length; i++) {  // Note [window groups]
                    Runs.gather(in, first + w.groupPixel[i], w.offsets, w.groupLength[i], out, outBase + w.groupWindow[i]);
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
                    Runs.zero(out, rowOut, colL, bw);
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
                Runs.copy(in, rowIn + x.windowStart[kx] * inX, strideX * inX, out, rowOut + xLo * colL, colL, run);
                border(rowIn, rowOut, kx, xHi + 1, bw);
            }
        }

        /** Window positions [from, to) of tap kx, which fall into the padding on one side of the image (Note [border runs]). */
        private void border(int rowIn, int rowOut, int kx, int from, int to) {
            if (from >= to) {
                return;
            }
            if (zeros) {
                Runs.zero(out, rowOut + from * colL, colL, to - from);
                return;
            }
            Runs.copy(in, rowIn + x.source(kx, from) * inX, x.windowBorderStep * inX, out, rowOut + from * colL, colL,
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
                            Runs.zero(out, windowOut, colK, kw);
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
                        Runs.copy(in, rowIn + x.tapStart[ox] * inX, dilationX * inX, out, windowOut + lo * colK, colK,
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
                Runs.zero(out, windowOut + from * colK, colK, to - from);
                return;
            }
            Runs.copy(in, rowIn + x.source(from, ox) * inX, x.tapBorderStep * inX, out, windowOut + from * colK, colK,
                    to - from);
        }
    }

    /** Fold: one task per output image row (n, c, z, y), summing covering windows in ascending kernel-offset order. */
    private static final class FoldPass extends Pass {
        /** For fold mean: how many windows cover each pixel of a row along the width; null for sums. */
        private final int[] countX;
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
        /** For patchRow (patches tiling the image, PyTorch's columns): each window's first pixel relative to window 0's; null otherwise. */
        private final WindowGroups patchGroups;
        /** For rowClass (overlapping wide windows, no padding or dilation, 2-D, channels-first, PyTorch's columns); null otherwise. */
        private final WindowGroups rowClassGroups;

        FoldPass(View g) {
            super(g);
            // One int per pixel of a row, and only where needed: Note [axis tables stay linear].
            this.countX = g.foldMode() == FoldMode.MEAN ? new int[width] : null;
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
            this.fuseTaps = !alongKernel && strideX == 1 && inX == 1 && colL == 1;
            boolean permutes = SharedRules.permutesPixels(g);
            this.pixelSources = disjoint && !uncovered && inX == 1 && !(permutes && colL == 1) ? pixelSources() : null;
            this.scratchPitch = width + SharedRules.ROW_CLASS_PAD;
            this.patchGroups = permutes && colL == 1 ? windowGroups(g.stride3()[0] * inZ, g.stride3()[1] * inY) : null;
            // Window row oy of kernel row ky = r + m·stride lands on the class's row oy + m.
            this.rowClassGroups = SharedRules.foldsByRowClasses(g) ? windowGroups(0, scratchPitch) : null;
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
            for (int i = 0; i < w.groupPixel.length; i++) {  // Note [window groups]
                Runs.scatterSet(out, origin + w.groupPixel[i], w.offsets, w.groupLength[i], in, column + w.groupWindow[i]);
            }
        }

        /**
         * Fold of overlapping wide windows without padding or dilation (tile256), for the image
         * rows py ≡ r (mod stride) of one plane: exactly the rows that kernel rows ky ≡ r land
         * on, so the task owns them. Each column row (ky, kx) is read once, in order, and added
         * into every window's pixel through rowClassGroups, kernel rows and then offsets ascending,
         * so each pixel meets its taps in ascending order (Note [fold summation order]). Reading
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
                Runs.zero(scratch, 0, 1, (j1 - j0) * scratchPitch);
                for (int ky = r, m = 0; ky < kh && m < j1; ky += sy, m++) {
                    // Window row oy of kernel row ky lands on class row oy + m: those in [j0, j1).
                    int oyFrom = Math.max(0, j0 - m), oyTo = Math.min(bh, j1 - m);
                    for (int kx = 0; kx < kw; kx++) {
                        int column = colBase + (ky * kw + kx) * colK;
                        for (int oy = oyFrom; oy < oyTo; oy += w.rows) {  // Note [window groups]
                            for (int ox = 0; ox < bw; ox += w.width) {
                                int length = w.rows > 1 ? Math.min(w.rows, oyTo - oy) * bw : Math.min(w.width, bw - ox);
                                Runs.scatterAdd(scratch, (m + oy - j0) * scratchPitch + kx + ox * strideX, w.offsets, length,
                                        in, column + oy * bw + ox);
                            }
                        }
                    }
                }
                for (int j = j0, py = r + j0 * sy; j < j1; j++, py += sy) {
                    System.arraycopy(scratch, (j - j0) * scratchPitch, out, image + py * inY, width);
                    if (g.foldMode() == FoldMode.MEAN) {
                        Runs.divide(out, image + py * inY, 1, countX, y.count(py));
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
            boolean dtypeIsDouble = g.dtype() == DType.FLOAT64;
            boolean fits = dtypeIsDouble ? kept instanceof double[] d && d.length >= length
                    : kept instanceof float[] f && f.length >= length;
            if (!fits) {
                kept = dtypeIsDouble ? new double[length] : new float[length];
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
            if (patchGroups != null) {
                int k = (int) g.kernelVolume();
                forEach(g.batch() * channels * k, g.columnElements(), t -> patchRow(t / k, t % k));
                return;
            }
            if (rowClassGroups != null) {
                int classes = Math.min(g.stride3()[1], height);  // a stride beyond the height leaves rows r < height only
                forEach(g.batch() * channels * classes, g.columnElements(), t -> rowClass(t / classes, t % classes));
                return;
            }
            int rowsPerPlane = depth * height;
            forEach(g.batch() * channels * rowsPerPlane, g.columnElements(), t -> {
                int plane = t / rowsPerPlane, zy = t % rowsPerPlane;
                row(plane / channels, plane % channels, zy / height, zy % height);
            });
        }

        private void row(int n, int c, int pz, int py) {
            int rowOut = n * inN + c * inC + pz * inZ + py * inY;
            int colBase = n * colN + c * colC;
            int zCount = z.count(pz), yCount = y.count(py);
            boolean set = disjoint && zCount * yCount == 1;
            if (set && pixelSources != null) {
                int kz = z.firstCover(pz), ky = y.firstCover(py);
                int kBase = (kz * kh + ky) * kw, lBase = (z.position(pz, kz) * bh + y.position(py, ky)) * bw;
                Runs.gatherSet(out, rowOut, in, colBase + kBase * colK + lBase * colL, pixelSources);
                if (g.foldMode() == FoldMode.MEAN) {
                    Runs.divide(out, rowOut, inX, countX, 1);
                }
                return;
            }
            if ((!set || gaps) && !zeroed) {
                Runs.zero(out, rowOut, inX, width);
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
                        // Windows from last to first: see Note [fold summation order].
                        for (int ox = bw - 1; ox >= 0; ox--) {
                            int lo = x.tapLo[ox], hi = x.tapHi[ox];
                            if (lo <= hi) {
                                accumulate(set, rowOut + x.tapStart[ox] * inX, dilationX * inX,
                                        colBase + (kBase + lo) * colK + (lBase + ox) * colL, colK, hi - lo + 1);
                            }
                        }
                    } else {
                        int kx = 0;
                        if (fuseTaps && !set) {
                            for (; kx + 3 <= kw; kx += 3) {
                                addThreeTaps(rowOut, colBase + kBase * colK + lBase, kx);
                            }
                        }
                        for (; kx < kw; kx++) {
                            int lo = x.windowLo[kx], hi = x.windowHi[kx];
                            if (lo <= hi) {
                                accumulate(set, rowOut + x.windowStart[kx] * inX, strideX * inX,
                                        colBase + (kBase + kx) * colK + (lBase + lo) * colL, colL, hi - lo + 1);
                            }
                        }
                    }
                }
            }
            if (g.foldMode() == FoldMode.MEAN) {
                Runs.divide(out, rowOut, inX, countX, (long) zCount * yCount);
            }
        }

        /**
         * Taps kx, kx + 1, kx + 2 of one kernel row added into an image row of stride-1 windows:
         * where all three land (pixel p reads window p − start(k) + lo(k) of tap k), in one pass
         * with Runs.add3; at the ends, where only some land, tap by tap in ascending order. Each
         * pixel still meets its taps in ascending order (Note [fold summation order]).
         */
        private void addThreeTaps(int rowOut, int tapRow0, int kx) {
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
                    Runs.add(out, rowOut + start, 1, in, src + start, 1, before - start + 1);
                }
            }
            if (from <= to) {
                Runs.add3(out, rowOut + from, in, tapRow0 + kx * colK + x.windowLo[kx] - x.windowStart[kx] + from,
                        tapRow0 + (kx + 1) * colK + x.windowLo[kx + 1] - x.windowStart[kx + 1] + from,
                        tapRow0 + (kx + 2) * colK + x.windowLo[kx + 2] - x.windowStart[kx + 2] + from, to - from + 1);
                for (int k = kx; k < kx + 3; k++) {
                    int lo = x.windowLo[k], hi = x.windowHi[k], start = x.windowStart[k];
                    int src = tapRow0 + k * colK + lo - start, end = start + hi - lo;
                    if (to < end) {
                        Runs.add(out, rowOut + to + 1, 1, in, src + to + 1, 1, end - to);
                    }
                }
            }
        }

        /** Adds a run of column values into the output row, or sets 0 + each value where nothing else lands there. */
        private void accumulate(boolean set, int dstPos, int dstStride, int srcPos, int srcStride, int len) {
            if (set) {
                Runs.set(out, dstPos, dstStride, in, srcPos, srcStride, len);
            } else {
                Runs.add(out, dstPos, dstStride, in, srcPos, srcStride, len);
            }
        }
    }
}
