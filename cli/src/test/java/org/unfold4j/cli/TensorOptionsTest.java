package org.unfold4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.unfold4j.Backend;
import org.unfold4j.ColumnLayout;
import org.unfold4j.DType;
import org.unfold4j.ImageLayout;
import org.unfold4j.Images;
import org.unfold4j.Npy;
import org.unfold4j.PaddingMode;
import org.unfold4j.Tensor;
import org.unfold4j.Unfold;
import org.unfold4j.Window;

/**
 * {@code patches --padding-mode/--dtype/--layout/--output-layout} and
 * {@code reconstruct --padding/--padding-mode/--dtype/--layout}, end to end in-process on the
 * bundled photograph, on Java and on OpenCL: the .npy file (NumPy dtype, shape, and values equal
 * to the library's unfold with the same options, on an image read by {@link Images#toTensor}), the
 * contact sheet (size, and every patch pixel against the photograph read through the padding
 * mode), and the reconstruction (the photograph's pixels, exactly).
 */
class TensorOptionsTest {
    @TempDir
    Path tmp;

    /** The bundled photograph, decoded by ImageIO. */
    static BufferedImage photo;
    /** The photograph as Images.toTensor gives it: uint8 [288, 448, 3]. */
    static Tensor hwc;

    @BeforeAll
    static void readPhoto() throws IOException {
        photo = ImageIO.read(ImageFiles.class.getResource(ImageFiles.BUNDLED));
        hwc = Images.toTensor(photo);
        assertArrayEquals(new long[] {288, 448, 3}, hwc.shape());
    }

    static final String[] DTYPES = {"float32", "float64", "uint8", "int32", "float16"};
    static final String[] MODES = {"zeros", "reflect", "replicate", "circular"};
    static final String[] LAYOUTS = {"nchw", "nhwc"};
    static final String[] OUTPUT_LAYOUTS = {"columns", "patches"};

    // Windows that reach into the padding on all four sides: 17 x 19 windows of 12x16.
    static final int KH = 12, KW = 16, SH = 18, SW = 25, PH = 6, PW = 9;
    static final int BLOCKS_H = (288 + 2 * PH - KH) / SH + 1, BLOCKS_W = (448 + 2 * PW - KW) / SW + 1;

    /** The photograph as a tensor of the given type and layout, built from Images.toTensor's bytes. */
    static Tensor image(DType dtype, ImageLayout layout) {
        byte[] bytes = hwc.toByteArray();
        int plane = 288 * 448;
        if (layout == ImageLayout.CHANNELS_FIRST) {
            byte[] chw = new byte[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                chw[(i % 3) * plane + i / 3] = bytes[i];
            }
            bytes = chw;
        }
        long[] shape = layout == ImageLayout.CHANNELS_FIRST ? new long[] {3, 288, 448} : new long[] {288, 448, 3};
        switch (dtype) {
            case UINT8:
                return Tensor.ofUint8(bytes, shape);
            case INT32: {
                int[] a = new int[bytes.length];
                for (int i = 0; i < a.length; i++) {
                    a[i] = bytes[i] & 0xff;
                }
                return Tensor.of(a, shape);
            }
            case FLOAT16: {
                float[] a = new float[bytes.length];
                for (int i = 0; i < a.length; i++) {
                    a[i] = bytes[i] & 0xff;
                }
                return Tensor.float16Of(a, shape);
            }
            case FLOAT32: {
                float[] a = new float[bytes.length];
                for (int i = 0; i < a.length; i++) {
                    a[i] = bytes[i] & 0xff;
                }
                return Tensor.of(a, shape);
            }
            default: {
                double[] a = new double[bytes.length];
                for (int i = 0; i < a.length; i++) {
                    a[i] = bytes[i] & 0xff;
                }
                return Tensor.of(a, shape);
            }
        }
    }

    /** The coordinate the padding mode reads for padded coordinate {@code v} of a size-{@code n} axis, or -1 for a zero. */
    static int source(PaddingMode mode, int v, int n) {
        if (v >= 0 && v < n) {
            return v;
        }
        switch (mode) {
            case ZEROS: return -1;
            case REFLECT: return v < 0 ? -v : 2 * (n - 1) - v;
            case REPLICATE: return Math.max(0, Math.min(n - 1, v));
            default: return Math.floorMod(v, n);
        }
    }

