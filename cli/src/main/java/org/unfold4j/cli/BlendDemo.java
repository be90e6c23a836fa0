package org.unfold4j.cli;

import org.unfold4j.Backend;
import org.unfold4j.BlendWindow;
import org.unfold4j.ColumnGeometry;
import org.unfold4j.Fold;
import org.unfold4j.FoldMode;
import org.unfold4j.Tensor;
import org.unfold4j.Unfold;
import org.unfold4j.Window;

/**
 * The demo's blending step: tiles that disagree, as a model's outputs on overlapping tiles do,
 * stitched by the mean and by a gaussian-weighted mean. Each 64x64 tile (every 32 pixels) gets a
 * contrast change of its own; the mean shows the tiles' seams, the weighted fold (each tile's
 * centre counting more than its border) hides them. Writes blend-mean.png and blend-gaussian.png
 * (the pictures in docs/ and the README's "Blending tiles").
 */
final class BlendDemo {
    /** Tiles of 64 every 32 pixels: they cover the bundled 288x448 photograph exactly, each pixel in up to 4. */
    static final int KERNEL = 64, STRIDE = 32;
    /** The gaussian's sigma as a fraction of the tile size. */
    static final double SIGMA_SCALE = 0.125;
    /** The largest unfold the step makes (float32 values); larger images skip it. */
    static final long MAX_VALUES = 1L << 26;

    private BlendDemo() {
    }

    /** Runs the step on {@code pic}; returns false (having said why) when the image is too large for it. */
    static boolean run(BaseCommand cmd, ChosenBackend b, OutputFiles files, Picture pic) {
        Window window = Window.ofKernel(KERNEL, KERNEL).withStride(STRIDE, STRIDE);
        Unfold unfold = Unfold.of(window);
        long[] shape = {pic.channels(), pic.height(), pic.width()};
        ColumnGeometry g;
        try {
            g = unfold.geometry(shape);
        } catch (IllegalArgumentException e) {
            cmd.say("skipped: %dx%d tiles do not fit the image (%s)", KERNEL, KERNEL, e.getMessage());
            return false;
        }
        if (g.columnElements() > MAX_VALUES) {
            cmd.say("skipped: the image's tiles would be %d values, more than this step makes (%d)",
                    g.columnElements(), MAX_VALUES);
            return false;
        }
        Backend backend = b.backend();
        Tensor cols = unfold.apply(pic.tensor(), backend);
        float[] v = cols.toFloatArray();
        int l = (int) g.blocks(), rows = (int) g.rows();
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < l; t++) {
                float contrast = contrast(t);
                int i = r * l + t;
                v[i] = (v[i] - 128) * contrast + 128;
            }
        }
        Tensor changed = Tensor.of(v, cols.shape());
        Fold fold = Fold.of(pic.height(), pic.width(), window);
        long t0 = System.nanoTime();
        Tensor mean = fold.withMode(FoldMode.MEAN).apply(changed, backend);
        long t1 = System.nanoTime();
        Tensor blended = fold.withBlend(BlendWindow.gaussian(SIGMA_SCALE)).apply(changed, backend);
        long t2 = System.nanoTime();
        cmd.say("%d tiles of %dx%d every %d pixels, each with a contrast of its own (0.5 to 1.5): tiles that disagree",
                l, KERNEL, KERNEL, STRIDE);
        cmd.say("fold mean %.2f ms, fold weighted by a gaussian window (sigma %.3g x %d) %.2f ms%s", (t1 - t0) / 1e6,
                SIGMA_SCALE, KERNEL, (t2 - t1) / 1e6, BaseCommand.timingNote(b));
        files.write("blend-mean.png", f -> ImageFiles.writePng(Picture.of(mean), f));
        files.write("blend-gaussian.png", f -> ImageFiles.writePng(Picture.of(blended), f));
        cmd.say("blend-mean.png shows the tiles' seams; blend-gaussian.png, each tile's centre weighted most, hides them");
        return true;
    }

    /** Tile t's contrast, 0.5 to 1.5, spread so that neighbouring tiles differ. */
    static float contrast(int t) {
        return 0.5f + (t * 7 % 11) / 10f;
    }
}
