package org.unfold4j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.unfold4j.Backend;
import org.unfold4j.BlendWindow;
import org.unfold4j.ColumnGeometry;
import org.unfold4j.DType;
import org.unfold4j.Fold;
import org.unfold4j.FoldMode;
import org.unfold4j.ImageLayout;
import org.unfold4j.PaddingMode;
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
                + "(nn.Fold) overlapping tiles add up, and the overlap count is written as a heat map; --blend "
                + "(--mode weighted) weights each tile's pixels by a window so that its centre counts more than "
                + "its border, and --mode max keeps the largest value. "
                + "--padding-mode applies to the unfold only: fold has no padding modes and always drops the "
                + "values that fall into the padding, so the mean gives the image back whatever the mode."},
        footer = {"", "Examples:", "  unfold4j reconstruct --kernel 64 --stride 32 --mode sum --out out/reconstruct",
            "  unfold4j reconstruct --kernel 64 --stride 48 --padding 16 \\",
            "      --padding-mode reflect --dtype float64 --layout nhwc",
            "  unfold4j reconstruct --kernel 64 --stride 32 --tile-op invert --blend gaussian --sigma-scale 0.2"})
final class ReconstructCommand extends BaseCommand {
    @Parameters(arity = "0..*", paramLabel = "IMAGE|FOLDER",
            description = "PNG, JPEG, GIF, BMP or TIFF files, or folders of them (walked recursively; see --glob); "
                    + "default: the bundled photograph. Several images, or a folder, write each image's PNG files "
                    + "named after its path (sub/a.png.reconstruction-mean.png).")
    List<Path> images;

    @Mixin
    CollectionOptions collection;

    @Mixin
    WindowOptions windowOptions;

    @Option(names = "--dtype", defaultValue = "float32", paramLabel = "float32|float64",
            description = "The element type of the tiles; fold sums floating-point values, so uint8 and int32 are "
                    + "refused. Default: ${DEFAULT-VALUE}.")
    String dtype;

    @Option(names = "--layout", defaultValue = "nchw", paramLabel = "nchw|nhwc",
            description = "The image tensor unfolded and folded back: nchw, channels first [C, H, W]; nhwc, "
                    + "channels last [H, W, C]. Default: ${DEFAULT-VALUE}.")
    String layout;

    @Option(names = "--mode", paramLabel = "sum|mean|weighted|max",
            description = "How overlapping tiles combine: sum, mean, weighted (by --blend's window; constant "
                    + "weights are the mean) or max (each pixel the largest tile value). Default: mean, or "
                    + "weighted with --blend.")
    String mode;

    @Option(names = "--blend", paramLabel = "constant|gaussian|hann|triangular",
            description = "The window that weights each tile's pixels by their place in the tile (--mode "
                    + "weighted): gaussian exp(-(i-c)^2 / (2 sigma^2)) with sigma = --sigma-scale times the tile "
                    + "size, hann sin^2(pi (i+1) / (k+1)), triangular, or constant (the mean).")
    String blend;

    @Option(names = "--sigma-scale", defaultValue = "0.125", paramLabel = "S",
            description = "The gaussian window's sigma as a fraction of the tile size (default: ${DEFAULT-VALUE}).")
    double sigmaScale;

    @Option(names = "--tile-op", defaultValue = "none", paramLabel = "none|blur|invert",
            description = "What to do to each tile between unfold and fold (default: ${DEFAULT-VALUE}).")
    String tileOp;

