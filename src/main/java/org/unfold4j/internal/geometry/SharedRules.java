package org.unfold4j.internal.geometry;

import org.unfold4j.ColumnLayout;
import org.unfold4j.ImageLayout;

/**
 * The rules both backends use to choose a variant, written once: each backend's variant table
 * (JavaVariant, OpenCL's KernelVariant) asks these, so that the Java passes and the kernels take
 * the same path on the same geometry, and their sums stay bit-identical.
 */
public final class SharedRules {
    /**
     * The padding of a row-class scratch row beyond the image width, in elements (one cache line
     * of float32): image rows a power of two apart put the pixels one column row adds to into a
     * few cache sets, which evict each other. Both the Java row-class fold and fold.cl's
     * fold_row_classes (ROW_PAD) use it.
     */
    public static final int ROW_CLASS_PAD = 16;

    private SharedRules() {
    }

    /**
     * Whether a fold variant may run {@code g}: the general ones (Java's window runs, OpenCL's
     * element kernel) run every geometry; the others only sums and means.
     *
     * <p>Note [blending folds take the general variant]: the weighted and max folds
     * ({@link View#blends()}) run in the general variant of each backend only, the Java fold's
     * row runs along the windows of each kernel offset (FoldPass.blendRow) and fold.cl's
     * per-pixel gather (FOLD_WEIGHTED, FOLD_MAX). Each pixel meets its taps in ascending
     * kernel-offset order in both (Note [weighted fold order] in FoldWeights), so they agree bit
     * for bit; the specialised variants (row classes, patches, along the kernel, fused taps)
     * would each need their own weighted and max loops for no difference in the bits. The Java
     * backend has given three of them weighted loops for speed (patch rows, row classes, fused
     * taps: Note [weighted sums in the fast variants] in FoldPass, asked in JavaVariant.applies
     * beside this rule); they give the general fold's bits, so the backends still agree.
     *
     * @param g       the geometry
     * @param general whether the variant asking is its backend's general fold
     * @return true where the variant may run the geometry's fold mode
     */
    public static boolean foldModeAllows(View g, boolean general) {
        return general || !g.blends();
    }

    /**
     * {@return whether no two windows overlap in any dimension (stride at least the dilated kernel extent): patches}
     *
     * @param g the geometry
     */
    public static boolean disjoint(View g) {
        int[] k = g.kernel3(), d = g.dilation3(), s = g.stride3();
        for (int i = 0; i < 3; i++) {
            if (s[i] < (long) d[i] * (k[i] - 1) + 1) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether fold is a permutation: windows that cover every pixel exactly once, with no
     * padding (patches that tile the image, e.g. ViT's). Then each column element has a pixel of
     * its own, and a fold may write them in any order. Scans the pixels of each axis once: the
     * backends ask when they plan a geometry, and keep the plan.
     *
     * @param g the geometry
     * @return true for a permutation
     */
    public static boolean permutesPixels(View g) {
        if (!disjoint(g)) {
            return false;
        }
        int[] p = g.padding3();
        long[] size = g.size3();
        for (int d = 0; d < 3; d++) {
            if (p[d] != 0 || g.axis(d).uncoveredPixels(size[d])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether fold may work one class of image rows at a time (the rows y = r, r + stride, ...,
     * which only kernel rows r, r + stride, ... reach): overlapping windows wider than the
     * windows per row, in one plane of 2-D channels-first images with PyTorch's columns, with no
     * padding and no dilation. Both backends then sum a class in scratch whose rows are
     * {@link #ROW_CLASS_PAD} elements longer than the image's (the Java row-class fold,
     * fold.cl's fold_row_classes).
     *
     * @param g the geometry
     * @return true where the row-class fold applies
     */
    public static boolean foldsByRowClasses(View g) {
        int[] k = g.kernel3(), d = g.dilation3(), p = g.padding3();
        return !disjoint(g) && k[2] > g.blocks3()[2] && g.size3()[0] == 1 && k[0] == 1 && p[0] == 0 && d[1] == 1
                && d[2] == 1 && p[1] == 0 && p[2] == 0 && g.imageLayout() == ImageLayout.CHANNELS_FIRST
                && g.columnLayout() == ColumnLayout.COLUMNS;
    }

    /**
     * Whether fold runs along the kernel offsets of each window rather than along the windows of
     * each offset: disjoint windows (patches) whose kernel is wider than the windows per row.
     *
     * <p>Note [folding along the kernel]: the runs along the kernel are the longer ones as soon
     * as the kernel is wider than the windows per row, but they read column values a column row
     * apart; where windows overlap, each pixel also gathers several of them. Measured with JMH
     * (JavaVariantBenchmarks) and on PoCL, overlapping tiles (tile256) fold faster across the
     * windows on both backends, patches (vit16) faster along the kernel on PoCL (the numbers:
     * bench/RESULTS.md, "Measurements behind the engines' choices"). So both backends take it for
     * disjoint windows only (it was {@code kernel > windows per row} alone for the Java fold);
     * whether the Java fold of patches should go along at all is left open (its runs disagreed).
     * Each pixel meets its taps in ascending order either way (Note [fold
     * summation order] in JavaEngine), so the rule changes the time, never the bits.
     *
     * @param g the geometry
     * @return true for disjoint windows with a kernel wider than the windows per row
     */
    public static boolean foldsAlongKernel(View g) {
        return disjoint(g) && g.kernel3()[2] > g.blocks3()[2];
    }
}
