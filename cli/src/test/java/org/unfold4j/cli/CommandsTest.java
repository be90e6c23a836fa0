package org.unfold4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.unfold4j.Backend;
import org.unfold4j.DType;
import org.unfold4j.Npy;
import org.unfold4j.Tensor;
import org.unfold4j.Unfold;

/**
 * Every subcommand end to end, in-process, on the bundled photograph (and a small generated gray
 * image), on the Java backend and on OpenCL, checking the files it writes.
 */
class CommandsTest {
    @TempDir
    Path tmp;

    static BufferedImage png(Path file) throws IOException {
        BufferedImage image = ImageIO.read(file.toFile());
        assertTrue(image != null, file + " decodes as an image");
        return image;
    }

    /** No temporary .partial or probe files are left next to the outputs. */
    static void assertNoLeftovers(Path dir) throws IOException {
        for (String name : Cli.names(dir)) {
            assertFalse(name.startsWith("."), "left behind: " + name);
        }
    }

    @Test
    void versionHelpAndNoCommand() {
        Cli.Run v = Cli.run("--version").expectSuccess();
        assertTrue(v.out().startsWith("unfold4j " + Main.Version.version()), v.out());
        assertFalse(Main.Version.version().contains("${"), "version.properties is filtered by the build");
        Cli.Run help = Cli.run("--help").expectSuccess();
        for (String command : List.of("demo", "devices", "patches", "reconstruct", "filter", "bench")) {
            assertTrue(help.out().contains(command), "top-level help lists " + command);
            Cli.Run h = Cli.run(command, "--help").expectSuccess();
            assertTrue(h.out().startsWith("Usage: unfold4j " + command), h.out());
        }
        assertTrue(Cli.assertOneLineError(Cli.run()).contains("missing command"));
    }

