package org.unfold4j.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.unfold4j.Backend;
import org.unfold4j.ColumnGeometry;
import org.unfold4j.ColumnLayout;
import org.unfold4j.DType;
import org.unfold4j.ImageLayout;
import org.unfold4j.Npy;
import org.unfold4j.PaddingMode;
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
                + "[C*kh*kw, L] in NumPy's format (np.load reads it with its dtype and shape; values 0-255). "
                + "--padding-mode, --dtype, --layout and --output-layout choose how the padding is read, the "
                + "element type, the image layout and the result's layout; the contact sheet looks the same "
                + "whatever the type and layouts."},
        footer = {"", "Examples:", "  unfold4j patches --kernel 32 --stride 16 --out out/patches",
            "  unfold4j patches --kernel 16 --stride 16 --padding 8 --padding-mode reflect \\",
            "      --dtype uint8 --layout nhwc --output-layout patches"})
final class PatchesCommand extends BaseCommand {
    @Parameters(arity = "0..*", paramLabel = "IMAGE|FOLDER",
            description = "PNG, JPEG, GIF, BMP or TIFF files, or folders of them (walked recursively; see --glob); "
                    + "default: the bundled photograph. One file writes patches.npy and contact-sheet.png; several, "
                    + "or a folder, write one result per image named after its path (sub/a.png.patches.npy, "
                    + "sub/a.png.contact-sheet.png), or with --stack one stacked patches.npy and index.csv.")
    List<Path> images;

    @Mixin
    CollectionOptions collection;

    @Option(names = "--stack", description = "With several images: one patches.npy [sum of L, values per window] "
            + "holding every image's windows, one row per window (as --output-layout patches), and index.csv "
            + "(patch,file,row,col: each row's image and window row and column); every image needs the same "
            + "number of channels (the others are skipped and reported).")
    boolean stack;

    @Option(names = "--no-sheet", description = "Write no contact sheet (only the .npy files).")
    boolean noSheet;

    @Mixin
    WindowOptions windowOptions;

    @Option(names = "--dtype", defaultValue = "float32", paramLabel = "float32|float64|uint8|int32|float16",
            description = "The element type unfolded and written to patches.npy ('<f4', '<f8', '|u1', '<i4', '<f2'); "
                    + "values stay 0-255. uint8 unfolds the 8-bit pixels as bytes, with no conversion to float. "
                    + "bfloat16 is refused: NumPy has no such type. "
                    + "Default: ${DEFAULT-VALUE}.")
    String dtype;

    @Option(names = "--layout", defaultValue = "nchw", paramLabel = "nchw|nhwc",
            description = "The image tensor unfolded: nchw, channels first [C, H, W]; nhwc, channels last "
                    + "[H, W, C] as images store their pixels (Images.toTensor), unfolded directly. "
                    + "Default: ${DEFAULT-VALUE}.")
    String layout;

    @Option(names = "--output-layout", defaultValue = "columns", paramLabel = "columns|patches",
            description = "columns: nn.Unfold's [C*kh*kw, L], one column per window; patches: one row per window, "
                    + "[L, C*kh*kw] (channel, kernel row, kernel column) with --layout nchw or [L, kh*kw*C] "
                    + "(channel fastest, as TensorFlow's extract_patches) with --layout nhwc. "
                    + "Default: ${DEFAULT-VALUE}.")
    String outputLayout;

