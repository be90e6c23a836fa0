package org.unfold4j;

import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

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
final class JavaBackend extends Backend {
    static final JavaBackend INSTANCE = new JavaBackend();

    /** Below this many elements a call runs on the calling thread: forking costs more. */
    private static final long PARALLEL_THRESHOLD = 1 << 15;

    private JavaBackend() {
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
    boolean supports(DType dtype) {
        return true;
    }

    @Override
    public void close() {
        // Nothing to release.
    }

    @Override
    void unfold(ColumnGeometry g, Tensor input, Tensor output) {
        new UnfoldPass(g, input.array(), output.array()).run();
    }

    @Override
    void fold(ColumnGeometry g, Tensor input, Tensor output) {
        new FoldPass(g, input.array(), output.array()).run();
    }

    private static void forEach(long tasks, long work, IntConsumer body) {
        if (work < PARALLEL_THRESHOLD || tasks < 2) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
        } else {
            IntStream.range(0, (int) tasks).parallel().forEach(body);
        }
    }

    /** The normalised geometry unpacked into fields, shared by both passes. Host arrays keep every index below 2^31. */
    private abstract static class Pass {
        final ColumnGeometry g;
        final Object in, out;
        final Axis z, y, x;
        final int kd, kh, kw, bd, bh, bw;
        final long[] image, columns;
        /** Whether runs go along the kernel offsets of one window rather than along the windows of one offset. */
        final boolean alongKernel;

        Pass(ColumnGeometry g, Object in, Object out) {
            this.g = g;
            this.in = in;
            this.out = out;
            this.z = g.axis(0);
            this.y = g.axis(1);
            this.x = g.axis(2);
            int[] k = g.kernel3();
            this.kd = k[0];
            this.kh = k[1];
            this.kw = k[2];
            long[] b = g.blocks3();
            this.bd = (int) b[0];
            this.bh = (int) b[1];
            this.bw = (int) b[2];
            this.image = g.imageStrides();
            this.columns = g.columnStrides();
            this.alongKernel = kw > bw;
        }
    }

    /** Unfold: one task per (n, c, kernel offset), or per (n, c, kz, ky) when runs go along the kernel. */
    private static final class UnfoldPass extends Pass {
        private final boolean zeros;

        UnfoldPass(ColumnGeometry g, Object in, Object out) {
            super(g, in, out);
            this.zeros = g.paddingMode() == PaddingMode.ZEROS;
        }

        void run() {
            long channels = g.channels();
            long perPlane = alongKernel ? (long) kd * kh : g.kernelVolume();
            forEach(g.batch() * channels * perPlane, g.columnElements(), t -> {
                long n = t / (channels * perPlane), c = t / perPlane % channels, k = t % perPlane;
                if (alongKernel) {
                    kernelRuns(n, c, k / kh, k % kh);
                } else {
                    windowRuns(n, c, k);
                }
            });
        }

        /** Output row (n, c, k): for each window row, the window positions whose tap k lands inside the image. */
        private void windowRuns(long n, long c, long k) {
            long kx = k % kw, ky = k / kw % kh, kz = k / ((long) kw * kh);
            long inBase = n * image[0] + c * image[1];
            long outBase = n * columns[0] + c * columns[1] + k * columns[2];
            int lStride = (int) columns[3];
            long xLo = x.firstInside(kx), xHi = x.lastInside(kx);
            for (int oz = 0; oz < bd; oz++) {
                long iz = z.source(z.raw(kz, oz));
                for (int oy = 0; oy < bh; oy++) {
                    long iy = y.source(y.raw(ky, oy));
                    int rowOut = (int) (outBase + (long) (oz * bh + oy) * bw * lStride);
                    if (iz < 0 || iy < 0) {
                        Runs.zero(out, rowOut, lStride, bw);
                        continue;
                    }
                    long rowIn = inBase + iz * image[2] + iy * image[3];
                    if (xLo > xHi) {
                        border(rowIn, rowOut, lStride, kx, 0, bw);
                        continue;
                    }
                    border(rowIn, rowOut, lStride, kx, 0, xLo);
                    Runs.copy(in, (int) (rowIn + x.raw(kx, xLo) * image[4]), (int) (x.stride() * image[4]),
                            out, (int) (rowOut + xLo * lStride), lStride, (int) (xHi - xLo + 1));
                    border(rowIn, rowOut, lStride, kx, xHi + 1, bw);
                }
            }
        }

        /** Window positions [from, to) of tap kx, which fall into the padding. */
        private void border(long rowIn, int rowOut, int lStride, long kx, long from, long to) {
            if (zeros) {
                Runs.zero(out, (int) (rowOut + from * lStride), lStride, (int) (to - from));
                return;
            }
            for (long ox = from; ox < to; ox++) {
                long ix = x.source(x.raw(kx, ox));
                Runs.copy(in, (int) (rowIn + ix * image[4]), 1, out, (int) (rowOut + ox * lStride), 1, 1);
            }
        }

