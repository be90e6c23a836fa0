package org.unfold4j.internal.cpu;

import org.unfold4j.internal.geometry.View;

/** The normalised geometry unpacked, with the variant chosen for it, into fields and tables, shared by both passes. Host arrays keep every index below 2^31. */
abstract class Pass implements Cloneable {
    final View g;
    /** This call's arrays: null in the memoised plan, set in each call's copy (Note [memoised passes] in JavaEngine). */
    Object in, out;
    /** The engine running this call, whose forEach bounds its threads: null in the memoised plan, set with the arrays. */
    JavaEngine engine;
    final AxisTables z, y, x;
    final int kd, kh, kw, bd, bh, bw, depth, height, width, strideX, dilationX;
    final int inN, inC, inZ, inY, inX, colN, colC, colK, colL;
    /** The element loops of the geometry's type (Note [one element type per pass] in ElementOps). */
    final ElementOps ops;
    /** The variant this plan runs (JavaVariant.choose), fixed with the plan. */
    final JavaVariant variant;
    /** Whether runs go along the kernel offsets of one window rather than along the windows of one offset. */
    final boolean alongKernel;

    Pass(View g, JavaVariant variant) {
        this.g = g;
        this.variant = variant;
        this.ops = ElementOps.of(g.dtype());
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
        // Fold: SharedRules.foldsAlongKernel, Note [folding along the kernel] there.
        this.alongKernel = variant == JavaVariant.UNFOLD_KERNEL_RUNS || variant == JavaVariant.FOLD_ALONG_KERNEL;
    }

    /** A copy of this plan working on the given arrays (Note [memoised passes] in JavaEngine). */
    @SuppressWarnings("unchecked")
    <P extends Pass> P on(JavaEngine engine, Object input, Object output) {
        try {
            P p = (P) clone();
            p.engine = engine;
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