    @Option(names = "--out", defaultValue = "out/reconstruct", paramLabel = "DIR",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    BackendOptions backend;

    @Mixin
    RunOptions run;

    @Override
    RunOptions runOptions() {
        return run;
    }

    @Override
    public Integer call() {
        Combine combine = Combine.parse(mode, blend, sigmaScale);
        TileOp op = TileOp.parse(tileOp);
        Settings settings = new Settings(windowOptions.paddingMode(), Choices.foldableDtype(dtype),
                Choices.layout(layout));
        Window window = windowOptions.window(windowOptions.kernel); // tiles side by side unless --stride is given
        if (Batch.isCollection(images)) {
            Batch.Items collected = Batch.collect(images, collection.glob, out, collection.force);
            try (ChosenBackend b = backend.open()) {
                b.requireSupports(settings.dtype());
                say("backend: %s", b.describe());
                return Batch.run(this, collected, out, run.quiet,
                        (item, pic, files, prefix) -> {
                            Windows.check(settings.unfold(window), settings.dtype(), settings.imageShape(pic), pic);
                            int perBand = combine.oneBand(plan(this, b, pic, window, op, settings), window, pic);
                            Result r = reconstruct(this, b, files, pic, window, combine, op, settings, perBand, prefix);
                            return pic.size() + (Double.isNaN(r.maxError()) ? "" : ", max error "
                                    + (r.maxError() == 0 ? "0 (exact)" : String.format(Locale.ROOT, "%.3g", r.maxError())));
                        }, files -> { });
            }
        }
        Path image = images == null || images.isEmpty() ? null : images.get(0);
        Picture pic = decode(image);
        // Every check before any output (Note [shape rules in one place]).
        Windows.check(settings.unfold(window), settings.dtype(), settings.imageShape(pic), pic);
        try (ChosenBackend b = backend.open()) {
            b.requireSupports(settings.dtype());
            try (OutputFiles files = OutputFiles.open(out)) {
                int perBand = combine.oneBand(plan(this, b, pic, window, op, settings), window, pic); // before any output
                say("backend: %s", b.describe());
                say("image: %s, %s", image == null ? "bundled photograph" : display(image), pic.size());
                say("warm-up: %.1f ms", b.warmUp());
                reconstruct(this, b, files, pic, window, combine, op, settings, perBand, "");
                for (String name : Combine.FILES) {
                    files.dropAtCommit(name); // the other --mode's, from an earlier run: never a mix
                }
                sayWritten(files.commit());
            }
        }
        return 0;
    }

    /**
     * How the image is unfolded: the padding mode, the element type (float32 or float64) and the
     * image layout.
     */
    record Settings(PaddingMode paddingMode, DType dtype, ImageLayout layout) {
        /** Zero padding, float32, channels first. */
        static final Settings DEFAULT = new Settings(PaddingMode.ZEROS, DType.FLOAT32, ImageLayout.CHANNELS_FIRST);

        Unfold unfold(Window window) {
            return Unfold.of(window).withPaddingMode(paddingMode).withImageLayout(layout);
        }

        /** {@code [C, H, W]} or {@code [H, W, C]}. */
        long[] imageShape(Picture pic) {
            return layout == ImageLayout.CHANNELS_LAST ? new long[] {pic.height(), pic.width(), pic.channels()}
                    : new long[] {pic.channels(), pic.height(), pic.width()};
        }
    }

    /**
     * How overlapping tiles combine: a fold mode and, for {@link FoldMode#WEIGHTED}, the blend
     * window and its name ({@code --blend}).
     */
    record Combine(FoldMode mode, BlendWindow blend, String blendName) {
        static final Combine SUM = new Combine(FoldMode.SUM, null, null);
        static final Combine MEAN = new Combine(FoldMode.MEAN, null, null);
        /** Every file name a reconstruction writes, whatever the mode: an earlier run's of another mode are dropped. */
        static final List<String> FILES = List.of("reconstruction-mean.png", "reconstruction-sum.png", "overlap-heatmap.png",
                "reconstruction-max.png", "reconstruction-constant.png", "reconstruction-gaussian.png",
                "reconstruction-hann.png", "reconstruction-triangular.png");

        static Combine of(boolean mean) {
            return mean ? MEAN : SUM;
        }

        /** --mode and --blend (null when absent) with --sigma-scale. */
        static Combine parse(String mode, String blend, double sigmaScale) {
            String m = mode == null ? (blend == null ? "mean" : "weighted") : mode.trim().toLowerCase(Locale.ROOT);
            if (!List.of("sum", "mean", "weighted", "max").contains(m)) {
                throw new BadInputException("--mode must be sum, mean, weighted or max, not '" + mode + "'");
            }
            if (blend != null && !m.equals("weighted")) {
                throw new BadInputException("--blend weights the tiles of --mode weighted, not of --mode " + m);
            }
            if (!m.equals("weighted")) {
                return new Combine(FoldMode.parse(m), null, null);
            }
            String b = blend == null ? "constant" : blend.trim().toLowerCase(Locale.ROOT);
            if (b.equals("gaussian") && (!(sigmaScale > 0) || Double.isInfinite(sigmaScale))) {
                throw new BadInputException("--sigma-scale must be a finite number above 0, not " + sigmaScale);
            }
            BlendWindow w;
            try {
                w = BlendWindow.parse(b, sigmaScale);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage(), e);
            }
            return new Combine(FoldMode.WEIGHTED, w, b);
        }

        boolean mean() {
            return mode == FoldMode.MEAN;
        }

        boolean sum() {
            return mode == FoldMode.SUM;
        }

        /** The spec folding the tiles this way. */
        Fold apply(Fold fold) {
            return mode == FoldMode.WEIGHTED ? fold.withBlend(blend) : fold.withMode(mode);
        }

        /** The PNG of the result. */
        String fileName() {
            return "reconstruction-" + (mode == FoldMode.WEIGHTED ? blendName : mode.toString()) + ".png";
        }

        /** What the fold does, for the log. */
        String describe() {
            return switch (mode) {
                case SUM -> "sum";
                case MEAN -> "mean: each pixel's sum / its overlap count";
                case WEIGHTED -> "weighted by a " + blend + " window: each pixel's sum of w*x / its sum of w";
                case MAX -> "max: each pixel's largest tile value";
            };
        }

        /**
         * The rows of tiles per band, which must be all of them for the weighted and max folds:
         * bands are folded by sum and added up (Note [bounded pieces]), which only sum and mean
         * can be.
         *
         * @throws BadInputException if those modes would need bands
         */
        int oneBand(int perBand, Window window, Picture pic) {
            long rows = Math.max(1, (pic.height() + 2L * window.paddingH() - (long) window.dilationH() * (window.kernelH() - 1) - 1)
                    / window.strideH() + 1);
            if ((mode == FoldMode.WEIGHTED || mode == FoldMode.MAX) && perBand < rows) {
                throw new BadInputException("--mode " + mode + " folds all tiles at once, but the " + rows
                        + " rows of tiles fit the memory " + perBand + " rows at a time; give the JVM more memory (-Xmx) "
                        + "or use --mode sum or mean");
            }
            return perBand;
        }
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
        return reconstruct(cmd, b, files, pic, window, mean, op, Settings.DEFAULT,
                plan(cmd, b, pic, window, op, Settings.DEFAULT));
    }

