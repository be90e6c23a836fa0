package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: image files and batches into one tensor of the type asked for (Note [image batches]
 * in Images). Every file is written by ImageIO into a temporary folder; the expected values are
 * {@link Images#toTensor(BufferedImage)} of the image ImageIO decodes from the same file, moved
 * to the layout and converted to the type here, element by element.
 */
class ImagesReadTest {
    static final int W = 13, H = 9;

    @TempDir
    static Path dir;

    static Path rgbPng, rgbPng2, rgbPng3, grayPng, gray16Png, rgb16Png, alphaPng, rgbJpeg, grayJpeg, widePng;

    private static BufferedImage rgb(int w, int h, long seed, int type) {
        Random r = new Random(seed);
        BufferedImage image = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, r.nextInt() | (type == BufferedImage.TYPE_INT_ARGB ? 0 : 0xff000000));
            }
        }
        return image;
    }

    private static BufferedImage gray(int w, int h, long seed) {
        Random r = new Random(seed);
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.getRaster().setSample(x, y, 0, r.nextInt(256));
            }
        }
        return image;
    }

    /** A 16-bit image of {@code c} channels (1: USHORT_GRAY, 3: 16-bit RGB) with values across 0..65535, the ends included. */
    private static BufferedImage wide(int w, int h, int c, long seed) {
        Random r = new Random(seed);
        int[] v = new int[w * h * c];
        for (int i = 0; i < v.length; i++) {
            v[i] = i == 0 ? 0 : i == 1 ? 0xffff : r.nextInt(0x10000);
        }
        return Images.toBufferedImage(Tensor.of(v, h, w, c));
    }

    private static Path write(BufferedImage image, String format, String name) throws IOException {
        Path file = dir.resolve(name);
        assertTrue(ImageIO.write(image, format, file.toFile()), "ImageIO writes " + format);
        return file;
    }

    @BeforeAll
    static void files() throws IOException {
        rgbPng = write(rgb(W, H, 1, BufferedImage.TYPE_INT_RGB), "png", "rgb.png");
        rgbPng2 = write(rgb(W, H, 2, BufferedImage.TYPE_INT_RGB), "png", "rgb2.png");
        rgbPng3 = write(rgb(W, H, 3, BufferedImage.TYPE_3BYTE_BGR), "png", "rgb3.png");
        grayPng = write(gray(W, H, 4), "png", "gray.png");
        gray16Png = write(wide(W, H, 1, 5), "png", "gray16.png");
        rgb16Png = write(wide(W, H, 3, 6), "png", "rgb16.png");
        alphaPng = write(rgb(W, H, 7, BufferedImage.TYPE_INT_ARGB), "png", "alpha.png");
        rgbJpeg = write(rgb(W, H, 8, BufferedImage.TYPE_3BYTE_BGR), "jpg", "rgb.jpg");
        grayJpeg = write(gray(W, H, 9), "jpg", "gray.jpg");
        widePng = write(rgb(W + 1, H, 10, BufferedImage.TYPE_INT_RGB), "png", "wider.png");
    }

    /** The [H, W, C] tensor of the file's image as ImageIO decodes it, alpha dropped. */
    private static Tensor stored(Path file) throws IOException {
        return Images.toTensor(ImageIO.read(file.toFile()));
    }

    private static boolean is16Bit(Path file) {
        return file == gray16Png || file == rgb16Png;
    }

    /** Images {@code hwc} (each [H, W, C] as stored, 8- or 16-bit) as the batch the library should make. */
    private static Tensor expected(List<Tensor> hwc, List<Boolean> sixteen, ImageLayout layout, DType dtype,
            PixelScale scale, boolean batched) {
        long[] s = hwc.get(0).shape();
        int h = (int) s[0], w = (int) s[1], c = (int) s[2], n = hwc.size(), one = h * w * c;
        double[] values = new double[n * one];
        float[] floats = new float[n * one];
        for (int i = 0; i < n; i++) {
            int max = sixteen.get(i) ? 65535 : 255;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int ch = 0; ch < c; ch++) {
                        int v = (int) hwc.get(i).getDouble((y * w + x) * c + ch);
                        int o = i * one + (layout == ImageLayout.CHANNELS_FIRST ? (ch * h + y) * w + x : (y * w + x) * c + ch);
                        values[o] = scale == PixelScale.UNIT ? v / (double) max : v;
                        floats[o] = scale == PixelScale.UNIT ? v / (float) max : v;
                    }
                }
            }
        }
        long[] shape = layout == ImageLayout.CHANNELS_FIRST ? new long[] {c, h, w} : new long[] {h, w, c};
        if (batched) {
            shape = new long[] {n, shape[0], shape[1], shape[2]};
        }
        switch (dtype) {
            case FLOAT32: return Tensor.of(floats, shape);
            case FLOAT64: return Tensor.of(values, shape);
            case INT32: return Tensor.of(Arrays.stream(values).mapToInt(v -> (int) v).toArray(), shape);
            // the float32 value rounded once more (8-bit samples are exact in both 16-bit types)
            case FLOAT16: return Tensor.float16Of(floats, shape);
            case BFLOAT16: return Tensor.bfloat16Of(floats, shape);
            default: {
                byte[] b = new byte[values.length];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) values[i];
                }
                return Tensor.ofUint8(b, shape);
            }
        }
    }

    private static List<Path> all() {
        return List.of(rgbPng, rgbPng3, grayPng, gray16Png, rgb16Png, alphaPng, rgbJpeg, grayJpeg);
    }

    @Test
    void readGivesTheStoredValuesChannelsFirst() throws IOException {
        for (Path file : all()) {
            Tensor t = Images.read(file);
            Tensor hwc = stored(file);
            assertEquals(is16Bit(file) ? DType.INT32 : DType.UINT8, t.dtype(), file.toString());
            assertEquals(expected(List.of(hwc), List.of(is16Bit(file)), ImageLayout.CHANNELS_FIRST, t.dtype(),
                    PixelScale.STORED, false), t, file.toString());
            long c = file == grayPng || file == grayJpeg || file == gray16Png ? 1 : 3;
            assertArrayEquals(new long[] {c, H, W}, t.shape(), file + ": alpha dropped, gray one channel");
        }
    }

    @Test
    void sixteenBitFilesKeepTheirFullRange() throws IOException {
        Tensor t = Images.read(gray16Png);
        Tensor source = Images.toTensor(wide(W, H, 1, 5));
        assertArrayEquals(source.toIntArray(), t.toIntArray(), "one channel: the same order");
        assertEquals(0, t.getDouble(0));
        assertEquals(65535, t.getDouble(1));
        Tensor unit = Images.read(gray16Png, ImageLayout.CHANNELS_FIRST, DType.FLOAT32, PixelScale.UNIT);
        assertEquals(0f, unit.getDouble(0));
        assertEquals(1f, unit.getDouble(1));
    }

    @Test
    void everyLayoutTypeAndScale() throws IOException {
        int checked = 0;
        for (Path file : all()) {
            Tensor hwc = stored(file);
            for (ImageLayout layout : ImageLayout.values()) {
                for (DType dtype : DType.values()) {
                    for (PixelScale scale : PixelScale.values()) {
                        if ((scale == PixelScale.UNIT && !dtype.isFloatingPoint()) || (dtype == DType.UINT8 && is16Bit(file))) {
                            continue;  // refused: refusalsNameTheFile
                        }
                        Tensor t = Images.read(file, layout, dtype, scale);
                        assertEquals(expected(List.of(hwc), List.of(is16Bit(file)), layout, dtype, scale, false), t,
                                file + " " + layout + " " + dtype + " " + scale);
                        checked++;
                    }
                }
            }
        }
        assertEquals(6 * 2 * 10 + 2 * 2 * 9, checked, "8-bit files: 6 types stored, 4 scaled; 16-bit: not uint8");
    }

    @Test
    void aBatchIsEachImageInItsSlice() throws IOException {
        List<Path> files = List.of(rgbPng, rgbPng2, rgbPng3, alphaPng, rgbJpeg);
        List<Tensor> hwc = new ArrayList<>();
        for (Path f : files) {
            hwc.add(stored(f));
        }
        List<Boolean> eight = List.of(false, false, false, false, false);
        for (ImageLayout layout : ImageLayout.values()) {
            for (DType dtype : DType.values()) {
                for (PixelScale scale : PixelScale.values()) {
                    if (scale == PixelScale.UNIT && !dtype.isFloatingPoint()) {
                        continue;
                    }
                    Tensor batch = Images.readBatch(files, layout, dtype, scale);
                    String what = layout + " " + dtype + " " + scale;
                    assertArrayEquals(layout == ImageLayout.CHANNELS_FIRST ? new long[] {5, 3, H, W} : new long[] {5, H, W, 3},
                            batch.shape(), what);
                    assertEquals(expected(hwc, eight, layout, dtype, scale, true), batch, what);
                    // The same as reading each file alone, one after the other.
                    for (int i = 0; i < files.size(); i++) {
                        Tensor one = Images.read(files.get(i), layout, dtype, scale);
                        for (int k = 0; k < one.elementCount(); k++) {
                            assertEquals(one.getDouble(k), batch.getDouble(i * one.elementCount() + k), what + " image " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void toBatchAgreesWithReadBatch() throws IOException {
        List<Path> files = List.of(gray16Png, gray16Png, gray16Png);
        List<BufferedImage> images = new ArrayList<>();
        for (Path f : files) {
            images.add(ImageIO.read(f.toFile()));
        }
        for (ImageLayout layout : ImageLayout.values()) {
            assertEquals(Images.readBatch(files, layout, DType.FLOAT64, PixelScale.UNIT),
                    Images.toBatch(images, layout, DType.FLOAT64, PixelScale.UNIT));
            assertEquals(Images.readBatch(files, layout, DType.INT32, PixelScale.STORED),
                    Images.toBatch(images, layout, DType.INT32, PixelScale.STORED));
        }
        Tensor one = Images.toBatch(List.of(images.get(0)), ImageLayout.CHANNELS_LAST, DType.INT32, PixelScale.STORED);
        assertArrayEquals(new long[] {1, H, W, 1}, one.shape());
        assertArrayEquals(Images.toTensor(images.get(0)).toIntArray(), one.toIntArray());
    }

    /** Every path of the conversion (bytes copied, packed and palette samples, the getRGB fallback, a crop) into its slice, either layout. */
    @Test
    void everyKindOfImageGoesToItsSlice() {
        List<BufferedImage> images = new ArrayList<>();
        for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_4BYTE_ABGR,
            BufferedImage.TYPE_USHORT_565_RGB, BufferedImage.TYPE_BYTE_INDEXED, BufferedImage.TYPE_INT_ARGB_PRE}) {
            BufferedImage image = new BufferedImage(W, H, type);
            image.createGraphics().drawImage(rgb(W, H, type, BufferedImage.TYPE_INT_RGB), 0, 0, null);
            images.add(image);
        }
        images.add(rgb(W + 5, H + 4, 99, BufferedImage.TYPE_3BYTE_BGR).getSubimage(3, 2, W, H));
        List<Tensor> hwc = new ArrayList<>();
        List<Boolean> eight = new ArrayList<>();
        for (BufferedImage image : images) {
            hwc.add(Images.toTensor(image));
            eight.add(false);
        }
        for (ImageLayout layout : ImageLayout.values()) {
            for (DType dtype : DType.values()) {
                assertEquals(expected(hwc, eight, layout, dtype, PixelScale.STORED, true),
                        Images.toBatch(images, layout, dtype, PixelScale.STORED), layout + " " + dtype);
            }
        }
    }

    @Test
    void mismatchedImagesNameBothFilesAndShapes() {
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class, () -> Images.readBatch(
                List.of(rgbPng, rgbPng2, widePng), ImageLayout.CHANNELS_FIRST, DType.FLOAT32, PixelScale.UNIT));
        assertTrue(size.getMessage().contains(rgbPng + " is [3, 9, 13]") && size.getMessage().contains(widePng + " is [3, 9, 14]"),
                size.getMessage());
        IllegalArgumentException channels = assertThrows(IllegalArgumentException.class, () -> Images.readBatch(
                List.of(grayPng, rgbPng), ImageLayout.CHANNELS_LAST, DType.UINT8, PixelScale.STORED));
        assertTrue(channels.getMessage().contains(grayPng + " is [9, 13, 1]") && channels.getMessage().contains(rgbPng + " is [9, 13, 3]"),
                channels.getMessage());
        IllegalArgumentException images = assertThrows(IllegalArgumentException.class, () -> Images.toBatch(
                List.of(gray(4, 4, 1), gray(4, 5, 1)), ImageLayout.CHANNELS_FIRST, DType.UINT8, PixelScale.STORED));
        assertTrue(images.getMessage().contains("images[0] is [1, 4, 4] and images[1] is [1, 5, 4]"), images.getMessage());
    }

    @Test
    void eightAndSixteenBitImagesShareABatchOnlyScaledToUnit() throws IOException {
        Path gray8 = write(gray(W, H, 11), "png", "gray8.png");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Images.readBatch(
                List.of(gray8, gray16Png), ImageLayout.CHANNELS_FIRST, DType.FLOAT32, PixelScale.STORED));
        assertTrue(e.getMessage().contains(gray8.toString()) && e.getMessage().contains(gray16Png.toString()), e.getMessage());
        Tensor unit = Images.readBatch(List.of(gray8, gray16Png), ImageLayout.CHANNELS_FIRST, DType.FLOAT32, PixelScale.UNIT);
        assertEquals(expected(List.of(stored(gray8), stored(gray16Png)), List.of(false, true), ImageLayout.CHANNELS_FIRST,
                DType.FLOAT32, PixelScale.UNIT, true), unit);
    }

    @Test
    void refusalsNameTheFile() {
        IllegalArgumentException narrow = assertThrows(IllegalArgumentException.class,
                () -> Images.read(rgb16Png, ImageLayout.CHANNELS_FIRST, DType.UINT8, PixelScale.STORED));
        assertTrue(narrow.getMessage().startsWith(rgb16Png + " has 16-bit samples"), narrow.getMessage());
        IllegalArgumentException inBatch = assertThrows(IllegalArgumentException.class, () -> Images.readBatch(
                List.of(gray16Png, gray16Png), ImageLayout.CHANNELS_FIRST, DType.UINT8, PixelScale.STORED));
        assertTrue(inBatch.getMessage().startsWith(gray16Png + " has 16-bit samples"), inBatch.getMessage());
        for (DType integer : new DType[] {DType.UINT8, DType.INT32}) {
            IllegalArgumentException unit = assertThrows(IllegalArgumentException.class,
                    () -> Images.read(rgbPng, ImageLayout.CHANNELS_FIRST, integer, PixelScale.UNIT));
            assertTrue(unit.getMessage().contains("needs a floating-point type"), unit.getMessage());
        }
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> Images.readBatch(List.of(), ImageLayout.CHANNELS_FIRST, DType.FLOAT32, PixelScale.UNIT));
        assertEquals("a batch needs at least one image, but the list is empty", empty.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Images.toBatch(List.of(), ImageLayout.CHANNELS_FIRST, DType.FLOAT32, PixelScale.UNIT));
        NullPointerException element = assertThrows(NullPointerException.class, () -> Images.readBatch(
                Arrays.asList(rgbPng, null), ImageLayout.CHANNELS_FIRST, DType.FLOAT32, PixelScale.UNIT));
        assertEquals("files[1]", element.getMessage());
        NullPointerException image = assertThrows(NullPointerException.class, () -> Images.toBatch(
                Arrays.asList((BufferedImage) null), ImageLayout.CHANNELS_FIRST, DType.FLOAT32, PixelScale.UNIT));
        assertEquals("images[0]", image.getMessage());
    }

    @Test
    void unreadableFilesAreAnIOExceptionNamingTheFile() throws IOException {
        Path garbage = dir.resolve("garbage.png");
        Files.write(garbage, "not an image at all".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        byte[] png = Files.readAllBytes(rgbPng);
        Path truncated = dir.resolve("truncated.png");
        Files.write(truncated, Arrays.copyOf(png, png.length / 2));
        Path damaged = dir.resolve("damaged.png");
        byte[] bad = png.clone();
        for (int i = 60; i < bad.length - 20; i++) {
            bad[i] ^= 0x5a;
        }
        Files.write(damaged, bad);
        Path missing = dir.resolve("missing.png");
        for (Path file : List.of(garbage, truncated, damaged, missing, dir)) {
            IOException e = assertThrows(IOException.class, () -> Images.read(file), file.toString());
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
            IOException inBatch = assertThrows(IOException.class, () -> Images.readBatch(List.of(rgbPng, file),
                    ImageLayout.CHANNELS_FIRST, DType.FLOAT32, PixelScale.STORED), file.toString());
            assertTrue(inBatch.getMessage().contains(file.toString()), inBatch.getMessage());
        }
        assertThrows(NoSuchFileException.class, () -> Images.read(missing));
    }
}
