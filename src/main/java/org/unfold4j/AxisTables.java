package org.unfold4j;

/**
 * One {@link Axis} unrolled into small int tables, built once per call so that the Java
 * backend's inner loops do no division: where each tap lands, which windows fall inside the
 * image for each kernel offset (and which offsets for each window), and which (offset, window)
 * pairs cover each pixel, in ascending offset order. Host tensors keep every pixel index below
 * 2^31, so the tables hold ints; the arithmetic that builds them is exact in longs.
 */
final class AxisTables {
    /** source[k][o]: the pixel tap k of window o reads under the padding mode, or -1 for a zero. */
    final int[][] source;
    /** For kernel offset k: the windows [windowLo[k], windowHi[k]] whose tap k lands inside, and that tap's pixel for windowLo[k]. */
    final int[] windowLo, windowHi, windowStart;
    /** For window o: the kernel offsets [tapLo[o], tapHi[o]] landing inside, and the pixel of tapLo[o]. */
    final int[] tapLo, tapHi, tapStart;
    /** The pairs covering pixel p are coverK[i], coverO[i] for i in [coverFrom[p], coverFrom[p + 1]), offsets ascending. */
    final int[] coverFrom, coverK, coverO;

    AxisTables(Axis a, int size, int kernel, int blocks) {
        source = new int[kernel][blocks];
        windowLo = new int[kernel];
        windowHi = new int[kernel];
        windowStart = new int[kernel];
        for (int k = 0; k < kernel; k++) {
            for (int o = 0; o < blocks; o++) {
                source[k][o] = (int) a.source(a.raw(k, o));
            }
            windowLo[k] = (int) Math.min(a.firstInside(k), blocks);
            windowHi[k] = (int) a.lastInside(k);
            windowStart[k] = windowLo[k] <= windowHi[k] ? (int) a.raw(k, windowLo[k]) : 0;
        }
        tapLo = new int[blocks];
        tapHi = new int[blocks];
        tapStart = new int[blocks];
        for (int o = 0; o < blocks; o++) {
            tapLo[o] = (int) Math.min(a.firstTapInside(o), kernel);
            tapHi[o] = (int) a.lastTapInside(o);
            tapStart[o] = tapLo[o] <= tapHi[o] ? (int) a.raw(tapLo[o], o) : 0;
        }
        coverFrom = new int[size + 1];
        int pairs = 0;
        for (int p = 0; p < size; p++) {
            pairs += (int) a.count(p);
        }
        coverK = new int[pairs];
        coverO = new int[pairs];
        int i = 0;
        for (int p = 0; p < size; p++) {
            coverFrom[p] = i;
            for (long k = a.first(p), last = a.last(p); k <= last; k += a.step()) {
                coverK[i] = (int) k;
                coverO[i++] = (int) a.position(p, k);
            }
        }
        coverFrom[size] = i;
    }

    /** How many windows cover pixel p. */
    int count(int p) {
        return coverFrom[p + 1] - coverFrom[p];
    }
}
