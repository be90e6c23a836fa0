package org.unfold4j.cli;

import java.nio.file.Path;
import org.unfold4j.Backend;
import org.unfold4j.ColumnGeometry;
import org.unfold4j.Tensor;
import org.unfold4j.Unfold;
import org.unfold4j.Window;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code unfold4j patches}: unfold an image, write a contact sheet and the patch tensor. */
@Command(name = "patches", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"Unfold an image into its sliding windows (nn.Unfold / im2col) and write them as a contact "
                + "sheet PNG (every patch at its grid position, with thin gaps) and as patches.npy, the tensor "
                + "[C*kh*kw, L] in NumPy's format (np.load reads it; float32 values 0-255)."},
        footer = {"", "Example:", "  unfold4j patches --kernel 32 --stride 16 --out out/patches"})
final class PatchesCommand extends BaseCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "IMAGE",
            description = "A PNG, JPEG, GIF or BMP file (default: the bundled photograph).")
    Path image;

    @Option(names = "--kernel", required = true, converter = Pair.Converter.class, paramLabel = "K[,K]",
            description = "Window size: K, or height,width.")
    Pair kernel;

    @Option(names = "--stride", defaultValue = "1", converter = Pair.Converter.class, paramLabel = "S[,S]",
            description = "Step between windows (default: ${DEFAULT-VALUE}).")
    Pair stride;

    @Option(names = "--padding", defaultValue = "0", converter = Pair.Converter.class, paramLabel = "P[,P]",
            description = "Zero padding on each side (default: ${DEFAULT-VALUE}).")
    Pair padding;

    @Option(names = "--dilation", defaultValue = "1", converter = Pair.Converter.class, paramLabel = "D[,D]",
            description = "Spacing between a window's pixels (default: ${DEFAULT-VALUE}).")
    Pair dilation;

    @Option(names = "--out", defaultValue = "out/patches", paramLabel = "DIR",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    BackendOptions backend;

    @Override
    public Integer call() {
        Picture pic = ImageFiles.readOrBundled(image);
        Window window = Windows.of(kernel, stride, padding, dilation, pic);
        try (ChosenBackend b = backend.open(); OutputFiles files = OutputFiles.open(out)) {
            say("backend: %s", b.describe());
            say("image: %s, %s", image == null ? "bundled photograph" : display(image), pic.size());
            say("warm-up: %.1f ms", b.warmUp());
            Unfolded u = unfold(pic, window, b.backend());
            say("unfold %s -> %s in %.2f ms%s", shape(pic.tensor().shape()), shape(u.cols().shape()), u.millis(),
                    timingNote(b));
            say("  %s: %d x %d = %d windows of %d values", window, u.geometry().blocksH(), u.geometry().blocksW(),
                    u.geometry().blocks(), u.geometry().rows());
            writeSheetAndNpy(this, files, u, pic.channels());
            sayWritten(files.commit());
        }
        return 0;
    }

    /** An unfold of one picture: its geometry, result and time. */
    record Unfolded(ColumnGeometry geometry, Tensor cols, double millis) {
    }

    static Unfolded unfold(Picture pic, Window window, Backend backend) {
        Unfold unfold = Unfold.of(window);
        ColumnGeometry g = unfold.geometry(pic.tensor().shape());
        long t0 = System.nanoTime();
        Tensor cols = unfold.apply(pic.tensor(), backend);
        return new Unfolded(g, cols, millisSince(t0));
    }

    /** Writes contact-sheet.png and patches.npy. */
    static void writeSheetAndNpy(BaseCommand cmd, OutputFiles files, Unfolded u, int channels) {
        Window w = u.geometry().window();
        int blocksH = (int) u.geometry().blocksH(), blocksW = (int) u.geometry().blocksW();
        int step = ContactSheet.step(w.kernelH(), w.kernelW(), blocksH, blocksW);
        float[] cols = u.cols().toFloatArray();
        Picture sheet = ContactSheet.render(cols, channels, w.kernelH(), w.kernelW(), blocksH, blocksW, step);
        files.write("contact-sheet.png", f -> ImageFiles.writePng(sheet, f));
        cmd.say("contact sheet: %d x %d pixels%s", sheet.width(), sheet.height(),
                step == 1 ? "" : " (one window in " + step + " along each direction; all of them would be too large)");
        files.write("patches.npy", f -> Npy.write(f, u.cols().shape(), cols));
        cmd.say("patches.npy: float32 %s (np.load reads it)", shape(u.cols().shape()));
    }
}
