package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Point;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BandedSampleModel;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** BufferedImage ↔ tensors (Note [image conversion]), and uint8 patches straight from an image. */
class ImagesTest {

    private static BufferedImage randomImage(int type, int w, int h, long seed) {
        Random r = new Random(seed);
        BufferedImage image = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, 0xff000000 | r.nextInt(1 << 24));
            }
        }
        return image;
    }

    @Test
    void everyImageTypeGivesRgbOrder() {
        for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_3BYTE_BGR,
            BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_INT_BGR}) {
            BufferedImage image = randomImage(type, 7, 5, type);
            Tensor t = Images.toTensor(image);
            assertArrayEquals(new long[] {5, 7, 3}, t.shape());
            assertEquals(DType.UINT8, t.dtype());
            byte[] v = t.toByteArray();
            for (int y = 0; y < 5; y++) {
                for (int x = 0; x < 7; x++) {
                    int rgb = image.getRGB(x, y);
                    int o = (y * 7 + x) * 3;
                    assertEquals((rgb >> 16) & 0xff, v[o] & 0xff, "red at " + x + "," + y + " type " + type);
                    assertEquals((rgb >> 8) & 0xff, v[o + 1] & 0xff, "green");
                    assertEquals(rgb & 0xff, v[o + 2] & 0xff, "blue");
                }
            }
            BufferedImage back = Images.toBufferedImage(t);
            for (int y = 0; y < 5; y++) {
                for (int x = 0; x < 7; x++) {
                    assertEquals(image.getRGB(x, y), back.getRGB(x, y));
                }
            }
        }
    }

    @Test
    void alphaAndGray() {
        BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x80112233);
        argb.setRGB(1, 0, 0xff445566);
        Tensor t = Images.toTensor(argb, true);
        assertArrayEquals(new byte[] {0x11, 0x22, 0x33, (byte) 0x80, 0x44, 0x55, 0x66, (byte) 0xff}, t.toByteArray());
        assertEquals(0x80112233, Images.toBufferedImage(t).getRGB(0, 0));
        BufferedImage gray = Images.toBufferedImage(Tensor.ofUint8(new byte[] {0, (byte) 200}, 1, 2, 1));
        assertEquals(200, gray.getRaster().getSample(1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Images.toBufferedImage(Tensor.zeros(2, 2, 3)));
        // Two channels (gray and alpha) are an image now (Note [image conversion]); five are not.
        assertThrows(IllegalArgumentException.class, () -> Images.toBufferedImage(Tensor.ofUint8(new byte[10], 2, 1, 5)));
        assertThrows(IllegalArgumentException.class, () -> Images.toBufferedImage(Tensor.ofUint8(new byte[4], 4)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Images.toBufferedImage(Tensor.of(new int[] {0, 65536}, 1, 2, 1)));
        assertTrue(e.getMessage().contains("element 1 is 65536"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Images.toBufferedImage(Tensor.of(new int[] {-1}, 1, 1, 1)));
        assertEquals("image", assertThrows(NullPointerException.class, () -> Images.toTensor(null, true)).getMessage());
        assertEquals("tensor", assertThrows(NullPointerException.class, () -> Images.toBufferedImage(null)).getMessage());
    }

    /**
     * The reproduction: a JPEG decodes as TYPE_3BYTE_BGR, and a crop of it shares the whole
     * raster (an offset and the full scanline stride). Fails without the sample-model fix: 36 of 36
     * values were wrong (the fast path read the parent's first bytes).
     */
    @Test
    void croppedJpegIsTheCrop() throws IOException {
        BufferedImage jpeg = decode(randomImage(BufferedImage.TYPE_3BYTE_BGR, 9, 7, 11), "jpeg");
        assertEquals(BufferedImage.TYPE_3BYTE_BGR, jpeg.getType());
        BufferedImage crop = jpeg.getSubimage(2, 1, 4, 3);
        byte[] v = Images.toTensor(crop).toByteArray();
        assertEquals(36, v.length);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 4; x++) {
                int rgb = jpeg.getRGB(2 + x, 1 + y);  // 8-bit sRGB: getRGB is exact here
                int o = (y * 4 + x) * 3;
                assertEquals(rgb >> 16 & 0xff, v[o] & 0xff, "red at " + x + "," + y);
                assertEquals(rgb >> 8 & 0xff, v[o + 1] & 0xff, "green at " + x + "," + y);
                assertEquals(rgb & 0xff, v[o + 2] & 0xff, "blue at " + x + "," + y);
            }
        }
    }

    /**
     * The gray case: stored 0, 64, 128, 200 came back as 0, 137, 188, 229 in three channels
     * (getRGB's linear-gray-to-sRGB conversion); fails without the fix on the shape and the values.
     * 16-bit samples keep their 16 bits (they were cut to 8).
     */
    @Test
    void grayIsOneChannelOfStoredValuesAndSixteenBitsStay() throws IOException {
        BufferedImage gray = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setPixels(0, 0, 4, 1, new int[] {0, 64, 128, 200});
        for (BufferedImage image : new BufferedImage[] {gray, decode(gray, "png")}) {
            Tensor t = Images.toTensor(image);
            assertArrayEquals(new long[] {1, 4, 1}, t.shape());
            assertArrayEquals(new byte[] {0, 64, (byte) 128, (byte) 200}, t.toByteArray());
            assertArrayEquals(new byte[] {0, (byte) 255, 64, (byte) 255, (byte) 128, (byte) 255, (byte) 200, (byte) 255},
                    Images.toTensor(image, true).toByteArray(), "alpha on request, opaque");
        }
        BufferedImage deep = new BufferedImage(3, 1, BufferedImage.TYPE_USHORT_GRAY);
        deep.getRaster().setPixels(0, 0, 3, 1, new int[] {1, 40000, 65535});
        Tensor t = Images.toTensor(decode(deep, "png"));
        assertEquals(DType.INT32, t.dtype());
        assertArrayEquals(new int[] {1, 40000, 65535}, t.toIntArray());
        BufferedImage back = Images.toBufferedImage(t);
        assertEquals(BufferedImage.TYPE_USHORT_GRAY, back.getType());
        assertEquals(40000, back.getRaster().getSample(1, 0, 0));
        // 1-, 2- and 4-bit gray decode as a gray palette: one channel of the 8-bit levels v·255/(2^bits − 1).
        BufferedImage four = grayRamp(4, 3, 1);
        four.getRaster().setPixels(0, 0, 3, 1, new int[] {0, 5, 15});
        Tensor g = Images.toTensor(decode(four, "png"));
        assertArrayEquals(new long[] {1, 3, 1}, g.shape());
        assertArrayEquals(new byte[] {0, 85, (byte) 255}, g.toByteArray());
    }

    /** Source images of every kind ImageIO writes and reads, with random stored samples. */
    static Stream<Arguments> kinds() {
        return Stream.of(
                kind("gray1", () -> grayRamp(1, W, H), "png", "gif", "bmp", "tiff"),
                kind("gray2", () -> grayRamp(2, W, H), "png", "gif", "tiff"),
                kind("gray4", () -> grayRamp(4, W, H), "png", "gif", "bmp", "tiff"),
                kind("gray8", () -> new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY), "png", "jpeg", "bmp", "tiff"),
                kind("gray16", () -> new BufferedImage(W, H, BufferedImage.TYPE_USHORT_GRAY), "png", "tiff"),
                kind("gray+alpha8", () -> components(ColorSpace.CS_GRAY, true, DataBuffer.TYPE_BYTE), "png", "tiff"),
                kind("gray+alpha16", () -> components(ColorSpace.CS_GRAY, true, DataBuffer.TYPE_USHORT), "png", "tiff"),
                kind("rgb 3BYTE_BGR", () -> new BufferedImage(W, H, BufferedImage.TYPE_3BYTE_BGR),
                        "png", "jpeg", "bmp", "tiff"),
                kind("rgb INT_RGB", () -> new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB), "png", "jpeg", "bmp", "tiff"),
                kind("rgba 4BYTE_ABGR", () -> new BufferedImage(W, H, BufferedImage.TYPE_4BYTE_ABGR), "png", "tiff"),
                kind("rgba INT_ARGB", () -> new BufferedImage(W, H, BufferedImage.TYPE_INT_ARGB), "png", "tiff"),
                kind("rgb16", () -> components(ColorSpace.CS_sRGB, false, DataBuffer.TYPE_USHORT), "png", "tiff"),
                kind("rgba16", () -> components(ColorSpace.CS_sRGB, true, DataBuffer.TYPE_USHORT), "png", "tiff"),
                kind("rgb 565", () -> new BufferedImage(W, H, BufferedImage.TYPE_USHORT_565_RGB), "bmp"),
                kind("palette8", () -> palette(8, false), "png", "gif", "bmp", "tiff"),
                kind("palette4", () -> palette(4, false), "png", "gif", "bmp", "tiff"),
                kind("palette8 with transparency", () -> palette(8, true), "png", "gif"),
                kind("gray palette8", () -> grayPalette(), "png", "gif", "bmp", "tiff"))
                .flatMap(a -> a);
    }

    private static final int W = 11, H = 6;

    private static Stream<Arguments> kind(String name, Supplier<BufferedImage> make, String... formats) {
        return Stream.of(formats).map(f -> Arguments.of(name, f, make));
    }

    /**
     * For each kind and format: the decoded image, and crops of it (one at an odd x, which starts
     * packed 1-, 2- and 4-bit rows mid-byte), give exactly the reference values (read sample by
     * sample through Raster.getSample, which honours the sample model); lossless formats give the
     * values written; the crop's tensor is the whole tensor's crop; and toBufferedImage round-trips.
     * Fails without the fix: gray kinds gave three channels, 16-bit kinds 8-bit values, crops of
     * the byte-interleaved kinds the parent's first bytes, gray 8/16 the sRGB-converted levels.
     */
    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("kinds")
    void everyTypeImageIoReadsConvertsExactly(String kind, String format, Supplier<BufferedImage> make)
            throws IOException {
        BufferedImage source = make.get();
        fillRandomly(source, kind.hashCode() ^ format.hashCode());
        BufferedImage decoded = decode(source, format);
        boolean lossless = !format.equals("jpeg");
        for (boolean alpha : new boolean[] {false, true}) {
            Tensor t = Images.toTensor(decoded, alpha);
            String what = kind + " as " + format + (alpha ? " with alpha" : "") + ": ";
            assertEquals(reference(decoded, alpha), t, what + "the decoded image's values");
            int channels = (kind.startsWith("gray") ? 1 : 3) + (alpha ? 1 : 0);
            assertEquals(channels, t.shape()[2], what + "channels");
            assertEquals(kind.endsWith("16") ? DType.INT32 : DType.UINT8, t.dtype(), what + "type");
            if (lossless) {
                assertEquals(reference(source, alpha), t, what + "the values written");
            }
            for (int[] c : new int[][] {{2, 1, 5, 4}, {3, 2, 7, 3}, {0, 0, W, H}, {W - 1, H - 1, 1, 1}}) {
                BufferedImage crop = decoded.getSubimage(c[0], c[1], c[2], c[3]);
                Tensor ct = Images.toTensor(crop, alpha);
                String at = what + "crop " + c[0] + "," + c[1] + " " + c[2] + "x" + c[3];
                assertEquals(reference(crop, alpha), ct, at);
                assertEquals(crop(t, c), ct, at + " is the crop of the whole");
            }
            BufferedImage back = Images.toBufferedImage(t);
            assertEquals(t, Images.toTensor(back, alpha), what + "round trip");
            ColorModel cm = decoded.getColorModel();
            int bits = cm.getComponentSize(0);
            if (!(cm instanceof IndexColorModel) && (bits == 8 || bits == 16) && (alpha || !cm.hasAlpha())) {
                Raster a = decoded.getRaster(), b = back.getRaster();
                assertEquals(a.getNumBands() + (alpha && !cm.hasAlpha() ? 1 : 0), b.getNumBands(), what + "bands");
                for (int y = 0; y < H; y++) {
                    for (int x = 0; x < W; x++) {
                        for (int band = 0; band < a.getNumBands(); band++) {
                            assertEquals(a.getSample(x, y, band), b.getSample(x, y, band),
                                    what + "the round trip stores the same samples at " + x + "," + y);
                        }
                    }
                }
            }
        }
    }

    /**
     * Rasters no decoder makes but Java allows: banded, offset into their buffer, premultiplied,
     * packed 5-5-5. Each offset and stride is checked to matter: with the bank offsets, the buffer
     * offset of packed ints or a crop's translation ignored, this test fails.
     */
    @Test
    void otherSampleModels() {
        // Banded: one bank per colour, each starting past an offset.
        byte[][] banks = new byte[3][3 + W * H];
        new Random(5).nextBytes(banks[0]);
        new Random(6).nextBytes(banks[1]);
        new Random(7).nextBytes(banks[2]);
        DataBufferByte db = new DataBufferByte(banks, banks[0].length, new int[] {3, 1, 2});
        WritableRaster banded = Raster.createWritableRaster(
                new BandedSampleModel(DataBuffer.TYPE_BYTE, W, H, W, new int[] {2, 0, 1}, new int[] {0, 0, 0}), db,
                new Point(0, 0));
        ColorModel rgb = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
        BufferedImage image = new BufferedImage(rgb, banded, false, null);
        // Interleaved with a pixel stride of 4 (a padding byte) and a buffer offset.
        byte[] bytes = new byte[5 + 4 * W * H];
        new Random(8).nextBytes(bytes);
        WritableRaster strided = Raster.createWritableRaster(
                new PixelInterleavedSampleModel(DataBuffer.TYPE_BYTE, W, H, 4, 4 * W, new int[] {1, 3, 0}),
                new DataBufferByte(bytes, bytes.length - 5, 5), new Point(0, 0));
        BufferedImage padded = new BufferedImage(rgb, strided, false, null);
        // Packed ints with a buffer offset and a scanline longer than the row.
        int[] words = new int[7 + (W + 2) * H];
        System.arraycopy(new Random(14).ints(words.length).toArray(), 0, words, 0, words.length);
        DirectColorModel dcm = new DirectColorModel(24, 0xff0000, 0xff00, 0xff);
        WritableRaster packed = Raster.createWritableRaster(new SinglePixelPackedSampleModel(DataBuffer.TYPE_INT, W, H,
                W + 2, dcm.getMasks()), new DataBufferInt(words, words.length - 7, 7), new Point(0, 0));
        BufferedImage offset = new BufferedImage(dcm, packed, false, null);
        for (BufferedImage b : new BufferedImage[] {image, padded, offset, randomImage(BufferedImage.TYPE_USHORT_555_RGB, W, H, 9),
            randomImage(BufferedImage.TYPE_INT_BGR, W, H, 10)}) {
            for (BufferedImage i : new BufferedImage[] {b, b.getSubimage(3, 2, 6, 3)}) {
                assertEquals(reference(i, false), Images.toTensor(i));
                if (b != padded) {
                    // 8-bit sRGB and 5-bit-per-colour packed: getRGB expands each exactly as Note [image conversion] does.
                    // (Not for padded: JDK 17's ByteInterleavedRaster.getDataElements, under getRGB, reads the
                    // wrong bytes for band offsets {1, 3, 0} with pixel stride 4; getSample reads the right ones.)
                    assertEquals(viaGetRgb(i, false), Images.toTensor(i));
                }
            }
        }
        byte[] v = Images.toTensor(padded.getSubimage(3, 2, 6, 3)).toByteArray();
        for (int y = 0, o = 0; y < 3; y++) {
            for (int x = 0; x < 6; x++) {
                for (int band : new int[] {1, 3, 0}) {
                    assertEquals(bytes[5 + (2 + y) * 4 * W + (3 + x) * 4 + band], v[o++], "the stored byte itself");
                }
            }
        }
        // Premultiplied alpha: un-premultiplied as getRGB does (the fallback).
        BufferedImage pre = new BufferedImage(W, H, BufferedImage.TYPE_INT_ARGB_PRE);
        Random r = new Random(12);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                pre.setRGB(x, y, r.nextInt());
            }
        }
        assertEquals(viaGetRgb(pre, true), Images.toTensor(pre, true));
        assertEquals(viaGetRgb(pre.getSubimage(1, 1, 4, 4), false), Images.toTensor(pre.getSubimage(1, 1, 4, 4)));
    }

    @Test
    void everyTensorBecomesAnImageThatGivesItBack() {
        Random r = new Random(13);
        for (int c = 1; c <= 4; c++) {
            byte[] b = new byte[5 * 3 * c];
            r.nextBytes(b);
            int[] v = new int[5 * 3 * c];
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextInt(65536);
            }
            for (Tensor t : new Tensor[] {Tensor.ofUint8(b, 5, 3, c), Tensor.of(v, 5, 3, c)}) {
                BufferedImage image = Images.toBufferedImage(t);
                assertEquals(t, Images.toTensor(image, c % 2 == 0), c + " channels " + t.dtype());
                Tensor batch = t.dtype() == DType.UINT8 ? Tensor.ofUint8(b, 1, 5, 3, c) : Tensor.of(v, 1, 5, 3, c);
                assertEquals(t, Images.toTensor(Images.toBufferedImage(batch), c % 2 == 0), "a batch of one");
                for (int i = 0; i < t.elementCount(); i++) {
                    assertEquals((int) t.getDouble(i), image.getRaster().getSample(i / c % 3, i / c / 3, i % c),
                            "the image stores the values themselves");
                }
            }
        }
    }

    @Test
    void uint8PatchesFromAnImageOnEveryBackend() {
        BufferedImage image = randomImage(BufferedImage.TYPE_3BYTE_BGR, 8, 6, 3);
        Tensor pixels = Images.toTensor(image);
        Unfold patches = Unfold.of(2).withStride(2).withImageLayout(ImageLayout.CHANNELS_LAST)
                .withColumnLayout(ColumnLayout.PATCHES);
        for (Backend b : TestBackends.all()) {
            Tensor p = patches.apply(pixels, b);
            assertArrayEquals(new long[] {12, 12}, p.shape(), b.name());
            byte[] v = p.toByteArray();
            // Every element, not one of the 144: patch (py, px) of the 3×4 grid, element
            // (ki, kj, channel) is pixel (2·px + kj, 2·py + ki), channel R, G, B.
            for (int patch = 0; patch < 12; patch++) {
                for (int e = 0; e < 12; e++) {
                    int py = patch / 4, px = patch % 4, ki = e / 6, kj = e / 3 % 2, ch = e % 3;
                    int rgb = image.getRGB(2 * px + kj, 2 * py + ki);
                    assertEquals(rgb >> (16 - 8 * ch) & 0xff, v[patch * 12 + e] & 0xff,
                            "patch " + patch + ", element " + e + ", " + b.name());
                }
            }
        }
    }

    // ---- the reference: Note [image conversion] computed sample by sample with Raster.getSample ----

    /** The tensor Note [image conversion] describes, from getSample (and the palette) alone. */
    static Tensor reference(BufferedImage image, boolean withAlpha) {
        ColorModel cm = image.getColorModel();
        Raster r = image.getRaster();
        int w = image.getWidth(), h = image.getHeight();
        if (cm instanceof IndexColorModel icm) {
            boolean gray = true;
            for (int i = 0; i < icm.getMapSize(); i++) {
                gray &= icm.getRed(i) == icm.getGreen(i) && icm.getRed(i) == icm.getBlue(i);
            }
            int c = (gray ? 1 : 3) + (withAlpha ? 1 : 0);
            byte[] out = new byte[w * h * c];
            for (int y = 0, o = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int i = r.getSample(x, y, 0);
                    out[o++] = (byte) icm.getRed(i);
                    if (!gray) {
                        out[o++] = (byte) icm.getGreen(i);
                        out[o++] = (byte) icm.getBlue(i);
                    }
                    if (withAlpha) {
                        out[o++] = (byte) icm.getAlpha(i);
                    }
                }
            }
            return Tensor.ofUint8(out, h, w, c);
        }
        int colours = cm.getNumColorComponents(), c = colours + (withAlpha ? 1 : 0);
        boolean wide = false;
        for (int b = 0; b < cm.getNumComponents(); b++) {
            wide |= cm.getComponentSize(b) > 8;
        }
        long max = wide ? 65535 : 255;
        int[] out = new int[w * h * c];
        for (int y = 0, o = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int b = 0; b < c; b++) {
                    if (b == colours && !cm.hasAlpha()) {
                        out[o++] = (int) max;
                    } else {
                        long top = (1L << cm.getComponentSize(b)) - 1;
                        out[o++] = (int) Math.round(r.getSample(x, y, b) * (double) max / top);
                    }
                }
            }
        }
        if (wide) {
            return Tensor.of(out, h, w, c);
        }
        byte[] bytes = new byte[out.length];
        for (int i = 0; i < out.length; i++) {
            bytes[i] = (byte) out[i];
        }
        return Tensor.ofUint8(bytes, h, w, c);
    }

    private static Tensor viaGetRgb(BufferedImage image, boolean withAlpha) {
        int w = image.getWidth(), h = image.getHeight(), c = withAlpha ? 4 : 3;
        byte[] out = new byte[w * h * c];
        for (int y = 0, o = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = image.getRGB(x, y);
                out[o++] = (byte) (argb >> 16);
                out[o++] = (byte) (argb >> 8);
                out[o++] = (byte) argb;
                if (withAlpha) {
                    out[o++] = (byte) (argb >>> 24);
                }
            }
        }
        return Tensor.ofUint8(out, h, w, c);
    }

    /** Rows c[1].. and columns c[0].. of size c[3] × c[2] of an [H, W, C] tensor. */
    private static Tensor crop(Tensor t, int[] c) {
        long[] s = t.shape();
        int w = (int) s[1], ch = (int) s[2];
        boolean wide = t.dtype() == DType.INT32;
        int[] ints = wide ? t.toIntArray() : null;
        byte[] bytes = wide ? null : t.toByteArray();
        int n = c[2] * c[3] * ch;
        int[] oi = new int[n];
        byte[] ob = new byte[n];
        for (int y = 0, o = 0; y < c[3]; y++) {
            for (int x = 0; x < c[2]; x++) {
                for (int k = 0; k < ch; k++, o++) {
                    int i = ((c[1] + y) * w + c[0] + x) * ch + k;
                    if (wide) {
                        oi[o] = ints[i];
                    } else {
                        ob[o] = bytes[i];
                    }
                }
            }
        }
        return wide ? Tensor.of(oi, c[3], c[2], ch) : Tensor.ofUint8(ob, c[3], c[2], ch);
    }

    // ---- source images ----

    static BufferedImage decode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, format, bytes), "ImageIO writes this image as " + format);
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(bytes.toByteArray()));
        assertNotNull(decoded, format);
        return decoded;
    }

    /** Random stored samples in every band (indices within the palette for indexed images). */
    private static void fillRandomly(BufferedImage image, long seed) {
        Random r = new Random(seed);
        WritableRaster raster = image.getRaster();
        int entries = image.getColorModel() instanceof IndexColorModel icm ? icm.getMapSize() : Integer.MAX_VALUE;
        for (int y = 0; y < raster.getHeight(); y++) {
            for (int x = 0; x < raster.getWidth(); x++) {
                for (int b = 0; b < raster.getNumBands(); b++) {
                    int bits = raster.getSampleModel().getSampleSize(b);
                    raster.setSample(x, y, b, r.nextInt((int) Math.min(1L << bits, entries)));
                }
            }
        }
    }

    /** A 1-, 2- or 4-bit image with the gray-ramp palette ImageIO uses for gray PNG and TIFF of those depths. */
    static BufferedImage grayRamp(int bits, int w, int h) {
        int n = 1 << bits;
        byte[] g = new byte[n];
        for (int i = 0; i < n; i++) {
            g[i] = (byte) (i * 255 / (n - 1));
        }
        return new BufferedImage(w, h, BufferedImage.TYPE_BYTE_BINARY, new IndexColorModel(bits, n, g, g, g));
    }

    private static BufferedImage components(int colorSpace, boolean alpha, int dataType) {
        ColorModel cm = new ComponentColorModel(ColorSpace.getInstance(colorSpace), alpha, false,
                alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, dataType);
        return new BufferedImage(cm, cm.createCompatibleWritableRaster(W, H), false, null);
    }

    /** A random palette of 2^bits colours, entry 5 transparent when asked for. */
    private static BufferedImage palette(int bits, boolean transparent) {
        int n = 1 << bits;
        byte[] rgb = new byte[3 * n];
        new Random(bits).nextBytes(rgb);
        IndexColorModel icm = transparent ? new IndexColorModel(bits, n, rgb, 0, false, 5)
                : new IndexColorModel(bits, n, rgb, 0, false);
        return new BufferedImage(W, H, bits == 8 ? BufferedImage.TYPE_BYTE_INDEXED : BufferedImage.TYPE_BYTE_BINARY, icm);
    }

    /** A palette of 200 distinct grays, in a shuffled order. */
    private static BufferedImage grayPalette() {
        byte[] g = new byte[200];
        for (int i = 0; i < 200; i++) {
            g[i] = (byte) ((i * 37) % 256);
        }
        return new BufferedImage(W, H, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 200, g, g, g));
    }
}