    /**
     * Every pixel of every patch in the contact sheet is the photograph's pixel that window reads,
     * through the padding mode (black in zero padding); the gaps are white.
     */
    static void assertSheetShowsThePatches(BufferedImage sheet, PaddingMode mode, String what) {
        assertEquals(BLOCKS_W * KW + (BLOCKS_W - 1) * ContactSheet.GAP, sheet.getWidth(), what);
        assertEquals(BLOCKS_H * KH + (BLOCKS_H - 1) * ContactSheet.GAP, sheet.getHeight(), what);
        for (int bh = 0; bh < BLOCKS_H; bh++) {
            for (int bw = 0; bw < BLOCKS_W; bw++) {
                int x0 = bw * (KW + ContactSheet.GAP), y0 = bh * (KH + ContactSheet.GAP);
                for (int i = 0; i < KH; i++) {
                    for (int j = 0; j < KW; j++) {
                        int y = source(mode, bh * SH - PH + i, 288), x = source(mode, bw * SW - PW + j, 448);
                        int want = y < 0 || x < 0 ? 0 : photo.getRGB(x, y) & 0xffffff;
                        int got = sheet.getRGB(x0 + j, y0 + i) & 0xffffff;
                        if (want != got) {
                            throw new AssertionError(what + ": window (" + bh + ", " + bw + ") pixel (" + i + ", " + j
                                    + "): " + Integer.toHexString(got) + " instead of " + Integer.toHexString(want));
                        }
                    }
                }
                if (bw + 1 < BLOCKS_W) {
                    assertEquals(0xffffff, sheet.getRGB(x0 + KW, y0) & 0xffffff, what + ": the gap is white");
                }
            }
        }
    }

    /** A .npy file's type string, shape and values (as doubles, exact for every type). */
    record NpyFile(String descr, long[] shape, double[] values) {
    }

    static NpyFile readNpy(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        assertEquals((byte) 0x93, bytes[0]);
        assertEquals("NUMPY", new String(bytes, 1, 5, StandardCharsets.US_ASCII));
        assertEquals(1, bytes[6], "major version");
        int headerLength = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        int dataStart = 10 + headerLength;
        assertEquals(0, dataStart % 64, "the data starts at a multiple of 64 bytes");
        String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
        assertTrue(header.endsWith("\n"), header);
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("\\{'descr': '([<|][a-z]\\d)', 'fortran_order': False, 'shape': \\(([0-9, ]*)\\), }")
                .matcher(header.strip());
        assertTrue(m.matches(), header);
        String descr = m.group(1);
        long[] shape = java.util.Arrays.stream(m.group(2).split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .mapToLong(Long::parseLong).toArray();
        long count = java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        int size = Integer.parseInt(descr.substring(2));
        assertEquals(dataStart + size * count, bytes.length, "file size");
        ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, bytes.length - dataStart).order(ByteOrder.LITTLE_ENDIAN);
        double[] values = new double[(int) count];
        for (int i = 0; i < values.length; i++) {
            switch (descr) {
                case "<f4" -> values[i] = data.getFloat();
                case "<f8" -> values[i] = data.getDouble();
                case "|u1" -> values[i] = data.get() & 0xff;
                case "<i4" -> values[i] = data.getInt();
                case "<f2" -> values[i] = Tensor.ofFloat16(new short[] {data.getShort()}, 1).getDouble(0);
                default -> throw new AssertionError(descr);
            }
        }
        return new NpyFile(descr, shape, values);
    }

