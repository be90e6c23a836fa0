package org.unfold4j.cli;

import java.nio.file.Path;
import org.unfold4j.DType;
import org.unfold4j.ImageLayout;
import org.unfold4j.Unfold;
import org.unfold4j.Window;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code unfold4j demo}: the main job on the bundled photograph, in one command. */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Show what unfold and fold do, on the bundled photograph (or IMAGE): unfold it into "
                + "overlapping 48x48 patches (contact sheet and .npy), fold them back (the mean returns the "
                + "image exactly; the sum shows the overlap, drawn as a heat map), filter it with a 5x5 "
                + "Gaussian computed as unfold + matrix product, and stitch tiles that disagree by the mean and "
                + "by a gaussian-weighted fold (blend-mean.png, blend-gaussian.png)."},
        footer = {"", "Example:", "  unfold4j demo --backend opencl"})
final class DemoCommand extends BaseCommand {
    /**
     * The demo's window: 48x48 patches every 40 pixels. They cover the bundled 288x448 photograph
     * exactly (7 x 11 patches), overlapping in 8-pixel bands, so both the mean's exact round trip
     * and the sum's overlap show.
     */
    static final int KERNEL = 48, STRIDE = 40;

    @Parameters(index = "0", arity = "0..1", paramLabel = "IMAGE",
            description = "A PNG, JPEG, GIF, BMP or TIFF file (default: the bundled photograph).")
    Path image;

    @Option(names = "--out", defaultValue = "out/demo", paramLabel = "DIR",
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
        Picture pic = decode(image);
        Window window = Windows.of(new Pair(KERNEL, KERNEL), new Pair(STRIDE, STRIDE), new Pair(0, 0),
                new Pair(1, 1));
        Windows.check(Unfold.of(window), DType.FLOAT32, Bands.imageShape(pic, ImageLayout.CHANNELS_FIRST), pic);
        long start = System.nanoTime();
        float[] gaussian = Filters.kernel(Filters.Kind.gaussian, 5, 0);
        try (ChosenBackend b = backend.open(); OutputFiles files = OutputFiles.open(out)) {
            // Every step's bands are sized before any output (Note [bounded pieces]).
            PatchesCommand.Plan patches = PatchesCommand.plan(this, files, pic, Unfold.of(window), DType.FLOAT32, b);
            int tileRows = ReconstructCommand.plan(this, b, pic, window, TileOp.none,
                    ReconstructCommand.Settings.DEFAULT);
            FilterProduct.Plan filter = FilterProduct.plan(pic, gaussian, b.backend(), run.memory());
            say("unfold4j demo");
            say("backend: %s", b.describe());
            say("image: %s, %s (channels x height x width, values 0..255)",
                    image == null ? "bundled photograph (chelsea.png, CC0)" : display(image), pic.size());
            say("warm-up: %.1f ms%s", b.warmUp(), b.openCLOrNull() == null ? "" : " (builds the OpenCL kernels)");
            say("");
            say("1. patches: unfold with kernel %d, stride %d", KERNEL, STRIDE);
            PatchesCommand.Streamed u = PatchesCommand.unfoldToFiles(this, files, pic, Unfold.of(window), b, patches);
            say("unfold %s -> %s in %.2f ms%s%s: %d x %d windows, each %d values (C*kh*kw)",
                    shape(pic.tensor().shape()), shape(u.geometry().columnsShape()), u.unfoldMs(), timingNote(b),
                    u.bandNote(), u.geometry().blocksH(), u.geometry().blocksW(), u.geometry().rows());
            u.report(this);
            say("");
            say("2. reconstruct: fold the patches back, mean of the overlapping windows");
            ReconstructCommand.reconstruct(this, b, files, pic, window, true, TileOp.none,
                    ReconstructCommand.Settings.DEFAULT, tileRows);
            say("");
            say("3. reconstruct: fold the patches back, sum (what nn.Fold computes)");
            ReconstructCommand.reconstruct(this, b, files, pic, window, false, TileOp.none,
                    ReconstructCommand.Settings.DEFAULT, tileRows);
            say("");
            say("4. filter: 5x5 Gaussian as unfold + matrix product");
            FilterCommand.filter(this, b, files, pic, Filters.Kind.gaussian, gaussian, filter);
            say("");
            say("5. blend: tiles that disagree, stitched by the mean and by a gaussian-weighted mean");
            BlendDemo.run(this, b, files, pic);
            say("");
            sayWritten(files.commit());
            say("done in %.0f ms", millisSince(start));
        }
        return 0;
    }
}
