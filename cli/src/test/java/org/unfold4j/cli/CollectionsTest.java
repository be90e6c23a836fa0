package org.unfold4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code patches} and {@code reconstruct} on collections (Note [collections]): a generated folder
 * of 20 files (RGB PNG and JPEG, 8-bit gray, 16-bit gray, in subfolders, two {@code rgb0.png} in
 * different folders, a corrupt PNG and a text file), the stacked mode and its index, --no-sheet,
 * --glob, the rerun policy (Note [collections refuse a used folder]) and typo suggestions.
 */
class CollectionsTest {
    @TempDir
    Path tmp;

    Path images;

    /** The readable images' relative names and their [C, H, W]. */
    final Map<String, int[]> readable = new TreeMap<>();

    @BeforeEach
    void makeTheFolder() throws IOException {
        images = tmp.resolve("images");
        for (int i = 0; i < 5; i++) {
            write("rgb" + i + ".png", rgb(13 + i, 17 + 2 * i, i), "png", 3);
        }
        for (int i = 0; i < 3; i++) {
            write("photo" + i + ".jpg", rgb(16 + i, 20, 7 + i), "jpg", 3);
        }
        for (int i = 0; i < 4; i++) {
            write("sub/gray" + i + ".png", gray(BufferedImage.TYPE_BYTE_GRAY, 12 + i, 15, i), "png", 1);
        }
        for (int i = 0; i < 3; i++) {
            write("sub/deep16/g16_" + i + ".png", gray(BufferedImage.TYPE_USHORT_GRAY, 14, 12 + i, i), "png", 1);
        }
        write("other/rgb0.png", rgb(20, 20, 9), "png", 3); // the same name as ./rgb0.png
        write("other/photo.jpg", rgb(18, 14, 10), "jpg", 3);
        write("other/gray.png", gray(BufferedImage.TYPE_BYTE_GRAY, 9, 9, 3), "png", 1);
        byte[] png = Files.readAllBytes(images.resolve("rgb1.png"));
        Files.write(images.resolve("broken.png"), Arrays.copyOf(png, 60)); // a PNG cut off after its header
        Files.writeString(images.resolve("notes.txt"), "not an image\n");
        try (Stream<Path> all = Files.walk(images)) {
            assertEquals(20, all.filter(Files::isRegularFile).count());
        }
    }