    @Option(names = "--out", defaultValue = "out/patches", paramLabel = "DIR",
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
        PaddingMode pm = windowOptions.paddingMode();
        DType type = Choices.dtype(dtype);
        ImageLayout imageLayout = Choices.layout(layout);
        ColumnLayout columnLayout = Choices.outputLayout(outputLayout);
        if (Batch.isCollection(images)) {
            return collection(pm, type, imageLayout, columnLayout);
        }
        if (stack) {
            throw new BadInputException("--stack stacks several images: give more than one file, or a folder");
        }
        Path image = images == null || images.isEmpty() ? null : images.get(0);
        Picture pic = decode(image);
        Window window = windowOptions.window(new Pair(1, 1));
        Unfold spec = Unfold.of(window).withPaddingMode(pm).withImageLayout(imageLayout).withColumnLayout(columnLayout);
        // Every check before any output (Note [shape rules in one place]).
        ColumnGeometry g = Windows.check(spec, type, Bands.imageShape(pic, imageLayout), pic);
        try (ChosenBackend b = backend.open()) {
            b.requireSupports(type);
            try (OutputFiles files = OutputFiles.open(out)) {
                Plan plan = plan(this, files, pic, spec, type, b); // before any output
                say("backend: %s", b.describe());
                say("image: %s, %s", image == null ? "bundled photograph" : display(image), pic.size());
                say("warm-up: %.1f ms", b.warmUp());
                Streamed u = unfoldToFiles(this, files, pic, spec, b, plan, "", !noSheet);
                say("unfold %s %s %s -> %s %s %s in %.2f ms%s%s", shape(g.imageShape()), type, imageLayout,
                        shape(g.columnsShape()), type, columnLayout, u.unfoldMs(), timingNote(b), u.bandNote());
                say("  %s, padding mode %s: %d x %d = %d windows of %d values", window, pm, g.blocksH(), g.blocksW(),
                        g.blocks(), g.rows());
                u.report(this);
                files.dropAtCommit("contact-sheet.png"); // an earlier run's, when --no-sheet wrote none
                sayWritten(files.commit());
            }
        }
        return 0;
    }

    /** Several images (Note [collections]): one result per image, or with --stack one stacked array and its index. */
    private int collection(PaddingMode pm, DType type, ImageLayout imageLayout, ColumnLayout columnLayout) {
        if (stack && columnLayout == ColumnLayout.COLUMNS && spec.commandLine().getParseResult()
                .hasMatchedOption("--output-layout")) {
            throw new BadInputException("--stack writes one row per window (--output-layout patches), "
                    + "not --output-layout columns");
        }
        Window window = windowOptions.window(new Pair(1, 1));
        Unfold unfold = Unfold.of(window).withPaddingMode(pm).withImageLayout(imageLayout)
                .withColumnLayout(stack ? ColumnLayout.PATCHES : columnLayout);
        Batch.Items collected = Batch.collect(images, collection.glob, out, collection.force);
        try (ChosenBackend b = backend.open()) {
            b.requireSupports(type);
            say("backend: %s", b.describe());
            if (!stack) {
                return Batch.run(this, collected, out, run.quiet, (item, pic, files, prefix) -> {
                    ColumnGeometry g = Windows.check(unfold, type, Bands.imageShape(pic, imageLayout), pic);
                    Plan plan = plan(this, files, pic, unfold, type, b);
                    unfoldToFiles(this, files, pic, unfold, b, plan, prefix, !noSheet);
                    return pic.size() + " -> " + shape(g.columnsShape()) + " " + type;
                }, files -> { });
            }
            Stacker stacker = new Stacker(type);
            try {
                return Batch.run(this, collected, out, run.quiet, (item, pic, files, prefix) -> {
                    ColumnGeometry g = Windows.check(unfold, type, Bands.imageShape(pic, imageLayout), pic);
                    long first = stacker.add(item.name(), g, pic, unfold, b);
                    if (!noSheet) {
                        int step = ContactSheet.step(window.kernelH(), window.kernelW(), (int) g.blocksH(),
                                (int) g.blocksW());
                        ContactSheet.Canvas canvas = new ContactSheet.Canvas(g, step);
                        canvas.draw(stacker.last, 0, (int) g.blocksH());
                        Picture sheet = canvas.picture();
                        files.write(prefix + "contact-sheet.png", f -> ImageFiles.writePng(sheet, f));
                    }
                    stacker.last = null;
                    return pic.size() + " -> rows " + first + ".." + (first + g.blocks() - 1) + " of patches.npy";
                }, files -> {
                    files.write("patches.npy", stacker::writeNpy);
                    files.write("index.csv", stacker::writeIndex);
                    say("patches.npy: %s [%d, %d], %s (np.load reads it as dtype '%s'); "
                            + "index.csv: patch,file,row,col", type, stacker.patches, stacker.rowLength,
                            layoutNote(unfold.geometry(type, stacker.firstShape)), Npy.descr(type));
                });
            } finally {
                stacker.close();
            }
        }
    }

