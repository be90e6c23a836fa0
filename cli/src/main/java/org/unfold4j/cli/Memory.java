package org.unfold4j.cli;

import java.util.Locale;

/**
 * How much memory one band of work may use: Note [bounded pieces].
 *
 * <p>Note [bounded pieces]: the commands never hold a whole unfold (or the convolution's column
 * matrix) at once. They cut the output into bands of whole rows of windows, and for each band
 * they build just the input rows it reads (the padding above and below made on the host, as the
 * padding mode says; the padding at the sides left to the library), unfold it, use it (multiply,
 * fold, write its part of patches.npy) and drop it; only the image and one result of the image's
 * size stay whole. A band aims at {@link #target} bytes; one row of windows larger than
 * {@link #limit} bytes cannot be made smaller and is refused with one line saying what it needs.
 * With a single band the library is called on the whole image exactly as before, so the banded
 * code is an alternative path whose results tests compare with it.
 */
record Memory(long target, long limit, String limitSource) {
    /** A band aims at no more than this, even with a large heap: larger bands gain nothing. */
    static final long MAX_TARGET = 256L << 20;

    /**
     * The host's budget: with {@code override > 0} exactly that many bytes (the hidden
     * {@code --max-block-bytes}); otherwise half of the Java heap still free, a band aiming at a
     * quarter of that (at most {@link #MAX_TARGET}).
     */
    static Memory host(long override) {
        if (override > 0) {
            return new Memory(override, override, "the --max-block-bytes limit (" + bytes(override) + ")");
        }
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        long limit = Math.max(1L << 20, free / 2);
        return new Memory(Math.min(MAX_TARGET, Math.max(1L << 20, limit / 4)), limit,
                "half of the free Java heap (" + bytes(limit) + " of -Xmx " + bytes(rt.maxMemory()) + ")");
    }

    /**
     * Rows per band when one row needs {@code bytesPerRow}: as many as fit in the target, at
     * least one, at most {@code rows}.
     *
     * @param elementsPerRow the largest array one row needs, in elements (at most one Java array)
     * @param what what one row is, for the refusal, e.g. "one row of 3 x 42 windows"
     * @throws BadInputException if one row needs more than {@link #limit}
     */
    int rowsPerBand(long bytesPerRow, long elementsPerRow, long rows, String what) {
        if (elementsPerRow > org.unfold4j.Tensor.MAX_ELEMENTS) {
            throw new BadInputException(what + " has "
                    + elementsPerRow + " values, more than one Java array holds (" + org.unfold4j.Tensor.MAX_ELEMENTS
                    + ")");
        }
        if (bytesPerRow > limit) {
            throw new BadInputException(what + " needs " + bytes(bytesPerRow)
                    + " at once (the smallest piece this command works in), more than " + limitSource
                    + (limitSource.startsWith("half") ? "; give Java more memory, e.g. "
                    + "UNFOLD4J_JAVA_OPTS=-Xmx" + Math.max(2, 2 * bytesPerRow / (1L << 30) + 2) + "g" : ""));
        }
        long n = Math.max(1, Math.min(target / Math.max(1, bytesPerRow),
                org.unfold4j.Tensor.MAX_ELEMENTS / Math.max(1, elementsPerRow)));
        return (int) Math.min(Math.min(n, rows), Integer.MAX_VALUE);
    }

    /** "3.6 GB", "512 KB", "100 B" (powers of 1024, written as GB/MB/KB). */
    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB", "PB", "EB"};
        double v = b;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }
}
