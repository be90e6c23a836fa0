package org.unfold4j;

import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Unfold and fold in plain Java, parallel over independent output rows.
 *
 * <p>Unfold writes each output row {@code (n, c, ki, kj)} as runs copied from input rows
 * ({@code System.arraycopy} when the stride is 1). Fold gathers each output image row from the
 * windows that cover it (see {@link Covering}), adding kernel offsets in ascending
 * {@code (ki, kj)} order: the same order as {@code fold.cl}, so both give the same bits.
 *
 * <p>Stateless and thread-safe.
 */
final class JavaBackend extends Backend {
    static final JavaBackend INSTANCE = new JavaBackend();

    /** Below this many output elements a call runs on the calling thread: forking costs more. */
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
    public void close() {
        // Nothing to release.
    }

    @Override
    Tensor unfold(ColumnGeometry g, Tensor input) {
        float[] out = new float[Tensor.checkedArrayLength(g.columnsShape(), "unfold output")];
        float[] in = input.data();
        Window w = g.window();
        int rowsPerPlane = w.kernelArea();
        int tasks = (int) (g.batch() * g.channels() * rowsPerPlane);
        forEach(tasks, out.length, t -> unfoldRow(g, in, out, t / rowsPerPlane, t % rowsPerPlane));
        return Tensor.of(out, g.columnsShape());
    }

    @Override
    Tensor fold(ColumnGeometry g, Tensor input) {
        float[] out = new float[Tensor.checkedArrayLength(g.imageShape(), "fold output")];
        float[] in = input.data();
        int height = (int) g.height();
        int tasks = (int) (g.batch() * g.channels() * height);
        Covering coverH = g.coveringH(), coverW = g.coveringW();
        forEach(tasks, in.length, t -> foldRow(g, coverH, coverW, in, out, t / height, t % height));
        return Tensor.of(out, g.imageShape());
    }

    private static void forEach(int tasks, long work, java.util.function.IntConsumer body) {
        if (work < PARALLEL_THRESHOLD || tasks < 2) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
        } else {
            IntStream.range(0, tasks).parallel().forEach(body);
        }
    }

    /**
     * Writes the output row of kernel offset {@code offset = ki·kw + kj} of image plane
     * {@code plane = n·C + c}. The output array is freshly allocated, hence already zero where
     * the window reads padding.
     */
    private static void unfoldRow(ColumnGeometry g, float[] in, float[] out, int plane, int offset) {
        Window w = g.window();
        int height = (int) g.height(), width = (int) g.width();
        int blocksH = (int) g.blocksH(), blocksW = (int) g.blocksW();
        int ki = offset / w.kernelW(), kj = offset % w.kernelW();
        int sh = w.strideH(), sw = w.strideW();
        int inPlane = plane * height * width;
        int outRow = (plane * w.kernelArea() + offset) * blocksH * blocksW;
        // Columns ow whose input column iw = ow·sw − pw + kj·dw lies inside the image. Long
        // arithmetic: padding and dilation may be near Integer.MAX_VALUE even when the arrays are small.
        long shiftW = (long) kj * w.dilationW() - w.paddingW();
        int owLo = firstInside(shiftW, sw);
        int owHi = lastInside(shiftW, sw, width, blocksW);
        long shiftH = (long) ki * w.dilationH() - w.paddingH();
        for (int oh = 0; oh < blocksH; oh++) {
            long ih = (long) oh * sh + shiftH;
            if (ih < 0 || ih >= height || owLo > owHi) {
                continue;
            }
            int src = (int) (inPlane + ih * width + (long) owLo * sw + shiftW);
            int dst = outRow + oh * blocksW + owLo;
            int run = owHi - owLo + 1;
            if (sw == 1) {
                System.arraycopy(in, src, out, dst, run);
            } else {
                for (int i = 0; i < run; i++) {
                    out[dst + i] = in[src + i * sw];
                }
            }
        }
    }

    /** Sums into output row {@code y} of image plane {@code plane} every column value that lands there. */
    private static void foldRow(ColumnGeometry g, Covering coverH, Covering coverW, float[] in, float[] out,
                                int plane, int y) {
        Window w = g.window();
        int width = (int) g.width();
        int blocksW = (int) g.blocksW();
        int blocks = (int) g.blocks();
        int sw = w.strideW();
        int outRow = (plane * (int) g.height() + y) * width;
        int rowBase = plane * w.kernelArea();
        long lastH = coverH.last(y);
        for (long ki = coverH.first(y); ki <= lastH; ki += coverH.step()) {
            int oh = (int) coverH.position(y, ki);
            for (int kj = 0; kj < w.kernelW(); kj++) {
                long shiftW = (long) kj * w.dilationW() - w.paddingW();
                int owLo = firstInside(shiftW, sw);
                int owHi = lastInside(shiftW, sw, width, blocksW);
                int src = (rowBase + (int) ki * w.kernelW() + kj) * blocks + oh * blocksW;
                int dst = (int) (outRow + (long) owLo * sw + shiftW);
                for (int ow = owLo; ow <= owHi; ow++, dst += sw) {
                    out[dst] += in[src + ow];
                }
            }
        }
    }

    /** The first window position ow ≥ 0 with ow·stride + shift ≥ 0. */
    private static int firstInside(long shift, int stride) {
        return (int) Math.max(0, -Math.floorDiv(shift, stride));
    }

    /** The last window position ow < blocks with ow·stride + shift < size (below the first if none). */
    private static int lastInside(long shift, int stride, int size, int blocks) {
        return (int) Math.max(-1, Math.min(blocks - 1, Math.floorDiv(size - 1 - shift, stride)));
    }
}