    /**
     * The stacked array of --stack, built as images come: their windows' values appended to a
     * hidden raw file, their index lines to another; {@link #writeNpy} puts the header (now that
     * the number of windows is known) before the values.
     */
    private static final class Stacker implements AutoCloseable {
        private final DType type;
        private Path raw, index;
        private FileChannel data;
        private BufferedWriter lines;
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        long patches;
        long rowLength = -1;
        long[] firstShape;
        Object last;

        Stacker(DType type) {
            this.type = type;
        }

        /**
         * Unfolds {@code pic} and appends its windows; the array stays in {@link #last} for the sheet.
         *
         * @return the stack's row of the image's first window
         * @throws BadInputException if its windows have another length than the stack's (other channels)
         */
        long add(String name, ColumnGeometry g, Picture pic, Unfold spec, ChosenBackend b) {
            if (rowLength >= 0 && g.rows() != rowLength) {
                throw new BadInputException("its windows have " + g.rows() + " values (" + pic.channels()
                        + " channel" + (pic.channels() == 1 ? "" : "s") + "), the stack's " + rowLength
                        + ": --stack needs images with the same number of channels");
            }
            int n = Math.toIntExact(Math.multiplyExact(g.blocks(), g.rows()));
            Object array = Bands.newArray(type, n);
            Tensor in = Bands.input(pic, spec, type, Bands.split(g.blocksH(), (int) g.blocksH()).get(0));
            spec.apply(in, Bands.wrap(array, g.columnsShape()), b.backend());
            long first = patches;
            try {
                if (data == null) {
                    raw = Files.createTempFile("unfold4j-stack", ".raw");
                    index = Files.createTempFile(raw.getParent(), "unfold4j-stack", ".csv");
                    data = FileChannel.open(raw, StandardOpenOption.WRITE);
                    lines = Files.newBufferedWriter(index, StandardCharsets.UTF_8);
                    lines.write("patch,file,row,col\n");
                }
                for (int done = 0; done < n; ) {
                    int k = Math.min(buffer.capacity() / type.bytes(), n - done);
                    buffer.clear();
                    Bands.put(buffer, array, done, k);
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        data.write(buffer);
                    }
                    done += k;
                }
                String file = csv(name);
                for (long w = 0; w < g.blocks(); w++) {
                    lines.write((first + w) + "," + file + "," + w / g.blocksW() + "," + w % g.blocksW() + "\n");
                }
            } catch (IOException e) {
                throw new BadInputException("cannot write the stacked patches: " + e.getMessage(), e);
            }
            if (rowLength < 0) {
                rowLength = g.rows();
                firstShape = g.imageShape();
            }
            patches += g.blocks();
            last = array;
            return first;
        }

        /** A CSV field: quoted when it holds a comma, quote or line break. */
        static String csv(String s) {
            return s.matches("[^,\"\r\n]*") ? s : "\"" + s.replace("\"", "\"\"") + "\"";
        }

        /** The stack as patches.npy: the raw values, a buffer at a time, appended to the library's .npy writer. */
        void writeNpy(Path f) throws IOException {
            data.force(false);
            try (Npy.Writer npy = Npy.writer(f, type, patches, rowLength); FileChannel from = FileChannel.open(raw)) {
                long size = from.size();
                for (long pos = 0; pos < size; ) {
                    buffer.clear().limit((int) Math.min(buffer.capacity(), size - pos));
                    while (buffer.hasRemaining()) {
                        if (from.read(buffer, pos + buffer.position()) < 0) {
                            throw new IOException("the stacked values' file " + raw + " ended at byte "
                                    + (pos + buffer.position()) + " of " + size);
                        }
                    }
                    buffer.flip();
                    pos += buffer.remaining();
                    npy.append(Tensor.copyOf(buffer, type, buffer.remaining() / type.bytes()));
                }
            }
        }

