package org.unfold4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.unfold4j.Backend;
import org.unfold4j.Fold;
import org.unfold4j.OpenCLBackend;
import org.unfold4j.OpenCLRuntime;
import org.unfold4j.Window;

/**
 * Note [bounded pieces] on small images: the hidden {@code --max-block-bytes} makes every command
 * cut its work into many bands, and the files must equal those of the one-piece run (the library
 * called on the whole image) byte for byte; the product, whose sums may be grouped differently,
 * to within one grey level. And what cannot fit is refused with one line, exit 2, and no files.
 *
 * <p>How these were checked to fail without the code they test: shifting a band's first input
 * row by one (Bands.inputRows, {@code top + i + 1}) fails every banded comparison of patches,
 * reconstruct and filter; making Bands.sourceRow give the edge row for reflect fails the reflect
 * case of patches (reconstruct's fold drops the padding, so it cannot see it); writing each band's
 * columns at {@code r * bandBlocks + first} instead of {@code r * blocks + first} fails the
 * columns-layout patches. The cannot-fit tests, run on the code before this change (commit
 * 6bbeca1): the row of tiles kills the test JVM ("Java heap space"), the file larger than the disk
 * and the band limit fail (output printed first; an unknown option). The commit test fails with
 * the old file-by-file commit (patches.npy, now written first, replaced the older file and stayed).
 */
class BoundedPiecesTest {
    @TempDir
    Path tmp;

    /** A random RGB PNG of {@code w × h}. */
    static Path photo(Path dir, String name, int w, int h, long seed) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        Path file = dir.resolve(name);
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    /**
     * Runs {@code args} twice, whole and with {@code --max-block-bytes limit} (chosen for each
     * case so that the run takes at least three bands), into two directories.
     */
    private Path[] both(String backend, String limit, String... args) {
        Path whole = tmp.resolve("whole-" + System.nanoTime()), banded = tmp.resolve("banded-" + System.nanoTime());
        Cli.Run a = run(backend, whole, args);
        assertFalse(a.out().contains(" bands "), "the whole run is one piece:\n" + a.out());
        List<String> more = new ArrayList<>(Arrays.asList(args));
        more.add("--max-block-bytes");
        more.add(limit);
        Cli.Run b = run(backend, banded, more.toArray(new String[0]));
        Matcher m = Pattern.compile("in (\\d+) bands").matcher(b.out());
        assertTrue(m.find() && Integer.parseInt(m.group(1)) >= 3, "the banded run takes several bands:\n" + b.out());
        return new Path[] {whole, banded};
    }

    /** The weighted and max folds cannot be summed band by band: a reconstruct that needs bands says so, exit code 2, no files. */
    @org.junit.jupiter.api.Test
    void blendedReconstructionsRefuseBands() throws IOException {
        for (String mode : List.of("--blend=gaussian", "--mode=max")) {
            Path out = tmp.resolve("refused-" + mode.substring(2, 6));
            Cli.Run r = Cli.run("reconstruct", "--kernel", "48", "--stride", "40", mode, "--max-block-bytes", "3000000",
                    "--out", out.toString());
            assertEquals(2, r.code(), r.out() + r.err());
            assertTrue(r.err().contains("folds all tiles at once"), r.err());
            assertFalse(Files.exists(out) && Cli.names(out).size() > 0, "no files");
        }
    }

    private static Cli.Run run(String backend, Path out, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--backend", backend, "--out", out.toString()));
        Cli.Run r = Cli.run(all.toArray(new String[0])).expectSuccess();
        assertEquals("", r.err(), "no progress bars when standard error is not a terminal");
        return r;
    }

    private static void assertSameFiles(Path a, Path b, String what) throws IOException {
        assertEquals(Cli.names(a), Cli.names(b), what);
        for (String name : Cli.names(a)) {
            assertArrayEquals(Files.readAllBytes(a.resolve(name)), Files.readAllBytes(b.resolve(name)),
                    what + ": " + name);
        }
    }

    static List<String> backends() {
        return Cli.backends().toList();
    }

