package org.unfold4j.internal.cpu;

import org.unfold4j.internal.geometry.Axis;

/**
 * One {@link Axis} unrolled into small int tables, built once per call so that the Java
 * backend's inner loops do no division: which windows fall inside the image for each kernel
 * offset, and which offsets for each window. Host tensors keep every pixel index below 2^31, so
 * the tables hold ints; the arithmetic that builds them is exact in longs.
 *
 * <p>Note [axis tables stay linear]: the tables hold O(kernel) ints (O(kernel + windows) at
 * most), never one entry per (offset, window) pair. A 1-D window of 16,384 over 32,767 samples has 2^28 such pairs: a
 * table of where each tap lands ({@code int[kernel][windows]}) was as large as the float32
 * output, and the list of the pairs covering each pixel twice that. What the loops need per pair
 * is asked for per run instead ({@link #source}, {@link #firstCover}, {@link #position}): once per
 * output row or column run in the usual modes, once per element only for taps in the padding of
 * the reflect, replicate and circular modes, where a table would save a multiplication.
 */
final class AxisTables {
    private final Axis axis;
    private final int kernel;
    /** For kernel offset k: the windows [windowLo[k], windowHi[k]] whose tap k lands inside, and that tap's pixel for windowLo[k]. */
    final int[] windowLo, windowHi, windowStart;
    /**
     * For window o: the kernel offsets [tapLo[o], tapHi[o]] landing inside, and the pixel of
     * tapLo[o]. Only for the runs along the kernel, which the passes take only where there are
     * no more windows than kernel offsets: elsewhere empty, so that these stay O(kernel) too.
     */
    final int[] tapLo, tapHi, tapStart;
    /** How far the pixel read moves per window, and per kernel offset, along a border run (Note [border runs] in UnfoldPass). */
    final int windowBorderStep, tapBorderStep;

    AxisTables(Axis a, int kernel, int blocks) {
        this.axis = a;
        this.kernel = kernel;
        windowLo = new int[kernel];
        windowHi = new int[kernel];
        windowStart = new int[kernel];
        for (int k = 0; k < kernel; k++) {
            windowLo[k] = (int) Math.min(a.firstInside(k), blocks);
            windowHi[k] = (int) a.lastInside(k);
            windowStart[k] = windowLo[k] <= windowHi[k] ? (int) a.raw(k, windowLo[k]) : 0;
        }
        windowBorderStep = (int) a.borderStep(a.stride());
        tapBorderStep = (int) a.borderStep(a.dilation());
        int windows = blocks <= kernel ? blocks : 0;
        tapLo = new int[windows];
        tapHi = new int[windows];
        tapStart = new int[windows];
        for (int o = 0; o < windows; o++) {
            tapLo[o] = (int) Math.min(a.firstTapInside(o), kernel);
            tapHi[o] = (int) a.lastTapInside(o);
            tapStart[o] = tapLo[o] <= tapHi[o] ? (int) a.raw(tapLo[o], o) : 0;
        }
    }

    /** The pixel tap k of window o reads under the padding mode, or -1 for a zero. */
    int source(int k, int o) {
        return (int) axis.source(axis.raw(k, o));
    }

    /** The smallest kernel offset whose tap covers pixel p; none covers it when this is above {@link #lastCover}. */
    int firstCover(int p) {
        return (int) Math.min(axis.first(p), kernel);
    }

    /** An upper bound (inclusive) of the kernel offsets covering pixel p; they run from {@link #firstCover} in steps of {@link #coverStep}. */
    int lastCover(int p) {
        return (int) axis.last(p);
    }

    /** The distance between consecutive kernel offsets covering one pixel. */
    int coverStep() {
        return (int) axis.step();
    }

    /** The window whose tap k covers pixel p (k one of the covering offsets). */
    int position(int p, int k) {
        return (int) axis.position(p, k);
    }

    /** How many windows cover pixel p. */
    int count(int p) {
        return (int) axis.count(p);
    }
}