        void writeIndex(Path f) throws IOException {
            lines.flush();
            Files.copy(index, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }

        @Override
        public void close() {
            try {
                if (data != null) {
                    data.close();
                    lines.close();
                }
            } catch (IOException ignored) {
                // The temporary files go below either way.
            }
            for (Path p : new Path[] {raw, index}) {
                try {
                    if (p != null) {
                        Files.deleteIfExists(p);
                    }
                } catch (IOException ignored) {
                    // Best effort: a file in the temporary folder.
                }
            }
        }
    }

    /** What {@link #unfoldToFiles} did: the geometry, the unfold's milliseconds, the bands, the sheet's step. */
    record Streamed(ColumnGeometry geometry, double unfoldMs, int bands, int sheetW, int sheetH, int step,
                    boolean sheet) {
        /** ", in 12 bands of rows of windows" when banded. */
        String bandNote() {
            return bands == 1 ? "" : ", in " + bands + " bands of rows of windows";
        }

        /** The lines about the two files. */
        void report(BaseCommand cmd) {
            if (sheet) {
                cmd.say("contact sheet: %d x %d pixels%s", sheetW, sheetH, step == 1 ? ""
                        : " (one window in " + step + " along each direction; all of them would be too large)");
            }
            cmd.say("patches.npy: %s %s, %s (np.load reads it as dtype '%s')", geometry.dtype(),
                    shape(geometry.columnsShape()), layoutNote(geometry), Npy.descr(geometry.dtype()));
        }
    }

    /** The bands of an unfold to files: its geometry and rows of windows per band. */
    record Plan(ColumnGeometry geometry, int rowsPerBand) {
    }

    /**
     * Sizes the bands of {@link #unfoldToFiles} before anything is printed or written (Note
     * [bounded pieces]).
     *
     * @throws BadInputException if patches.npy does not fit on the output directory's disk, or one
     *     row of windows does not fit in memory (host or device)
     */
    static Plan plan(BaseCommand cmd, OutputFiles files, Picture pic, Unfold spec, DType type, ChosenBackend b) {
        ColumnGeometry g = spec.geometry(type, Bands.imageShape(pic, spec.imageLayout()));
        long[] shape = g.columnsShape();
        long npyBytes = Npy.fileSize(type, shape);
        long free = OutputFiles.usableSpace(files.dir());
        if (npyBytes > free) {
            throw new BadInputException("patches.npy " + shape(shape) + " " + type + " would need "
                    + Memory.bytes(npyBytes) + " of disk, but only " + Memory.bytes(free) + " are free in "
                    + display(files.dir()));
        }
        long rowBytes = Bands.bytesPerRow(g, type, pic.channels(), pic.width());
        String what = "one row of " + g.blocksW() + " windows of " + g.rows() + " " + type + " values";
        int perBand = cmd.runOptions().memory().rowsPerBand(rowBytes, g.rows() * g.blocksW(), g.blocksH(), what);
        return new Plan(g, b.deviceRowsPerBand(perBand, g.rows() * g.blocksW() * type.bytes(), rowBytes, what));
    }

    /**
     * Unfolds {@code pic} as {@code spec} says, in the bands of {@code plan} (Note [bounded
     * pieces]), writing each band's part of patches.npy as it comes (so the array may exceed 2^31
     * elements) and drawing its windows on the contact sheet; then writes contact-sheet.png.
     */
    static Streamed unfoldToFiles(BaseCommand cmd, OutputFiles files, Picture pic, Unfold spec, ChosenBackend b,
                                  Plan plan) {
        return unfoldToFiles(cmd, files, pic, spec, b, plan, "", true);
    }

