package org.unfold4j.internal.cpu;

import java.util.function.Predicate;
import org.unfold4j.FoldMode;
import org.unfold4j.internal.Op;
import org.unfold4j.internal.geometry.SharedRules;
import org.unfold4j.internal.geometry.View;

/**
 * The Java passes' variants, by operation, each with the condition on the geometry that lets it
 * run. {@link #choose} picks, for one geometry, the first variant of the operation (in
 * declaration order: the fastest measured first) that the engine's {@link JavaConfig} allows
 * and whose condition holds; the last variant of each operation holds for every geometry, so
 * there always is one.
 *
 * <p>Note [variants give the same bits]: every variant adds a pixel's contributions in the
 * order of Note [fold summation order] (JavaEngine), and unfold only copies, so which variant
 * runs changes the time, never the result. That is what lets a configuration forbid any of
 * them (JavaVariantCoverageTest runs each against the references).
 */
public enum JavaVariant {
    /**
     * Unfold along the kernel offsets of one window. Unfold writes contiguous output runs along
     * the windows even for wide kernels (faster on vit16 and tile256: bench/RESULTS.md,
     * "Measurements behind the engines' choices"); only a single window per row leaves no run there.
     */
    UNFOLD_KERNEL_RUNS(Op.UNFOLD, g -> g.blocks3()[2] == 1 && g.kernel3()[2] > 1),
    /**
     * Unfold of a row whose tap lands inside for every window as one flat gather over groups of
     * windows (Note [window groups] in WindowGroups): PyTorch's columns, strided input runs.
     */
    UNFOLD_WINDOW_GROUPS(Op.UNFOLD, g -> pyTorchColumns(g) && (long) g.stride3()[2] * g.imageStrides()[4] != 1),
    /** Unfold of a plane of output rows as one copy (Note [plane copies] in UnfoldPass.windowRuns): stride 1, as many windows per row as pixels. */
    UNFOLD_PLANE_COPIES(Op.UNFOLD, g -> pyTorchColumns(g) && g.stride3()[2] == 1 && g.imageStrides()[4] == 1
            && g.stride3()[1] == 1 && g.blocks3()[2] == g.width() && g.imageStrides()[3] == g.width()),
    /** Unfold along the windows of one kernel offset, one run per window row: every geometry. */
    UNFOLD_WINDOW_RUNS(Op.UNFOLD, g -> true),

    /** Fold of patches that tile the image, in PyTorch's columns: each column row read in order and set (FoldPass.patchRow). */
    FOLD_PATCH_ROWS(Op.FOLD, g -> SharedRules.permutesPixels(g) && pyTorchColumns(g)),
    /** Fold one class of image rows at a time in scratch (SharedRules.foldsByRowClasses; FoldPass.rowClass). */
    FOLD_ROW_CLASSES(Op.FOLD, SharedRules::foldsByRowClasses),
    /** Fold of disjoint windows covering every pixel of a row, channels-first: each row one flat gather (FoldPass.pixelSources). */
    FOLD_PIXEL_SOURCES(Op.FOLD, g -> SharedRules.disjoint(g) && g.imageStrides()[4] == 1
            && !g.axis(2).uncoveredPixels(g.width())),
    /** Fold row by row along the kernel offsets of each window (SharedRules.foldsAlongKernel). */
    FOLD_ALONG_KERNEL(Op.FOLD, SharedRules::foldsAlongKernel),
    /** Fold row by row along the windows, three stride-1 taps added in one pass (FoldPass.addThreeTaps). */
    FOLD_FUSED_TAPS(Op.FOLD, g -> g.stride3()[2] == 1 && g.imageStrides()[4] == 1 && pyTorchColumns(g)),
    /** Fold row by row along the windows of each kernel offset, one tap at a time: every geometry, and the only one of the max fold and of the weighted fold that the variants above do not take (FoldPass.blendRow). */
    FOLD_WINDOW_RUNS(Op.FOLD, g -> true);

    private final Op op;
    private final Predicate<View> applies;

    JavaVariant(Op op, Predicate<View> applies) {
        this.op = op;
        this.applies = applies;
    }

    /** {@return the operation this variant computes} */
    public Op op() {
        return op;
    }

    /** {@return whether this variant is the general one of its operation: it runs every geometry, and no configuration forbids it} */
    public boolean general() {
        return this == UNFOLD_WINDOW_RUNS || this == FOLD_WINDOW_RUNS;
    }

    /**
     * {@return whether this variant can run the geometry}
     *
     * @param g the geometry
     */
    public boolean applies(View g) {
        // Note [blending folds take the general variant] in SharedRules; the weighted fold also
        // takes the variants that have its loops (Note [weighted sums in the fast variants] in FoldPass).
        return (op != Op.FOLD || SharedRules.foldModeAllows(g, general()) || weightedLoops(g)) && applies.test(g);
    }

    /** Whether this is a fold variant with loops for the weighted fold and {@code g} folds by weight. */
    private boolean weightedLoops(View g) {
        return g.foldMode() == FoldMode.WEIGHTED
                && (this == FOLD_PATCH_ROWS || this == FOLD_ROW_CLASSES || this == FOLD_FUSED_TAPS);
    }

    /**
     * The one choice of a variant per operation: the first of {@code op}'s variants that
     * {@code config} allows and that can run {@code g}.
     *
     * @param op the operation
     * @param g the geometry
     * @param config what the engine may use
     * @return the variant the pass runs
     */
    static JavaVariant choose(Op op, View g, JavaConfig config) {
        for (JavaVariant v : values()) {
            if (v.op == op && config.allows(v) && v.applies(g)) {
                return v;
            }
        }
        throw new AssertionError("no general " + op.label() + " variant");
    }

    /** PyTorch's columns: a window row is contiguous in the columns (column stride of a window 1). */
    private static boolean pyTorchColumns(View g) {
        return g.columnStrides()[3] == 1;
    }
}