        /** Kernel rows (kz, ky) of every window: for each window, the run of offsets kx inside the image. */
        private void kernelRuns(long n, long c, long kz, long ky) {
            long inBase = n * image[0] + c * image[1];
            long kBase = (kz * kh + ky) * kw;
            long outBase = n * columns[0] + c * columns[1] + kBase * columns[2];
            int kStride = (int) columns[2];
            for (int oz = 0; oz < bd; oz++) {
                long iz = z.source(z.raw(kz, oz));
                for (int oy = 0; oy < bh; oy++) {
                    long iy = y.source(y.raw(ky, oy));
                    long rowIn = inBase + iz * image[2] + iy * image[3];
                    for (int ox = 0; ox < bw; ox++) {
                        int windowOut = (int) (outBase + ((long) (oz * bh + oy) * bw + ox) * columns[3]);
                        if (iz < 0 || iy < 0) {
                            Runs.zero(out, windowOut, kStride, kw);
                            continue;
                        }
                        long lo = x.firstTapInside(ox), hi = x.lastTapInside(ox);
                        if (lo > hi) {
                            taps(rowIn, windowOut, kStride, ox, 0, kw);
                            continue;
                        }
                        taps(rowIn, windowOut, kStride, ox, 0, lo);
                        Runs.copy(in, (int) (rowIn + x.raw(lo, ox) * image[4]), (int) (x.dilation() * image[4]),
                                out, (int) (windowOut + lo * kStride), kStride, (int) (hi - lo + 1));
                        taps(rowIn, windowOut, kStride, ox, hi + 1, kw);
                    }
                }
            }
        }

        /** Taps [from, to) of window ox, which fall into the padding. */
        private void taps(long rowIn, int windowOut, int kStride, long ox, long from, long to) {
            if (zeros) {
                Runs.zero(out, (int) (windowOut + from * kStride), kStride, (int) (to - from));
                return;
            }
            for (long kx = from; kx < to; kx++) {
                long ix = x.source(x.raw(kx, ox));
                Runs.copy(in, (int) (rowIn + ix * image[4]), 1, out, (int) (windowOut + kx * kStride), 1, 1);
            }
        }
    }

    /** Fold: one task per output image row (n, c, z, y), summing covering windows in ascending kernel-offset order. */
    private static final class FoldPass extends Pass {
        private final int depth, height, width;
        private final long[] countX;

        FoldPass(ColumnGeometry g, Object in, Object out) {
            super(g, in, out);
            long[] s = g.size3();
            this.depth = (int) s[0];
            this.height = (int) s[1];
            this.width = (int) s[2];
            this.countX = new long[width];
            for (int i = 0; i < width; i++) {
                countX[i] = x.count(i);
            }
        }

        void run() {
            long channels = g.channels();
            long rowsPerPlane = (long) depth * height;
            forEach(g.batch() * channels * rowsPerPlane, g.columnElements(), t -> {
                long plane = t / rowsPerPlane;
                long zy = t % rowsPerPlane;
                row(plane / channels, plane % channels, zy / height, zy % height);
            });
        }

        private void row(long n, long c, long pz, long py) {
            int rowOut = (int) (n * image[0] + c * image[1] + pz * image[2] + py * image[3]);
            int pixel = (int) image[4];
            long colBase = n * columns[0] + c * columns[1];
            Runs.zero(out, rowOut, pixel, width);
            for (long kz = z.first(pz), lastZ = z.last(pz); kz <= lastZ; kz += z.step()) {
                long oz = z.position(pz, kz);
                for (long ky = y.first(py), lastY = y.last(py); ky <= lastY; ky += y.step()) {
                    long oy = y.position(py, ky);
                    long kBase = (kz * kh + ky) * kw;
                    long lBase = (oz * bh + oy) * bw;
                    if (alongKernel) {
                        // Windows from last to first: see Note [fold summation order].
                        for (long ox = bw - 1; ox >= 0; ox--) {
                            long lo = x.firstTapInside(ox), hi = x.lastTapInside(ox);
                            if (lo <= hi) {
                                Runs.add(out, (int) (rowOut + x.raw(lo, ox) * pixel), (int) (x.dilation() * pixel),
                                        in, (int) (colBase + (kBase + lo) * columns[2] + (lBase + ox) * columns[3]),
                                        (int) columns[2], (int) (hi - lo + 1));
                            }
                        }
                    } else {
                        for (long kx = 0; kx < kw; kx++) {
                            long lo = x.firstInside(kx), hi = x.lastInside(kx);
                            if (lo <= hi) {
                                Runs.add(out, (int) (rowOut + x.raw(kx, lo) * pixel), (int) (x.stride() * pixel),
                                        in, (int) (colBase + (kBase + kx) * columns[2] + (lBase + lo) * columns[3]),
                                        (int) columns[3], (int) (hi - lo + 1));
                            }
                        }
                    }
                }
            }
            if (g.foldMode() == FoldMode.MEAN) {
                Runs.divide(out, rowOut, pixel, countX, z.count(pz) * y.count(py));
            }
        }
    }
}
