package org.unfold4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unfold4j.DType;
import org.unfold4j.Images;
import org.unfold4j.Tensor;

/**
 * The command line reads image files through the library's conversion (Note [image conversion])
 * and refuses, in words, images too large to decode (Note [decoded image limit]).
 */
class ImageFilesTest {
    @TempDir
    Path tmp;

    private static final int W = 11, H = 6;

    private static BufferedImage grayRamp(int bits) {
        int n = 1 << bits;
        byte[] g = new byte[n];
        for (int i = 0; i < n; i++) {
            g[i] = (byte) (i * 255 / (n - 1));
        }
        return new BufferedImage(W, H, BufferedImage.TYPE_BYTE_BINARY, new IndexColorModel(bits, n, g, g, g));
    }

    private static BufferedImage components(int colorSpace, boolean alpha) {
        ColorModel cm = new ComponentColorModel(ColorSpace.getInstance(colorSpace), alpha, false,
                alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        return new BufferedImage(cm, cm.createCompatibleWritableRaster(W, H), false, null);
    }

    private static BufferedImage random(BufferedImage image, long seed) {
        Random r = new Random(seed);
        WritableRaster raster = image.getRaster();
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                for (int b = 0; b < raster.getNumBands(); b++) {
                    raster.setSample(x, y, b, r.nextInt(1 << raster.getSampleModel().getSampleSize(b)));
                }
            }
        }
        return image;
    }

    private Path write(BufferedImage image, String name, String format) throws IOException {
        Path file = tmp.resolve(name);
        assertTrue(ImageIO.write(image, format, file.toFile()), name);
        return file;
    }

    /**
     * Each file reads as the library converts it: gray of every depth one channel, 16-bit values
     * brought to 8 bits, colour RGB, alpha dropped. Fails without the change to ImageFiles: 1-, 2-
     * and 4-bit gray PNG and TIFF files gave three channels (their gray palette went through getRGB).
     */
    @Test
    void filesReadThroughTheLibrarysConversion() throws IOException {
        record Case(String name, String format, BufferedImage image, int channels) {
        }
        List<Case> cases = List.of(
                new Case("gray1.png", "png", random(grayRamp(1), 1), 1),
                new Case("gray2.png", "png", random(grayRamp(2), 2), 1),
                new Case("gray4.png", "png", random(grayRamp(4), 3), 1),
                new Case("gray4.tif", "tiff", random(grayRamp(4), 4), 1),
                new Case("gray2.gif", "gif", random(grayRamp(2), 5), 1),
                new Case("gray8.png", "png", random(new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY), 6), 1),
                new Case("gray16.png", "png", random(new BufferedImage(W, H, BufferedImage.TYPE_USHORT_GRAY), 7), 1),
                new Case("graya16.png", "png", random(components(ColorSpace.CS_GRAY, true), 8), 1),
                new Case("rgb16.tif", "tiff", random(components(ColorSpace.CS_sRGB, false), 9), 3),
                new Case("rgba.png", "png", random(new BufferedImage(W, H, BufferedImage.TYPE_4BYTE_ABGR), 10), 3),
                new Case("rgb.bmp", "bmp", random(new BufferedImage(W, H, BufferedImage.TYPE_3BYTE_BGR), 11), 3));
        for (Case c : cases) {
            Path file = write(c.image, c.name, c.format);
            Picture p = ImageFiles.read(file);
            assertEquals(c.channels, p.channels(), c.name + " channels");
            Tensor t = Images.toTensor(ImageIO.read(file.toFile()));
            assertEquals(c.channels, t.shape()[2], c.name);
            for (int i = 0; i < W * H; i++) {
                for (int k = 0; k < c.channels; k++) {
                    double v = t.getDouble((long) i * c.channels + k);
                    double expected = t.dtype() == DType.INT32 ? Math.round(v * 255 / 65535) : v;
                    assertEquals(expected, p.data()[k * W * H + i], c.name + " value " + i + " channel " + k);
                }
            }
        }
        // And through a whole command: a 4-bit gray PNG unfolds as one channel, [1·2·2, L].
        Path out = tmp.resolve("out");
        Cli.Run r = Cli.run("patches", tmp.resolve("gray4.png").toString(), "--kernel", "2", "--stride", "2",
                "--backend", "java", "--out", out.toString()).expectSuccess();
        assertTrue(r.out().contains("-> [4, 15]"), r.out());
    }

    /** A PNG whose header declares {@code width × height} RGB pixels, with one row of data: a few bytes. */
    static byte[] pngDeclaring(int width, int height) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(1, 1, BufferedImage.TYPE_3BYTE_BGR), "png", bytes);
        byte[] png = bytes.toByteArray();
        // The IHDR chunk follows the 8-byte signature: length (4), "IHDR" (4), width, height, ..., CRC.
        assertEquals("IHDR", new String(png, 12, 4, java.nio.charset.StandardCharsets.US_ASCII));
        ByteBuffer b = ByteBuffer.wrap(png);
        b.putInt(16, width).putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 4 + 13);
        b.putInt(12 + 4 + 13, (int) crc.getValue());
        return png;
    }

    /**
     * The decompression bomb: a 100-byte PNG declaring 30000 × 30000 RGB pixels. Fails
     * without Note [decoded image limit]: the message was "cannot read image ...: Invalid scanline
     * stride" (checked by removing the checkSize call).
     */
    @Test
    void anImageTooLargeToDecodeSaysSoInWords() throws IOException {
        Path bomb = tmp.resolve("bomb.png");
        Files.write(bomb, pngDeclaring(30000, 30000));
        assertTrue(Files.size(bomb) < 200);
        Path out = tmp.resolve("out");
        for (String command : List.of("patches", "filter", "reconstruct", "demo")) {
            List<String> args = new java.util.ArrayList<>(List.of(command, bomb.toString(), "--out", out.toString()));
            if (!command.equals("filter") && !command.equals("demo")) {
                args.addAll(List.of("--kernel", "3"));
            }
            Cli.Run r = Cli.run(args.toArray(new String[0]));
            assertEquals(2, r.code(), r.err());
            String line = Cli.assertOneLineError(r);
            assertTrue(line.matches(".*cannot decode bomb\\.png: 30000 [×x] 30000 pixels is too large: Java holds a decoded"
                    + " image in one array of at most 2,147,483,647 samples, and this one needs 2,700,000,000.*"), line);
            assertFalse(line.contains("scanline"), line);
            assertFalse(Files.exists(out), "nothing written");
        }
    }

    /** Below the array limit, the heap: refused with what it takes and how to give more. */
    @Test
    void anImageLargerThanTheHeapSaysWhatItNeeds() throws IOException {
        ImageTypeSpecifier rgb = ImageTypeSpecifier.createFromBufferedImageType(BufferedImage.TYPE_3BYTE_BGR);
        ImageTypeSpecifier gray16 = ImageTypeSpecifier.createFromBufferedImageType(BufferedImage.TYPE_USHORT_GRAY);
        Path file = Path.of("big.png");
        // 20000 × 10000 RGB: 600 MB of bytes and 2.4 GB of floats (2.8 GiB in all), against a 1 GiB heap.
        BadInputException e = assertThrows(BadInputException.class,
                () -> ImageFiles.checkSize(file, 20000, 10000, rgb, 1L << 30));
        assertTrue(e.getMessage().matches("cannot decode big\\.png: 20000 [×x] 10000 pixels is too large for this JVM:"
                + " decoding it and holding it as float32 takes about 2\\.8 GiB, and the heap is limited to 1\\.0 GiB"
                + " \\(give Java more with -Xmx, e\\.g\\. UNFOLD4J_JAVA_OPTS=-Xmx4g for the unfold4j script\\)"),
                e.getMessage());
        // 16-bit gray: 2 bytes a sample in the raster, one float channel.
        e = assertThrows(BadInputException.class, () -> ImageFiles.checkSize(file, 10000, 10000, gray16, 500_000_000L));
        assertTrue(e.getMessage().contains("takes about 0.6 GiB"), e.getMessage());
        ImageFiles.checkSize(file, 10000, 10000, gray16, 700_000_000L);  // fits: no exception
        ImageFiles.checkSize(file, 4000, 3000, rgb, 256L << 20);          // a 12 MP photo in 256 MB
        // Packed 1-bit: 8 pixels a byte, below the array limit at 50000 × 50000 (which RGB is not).
        ImageTypeSpecifier bits = ImageTypeSpecifier.createFromBufferedImageType(BufferedImage.TYPE_BYTE_BINARY);
        e = assertThrows(BadInputException.class, () -> ImageFiles.checkSize(file, 50000, 50000, bits, 1L << 30));
        assertTrue(e.getMessage().contains("too large for this JVM"), e.getMessage());
        e = assertThrows(BadInputException.class, () -> ImageFiles.checkSize(file, 50000, 50000, rgb, Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("needs 7,500,000,000"), e.getMessage());
    }

    @Test
    void aCropOfTheBundledPhotoConvertsLikeTheWhole() {
        // The strips fromImage converts are crops: the picture must not depend on the strip height.
        Picture whole = ImageFiles.bundled();
        assertArrayEquals(new int[] {3, 288, 448}, new int[] {whole.channels(), whole.height(), whole.width()});
        Tensor t = Images.toTensor(ImageFiles.bundledImage());
        for (int i = 0; i < 288 * 448; i += 997) {
            for (int c = 0; c < 3; c++) {
                assertEquals(t.getDouble(3L * i + c), whole.data()[c * 288 * 448 + i], "pixel " + i);
            }
        }
    }
}
