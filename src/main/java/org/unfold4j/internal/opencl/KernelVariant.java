package org.unfold4j.internal.opencl;

import java.util.List;
import java.util.Set;
import org.unfold4j.internal.Op;
import org.unfold4j.internal.geometry.SharedRules;
import org.unfold4j.internal.geometry.View;

/**
 * The kernels' variants, in one table: each is an entry point of {@code kernels/unfold.cl} or
 * {@code kernels/fold.cl} (with, for {@link #FOLD_ALONG_KERNEL}, a define), the condition under
 * which it computes a geometry, and what one work-item does. {@link #choose} is the one place that
 * picks a geometry's variant (Note [choosing a variant]).
 *
 * <p>Note [choosing a variant]: with element kernels (the default on GPUs, where neighbouring
 * work-items touch neighbouring addresses) every geometry takes the element variant, one output
 * per work-item. With row kernels (the default on CPU devices such as PoCL, where index arithmetic
 * per element costs more than the copy) a geometry takes the first variant of its operation's
 * {@link #preference} list whose condition holds and which the configuration allows; the element
 * variant ends each list and always applies, so every geometry has a variant. The order is the
 * order of specialisation: fold_row_classes and fold_patches handle narrower cases faster than
 * fold_rows, and fold_rows along the kernel (patches wider than the windows per row) faster than
 * across.
 */
public enum KernelVariant {
    /** unfold: one output element per work-item. */
    UNFOLD_ELEMENTS(Op.UNFOLD, "unfold", false),
    /** unfold_rows: one output row (n, c, k) per work-item; PyTorch's column order only (ORDER 0, a window row is contiguous). */
    UNFOLD_ROWS(Op.UNFOLD, "unfold_rows", true),
    /** fold: one output pixel per work-item, a gather over the windows covering it; the only fold variant of the weighted and max folds. */
    FOLD_ELEMENTS(Op.FOLD, "fold", false),
    /** fold_rows: one image row per work-item, the covering windows' runs added in ascending kernel-offset order. */
    FOLD_ROWS(Op.FOLD, "fold_rows", true),
    /** fold_rows with ALONG_KERNEL: disjoint windows wider than the windows per row, walked along the kernel offsets. */
    FOLD_ALONG_KERNEL(Op.FOLD, "fold_rows", true),
    /** fold_patches: windows that tile the image exactly once (a permutation, e.g. ViT's); one (n, c, k) row per work-item. */
    FOLD_PATCHES(Op.FOLD, "fold_patches", true),
    /** fold_row_classes: each class of image rows summed in __local scratch (Note in fold.cl; tile256). */
    FOLD_ROW_CLASSES(Op.FOLD, "fold_row_classes", true);

    private static final List<KernelVariant> UNFOLD_PREFERENCE = List.of(UNFOLD_ROWS, UNFOLD_ELEMENTS);
    private static final List<KernelVariant> FOLD_PREFERENCE =
            List.of(FOLD_ROW_CLASSES, FOLD_PATCHES, FOLD_ALONG_KERNEL, FOLD_ROWS, FOLD_ELEMENTS);

    private final Op op;
    private final String kernelName;
    private final boolean rows;

    KernelVariant(Op op, String kernelName, boolean rows) {
        this.op = op;
        this.kernelName = kernelName;
        this.rows = rows;
    }

    /** {@return the operation it computes} */
    public Op op() {
        return op;
    }

    /** {@return the kernel's entry point} */
    public String kernelName() {
        return kernelName;
    }

    /** {@return whether it is a row kernel (a run of outputs per work-item), taken only with row kernels on} */
    public boolean rows() {
        return rows;
    }

    /** {@return the element variant of {@code op}, which computes every geometry} */
    static KernelVariant elements(Op op) {
        return op == Op.UNFOLD ? UNFOLD_ELEMENTS : FOLD_ELEMENTS;
    }

    /**
     * {@return the variants of {@code op} in the order they are tried, the element variant last}
     *
     * @param op the operation
     */
    public static List<KernelVariant> preference(Op op) {
        return op == Op.UNFOLD ? UNFOLD_PREFERENCE : FOLD_PREFERENCE;
    }

    /**
     * {@return whether this variant computes {@code g}}
     *
     * @param g           the geometry
     * @param localMemory the device's local memory per compute unit, in bytes (fold_row_classes'
     *                    scratch must fit half of it)
     */
    public boolean applies(View g, long localMemory) {
        if (op == Op.FOLD && !SharedRules.foldModeAllows(g, this == FOLD_ELEMENTS)) {
            return false;  // Note [blending folds take the general variant] in SharedRules
        }
        return switch (this) {
            case UNFOLD_ELEMENTS, FOLD_ELEMENTS -> true;
            case UNFOLD_ROWS -> g.columnOrder()[0] == View.AXIS_CHANNEL;
            // Note [16-bit storage] in ClTypes: fold_rows and fold_row_classes add into T memory
            // (the output row, the __local scratch), where a 16-bit type would round at every
            // addition instead of once; fold (a float sum per pixel) and fold_patches (one value
            // per pixel) take those types, and the Java fold gives the same bits in float32.
            case FOLD_ROWS -> !g.dtype().isHalf();
            // Too large a class for the device's local memory takes another variant.
            case FOLD_ROW_CLASSES -> !g.dtype().isHalf() && SharedRules.foldsByRowClasses(g)
                    && rowClassScratch(g) <= localMemory / 2;
            case FOLD_PATCHES -> SharedRules.permutesPixels(g);
            case FOLD_ALONG_KERNEL -> !g.dtype().isHalf() && SharedRules.foldsAlongKernel(g);  // the Java fold's rule too
        };
    }

    /** Bytes of __local scratch one work-item of fold_row_classes needs: one class of rows, each ROW_CLASS_PAD longer. */
    static long rowClassScratch(View g) {
        return (g.size3()[1] + g.stride3()[1] - 1) / g.stride3()[1] * (g.size3()[2] + SharedRules.ROW_CLASS_PAD) * g.dtype().bytes();
    }

    /**
     * {@return how many work-items compute {@code g} with this variant}
     *
     * @param g the geometry
     */
    long items(View g) {
        long total = op == Op.UNFOLD ? g.columnElements() : g.imageElements();
        return switch (this) {
            case UNFOLD_ELEMENTS, FOLD_ELEMENTS -> total;
            case UNFOLD_ROWS -> total / g.blocks();
            case FOLD_ROWS, FOLD_ALONG_KERNEL -> total / g.width();
            case FOLD_PATCHES -> g.batch() * g.channels() * g.kernelVolume();
            case FOLD_ROW_CLASSES -> g.batch() * g.channels() * Math.min(g.stride3()[1], g.size3()[1]);
        };
    }

    /**
     * The variant that computes {@code g}: Note [choosing a variant].
     *
     * @param g           the geometry
     * @param op          unfold or fold
     * @param rowKernels  whether row kernels are on
     * @param allowed     the variants the configuration allows (the element ones always are)
     * @param localMemory the device's local memory per compute unit, in bytes
     * @return the first allowed variant of {@link #preference(Op)} that applies
     */
    public static KernelVariant choose(View g, Op op, boolean rowKernels, Set<KernelVariant> allowed, long localMemory) {
        if (!rowKernels) {
            return elements(op);
        }
        for (KernelVariant v : preference(op)) {
            if (allowed.contains(v) && v.applies(g, localMemory)) {
                return v;
            }
        }
        return elements(op);
    }
}