    @ParameterizedTest
    @MethodSource("backends")
    void patchesInBandsWriteTheSameFiles(String backend) throws IOException {
        Cli.assumeBackend(backend);
        Path image = photo(tmp, "p.png", 41, 53, 1);
        String[][] cases = {
            {"30000", "--kernel", "5", "--stride", "2", "--padding", "3"},
            {"8000", "--kernel", "4,3", "--stride", "1,2", "--padding", "2,1", "--dilation", "2,1", "--padding-mode",
                "reflect", "--dtype", "uint8", "--layout", "nhwc", "--output-layout", "patches"},
            {"40000", "--kernel", "3", "--stride", "3,1", "--padding", "4", "--padding-mode", "circular", "--dtype",
                "float64", "--layout", "nhwc"},
            {"30000", "--kernel", "2,5", "--padding", "3,2", "--padding-mode", "replicate", "--dtype", "int32",
                "--output-layout", "patches"},
            {"30000", "--kernel", "6", "--stride", "2", "--padding", "5", "--padding-mode", "reflect"},
        };
        for (String[] c : cases) {
            if (backend.equals("opencl") && Arrays.asList(c).contains("float64") && !fp64()) {
                continue; // refused with one line on such devices: BadInputTest
            }
            List<String> args = new ArrayList<>(List.of("patches", image.toString()));
            args.addAll(Arrays.asList(c).subList(1, c.length));
            Path[] dirs = both(backend, c[0], args.toArray(new String[0]));
            assertSameFiles(dirs[0], dirs[1], String.join(" ", c));
        }
    }