    @Test
    void devicesSaysWhatAutoPicks() {
        Cli.Run r = Cli.run("devices").expectSuccess();
        assertTrue(r.out().contains("--backend auto picks "), r.out());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.unfold4j.cli.Cli#backends")
    void demoWritesItsPictures(String backend) throws IOException {
        Cli.assumeBackend(backend);
        Path out = tmp.resolve("demo");
        Cli.Run r = Cli.run("demo", "--backend", backend, "--out", out.toString()).expectSuccess();
        assertTrue(r.out().contains("backend: " + backend + " on "), r.out());
        assertTrue(r.out().contains("max |reconstruction - image| = 0 (exact)"), r.out());
        assertEquals(List.of("blend-gaussian.png", "blend-mean.png", "contact-sheet.png", "filtered-gaussian.png",
                "overlap-heatmap.png", "patches.npy", "reconstruction-mean.png", "reconstruction-sum.png"), Cli.names(out));
        BufferedImage sheet = png(out.resolve("contact-sheet.png"));
        // 48x48 patches every 40 pixels of 288x448: 7 x 11 patches with 2-pixel gaps.
        assertEquals(11 * 48 + 10 * ContactSheet.GAP, sheet.getWidth());
        assertEquals(7 * 48 + 6 * ContactSheet.GAP, sheet.getHeight());
        for (String name : List.of("reconstruction-mean.png", "reconstruction-sum.png", "overlap-heatmap.png",
                "filtered-gaussian.png", "blend-mean.png", "blend-gaussian.png")) {
            BufferedImage image = png(out.resolve(name));
            assertEquals(448, image.getWidth(), name);
            assertEquals(288, image.getHeight(), name);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.unfold4j.cli.Cli#backends")
    void patchesWritesContactSheetAndNpy(String backend) throws IOException {
        Cli.assumeBackend(backend);
        Path out = tmp.resolve("patches");
        Cli.Run r = Cli.run("patches", "--kernel", "32", "--stride", "32", "--backend", backend,
                "--out", out.toString()).expectSuccess();
        assertTrue(r.out().contains("-> [3072, 126]"), r.out());
        assertEquals(List.of("contact-sheet.png", "patches.npy"), Cli.names(out));

        // The contact sheet: 9 x 14 patches of 32x32 with gaps; each patch shows its window of the image.
        BufferedImage sheet = png(out.resolve("contact-sheet.png"));
        int step = 32 + ContactSheet.GAP;
        assertEquals(14 * 32 + 13 * ContactSheet.GAP, sheet.getWidth());
        assertEquals(9 * 32 + 8 * ContactSheet.GAP, sheet.getHeight());
        BufferedImage photo = ImageIO.read(ImageFiles.class.getResource(ImageFiles.BUNDLED));
        for (int[] p : new int[][] {{0, 0}, {5, 31}, {31, 0}, {40, 70}, {287, 447}, {150, 300}}) {
            int y = p[0], x = p[1];
            int sy = (y / 32) * step + y % 32, sx = (x / 32) * step + x % 32;
            assertEquals(photo.getRGB(x, y) & 0xffffff, sheet.getRGB(sx, sy) & 0xffffff, "pixel " + y + "," + x);
        }
        assertEquals(0xffffff, sheet.getRGB(32, 0) & 0xffffff, "the gap is white");

        // The .npy file: the exact unfold of the image.
        Tensor expected = Unfold.of(32).withStride(32).apply(ImageFiles.bundled().tensor(), Backend.java());
        assertNpy(out.resolve("patches.npy"), new long[] {3072, 126}, expected.toFloatArray());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.unfold4j.cli.Cli#backends")
    void patchesOnAGrayImageWithEveryParameter(String backend) throws IOException {
        Cli.assumeBackend(backend);
        Path file = tmp.resolve("gray.png");
        BufferedImage gray = new BufferedImage(30, 20, BufferedImage.TYPE_BYTE_GRAY);
        float[] values = new float[20 * 30];
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 30; x++) {
                int v = (7 * x + 13 * y) % 256;
                gray.getRaster().setSample(x, y, 0, v);
                values[y * 30 + x] = v;
            }
        }
        ImageIO.write(gray, "png", file.toFile());
        Path out = tmp.resolve("p");
        Cli.run("patches", file.toString(), "--kernel", "3,5", "--stride", "2,3", "--padding", "1,2",
                "--dilation", "2,1", "--backend", backend, "--out", out.toString()).expectSuccess();
        Tensor expected = Unfold.of(3, 5).withStride(2, 3).withPadding(1, 2).withDilation(2, 1)
                .apply(Tensor.of(values, 1, 20, 30), Backend.java());
        assertNpy(out.resolve("patches.npy"), expected.shape(), expected.toFloatArray());
        long[] s = expected.shape();
        int blocksW = (30 + 4 - 5) / 3 + 1, blocksH = (int) (s[1] / blocksW);
        BufferedImage sheet = png(out.resolve("contact-sheet.png"));
        assertEquals(blocksW * 5 + (blocksW - 1) * ContactSheet.GAP, sheet.getWidth());
        assertEquals(blocksH * 3 + (blocksH - 1) * ContactSheet.GAP, sheet.getHeight());
    }

    static void assertNpy(Path file, long[] shape, float[] values) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        assertEquals((byte) 0x93, bytes[0]);
        assertEquals("NUMPY", new String(bytes, 1, 5, StandardCharsets.US_ASCII));
        assertEquals(1, bytes[6], "major version");
        assertEquals(0, bytes[7], "minor version");
        int headerLength = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        int dataStart = 10 + headerLength;
        assertEquals(0, dataStart % 64, "the data starts at a multiple of 64 bytes");
        String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
        assertTrue(header.endsWith("\n"), header);
        StringBuilder dims = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            dims.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + (shape.length == 1 ? "," : "")
                + "), }", header.strip());
        assertEquals(dataStart + 4L * values.length, bytes.length, "file size");
        ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, bytes.length - dataStart).order(ByteOrder.LITTLE_ENDIAN);
        float[] got = new float[values.length];
        data.asFloatBuffer().get(got);
        assertArrayEquals(values, got);
    }

    @Test
    void npyHeaderOfOneDimension() throws IOException {
        Path file = tmp.resolve("v.npy");
        Npy.write(file, Tensor.of(new float[] {1, 2, 3, -4.5f, 1e-7f}, 5));
        assertNpy(file, new long[] {5}, new float[] {1, 2, 3, -4.5f, 1e-7f});
        long[] large = {123456789, 2, 3, 4, 5};
        assertEquals(0, (Npy.fileSize(DType.FLOAT32, large) - 4L * 123456789 * 2 * 3 * 4 * 5) % 64);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.unfold4j.cli.Cli#backends")
    void reconstructMeanReturnsTheImage(String backend) throws IOException {
        Cli.assumeBackend(backend);
        Path out = tmp.resolve("r");
        Cli.Run r = Cli.run("reconstruct", "--kernel", "64", "--stride", "32", "--mode", "mean", "--backend", backend,
                "--out", out.toString()).expectSuccess();
        assertTrue(r.out().contains("max |reconstruction - image| = 0 (exact)"), r.out());
        assertEquals(List.of("reconstruction-mean.png"), Cli.names(out));
        assertSamePixels(ImageIO.read(ImageFiles.class.getResource(ImageFiles.BUNDLED)), png(out.resolve("reconstruction-mean.png")));
    }

    /**
     * --blend folds by a weighted mean of the tiles, --mode max by their largest value: with no
     * tile operation every tile agrees, so both give the image back (the weighted mean within
     * float rounding, written as the same pixels; max exactly).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("org.unfold4j.cli.Cli#backends")
    void reconstructBlendedAndMaxReturnTheImage(String backend) throws IOException {
        Cli.assumeBackend(backend);
        BufferedImage photo = ImageIO.read(ImageFiles.class.getResource(ImageFiles.BUNDLED));
        Path out = tmp.resolve("rb");
        Cli.Run r = Cli.run("reconstruct", "--kernel", "64", "--stride", "32", "--blend", "gaussian", "--sigma-scale",
                "0.2", "--backend", backend, "--out", out.toString()).expectSuccess();
        assertTrue(r.out().contains("fold (weighted by a gaussian(sigma_scale=0.2) window"), r.out());
        assertEquals(List.of("reconstruction-gaussian.png"), Cli.names(out));
        assertSamePixels(photo, png(out.resolve("reconstruction-gaussian.png")));
        for (String window : List.of("hann", "triangular", "constant")) {
            Path o = tmp.resolve("rb-" + window);
            Cli.run("reconstruct", "--kernel", "48", "--stride", "40", "--mode", "weighted", "--blend", window,
                    "--backend", backend, "--out", o.toString()).expectSuccess();
            assertSamePixels(photo, png(o.resolve("reconstruction-" + window + ".png")));
        }
        Path max = tmp.resolve("rm");
        Cli.Run m = Cli.run("reconstruct", "--kernel", "64", "--stride", "32", "--mode", "max", "--backend", backend,
                "--out", max.toString()).expectSuccess();
        assertTrue(m.out().contains("max |reconstruction - image| = 0 (exact)"), m.out());
        assertEquals(List.of("reconstruction-max.png"), Cli.names(max));
        assertSamePixels(photo, png(max.resolve("reconstruction-max.png")));
    }

    /** With tiles that disagree (inverted every other tile is not possible here: blur), the gaussian blend differs from the mean. */
    @Test
    void blendedTilesDifferFromTheMeanWhereTilesDisagree() throws IOException {
        Path mean = tmp.resolve("bm"), gauss = tmp.resolve("bg");
        Cli.run("reconstruct", "--kernel", "48", "--stride", "24", "--tile-op", "blur", "--out", mean.toString())
                .expectSuccess();
        Cli.run("reconstruct", "--kernel", "48", "--stride", "24", "--tile-op", "blur", "--blend", "gaussian",
                "--out", gauss.toString()).expectSuccess();
        BufferedImage a = png(mean.resolve("reconstruction-mean.png")), b = png(gauss.resolve("reconstruction-gaussian.png"));
        int different = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                different += a.getRGB(x, y) != b.getRGB(x, y) ? 1 : 0;
            }
        }
        assertTrue(different > 0, "the blurred tiles disagree at their borders, which the weights see");
    }

    /**
     * reconstruct takes --dilation (the window options are one mixin, WindowOptions): dilated tiles
     * (3x3, dilation 2, stride 1, padding 2, as a "same" convolution) cover every pixel, so the mean
     * gives the image back; 288 x 448 tiles where the undilated window would make 290 x 450.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("org.unfold4j.cli.Cli#backends")
    void reconstructMeanWithDilationReturnsTheImage(String backend) throws IOException {
        Cli.assumeBackend(backend);
        Path out = tmp.resolve("rd");
        Cli.Run r = Cli.run("reconstruct", "--kernel", "3", "--stride", "1", "--dilation", "2", "--padding", "2",
                "--mode", "mean", "--backend", backend, "--out", out.toString()).expectSuccess();
        assertTrue(r.out().contains("(129024 tiles of 3x3"), r.out());
        assertTrue(r.out().contains("max |reconstruction - image| = 0 (exact)"), r.out());
        assertFalse(r.out().contains("pixels by none"), r.out());
        assertSamePixels(ImageIO.read(ImageFiles.class.getResource(ImageFiles.BUNDLED)), png(out.resolve("reconstruction-mean.png")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.unfold4j.cli.Cli#backends")
    void reconstructSumShowsTheOverlap(String backend) throws IOException {
        Cli.assumeBackend(backend);
        Path out = tmp.resolve("r");
        Cli.Run r = Cli.run("reconstruct", "--kernel", "48", "--stride", "40", "--mode", "sum", "--backend", backend,
                "--out", out.toString()).expectSuccess();
        assertTrue(r.out().contains("covered by 1 to 4 tiles"), r.out());
        assertEquals(List.of("overlap-heatmap.png", "reconstruction-sum.png"), Cli.names(out));
        BufferedImage heat = png(out.resolve("overlap-heatmap.png"));
        assertEquals(448, heat.getWidth());
        // Pixel (0, 0) is in one tile of at most 4 (viridis at 1/4), pixel (44, 44) in four (viridis at 1).
        assertEquals(59 << 16 | 82 << 8 | 139, heat.getRGB(0, 0) & 0xffffff);
        assertEquals(253 << 16 | 231 << 8 | 37, heat.getRGB(44, 44) & 0xffffff);
        assertEquals(heat.getRGB(0, 0), heat.getRGB(20, 20));
        BufferedImage sum = png(out.resolve("reconstruction-sum.png"));
        BufferedImage photo = ImageIO.read(ImageFiles.class.getResource(ImageFiles.BUNDLED));
        assertEquals(photo.getRGB(20, 20), sum.getRGB(20, 20), "a pixel in one tile is the image's");
        int twice = photo.getRGB(44, 10) & 0xff;
        assertEquals(Math.min(255, 2 * twice), sum.getRGB(44, 10) & 0xff, "a pixel in two tiles is doubled");
    }

    @Test
    void reconstructTileOps() throws IOException {
        Path out = tmp.resolve("inv");
        Cli.run("reconstruct", "--kernel", "48", "--stride", "40", "--tile-op", "invert", "--out", out.toString())
                .expectSuccess();
        BufferedImage inverted = png(out.resolve("reconstruction-mean.png"));
        BufferedImage photo = ImageIO.read(ImageFiles.class.getResource(ImageFiles.BUNDLED));
        for (int y = 0; y < 288; y += 7) {
            for (int x = 0; x < 448; x += 5) {
                assertEquals(~photo.getRGB(x, y) & 0xffffff, inverted.getRGB(x, y) & 0xffffff);
            }
        }
        Path blur = tmp.resolve("blur");
        Cli.Run r = Cli.run("reconstruct", "--kernel", "32", "--tile-op", "blur", "--out", blur.toString())
                .expectSuccess();
        assertTrue(r.out().contains("tile op blur"), r.out());
        assertEquals(448, png(blur.resolve("reconstruction-mean.png")).getWidth());
        Path partial = tmp.resolve("edge");
        r = Cli.run("reconstruct", "--kernel", "50", "--out", partial.toString()).expectSuccess();
        assertTrue(r.out().contains("pixels by none"), r.out());
    }

    static void assertSamePixels(BufferedImage expected, BufferedImage actual) {
        assertEquals(expected.getWidth(), actual.getWidth());
        assertEquals(expected.getHeight(), actual.getHeight());
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                if ((expected.getRGB(x, y) & 0xffffff) != (actual.getRGB(x, y) & 0xffffff)) {
                    throw new AssertionError("pixel " + x + "," + y + " differs");
                }
            }
        }
    }

    private static final Pattern MAX_DIFF = Pattern.compile("max \\|unfold-matmul - direct\\| = (\\S+)");

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.unfold4j.cli.Cli#backends")
    void filterEqualsTheDirectConvolution(String backend) throws IOException {
        Cli.assumeBackend(backend);
        for (String kind : List.of("gaussian", "sobel-x")) {
            Path out = tmp.resolve(kind);
            Cli.Run r = Cli.run("filter", "--kind", kind, "--size", kind.equals("gaussian") ? "5" : "3",
                    "--backend", backend, "--out", out.toString()).expectSuccess();
            Matcher m = MAX_DIFF.matcher(r.out());
            assertTrue(m.find(), r.out());
            assertTrue(Double.parseDouble(m.group(1)) < 1e-3, r.out());
            assertTrue(r.out().contains(backend.equals("java") ? "EJML" : "CLBlast SGEMM"), r.out());
            assertEquals(List.of("filtered-" + kind + ".png"), Cli.names(out));
        }
        // The PNG is the direct convolution, rounded (a value within 1e-3 of .5 may round either way).
        Picture photo = ImageFiles.bundled();
        Picture direct = Filters.direct(photo, Filters.kernel(Filters.Kind.gaussian, 5, 0));
        BufferedImage written = png(tmp.resolve("gaussian").resolve("filtered-gaussian.png"));
        int plane = 288 * 448;
        for (int i = 0; i < plane; i += 3) {
            int rgb = written.getRGB(i % 448, i / 448);
            assertTrue(Math.abs((rgb >> 16 & 0xff) - ImageFiles.toByte(direct.data()[i])) <= 1);
            assertTrue(Math.abs((rgb & 0xff) - ImageFiles.toByte(direct.data()[2 * plane + i])) <= 1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.unfold4j.cli.Cli#backends")
    void everyFilterKindViaUnfoldMatchesDirect(String backend) {
        Cli.assumeBackend(backend);
        Picture x = ImageFiles.bundled();
        try (ChosenBackend b = ChosenBackend.open(backend, null)) {
            for (Filters.Kind kind : Filters.Kind.values()) {
                for (int n : new int[] {3, 7}) {
                    float[] filter = Filters.kernel(kind, n, 0);
                    float[] via = FilterProduct.viaUnfold(x, filter, b.backend()).image().data();
                    float[] direct = Filters.direct(x, filter).data();
                    double max = 0;
                    for (int i = 0; i < via.length; i++) {
                        max = Math.max(max, Math.abs(via[i] - direct[i]));
                    }
                    assertTrue(max < 2e-3, kind + " " + n + ": max difference " + max);
                }
            }
        }
    }

    @Test
    void filterKernelsByHand() {
        assertArrayEquals(new float[] {-1, 0, 1, -2, 0, 2, -1, 0, 1}, Filters.kernel(Filters.Kind.sobel_x, 3, 0));
        assertArrayEquals(new float[] {-1, -2, -1, 0, 0, 0, 1, 2, 1}, Filters.kernel(Filters.Kind.sobel_y, 3, 0));
        float sum = 0;
        for (float v : Filters.kernel(Filters.Kind.gaussian, 7, 1.5)) {
            sum += v;
        }
        assertEquals(1f, sum, 1e-6f);
        // Direct convolution of a 1x3x3 image with Sobel-x, zero padding: centre = (3+2*6+9) - (1+2*4+7) = 8.
        Picture tiny = new Picture(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 3, 3);
        assertEquals(8f, Filters.direct(tiny, Filters.kernel(Filters.Kind.sobel_x, 3, 0)).data()[4]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.unfold4j.cli.Cli#backends")
    void benchWritesJson(String backend) throws IOException {
        Cli.assumeBackend(backend);
        Path json = tmp.resolve("results").resolve("bench.json");
        Cli.Run r = Cli.run("bench", "--quick", "--shapes", "seed,dilated", "--reps", "2", "--backend", backend,
                "--json", json.toString()).expectSuccess();
        assertTrue(r.out().contains("cores check"), r.out());
        JsonNode rows = new ObjectMapper().readTree(json.toFile());
        // OpenCL adds host-resident rows ("opencl-host", against the bare transfer) after each shape's device rows;
        // Java its allocating calls ("java-alloc", Note [the PyTorch CPU peer] in BenchRuns) after the calls into outputs.
        List<String> kinds = backend.equals("opencl") ? List.of("opencl", "opencl", "opencl-host", "opencl-host")
                : List.of(backend, backend, backend + "-alloc", backend + "-alloc");
        assertEquals(2 * kinds.size(), rows.size(), rows.toString());
        List<String> shapes = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            for (String field : List.of("shape", "op", "backend", "device", "median_ms", "floor_ms", "ratio")) {
                assertTrue(row.has(field), field + " in " + row);
            }
            assertEquals(kinds.get(i % kinds.size()), row.get("backend").asText());
            assertEquals(i % 2 == 0 ? "unfold" : "fold", row.get("op").asText());
            assertTrue(row.get("median_ms").asDouble() > 0);
            assertTrue(row.get("floor_ms").asDouble() > 0);
            assertEquals(row.get("median_ms").asDouble() / row.get("floor_ms").asDouble(),
                    row.get("ratio").asDouble(), 1e-3 * row.get("ratio").asDouble());
            if (row.get("backend").asText().equals("opencl")) {
                // Kernel times from profiling events, for the call, the copy floor and (where present) CLBlast.
                assertTrue(row.get("kernel_ms").asDouble() > 0 && row.get("floor_kernel_ms").asDouble() > 0, row.toString());
                if (ClBlastSgemm.unavailableReason() == null) {
                    assertTrue(row.get("peer_ms").asDouble() > 0 && row.get("peer_kernel_ms").asDouble() > 0, row.toString());
                }
            }
            shapes.add(row.get("shape").asText());
        }
        List<String> expected = new ArrayList<>();
        for (String shape : List.of("seed", "dilated")) {
            expected.addAll(java.util.Collections.nCopies(kinds.size(), shape));
        }
        assertEquals(expected, shapes);
        assertNoLeftovers(json.getParent());
    }

    /**
     * --torch-cpu: the peer's calls are timed in the Java bench's loop and written as torch-cpu rows
     * after the Java rows (Note [the PyTorch CPU peer] in BenchRuns). A stand-in peer speaking
     * the same protocol (test resource peer/FakeTorchPeer.java, 1000 ns a call) replaces PyTorch.
     */
    @Test
    void benchTimesTheTorchPeerBesideJava() throws Exception {
        Path peer = Path.of(CommandsTest.class.getResource("/peer/FakeTorchPeer.java").toURI());
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Path json = tmp.resolve("torch.json");
        Cli.Run r = Cli.run("bench", "--quick", "--shapes", "seed", "--reps", "2", "--backend", "java",
                "--torch-cpu", javaBin + " " + peer, "--json", json.toString()).expectSuccess();
        assertTrue(r.out().contains("peer: fake peer"), r.out());
        JsonNode rows = new ObjectMapper().readTree(json.toFile());
        List<String> backends = new ArrayList<>();
        for (JsonNode row : rows) {
            backends.add(row.get("backend").asText() + " " + row.get("op").asText());
        }
        assertEquals(List.of("java unfold", "java fold", "java-alloc unfold", "java-alloc fold", "torch-cpu unfold",
                "torch-cpu fold"), backends);
        assertEquals(0.001, rows.get(4).get("median_ms").asDouble(), 1e-9);
        assertEquals("fake peer", rows.get(5).get("device").asText());
    }
}
