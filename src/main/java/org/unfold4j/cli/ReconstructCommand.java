package org.unfold4j.cli;

import java.nio.file.Path;
import java.util.Locale;
import org.unfold4j.Backend;
import org.unfold4j.Fold;
import org.unfold4j.FoldMode;
import org.unfold4j.Tensor;
import org.unfold4j.Unfold;
import org.unfold4j.Window;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code unfold4j reconstruct}: tiled processing, unfold, a per-tile operation, fold back. */
@Command(name = "reconstruct", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"Cut an image into overlapping tiles as in tiled inference (unfold), optionally process "
                + "each tile on its own (--tile-op), and put the tiles back (fold). With --mode mean (each pixel "
                + "the mean of its tiles) and no tile operation the image comes back exactly; with --mode sum "
                + "(nn.Fold) overlapping tiles add up, and the overlap count is written as a heat map."},
        footer = {"", "Example:", "  unfold4j reconstruct --kernel 64 --stride 32 --mode sum --out out/reconstruct"})
final class ReconstructCommand extends BaseCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "IMAGE",
            description = "A PNG, JPEG, GIF or BMP file (default: the bundled photograph).")
    Path image;

    @Option(names = "--kernel", required = true, converter = Pair.Converter.class, paramLabel = "K[,K]",
            description = "Tile size: K, or height,width.")
    Pair kernel;

    @Option(names = "--stride", converter = Pair.Converter.class, paramLabel = "S[,S]",
            description = "Step between tiles (default: the tile size, so tiles do not overlap).")
    Pair stride;

    @Option(names = "--mode", defaultValue = "mean", paramLabel = "sum|mean",
            description = "How overlapping tiles combine (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--tile-op", defaultValue = "none", paramLabel = "none|blur|invert",
            description = "What to do to each tile between unfold and fold (default: ${DEFAULT-VALUE}).")
    String tileOp;

    @Option(names = "--out", defaultValue = "out/reconstruct", paramLabel = "DIR",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    BackendOptions backend;

    @Override
    public Integer call() {
        String m = mode.trim().toLowerCase(Locale.ROOT);
        if (!m.equals("sum") && !m.equals("mean")) {
            throw new BadInputException("--mode must be sum or mean, not '" + mode + "'");
        }
        TileOp op = TileOp.parse(tileOp);
        Picture pic = ImageFiles.readOrBundled(image);
        Window window = Windows.of(kernel, stride == null ? kernel : stride, new Pair(0, 0), new Pair(1, 1), pic);
        try (ChosenBackend b = backend.open(); OutputFiles files = OutputFiles.open(out)) {
            say("backend: %s", b.describe());
            say("image: %s, %s", image == null ? "bundled photograph" : display(image), pic.size());
            say("warm-up: %.1f ms", b.warmUp());
            reconstruct(this, b, files, pic, window, m.equals("mean"), op);
            sayWritten(files.commit());
        }
        return 0;
    }

    /** The reconstruction, its overlap counts, and the max absolute error against the image. */
    record Result(Picture image, float[] overlap, double maxError, long uncovered) {
    }

    /**
     * Unfold, tile operation, fold (sum or mean); writes reconstruction-{sum,mean}.png and, for
     * sum, overlap-heatmap.png; prints shapes, timings and the error.
     */
    static Result reconstruct(BaseCommand cmd, ChosenBackend b, OutputFiles files, Picture pic, Window window,
                              boolean mean, TileOp op) {
        Backend backend = b.backend();
        Unfold unfold = Unfold.of(window);
        Fold fold = Fold.of(pic.height(), pic.width(), window);
        long t0 = System.nanoTime();
        Tensor cols = unfold.apply(pic.tensor(), backend);
        double unfoldMs = millisSince(t0);
        long[] g = cols.shape();
        cmd.say("unfold %s -> %s (%d tiles of %dx%d) in %.2f ms%s", shape(pic.tensor().shape()), shape(g), g[1],
                window.kernelH(), window.kernelW(), unfoldMs, timingNote(b));
        if (op != TileOp.none) {
            float[] data = cols.toFloatArray();
            long t1 = System.nanoTime();
            op.apply(data, pic.channels(), window.kernelH(), window.kernelW(), (int) g[1]);
            cmd.say("tile op %s on every tile in %.2f ms (on the host)", op, millisSince(t1));
            cols = Tensor.of(data, g);
        }
        long t2 = System.nanoTime();
        Tensor folded = (mean ? fold.withMode(FoldMode.MEAN) : fold).apply(cols, backend);
        double foldMs = millisSince(t2);
        cmd.say("fold (%s) %s -> %s in %.2f ms%s", mean ? "mean: each pixel's sum / its overlap count" : "sum", shape(g),
                shape(folded.shape()), foldMs, timingNote(b));
        float[] overlap = Overlap.count(fold, backend);
        float min = Float.MAX_VALUE, max = 0;
        long uncovered = 0;
        for (float v : overlap) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            uncovered += v == 0 ? 1 : 0;
        }
        cmd.say("overlap: every pixel is covered by %d to %d tiles%s", (int) min, (int) max,
                uncovered == 0 ? "" : " (" + uncovered + " pixels by none: the tiles do not reach the edge)");
        Picture result = Picture.of(folded);
        double maxError = Double.NaN;
        if (op == TileOp.none) {
            float[] expected = pic.data();
            float[] got = result.data();
            int plane = overlap.length;
            maxError = 0;
            for (int i = 0; i < got.length; i++) {
                if (overlap[i % plane] > 0) {
                    float want = mean ? expected[i] : expected[i] * overlap[i % plane];
                    maxError = Math.max(maxError, Math.abs(got[i] - want));
                }
            }
            cmd.say("max |reconstruction - %s| = %s%s", mean ? "image" : "image * overlap count",
                    maxError == 0 ? "0 (exact)" : String.format(Locale.ROOT, "%.3g", maxError),
                    uncovered == 0 ? "" : " over the covered pixels");
        }
        if (mean) {
            files.write("reconstruction-mean.png", f -> ImageFiles.writePng(result, f));
        } else {
            // The sum as is, clipped at 255 when written: where tiles overlap, the pixel counts
            // several times and shows brighter.
            files.write("reconstruction-sum.png", f -> ImageFiles.writePng(result, f));
            cmd.say("reconstruction-sum.png: the sum clipped to 0..255, so overlaps show brighter");
            Picture heat = HeatMap.render(overlap, pic.height(), pic.width());
            files.write("overlap-heatmap.png", f -> ImageFiles.writePng(heat, f));
            cmd.say("overlap-heatmap.png: overlap count, 0 dark purple to %d yellow (viridis)", (int) max);
        }
        return new Result(result, overlap, maxError, uncovered);
    }
}