    static final java.util.Map<String, String> DESCR = java.util.Map.of("float32", "<f4", "float64", "<f8",
            "uint8", "|u1", "int32", "<i4", "float16", "<f2");

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.unfold4j.cli.Cli#backends")
    void patchesWithEveryDtypeLayoutAndPaddingMode(String backend) throws IOException {
        Cli.assumeBackend(backend);
        // Every dtype x layout x output layout; the padding modes rotate so that each meets every dtype and layout.
        for (int d = 0; d < DTYPES.length; d++) {
            for (int l = 0; l < LAYOUTS.length; l++) {
                for (int o = 0; o < OUTPUT_LAYOUTS.length; o++) {
                    String dtype = DTYPES[d], layout = LAYOUTS[l], outputLayout = OUTPUT_LAYOUTS[o];
                    String mode = MODES[(d + 2 * l + o) % MODES.length];
                    String what = String.join(" ", backend, mode, dtype, layout, outputLayout);
                    Path out = tmp.resolve(what.replace(' ', '-'));
                    Cli.Run r = Cli.run("patches", "--kernel", KH + "," + KW, "--stride", SH + "," + SW,
                            "--padding", PH + "," + PW, "--padding-mode", mode, "--dtype", dtype, "--layout", layout,
                            "--output-layout", outputLayout, "--backend", backend, "--out", out.toString())
                            .expectSuccess();
                    assertEquals(List.of("contact-sheet.png", "patches.npy"), Cli.names(out), what);

                    DType type = DType.parse(dtype);
                    ImageLayout il = ImageLayout.parse(layout);
                    ColumnLayout cl = ColumnLayout.parse(outputLayout);
                    Tensor expected = Unfold.of(KH, KW).withStride(SH, SW).withPadding(PH, PW)
                            .withPaddingMode(PaddingMode.parse(mode)).withImageLayout(il).withColumnLayout(cl)
                            .apply(image(type, il), Backend.java());
                    long rows = 3L * KH * KW, blocks = (long) BLOCKS_H * BLOCKS_W;
                    long[] shape = cl == ColumnLayout.COLUMNS ? new long[] {rows, blocks} : new long[] {blocks, rows};
                    assertArrayEquals(shape, expected.shape(), what);
                    assertEquals(type, expected.dtype(), what);

                    NpyFile npy = readNpy(out.resolve("patches.npy"));
                    assertEquals(DESCR.get(dtype), npy.descr(), what);
                    assertArrayEquals(shape, npy.shape(), what);
                    assertArrayEquals(expected.toDoubleArray(), npy.values(), what);

                    String shapeText = java.util.Arrays.toString(shape);
                    assertTrue(r.out().contains("-> " + shapeText + " " + dtype + " " + outputLayout), r.out());
                    assertTrue(r.out().contains("patches.npy: " + dtype + " " + shapeText), r.out());
                    assertTrue(r.out().contains("padding mode " + mode), r.out());

                    assertSheetShowsThePatches(CommandsTest.png(out.resolve("contact-sheet.png")),
                            PaddingMode.parse(mode), what);
                }
            }
        }
    }

