package org.unfold4j.internal.opencl;

import org.unfold4j.DType;
import org.unfold4j.FoldMode;
import org.unfold4j.ImageLayout;
import org.unfold4j.internal.Op;
import org.unfold4j.internal.PlanCache;
import org.unfold4j.internal.geometry.Axis;
import org.unfold4j.internal.geometry.FoldWeights;
import org.unfold4j.internal.geometry.SharedRules;
import org.unfold4j.internal.geometry.View;

/**
 * How one engine launches each geometry: the kernel variant (Note [choosing a variant] in
 * KernelVariant), its build defines and its arguments, memoised per geometry (Note [memoised
 * plans] in PlanCache). The configuration is fixed at construction, so a plan depends on the
 * geometry and the operation alone. Thread-safe.
 */
final class KernelPlans {
    /**
     * How to launch one geometry.
     *
     * @param variant        the kernel variant
     * @param defines        the -D options (Programs adds the device's own)
     * @param items          the work-items
     * @param vectors        the kernel's vector arguments after its two buffers (Launcher.vectors)
     * @param scratchPerItem bytes of __local scratch each work-item needs (fold_row_classes), or 0
     * @param weights        the weighted fold's weights, the argument after the vectors; null otherwise
     */
    record Launch(KernelVariant variant, String defines, long items, long[][] vectors, long scratchPerItem,
                  FoldWeights weights) {
        /** {@return the kernel source's name, kernels/NAME.cl} */
        String source() {
            return variant.op().label();
        }
    }

    /** Which plan: a geometry and an operation. */
    private record PlanKey(View g, Op op) {
    }

    private final OpenCLConfig config;
    private final long localMemory;
    private final PlanCache<PlanKey, Launch> plans = new PlanCache<>();

    KernelPlans(OpenCLConfig config, DeviceFacts device) {
        this.config = config;
        this.localMemory = device.localMemory();
    }

    /** {@return the plan of {@code g} for {@code op}, made on first use} */
    Launch planFor(View g, Op op) {
        return plans.get(new PlanKey(g, op), k -> plan(k.g(), k.op()));
    }

    private Launch plan(View g, Op op) {
        long total = op == Op.UNFOLD ? g.columnElements() : g.imageElements();
        KernelVariant variant = KernelVariant.choose(g, op, config.rowKernels(), config.variants(), localMemory);
        boolean rows = variant.rows();
        long items = variant.items(g);
        String defines = "-D T=" + ClTypes.of(g.dtype()).openCLType()
                + " -D INDEX_T=" + (g.fitsIntIndex() && !config.forceLongIndex() ? "int" : "long")
                + ClTypes.of(g.dtype()).defines();
        if (op == Op.UNFOLD) {
            defines += " -D PAD_MODE=" + KernelCodes.padMode(g.paddingMode()) + " -D ORDER=" + KernelCodes.order(g);
        } else {
            // ALONG_KERNEL makes fold_rows FOLD_ALONG_KERNEL; fold_patches and fold_row_classes ignore
            // it, but get it where it applies as they always have, so that they build with the same options.
            boolean along = variant == KernelVariant.FOLD_ALONG_KERNEL
                    || (variant != KernelVariant.FOLD_ROWS && rows && SharedRules.foldsAlongKernel(g));
            defines += " -D ROW_PAD=" + SharedRules.ROW_CLASS_PAD
                    + (g.imageLayout() == ImageLayout.CHANNELS_LAST ? " -D IMAGE_CL" : "")
                    + (along ? " -D ALONG_KERNEL" : "")
                    + (rows && SharedRules.disjoint(g) ? " -D DISJOINT" + (g.axis(2).uncoveredPixels(g.width()) ? " -D GAPS_W" : "") : "")
                    + (g.foldMode() == FoldMode.MEAN ? " -D FOLD_MEAN" : "")
                    + (g.foldMode() == FoldMode.WEIGHTED ? " -D FOLD_WEIGHTED" : "")
                    + (g.foldMode() == FoldMode.MAX ? " -D FOLD_MAX -D MAX_LOWEST=" + maxLowest(g.dtype())
                            + (g.dtype().isFloatingPoint() ? " -D MAX_FLOAT" : "") : "")
                    + (variant == KernelVariant.FOLD_ROW_CLASSES && config.interleaveWorkItems() ? " -D INTERLEAVE_ITEMS" : "");
        }
        if (total >= config.specialiseFrom()) {
            defines += constants(g);
        }
        long scratch = variant == KernelVariant.FOLD_ROW_CLASSES ? KernelVariant.rowClassScratch(g) : 0;
        return new Launch(variant, defines, items, Launcher.vectors(g, op, items), scratch,
                op == Op.FOLD ? g.foldWeights() : null);
    }

    /** The fold max's start, the lowest value of the kernels' T (fold.cl's MAX_LOWEST). */
    private static String maxLowest(DType dtype) {
        if (dtype == DType.INT32) {
            return "INT_MIN";
        }
        return dtype == DType.UINT8 ? "0" : "-INFINITY";  // the float types (-INFINITY converts exactly)
    }

    /** The geometry as -D constants (P_SPECIALISED in unfold.cl and fold.cl); the batch size stays an argument. */
    private static String constants(View g) {
        long[] size = g.size3(), blocks = g.blocks3(), image = g.imageStrides(), columns = g.columnStrides();
        int[] kernel = g.kernel3(), dilation = g.dilation3(), padding = g.padding3(), stride = g.stride3();
        StringBuilder d = new StringBuilder(" -D P_SPECIALISED");
        define(d, "C", g.channels());
        define(d, "K", g.kernelVolume());
        define(d, "L", g.blocks());
        String[] dims = {"D", "H", "W"};
        for (int i = 0; i < 3; i++) {
            Axis a = g.axis(i);
            define(d, "SIZE_" + dims[i], size[i]);
            define(d, "BLOCKS_" + dims[i], blocks[i]);
            define(d, "KERNEL_" + dims[i], kernel[i]);
            define(d, "DIL_" + dims[i], dilation[i]);
            define(d, "PAD_" + dims[i], padding[i]);
            define(d, "STRIDE_" + dims[i], stride[i]);
            define(d, "GCD_" + dims[i], a.gcd());
            define(d, "STEP_" + dims[i], a.step());
            define(d, "INV_" + dims[i], a.inverse());
            define(d, "IN_" + dims[i], image[2 + i]);
        }
        define(d, "IN_N", image[0]);
        define(d, "IN_C", image[1]);
        String[] col = {"N", "C", "K", "L"};
        for (int i = 0; i < 4; i++) {
            define(d, "COL_" + col[i], columns[i]);
        }
        return d.toString();
    }

    private static void define(StringBuilder d, String name, long value) {
        d.append(" -D P_").append(name).append('=').append(value).append('L');
    }
}