    /**
     * As {@link #unfoldToFiles(BaseCommand, OutputFiles, Picture, Unfold, ChosenBackend, Plan)}, the
     * files named {@code prefix + "patches.npy"} and {@code prefix + "contact-sheet.png"}, the
     * sheet only when {@code sheet} (it is still drawn: its size goes into the report).
     */
    static Streamed unfoldToFiles(BaseCommand cmd, OutputFiles files, Picture pic, Unfold spec, ChosenBackend b,
                                  Plan plan, String prefix, boolean sheet) {
        Progress progress = cmd.runOptions().progress();
        ColumnGeometry g = plan.geometry();
        DType type = g.dtype();
        long[] shape = g.columnsShape();
        int perBand = plan.rowsPerBand();
        Window w = g.window();
        int step = ContactSheet.step(w.kernelH(), w.kernelW(), (int) g.blocksH(), (int) g.blocksW());
        ContactSheet.Canvas canvas = new ContactSheet.Canvas(g, step);
        java.util.List<Bands.Band> bands = Bands.split(g.blocksH(), perBand);
        long[] unfoldNanos = {0};
        long rows = g.rows(), blocks = g.blocks(), blocksW = g.blocksW();
        boolean columns = g.columnLayout() == ColumnLayout.COLUMNS;
        files.write(prefix + "patches.npy", f -> {
            try (Npy.Writer npy = Npy.writer(f, type, shape);
                 Progress.Step bar = progress.start("unfold, patches.npy", g.blocksH())) {
                Object array = null;
                for (Bands.Band band : bands) {
                    Tensor in = Bands.input(pic, spec, type, band);
                    Unfold u = Bands.unfold(spec, band);
                    int bandBlocks = (int) (band.count() * blocksW);
                    int n = Math.multiplyExact(bandBlocks, (int) rows);
                    if (array == null || java.lang.reflect.Array.getLength(array) != n) {
                        array = null; // the previous band's array can go before the next is made
                        array = Bands.newArray(type, n);
                    }
                    long t0 = System.nanoTime();
                    Tensor cols = Bands.wrap(array, u.geometry(type, in.shape()).columnsShape());
                    u.apply(in, cols, b.backend());
                    unfoldNanos[0] += System.nanoTime() - t0;
                    canvas.draw(array, band.first(), band.count());
                    long first = band.first() * blocksW;
                    if (columns) { // each row of the band's columns is a run of the file's row
                        for (int r = 0; r < rows; r++) {
                            npy.write(r * blocks + first, cols, (long) r * bandBlocks, bandBlocks);
                        }
                    } else {
                        npy.write(first * rows, cols);
                    }
                    bar.advance(band.count());
                }
            }
        });
        Picture picture = canvas.picture();
        if (sheet) {
            Progress.Step writing = progress.start("contact-sheet.png", 0);
            try {
                files.write(prefix + "contact-sheet.png", f -> ImageFiles.writePng(picture, f));
            } finally {
                writing.close();
            }
        }
        return new Streamed(g, unfoldNanos[0] / 1e6, bands.size(), picture.width(), picture.height(), step, sheet);
    }

    /** An unfold of one picture: its geometry, result and time. */
    record Unfolded(ColumnGeometry geometry, Tensor cols, double millis) {
    }

    /** The default unfold ({@code [C, H, W]} float32, zero padding, columns) of {@code pic}. */
    static Unfolded unfold(Picture pic, Window window, Backend backend) {
        return unfold(pic.tensor(), Unfold.of(window), backend);
    }

    /** {@code spec} applied to one unbatched image, timed. */
    static Unfolded unfold(Tensor input, Unfold spec, Backend backend) {
        ColumnGeometry g = spec.geometry(input.dtype(), input.shape());
        long t0 = System.nanoTime();
        Tensor cols = spec.apply(input, backend);
        return new Unfolded(g, cols, millisSince(t0));
    }

    /** What the rows or columns of the result hold, for the report. */
    static String layoutNote(ColumnGeometry g) {
        if (g.columnLayout() == ColumnLayout.COLUMNS) {
            return "one column per window, rows channel, kernel row, kernel column";
        }
        return g.imageLayout() == ImageLayout.CHANNELS_LAST
                ? "one row per window, kernel row, kernel column, channel (channel fastest)"
                : "one row per window, channel, kernel row, kernel column";
    }
}