    /**
     * Rows of tiles per band (Note [bounded pieces]), found before anything is printed or written.
     *
     * @throws BadInputException if one row of tiles does not fit in memory (host or device)
     */
    static int plan(BaseCommand cmd, ChosenBackend b, Picture pic, Window window, TileOp op, Settings settings) {
        DType type = settings.dtype();
        ColumnGeometry g = settings.unfold(window).geometry(type, settings.imageShape(pic));
        long colsPerRow = g.rows() * g.blocksW();
        // Per row of tiles: the tiles (and a double copy for a float32 tile op), the band's input and its fold.
        long rowBytes = Bands.bytesPerRow(g, type, pic.channels(), pic.width())
                + colsPerRow * (op != TileOp.none && type == DType.FLOAT32 ? 8 : 0)
                + 2L * pic.channels() * window.strideH() * pic.width() * type.bytes();
        String what = "one row of " + g.blocksW() + " tiles of " + g.rows() + " " + type + " values";
        int perBand = cmd.runOptions().memory().rowsPerBand(rowBytes, colsPerRow, g.blocksH(), what);
        return b.deviceRowsPerBand(perBand, colsPerRow * type.bytes(), rowBytes, what);
    }

    /**
     * As {@link #reconstruct(BaseCommand, ChosenBackend, OutputFiles, Picture, Window, boolean, TileOp)},
     * unfolding the image as {@code settings} says, in bands of {@code perBand} rows of tiles (from {@link #plan}); the fold produces the same layout and type,
     * drops the padding, and the error is measured against the picture in that type.
     */
    static Result reconstruct(BaseCommand cmd, ChosenBackend b, OutputFiles files, Picture pic, Window window,
                              boolean mean, TileOp op, Settings settings, int perBand) {
        return reconstruct(cmd, b, files, pic, window, mean, op, settings, perBand, "");
    }

    /** As above, the files named {@code prefix} + their usual names (a collection's, Note [collections]). */
    static Result reconstruct(BaseCommand cmd, ChosenBackend b, OutputFiles files, Picture pic, Window window,
                              boolean mean, TileOp op, Settings settings, int perBand, String prefix) {
        return reconstruct(cmd, b, files, pic, window, Combine.of(mean), op, settings, perBand, prefix);
    }