    /**
     * The contact sheet of every combination of padding mode, dtype, layout and output layout is
     * the same picture as that of the default (float32, nchw, columns) with that padding mode.
     */
    @Test
    void contactSheetIsTheSameForEveryCombination() {
        Window window = new Window(KH, KW, 1, 1, PH, PW, SH, SW);
        int step = ContactSheet.step(KH, KW, BLOCKS_H, BLOCKS_W);
        for (String mode : MODES) {
            PaddingMode pm = PaddingMode.parse(mode);
            Picture reference = null;
            for (String dtype : DTYPES) {
                for (String layout : LAYOUTS) {
                    for (String outputLayout : OUTPUT_LAYOUTS) {
                        ImageLayout il = ImageLayout.parse(layout);
                        Unfold spec = Unfold.of(window).withPaddingMode(pm).withImageLayout(il)
                                .withColumnLayout(ColumnLayout.parse(outputLayout));
                        Tensor input = ImageFiles.bundled().tensor(DType.parse(dtype), il);
                        assertEquals(image(DType.parse(dtype), il), input, "Picture.tensor gives Images.toTensor's values");
                        PatchesCommand.Unfolded u = PatchesCommand.unfold(input, spec, Backend.java());
                        Picture sheet = ContactSheet.render(u.cols().toFloatArray(), u.geometry(), step);
                        if (reference == null) {
                            reference = sheet;
                        } else {
                            assertArrayEquals(reference.data(), sheet.data(),
                                    String.join(" ", mode, dtype, layout, outputLayout));
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.unfold4j.cli.Cli#backends")
    void reconstructReturnsTheImageForEveryLayoutDtypeAndPaddingMode(String backend) throws IOException {
        Cli.assumeBackend(backend);
        // Every layout x padding mode, the dtype alternating so that each dtype meets every layout and padding mode.
        String[] dtypes = {"float32", "float64"};
        for (int l = 0; l < LAYOUTS.length; l++) {
            for (int m = 0; m < MODES.length; m++) {
                String layout = LAYOUTS[l], mode = MODES[m], dtype = dtypes[(l + m) % 2];
                String what = String.join(" ", backend, layout, dtype, mode);
                Path out = tmp.resolve(what.replace(' ', '-'));
                // Tiles of 64 every 32 over the image padded by 16 cover it exactly: 9 x 14 tiles.
                Cli.Run r = Cli.run("reconstruct", "--kernel", "64", "--stride", "32", "--padding", "16",
                        "--padding-mode", mode, "--dtype", dtype, "--layout", layout, "--backend", backend,
                        "--out", out.toString()).expectSuccess();
                assertTrue(r.out().contains("max |reconstruction - image| = 0 (exact)"), what + "\n" + r.out());
                String imageShape = layout.equals("nhwc") ? "[288, 448, 3]" : "[3, 288, 448]";
                assertTrue(r.out().contains("unfold " + imageShape + " " + dtype + " " + layout + " -> [12288, 126]"),
                        what + "\n" + r.out());
                assertTrue(r.out().contains("padding mode " + mode), r.out());
                assertTrue(r.out().contains("-> " + imageShape + " " + dtype), what + "\n" + r.out());
                assertEquals(List.of("reconstruction-mean.png"), Cli.names(out), what);
                CommandsTest.assertSamePixels(photo, CommandsTest.png(out.resolve("reconstruction-mean.png")));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.unfold4j.cli.Cli#backends")
    void reconstructSumAndTileOpsInFloat64ChannelsLast(String backend) throws IOException {
        Cli.assumeBackend(backend);
        Path sum = tmp.resolve("sum");
        Cli.Run r = Cli.run("reconstruct", "--kernel", "48", "--stride", "40", "--mode", "sum", "--dtype", "float64",
                "--layout", "nhwc", "--backend", backend, "--out", sum.toString()).expectSuccess();
        assertTrue(r.out().contains("max |reconstruction - image * overlap count| = 0 (exact)"), r.out());
        BufferedImage s = CommandsTest.png(sum.resolve("reconstruction-sum.png"));
        assertEquals(photo.getRGB(20, 20), s.getRGB(20, 20), "a pixel in one tile is the image's");
        assertEquals(Math.min(255, 2 * (photo.getRGB(44, 10) & 0xff)), s.getRGB(44, 10) & 0xff, "two tiles: doubled");

        Path inv = tmp.resolve("inv");
        Cli.run("reconstruct", "--kernel", "48", "--stride", "40", "--tile-op", "invert", "--dtype", "float64",
                "--layout", "nhwc", "--padding", "3", "--padding-mode", "replicate", "--backend", backend,
                "--out", inv.toString()).expectSuccess();
        BufferedImage inverted = CommandsTest.png(inv.resolve("reconstruction-mean.png"));
        for (int y = 0; y < 288; y += 7) {
            for (int x = 0; x < 448; x += 5) {
                if (y < 285 && x < 445) { // 48 every 40 over 294 x 454: the last 3 rows and columns are not covered
                    assertEquals(~photo.getRGB(x, y) & 0xffffff, inverted.getRGB(x, y) & 0xffffff, y + "," + x);
                }
            }
        }
    }

    @Test
    void npyHeaderOfEveryDtype() throws IOException {
        for (String dtype : DTYPES) {
            DType type = DType.parse(dtype);
            Tensor t = image(type, ImageLayout.CHANNELS_LAST);
            Path file = tmp.resolve(dtype + ".npy");
            Npy.write(file, t);
            NpyFile npy = readNpy(file);
            assertEquals(DESCR.get(dtype), npy.descr());
            assertArrayEquals(new long[] {288, 448, 3}, npy.shape());
            assertArrayEquals(t.toDoubleArray(), npy.values());
            assertEquals(0, Npy.readHeader(file).dataOffset() % 64);
        }
        // Values beyond 0..255 keep their type's range.
        Path file = tmp.resolve("ints.npy");
        Npy.write(file, Tensor.of(new int[] {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE}, 2, 2));
        assertArrayEquals(new double[] {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE}, readNpy(file).values());
        Npy.write(file, Tensor.ofUint8(new byte[] {0, 1, (byte) 128, (byte) 255}, 4));
        assertArrayEquals(new double[] {0, 1, 128, 255}, readNpy(file).values());
        assertArrayEquals(new long[] {4}, readNpy(file).shape());
    }

    @Test
    void helpDescribesTheNewOptions() {
        String patches = Cli.run("patches", "--help").expectSuccess().out();
        for (String s : List.of("--padding-mode", "zeros|reflect|replicate|circular", "--dtype",
                "float32|float64|uint8|int32", "--layout", "nchw|nhwc", "--output-layout", "columns|patches")) {
            assertTrue(patches.contains(s), s + " in\n" + patches);
        }
        String reconstruct = Cli.run("reconstruct", "--help").expectSuccess().out();
        for (String s : List.of("--padding-mode", "--dtype", "float32|float64", "--layout", "--padding")) {
            assertTrue(reconstruct.contains(s), s + " in\n" + reconstruct);
        }
        String flat = reconstruct.replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
        assertTrue(flat.contains("always drops"), "reconstruct --help says that fold drops the padding:\n" + reconstruct);
    }
}