    private static boolean fp64() {
        try (OpenCLBackend cl = OpenCLBackend.create(OpenCLRuntime.get().select(null))) {
            return cl.device().fp64();
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void reconstructInBandsWritesTheSameFiles(String backend) throws IOException {
        Cli.assumeBackend(backend);
        Path image = photo(tmp, "r.png", 47, 38, 2);
        String[][] exact = {
            {"30000", "--kernel", "8", "--stride", "4", "--mode", "sum"},
            {"30000", "--kernel", "8", "--stride", "5", "--mode", "mean"},
            {"100000", "--kernel", "6,7", "--stride", "3,2", "--padding", "3", "--padding-mode", "reflect", "--mode", "mean",
                "--tile-op", "invert", "--layout", "nhwc"},
            {"80000", "--kernel", "9", "--stride", "4", "--padding", "2", "--padding-mode", "circular", "--mode", "sum",
                "--dtype", "float64"},
            {"30000", "--kernel", "5", "--stride", "3", "--dilation", "2,1", "--padding", "1", "--mode", "sum"},
        };
        for (String[] c : exact) {
            if (backend.equals("opencl") && Arrays.asList(c).contains("float64") && !fp64()) {
                continue;
            }
            List<String> args = new ArrayList<>(List.of("reconstruct", image.toString()));
            args.addAll(Arrays.asList(c).subList(1, c.length));
            Path[] dirs = both(backend, c[0], args.toArray(new String[0]));
            assertSameFiles(dirs[0], dirs[1], String.join(" ", c));
        }
        // The blur's sums are not integers: grouped by band they may round to another grey level.
        Path[] dirs = both(backend, "100000", "reconstruct", image.toString(), "--kernel", "8", "--stride", "3", "--mode",
                "mean", "--tile-op", "blur", "--padding", "2", "--padding-mode", "replicate");
        assertClose(dirs[0].resolve("reconstruction-mean.png"), dirs[1].resolve("reconstruction-mean.png"), 1);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void filterInBandsMatchesTheWholeProduct(String backend) throws IOException {
        Cli.assumeBackend(backend);
        Path image = photo(tmp, "f.png", 45, 37, 3);
        for (String kind : List.of("gaussian", "sobel-x")) {
            Path[] dirs = both(backend, "30000", "filter", image.toString(), "--kind", kind, "--size", "5");
            assertClose(dirs[0].resolve("filtered-" + kind + ".png"), dirs[1].resolve("filtered-" + kind + ".png"), 1);
        }
    }

    @ParameterizedTest
    @MethodSource("backends")
    void demoInBandsWritesTheSameFiles(String backend) throws IOException {
        Cli.assumeBackend(backend);
        Path image = photo(tmp, "d.png", 170, 450, 4);
        Path[] dirs = both(backend, "600000", "demo", image.toString());
        for (String name : Cli.names(dirs[0])) {
            if (name.startsWith("filtered-")) {
                assertClose(dirs[0].resolve(name), dirs[1].resolve(name), 1);
            } else {
                assertArrayEquals(Files.readAllBytes(dirs[0].resolve(name)), Files.readAllBytes(dirs[1].resolve(name)),
                        name);
            }
        }
    }

    /** Two PNGs of the same size whose samples differ by at most {@code tolerance}. */
    static void assertClose(Path a, Path b, int tolerance) throws IOException {
        BufferedImage x = ImageIO.read(a.toFile()), y = ImageIO.read(b.toFile());
        assertEquals(x.getWidth(), y.getWidth());
        assertEquals(x.getHeight(), y.getHeight());
        for (int j = 0; j < x.getHeight(); j++) {
            for (int i = 0; i < x.getWidth(); i++) {
                int p = x.getRGB(i, j), q = y.getRGB(i, j);
                for (int s = 0; s < 24; s += 8) {
                    if (Math.abs((p >> s & 0xff) - (q >> s & 0xff)) > tolerance) {
                        fail(a.getFileName() + " differs at (" + i + ", " + j + "): " + Integer.toHexString(p) + " vs "
                                + Integer.toHexString(q));
                    }
                }
            }
        }
    }

    @Test
    void overlapCountsWithoutUnfolding() {
        Window[] windows = {new Window(3, 4, 1, 2, 2, 1, 2, 3), new Window(5, 5, 1, 1, 0, 0, 5, 5),
            new Window(2, 7, 3, 1, 4, 3, 1, 2)};
        for (Window w : windows) {
            float[] want = Overlap.count(Fold.of(19, 23, w), Backend.java());
            assertArrayEquals(want, Overlap.separable(19, 23, w), w.toString());
        }
    }

    @Test
    void bandsCoverEveryRowOnce() {
        List<Bands.Band> bands = Bands.split(10, 3);
        assertEquals(List.of(new Bands.Band(0, 3, false), new Bands.Band(3, 3, false), new Bands.Band(6, 3, false),
                new Bands.Band(9, 1, false)), bands);
        assertEquals(List.of(new Bands.Band(0, 10, true)), Bands.split(10, 10));
    }

    // ---- what cannot fit: one line, exit 2, no files ----

    @Test
    void aRowOfTilesLargerThanTheHeapIsRefusedInOneLine() throws IOException {
        // One row of 20001 tiles of 4 x 10000 float64 values is 6.4 GB at once, more than half of
        // any test JVM's free heap: the row is the smallest piece, so it is refused before any work.
        Path image = grayPng(tmp, "wide.png", 30000, 4);
        Path out = tmp.resolve("out-heap");
        String line = Cli.assertOneLineError(Cli.run("reconstruct", image.toString(), "--kernel", "4,10000",
                "--stride", "1", "--dtype", "float64", "--backend", "java", "--out", out.toString()));
        assertTrue(line.startsWith("unfold4j reconstruct: one row of 20001 tiles of 40000 float64 values needs 6.0 GB at once"),
                line);
        assertTrue(line.contains("Java heap") && line.contains("-Xmx"), line);
        assertFalse(Files.exists(out), "no output directory left");
    }

    @Test
    void patchesLargerThanTheDiskAreRefusedInOneLine() throws IOException {
        // 1,000,000 rows x 1,002,001 windows of float64: 7.3 TB, more than the disk of any test machine.
        Path image = grayPng(tmp, "square.png", 2000, 2000);
        Path out = tmp.resolve("out-disk");
        long free = Files.getFileStore(tmp).getUsableSpace();
        assertTrue(free < 8_000_000_000_000L, "this test needs a disk with less than 8 TB free, not " + free);
        String line = Cli.assertOneLineError(Cli.run("patches", image.toString(), "--kernel", "1000", "--dtype",
                "float64", "--backend", "java", "--out", out.toString()));
        assertTrue(line.startsWith("unfold4j patches: patches.npy [1000000, 1002001] float64 would need 7.3 TB of disk, but only "),
                line);
        assertFalse(Files.exists(out), "no output directory left");
    }

    @ParameterizedTest
    @MethodSource("backends")
    void aRowBeyondTheBandLimitIsRefusedInOneLine(String backend) throws IOException {
        Cli.assumeBackend(backend);
        Path image = photo(tmp, "small.png", 60, 50, 5);
        for (String[] args : new String[][] {
            {"filter", image.toString()},
            {"patches", image.toString(), "--kernel", "5"},
            {"reconstruct", image.toString(), "--kernel", "5"},
            {"demo", image.toString()}}) {
            Path out = tmp.resolve("out-" + args[0]);
            List<String> all = new ArrayList<>(Arrays.asList(args));
            all.addAll(List.of("--max-block-bytes", "100", "--backend", backend, "--out", out.toString()));
            String line = Cli.assertOneLineError(Cli.run(all.toArray(new String[0])));
            assertTrue(line.contains("at once") && line.contains("more than the --max-block-bytes limit (100 B)"), line);
            assertFalse(Files.exists(out), args[0] + ": no output directory left");
        }
    }

    static Path grayPng(Path dir, String name, int w, int h) throws IOException {
        Path file = dir.resolve(name);
        ImageIO.write(new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY), "png", file.toFile());
        return file;
    }

    @Test
    void aFailedCommitPutsTheOlderFilesBack() throws IOException {
        Path dir = tmp.resolve("busy");
        Files.createDirectories(dir.resolve("contact-sheet.png"));
        Files.writeString(dir.resolve("patches.npy"), "older");
        Cli.Run r = Cli.run("patches", "--kernel", "16", "--stride", "16", "--out", dir.toString());
        assertEquals(2, r.code(), r.err());
        assertArrayEquals("older".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                Files.readAllBytes(dir.resolve("patches.npy")), "the older patches.npy is back");
        assertEquals(List.of("contact-sheet.png", "patches.npy"), Cli.names(dir), "no temporary files");
    }
}