    /** As above, combining the tiles as {@code combine} says (the weighted and max folds in one band only). */
    static Result reconstruct(BaseCommand cmd, ChosenBackend b, OutputFiles files, Picture pic, Window window,
                              Combine combine, TileOp op, Settings settings, int perBand, String prefix) {
        boolean mean = !combine.sum();  // the result is compared with the image itself, not image · overlap
        Backend backend = b.backend();
        Unfold unfold = settings.unfold(window);
        DType type = settings.dtype();
        ColumnGeometry g = unfold.geometry(type, settings.imageShape(pic));
        Progress progress = cmd.runOptions().progress();
        java.util.List<Bands.Band> bands = Bands.split(g.blocksH(), perBand);
        long[] shape = g.columnsShape();
        float[] overlap = Overlap.separable(pic.height(), pic.width(), window);
        long unfoldNs = 0, opNs = 0, foldNs = 0;
        Picture result;
        java.util.function.IntToDoubleFunction got;
        if (bands.size() == 1) {
            Fold fold = Fold.of(pic.height(), pic.width(), window).withImageLayout(settings.layout());
            Tensor input = pic.tensor(type, settings.layout());
            long t0 = System.nanoTime();
            Tensor cols = unfold.apply(input, backend);
            unfoldNs = System.nanoTime() - t0;
            if (op != TileOp.none) {
                long t1 = System.nanoTime();
                cols = apply(op, cols, pic.channels(), window);
                opNs = System.nanoTime() - t1;
            }
            long t2 = System.nanoTime();
            Tensor folded = combine.apply(fold).apply(cols, backend);
            foldNs = System.nanoTime() - t2;
            result = Picture.of(folded, settings.layout());
            double[] values = Picture.channelsFirst(folded, settings.layout());
            got = k -> values[k];
        } else {
            // Note [bounded pieces]: each band of tile rows is unfolded, processed and folded (sum) on
            // its own, its rows added into the image; the mean divides by the overlap count at the end,
            // as the library's mean does (sum / count, 0 where no tile reaches).
            int c = pic.channels(), h = pic.height(), w = pic.width(), plane = h * w;
            float[] acc32 = type == DType.FLOAT32 ? new float[c * plane] : null;
            double[] acc64 = type == DType.FLOAT64 ? new double[c * plane] : null;
            boolean last = settings.layout() == ImageLayout.CHANNELS_LAST;
            Object array = null;
            try (Progress.Step bar = progress.start("unfold, tile op, fold", g.blocksH())) {
                for (Bands.Band band : bands) {
                    Tensor in = Bands.input(pic, unfold, type, band);
                    Unfold u = Bands.unfold(unfold, band);
                    int n = Math.multiplyExact(band.count() * (int) g.blocksW(), (int) g.rows());
                    if (array == null || java.lang.reflect.Array.getLength(array) != n) {
                        array = null;
                        array = Bands.newArray(type, n);
                    }
                    long[] bandShape = u.geometry(type, in.shape()).columnsShape();
                    Tensor cols = Bands.wrap(array, bandShape);
                    long t0 = System.nanoTime();
                    u.apply(in, cols, backend);
                    long t1 = System.nanoTime();
                    unfoldNs += t1 - t0;
                    if (op != TileOp.none) {
                        int blocks = (int) bandShape[1];
                        if (array instanceof double[] d) {
                            op.apply(d, c, window.kernelH(), window.kernelW(), blocks);
                        } else {
                            op.apply((float[]) array, c, window.kernelH(), window.kernelW(), blocks);
                        }
                    }
                    long t2 = System.nanoTime();
                    opNs += t2 - t1;
                    int rows = Bands.inputRows(window, band.count());
                    Tensor folded = Fold.of(rows, w, u.window()).withImageLayout(settings.layout()).apply(cols, backend);
                    foldNs += System.nanoTime() - t2;
                    int top = band.first() * window.strideH() - window.paddingH();
                    int y0 = Math.max(0, top), y1 = Math.min(h, top + rows);
                    if (acc32 != null) {
                        float[] f = folded.toFloatArray();
                        for (int ch = 0; ch < c; ch++) {
                            for (int y = y0; y < y1; y++) {
                                for (int x = 0; x < w; x++) {
                                    int from = last ? ((y - top) * w + x) * c + ch : (ch * rows + y - top) * w + x;
                                    acc32[ch * plane + y * w + x] += f[from];
                                }
                            }
                        }
                    } else {
                        double[] f = folded.toDoubleArray();
                        for (int ch = 0; ch < c; ch++) {
                            for (int y = y0; y < y1; y++) {
                                for (int x = 0; x < w; x++) {
                                    int from = last ? ((y - top) * w + x) * c + ch : (ch * rows + y - top) * w + x;
                                    acc64[ch * plane + y * w + x] += f[from];
                                }
                            }
                        }
                    }
                    bar.advance(band.count());
                }
            }
            if (mean) {
                for (int k = 0; k < c * plane; k++) {
                    long count = (long) overlap[k % plane];
                    if (acc32 != null) {
                        acc32[k] = count > 0 ? acc32[k] / (float) count : 0f;
                    } else {
                        acc64[k] = count > 0 ? acc64[k] / (double) count : 0d;
                    }
                }
            }
            if (acc32 != null) {
                result = new Picture(acc32, c, h, w);
                got = k -> acc32[k];
            } else {
                float[] f = new float[acc64.length];
                for (int k = 0; k < f.length; k++) {
                    f[k] = (float) acc64[k];
                }
                result = new Picture(f, c, h, w);
                got = k -> acc64[k];
            }
        }
        cmd.say("unfold %s %s %s -> %s (%d tiles of %dx%d, padding mode %s) in %.2f ms%s%s",
                shape(g.imageShape()), type, settings.layout(), shape(shape), shape[1], window.kernelH(),
                window.kernelW(), settings.paddingMode(), unfoldNs / 1e6, timingNote(b), bands.size() == 1 ? ""
                : ", in " + bands.size() + " bands of tile rows, each unfolded, processed and folded in turn");
        if (op != TileOp.none) {
            cmd.say("tile op %s on every tile in %.2f ms (on the host)", op, opNs / 1e6);
        }
        cmd.say("fold (%s) %s -> %s %s in %.2f ms%s", combine.describe(),
                shape(shape), shape(g.imageShape()), type, foldNs / 1e6, timingNote(b));
        float min = Float.MAX_VALUE, max = 0;
        long uncovered = 0;
        for (float v : overlap) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            uncovered += v == 0 ? 1 : 0;
        }
        cmd.say("overlap: every pixel is covered by %d to %d tiles%s", (int) min, (int) max,
                uncovered == 0 ? "" : " (" + uncovered + " pixels by none: the tiles do not reach the edge)");
        double maxError = Double.NaN;
        if (op == TileOp.none) {
            float[] expected = pic.data();
            int plane = overlap.length;
            maxError = 0;
            for (int i = 0; i < expected.length; i++) {
                if (overlap[i % plane] > 0) {
                    double want = mean ? expected[i] : (double) expected[i] * overlap[i % plane];
                    maxError = Math.max(maxError, Math.abs(got.applyAsDouble(i) - want));
                }
            }
            cmd.say("max |reconstruction - %s| = %s%s", mean ? "image" : "image * overlap count",
                    maxError == 0 ? "0 (exact)" : String.format(Locale.ROOT, "%.3g", maxError),
                    uncovered == 0 ? "" : " over the covered pixels");
        }
        Picture image = result;
        Progress.Step writing = progress.start("writing " + (mean ? combine.fileName() : "the PNG files"), 0);
        try {
            write(cmd, files, image, overlap, combine, (int) max, pic, prefix);
        } finally {
            writing.close();
        }
        return new Result(result, overlap, maxError, uncovered);
    }

    /** {@code op} on the tiles of a whole unfold, on the host; a new tensor. */
    private static Tensor apply(TileOp op, Tensor cols, int channels, Window window) {
        long[] g = cols.shape();
        if (cols.dtype() == DType.FLOAT64) {
            double[] data = cols.toDoubleArray();
            op.apply(data, channels, window.kernelH(), window.kernelW(), (int) g[1]);
            return Tensor.of(data, g);
        }
        float[] data = cols.toFloatArray();
        op.apply(data, channels, window.kernelH(), window.kernelW(), (int) g[1]);
        return Tensor.of(data, g);
    }

    /** Writes reconstruction-MODE.png (reconstruction-BLEND.png when weighted), or reconstruction-sum.png and overlap-heatmap.png. */
    private static void write(BaseCommand cmd, OutputFiles files, Picture result, float[] overlap, Combine combine,
                              int max, Picture pic, String prefix) {
        if (!combine.sum()) {
            files.write(prefix + combine.fileName(), f -> ImageFiles.writePng(result, f));
        } else {
            // The sum as is, clipped at 255 when written: where tiles overlap, the pixel counts
            // several times and shows brighter.
            files.write(prefix + "reconstruction-sum.png", f -> ImageFiles.writePng(result, f));
            cmd.say("reconstruction-sum.png: the sum clipped to 0..255, so overlaps show brighter");
            Picture heat = HeatMap.render(overlap, pic.height(), pic.width());
            files.write(prefix + "overlap-heatmap.png", f -> ImageFiles.writePng(heat, f));
            cmd.say("overlap-heatmap.png: overlap count, 0 dark purple to %d yellow (viridis)", max);
        }
    }
}