    private void write(String name, BufferedImage image, String format, int channels) throws IOException {
        Path file = images.resolve(name);
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(image, format, file.toFile()), format);
        readable.put(name, new int[] {channels, image.getHeight(), image.getWidth()});
    }

    private static BufferedImage rgb(int h, int w, int seed) {
        BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                im.setRGB(x, y, ((x * 11 + seed * 40) & 255) << 16 | ((y * 13 + seed) & 255) << 8 | (x * y + seed) & 255);
            }
        }
        return im;
    }

    private static BufferedImage gray(int type, int h, int w, int seed) {
        BufferedImage im = new BufferedImage(w, h, type);
        int max = type == BufferedImage.TYPE_USHORT_GRAY ? 65535 : 255;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                im.getRaster().setSample(x, y, 0, (x * 977 + y * 331 + seed * 101) % (max + 1));
            }
        }
        return im;
    }

    /** The descr and shape of an .npy file's header, and where its data starts. */
    record Header(String descr, long[] shape, int dataStart) {
    }

    static Header header(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        assertEquals("NUMPY", new String(b, 1, 5, StandardCharsets.US_ASCII));
        int len = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        String text = new String(b, 10, len, StandardCharsets.US_ASCII);
        Matcher m = Pattern.compile("\\{'descr': '([^']+)', 'fortran_order': False, 'shape': \\(([0-9, ]+)\\), \\}")
                .matcher(text.strip());
        assertTrue(m.matches(), text);
        long[] shape = Arrays.stream(m.group(2).split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .mapToLong(Long::parseLong).toArray();
        return new Header(m.group(1), shape, 10 + len);
    }

    static byte[] data(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        return Arrays.copyOfRange(b, header(file).dataStart(), b.length);
    }

    /** Every regular file under {@code dir}, relative, sorted. */
    static List<String> files(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/')).sorted()
                    .toList();
        }
    }

    private static long windows(int size, int k, int s) {
        return (size - k) / s + 1;
    }

    @Test
    void aFolderGivesOneResultPerReadableImageAndReportsTheCorruptOneOnce() throws IOException {
        Path out = tmp.resolve("out");
        Cli.Run r = Cli.run("patches", images.toString(), "--kernel", "4", "--stride", "3", "--dtype", "uint8",
                "--backend", "java", "--out", out.toString());
        assertEquals(Main.EXIT_PARTIAL, r.code(), r.err());
        // Each skipped file once, with its reason; the text file is not an image extension, so not taken.
        assertEquals(1, r.err().split("broken.png", -1).length - 1, r.err());
        assertTrue(r.err().contains("skipped 1 file:"), r.err());
        assertFalse(r.err().contains("notes.txt"), r.err());
        assertTrue(r.out().contains("18 of 19 images processed"), r.out());
        List<String> expected = new ArrayList<>();
        for (String name : readable.keySet()) {
            expected.add(name + ".contact-sheet.png");
            expected.add(name + ".patches.npy");
        }
        assertEquals(expected.stream().sorted().toList(), files(out));
        for (Map.Entry<String, int[]> e : readable.entrySet()) {
            int[] chw = e.getValue();
            Header h = header(out.resolve(e.getKey() + ".patches.npy"));
            assertEquals("|u1", h.descr(), e.getKey());
            assertArrayEquals(new long[] {chw[0] * 16L, windows(chw[1], 4, 3) * windows(chw[2], 4, 3)}, h.shape(),
                    e.getKey());
        }
        // The same bytes as the single-image command: the 16-bit gray one, and one of the two rgb0.png.
        for (String name : List.of("sub/deep16/g16_1.png", "other/rgb0.png")) {
            Path single = tmp.resolve("single").resolve(name);
            Cli.run("patches", images.resolve(name).toString(), "--kernel", "4", "--stride", "3", "--dtype", "uint8",
                    "--backend", "java", "--out", single.toString()).expectSuccess();
            assertArrayEquals(Files.readAllBytes(single.resolve("patches.npy")),
                    Files.readAllBytes(out.resolve(name + ".patches.npy")), name);
            assertArrayEquals(Files.readAllBytes(single.resolve("contact-sheet.png")),
                    Files.readAllBytes(out.resolve(name + ".contact-sheet.png")), name);
        }
    }

    @Test
    void aNonImageNamedByTheGlobIsReportedToo() throws IOException {
        Path out = tmp.resolve("out");
        Cli.Run r = Cli.run("patches", images.toString(), "--glob", "*", "--kernel", "4", "--no-sheet", "--quiet",
                "--backend", "java", "--out", out.toString());
        assertEquals(Main.EXIT_PARTIAL, r.code(), r.err());
        assertTrue(r.err().contains("skipped 2 files:"), r.err());
        assertEquals(1, r.err().split("notes.txt", -1).length - 1, r.err());
        assertEquals(1, r.err().split("broken.png", -1).length - 1, r.err());
        // --quiet: no line per image, the summary still.
        assertFalse(r.out().contains("rgb0.png:"), r.out());
        assertTrue(r.out().contains("18 of 20 images processed"), r.out());
        // --no-sheet: the arrays only.
        List<String> got = files(out);
        assertEquals(18, got.size(), got.toString());
        assertTrue(got.stream().allMatch(n -> n.endsWith(".patches.npy")), got.toString());
    }

    @Test
    void theGlobFilters() throws IOException {
        Path out = tmp.resolve("out");
        Cli.Run r = Cli.run("patches", images.toString(), "--glob", "*.jpg", "--kernel", "4", "--backend", "java",
                "--no-sheet", "--out", out.toString()).expectSuccess();
        assertEquals(List.of("other/photo.jpg.patches.npy", "photo0.jpg.patches.npy", "photo1.jpg.patches.npy",
                "photo2.jpg.patches.npy"), files(out), r.out());
        assertEquals("", r.err());
        assertTrue(r.out().contains("4 of 4 images processed"), r.out());
        Cli.Run none = Cli.run("patches", images.toString(), "--glob", "*.webp", "--kernel", "4", "--backend", "java", "--out",
                tmp.resolve("none").toString());
        assertTrue(Cli.assertOneLineError(none).contains("no file in it matched --glob '*.webp'"), none.err());
    }

    @Test
    void severalFilesAndFoldersKeepTheirRelativePaths() throws IOException {
        Path out = tmp.resolve("out");
        Cli.run("patches", images.resolve("rgb0.png").toString(), images.resolve("other").toString(),
                images.resolve("rgb0.png").toString(), "--kernel", "4", "--backend", "java", "--no-sheet",
                "--out", out.toString()).expectSuccess();
        assertEquals(List.of("other/gray.png.patches.npy", "other/photo.jpg.patches.npy",
                "other/rgb0.png.patches.npy", "rgb0.png.patches.npy"), files(out));
    }

    @Test
    void stackedPatchesAndTheirIndex() throws IOException {
        Path out = tmp.resolve("out");
        // Two RGB images and one gray: the gray one has other windows, so it is skipped and reported.
        Cli.Run r = Cli.run("patches", images.resolve("rgb2.png").toString(), images.resolve("other").toString(),
                "--stack", "--kernel", "4", "--stride", "2,3", "--backend", "java", "--out", out.toString());
        assertEquals(Main.EXIT_PARTIAL, r.code(), r.err());
        assertTrue(r.err().contains("other/gray.png: its windows have 16 values (1 channel), the stack's 48"),
                r.err());
        List<String> stacked = List.of("rgb2.png", "other/photo.jpg", "other/rgb0.png"); // in the inputs' order
        List<String> expected = new ArrayList<>(List.of("index.csv", "patches.npy"));
        stacked.forEach(n -> expected.add(n + ".contact-sheet.png"));
        assertEquals(expected.stream().sorted().toList(), files(out));
        Header h = header(out.resolve("patches.npy"));
        assertEquals("<f4", h.descr());
        List<String> index = Files.readAllLines(out.resolve("index.csv"));
        assertEquals("patch,file,row,col", index.get(0));
        assertEquals(h.shape()[0], index.size() - 1);
        assertEquals(48, h.shape()[1]);
        byte[] all = data(out.resolve("patches.npy"));
        int row = 0;
        for (String name : stacked) {
            int[] chw = readable.get(name);
            long bh = windows(chw[1], 4, 2), bw = windows(chw[2], 4, 3);
            for (long w = 0; w < bh * bw; w++, row++) {
                assertEquals(row + "," + name + "," + w / bw + "," + w % bw, index.get(row + 1));
            }
            // The image's rows are its one-row-per-window unfold, as the single-image command writes it.
            Path single = tmp.resolve("single").resolve(name);
            Cli.run("patches", images.resolve(name).toString(), "--kernel", "4", "--stride", "2,3",
                    "--output-layout", "patches", "--backend", "java", "--out", single.toString()).expectSuccess();
            byte[] one = data(single.resolve("patches.npy"));
            int from = (row - (int) (bh * bw)) * 48 * 4;
            assertArrayEquals(one, Arrays.copyOfRange(all, from, from + one.length), name);
        }
        assertEquals(h.shape()[0], row);
        assertFalse(Files.list(out).anyMatch(p -> p.getFileName().toString().startsWith(".")), "no leftovers");
    }

    @Test
    void aRerunRefusesAUsedFolderUnlessForced() throws IOException {
        Path out = tmp.resolve("out");
        String[] args = {"patches", images.toString(), "--glob", "rgb*.png", "--kernel", "4", "--backend", "java",
            "--out", out.toString()};
        Cli.run(args).expectSuccess();
        List<String> first = files(out);
        assertEquals(12, first.size(), first.toString()); // rgb0..4 and other/rgb0, each an array and a sheet
        Files.writeString(out.resolve("mine.txt"), "the user's");
        Cli.Run again = Cli.run(args);
        assertTrue(Cli.assertOneLineError(again).contains("is not empty"), again.err());
        List<String> withForce = new ArrayList<>(List.of(args));
        withForce.add("--force");
        withForce.add("--no-sheet");
        Cli.run(withForce.toArray(String[]::new)).expectSuccess();
        List<String> after = new ArrayList<>(first);
        after.add("mine.txt");
        assertEquals(after.stream().sorted().toList(), files(out), "same names replaced, other files left");
    }

    @Test
    void aSingleImageRerunLeavesOnlyItsOwnFiles() throws IOException {
        Path out = tmp.resolve("one");
        String image = images.resolve("rgb1.png").toString();
        Cli.run("patches", image, "--kernel", "4", "--backend", "java", "--out", out.toString()).expectSuccess();
        assertEquals(List.of("contact-sheet.png", "patches.npy"), files(out));
        Cli.Run r = Cli.run("patches", image, "--kernel", "4", "--no-sheet", "--backend", "java", "--out",
                out.toString()).expectSuccess();
        assertEquals(List.of("patches.npy"), files(out), "--no-sheet: the earlier sheet is gone");
        assertFalse(r.out().contains("contact sheet:"), r.out());
        Path rec = tmp.resolve("rec");
        Cli.run("reconstruct", image, "--kernel", "4", "--stride", "2", "--mode", "sum", "--backend", "java",
                "--out", rec.toString()).expectSuccess();
        assertEquals(List.of("overlap-heatmap.png", "reconstruction-sum.png"), files(rec));
        Cli.run("reconstruct", image, "--kernel", "4", "--backend", "java", "--out", rec.toString()).expectSuccess();
        assertEquals(List.of("reconstruction-mean.png"), files(rec), "the sum's files are gone");
    }

    @Test
    void noReadableImageIsAUsageErrorAndLeavesNothing() throws IOException {
        Path bad = tmp.resolve("bad");
        Files.createDirectories(bad.resolve("x"));
        Files.copy(images.resolve("broken.png"), bad.resolve("x/broken.png"));
        Path out = tmp.resolve("out");
        Cli.Run r = Cli.run("patches", bad.toString(), tmp.resolve("missing").toString(), "--kernel", "4", "--backend", "java",
                "--out", out.toString());
        assertEquals(Main.EXIT_USAGE, r.code(), r.err());
        assertTrue(r.err().contains("x/broken.png: "), r.err());
        assertTrue(r.err().contains("no such file or folder"), r.err());
        assertTrue(r.err().contains("no image could be processed"), r.err());
        assertFalse(Files.exists(out), "nothing left behind");
    }

    @Test
    void reconstructOnAFolder() throws IOException {
        Path out = tmp.resolve("out");
        Cli.Run r = Cli.run("reconstruct", images.toString(), "--kernel", "4", "--stride", "1", "--backend", "java",
                "--out", out.toString());
        assertEquals(Main.EXIT_PARTIAL, r.code(), r.err());
        assertEquals(1, r.err().split("broken.png", -1).length - 1, r.err());
        List<String> expected = readable.keySet().stream().map(n -> n + ".reconstruction-mean.png").sorted().toList();
        assertEquals(expected, files(out));
        for (String name : readable.keySet()) {
            assertTrue(r.out().contains(name + ": "), r.out());
        }
        BufferedImage got = ImageIO.read(out.resolve("rgb3.png.reconstruction-mean.png").toFile());
        CommandsTest.assertSamePixels(ImageIO.read(images.resolve("rgb3.png").toFile()), got);
    }

    @Test
    void stackNeedsSeveralImagesAndRowsPerWindow() {
        Cli.Run one = Cli.run("patches", images.resolve("rgb0.png").toString(), "--stack", "--kernel", "4",
                "--backend", "java", "--out", tmp.resolve("a").toString());
        assertTrue(Cli.assertOneLineError(one).contains("--stack stacks several images"), one.err());
        Cli.Run columns = Cli.run("patches", images.toString(), "--stack", "--output-layout", "columns", "--kernel",
                "4", "--backend", "java", "--out", tmp.resolve("b").toString());
        assertTrue(Cli.assertOneLineError(columns).contains("--stack writes one row per window"), columns.err());
        assertFalse(Files.exists(tmp.resolve("a")) || Files.exists(tmp.resolve("b")));
    }

    @Test
    void theHelpListsTheExitCodes() {
        for (String command : List.of("patches", "reconstruct")) {
            String help = Cli.run(command, "--help").expectSuccess().out();
            assertTrue(help.contains("Exit codes:"), help);
            assertTrue(help.contains("3   Several images: some were skipped"), help);
            assertTrue(help.contains("--glob") && help.contains("--force"), help);
        }
        assertTrue(Cli.run("patches", "--help").out().contains("--no-sheet"));
    }

    @Test
    void typosGetSuggestions() {
        Cli.Run option = Cli.run("patches", "--kernal", "3");
        String line = Cli.assertOneLineError(option);
        assertTrue(line.startsWith("unfold4j patches: Unknown option: '--kernal'"), line);
        assertTrue(line.contains("did you mean --kernel?"), line);
        Cli.Run command = Cli.run("pathces");
        String commandLine = Cli.assertOneLineError(command);
        assertTrue(commandLine.contains("did you mean patches"), commandLine);
        // No suggestion where nothing is close: the line stays as it was.
        Cli.Run far = Cli.run("patches", "--zzzzzz");
        assertFalse(Cli.assertOneLineError(far).contains("did you mean"), far.err());
    }
}
