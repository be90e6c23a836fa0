package org.unfold4j;

import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Unfold and fold in plain Java, parallel over independent pieces of the output.
 *
 * <p>Unfold writes, for each (n, c, kernel offset), the runs of window positions whose tap lands
 * inside the image as strided copies ({@code System.arraycopy} where both sides are contiguous);
 * taps in the padding are left zero or, for the other padding modes, copied one by one. Fold
 * gathers each output image row from the windows that cover it (see {@link Axis}), adding kernel
 * offsets in ascending order: the order of {@code fold.cl}, so both backends give the same bits.
 *
 * <p>Stateless and thread-safe.
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
        return "JVM, " + ForkJoinPool.getCommonPoolParallelism() + " worker threads";
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
    Tensor unfold(ColumnGeometry g, Tensor input) {
        Object out = Tensor.newArray(g.dtype(), Tensor.checkedArrayLength(g.columnsShape(), "unfold output"));
        new UnfoldPass(g, input.array(), out).run();
        return Tensor.wrap(out, g.dtype(), g.columnsShape());
    }

    @Override
    Tensor fold(ColumnGeometry g, Tensor input) {
        Object out = Tensor.newArray(g.dtype(), Tensor.checkedArrayLength(g.imageShape(), "fold output"));
        new FoldPass(g, input.array(), out).run();
        return Tensor.wrap(out, g.dtype(), g.imageShape());
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
        final int kh, kw, bh, bw;
        final long[] image, columns;

        Pass(ColumnGeometry g, Object in, Object out) {
            this.g = g;
            this.in = in;
            this.out = out;
            this.z = g.axis(0);
            this.y = g.axis(1);
            this.x = g.axis(2);
            int[] k = g.kernel3();
            this.kh = k[1];
            this.kw = k[2];
            long[] b = g.blocks3();
            this.bh = (int) b[1];
            this.bw = (int) b[2];
            this.image = g.imageStrides();
            this.columns = g.columnStrides();
        }
    }

    /** Unfold: one task per (n, c, kernel offset). Output arrays are new, hence already zero where taps read zero padding. */
    private static final class UnfoldPass extends Pass {
        private final int blocksD, kd;
        private final boolean zeros;

        UnfoldPass(ColumnGeometry g, Object in, Object out) {
            super(g, in, out);
            this.blocksD = (int) g.blocks3()[0];
            this.kd = g.kernel3()[0];
            this.zeros = g.paddingMode() == PaddingMode.ZEROS;
        }

        void run() {
            long volume = g.kernelVolume(), channels = g.channels();
            forEach(g.batch() * channels * volume, g.columnElements(),
                    t -> row(t / (channels * volume), t / volume % channels, t % volume));
        }

        private void row(long n, long c, long k) {
            long kx = k % kw, ky = k / kw % kh, kz = k / ((long) kw * kh);
            long inBase = n * image[0] + c * image[1];
            long outBase = n * columns[0] + c * columns[1] + k * columns[2];
            long lStride = columns[3];
            long xLo = x.firstInside(kx), xHi = x.lastInside(kx);
            long srcStep = x.stride() * image[4];
            for (int oz = 0; oz < blocksD; oz++) {
                long iz = z.source(z.raw(kz, oz));
                if (iz < 0) {
                    continue;
                }
                for (int oy = 0; oy < bh; oy++) {
                    long iy = y.source(y.raw(ky, oy));
                    if (iy < 0) {
                        continue;
                    }
                    long rowIn = inBase + iz * image[2] + iy * image[3];
                    long rowOut = outBase + (long) (oz * bh + oy) * bw * lStride;
                    if (xLo <= xHi) {
                        Runs.copy(in, (int) (rowIn + x.raw(kx, xLo) * image[4]), (int) srcStep,
                                out, (int) (rowOut + xLo * lStride), (int) lStride, (int) (xHi - xLo + 1));
                    }
                    if (!zeros) {
                        for (long ox = 0; ox < bw; ox++) {
                            if (ox < xLo || ox > xHi) {
                                long ix = x.source(x.raw(kx, ox));
                                Runs.copy(in, (int) (rowIn + ix * image[4]), 1, out, (int) (rowOut + ox * lStride), 1, 1);
                            }
                        }
                    }
                }
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
            long rowOut = n * image[0] + c * image[1] + pz * image[2] + py * image[3];
            long colBase = n * columns[0] + c * columns[1];
            long xStep = x.stride() * image[4];
            for (long kz = z.first(pz), lastZ = z.last(pz); kz <= lastZ; kz += z.step()) {
                long oz = z.position(pz, kz);
                for (long ky = y.first(py), lastY = y.last(py); ky <= lastY; ky += y.step()) {
                    long oy = y.position(py, ky);
                    long kBase = (kz * kh + ky) * kw;
                    long lBase = (oz * bh + oy) * bw;
                    for (long kx = 0; kx < kw; kx++) {
                        long xLo = x.firstInside(kx), xHi = x.lastInside(kx);
                        if (xLo > xHi) {
                            continue;
                        }
                        Runs.add(out, (int) (rowOut + x.raw(kx, xLo) * image[4]), (int) xStep,
                                in, (int) (colBase + (kBase + kx) * columns[2] + (lBase + xLo) * columns[3]),
                                (int) columns[3], (int) (xHi - xLo + 1));
                    }
                }
            }
            if (g.foldMode() == FoldMode.MEAN) {
                long countZY = z.count(pz) * y.count(py);
                Runs.divide(out, (int) rowOut, (int) image[4], countX, countZY);
            }
        }
    }
}
