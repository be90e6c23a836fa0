package org.unfold4j.cli;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.MultiPixelPackedSampleModel;
import java.awt.image.SampleModel;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import org.unfold4j.DType;
import org.unfold4j.Images;
import org.unfold4j.Tensor;

/**
 * Reading images into {@link Picture}s and writing pictures as PNG, with ImageIO (PNG, JPEG, GIF,
 * BMP, TIFF), through the library's one conversion ({@link Images#toTensor}, Note [image
 * conversion]): gray images become one channel, everything else three (RGB); alpha is dropped.
 */
final class ImageFiles {
    /** The bundled photograph, a class-path resource next to this class; see chelsea.txt there. */
    static final String BUNDLED = "chelsea.png";

    static {
        // ImageIO caches streams in temporary files by default; everything here fits in memory.
        ImageIO.setUseCache(false);
    }

    private ImageFiles() {
    }

    /** The bundled photograph, 3×288×448. */
    static Picture bundled() {
        return fromImage(bundledImage());
    }

    /** The bundled photograph as ImageIO decodes it. */
    static BufferedImage bundledImage() {
        try (InputStream in = ImageFiles.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException("the bundled image org/unfold4j/cli/" + BUNDLED
                        + " is missing from the class path");
            }
            return ImageIO.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the bundled image", e);
        }
    }

    /** The image at {@code file}, or the bundled photograph when {@code file} is null. */
    static Picture readOrBundled(Path file) {
        return file == null ? bundled() : read(file);
    }

    /**
     * Reads an image file: its size first, from the header, so that an image too large to decode
     * is refused in words before ImageIO tries (Note [decoded image limit]).
     *
     * @throws BadInputException if the file is missing, a directory, unreadable, not a decodable
     *                           image, or too large to decode
     */
    static Picture read(Path file) {
        // Not Images.read: the header is checked before decoding (Note [decoded image limit]), a
        // 16-bit file becomes 0..255 here, and a Picture is a float[] that a tensor would only give
        // by a second full-size copy; fromImage converts through Images all the same.
        if (!Files.exists(file)) {
            throw new BadInputException("image file not found: " + file);
        }
        if (Files.isDirectory(file)) {
            throw new BadInputException(file + " is a directory, not an image file");
        }
        BufferedImage image;
        try (InputStream raw = Files.newInputStream(file); ImageInputStream in = ImageIO.createImageInputStream(raw)) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new BadInputException(file + " is not an image that can be decoded (PNG, JPEG, GIF, BMP or TIFF expected)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                ImageTypeSpecifier type = reader.getRawImageType(0);
                if (type == null && reader.getImageTypes(0).hasNext()) {
                    type = reader.getImageTypes(0).next();
                }
                checkSize(file, reader.getWidth(0), reader.getHeight(0), type, Runtime.getRuntime().maxMemory());
                image = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (BadInputException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // ImageIO reports a damaged file as an IIOException or, from some decoders, a runtime exception.
            throw new BadInputException("cannot read image " + file + ": " + describe(e), e);
        }
        return fromImage(image);
    }

    /**
     * Note [decoded image limit]: ImageIO holds a decoded image in one Java array per bank, so an
     * image whose samples (width × height × samples per pixel, in the decoder's own elements) pass
     * {@code Integer.MAX_VALUE} cannot be decoded by any JVM: ImageIO fails deep inside with
     * "Invalid scanline stride" or a negative array size. Below that, the decoded raster and the
     * float32 picture the commands compute on must fit in the heap ({@code -Xmx}). Both are known
     * from the file's header, so the file is refused with its size and the limit before decoding.
     *
     * @param type the decoder's image type, or null when it does not say (then 4 bytes a pixel)
     * @throws BadInputException naming the size, the limit and why
     */
    static void checkSize(Path file, int width, int height, ImageTypeSpecifier type, long maxHeap) {
        long w = width, h = height;
        int bands = type == null ? 4 : type.getNumBands(), bitsPerPixel = 0;
        for (int b = 0; b < bands; b++) {
            bitsPerPixel += type == null ? 8 : type.getBitsPerBand(b);
        }
        SampleModel sm = type == null ? null : type.getSampleModel();
        int elementBits = sm == null ? 8 : DataBuffer.getDataTypeSize(sm.getDataType());
        long rowElements = sm instanceof MultiPixelPackedSampleModel ? (w * bitsPerPixel + elementBits - 1) / elementBits
                : sm instanceof SinglePixelPackedSampleModel ? w : w * bands;
        long elements = rowElements * h;
        String size = width + times() + height + " pixels";
        if (elements > Integer.MAX_VALUE) {
            throw new BadInputException(String.format(Locale.ROOT, "cannot decode %s: %s is too large: Java holds a decoded"
                    + " image in one array of at most %,d samples, and this one needs %,d", file.getFileName(), size,
                    Integer.MAX_VALUE, elements));
        }
        int channels = type != null && type.getColorModel().getNumColorComponents() == 1 ? 1 : 3;
        long needed = elements * (elementBits / 8) + w * h * channels * Float.BYTES;
        if (needed > maxHeap) {
            throw new BadInputException(String.format(Locale.ROOT, "cannot decode %s: %s is too large for this JVM:"
                    + " decoding it and holding it as float32 takes about %.1f GiB, and the heap is limited to %.1f GiB"
                    + " (give Java more with -Xmx, e.g. UNFOLD4J_JAVA_OPTS=-Xmx%dg for the unfold4j script)",
                    file.getFileName(), size, needed / GIB, maxHeap / GIB, (needed >> 30) + 2));
        }
    }

    private static final double GIB = 1L << 30;

    /** " × " where the console's character set has it, else " x ". */
    private static String times() {
        return Charset.defaultCharset().newEncoder().canEncode('\u00d7') ? " \u00d7 " : " x ";
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.replaceAll("\\s+", " ").trim();
    }

    /** Rows converted at a time: bounds the uint8/int32 copy next to the float picture. */
    private static final int STRIP_ROWS = 256;

    /**
     * The picture of an image through the library's conversion, {@link Images#toTensor}
     * (Note [image conversion]): gray images one channel of their stored values, others RGB,
     * alpha dropped. The command line computes on 8-bit values, so 16-bit images (int32
     * 0..65535) are brought to 0..255 as {@code round(v · 255 / 65535)}. Converted in strips of
     * rows (crops of the image, which the conversion reads in place), so no full-size copy is
     * made next to the float picture.
     */
    static Picture fromImage(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight(), plane = w * h;
        float[] data = null;
        int channels = 0;
        for (int y0 = 0; y0 < h; y0 += STRIP_ROWS) {
            int rows = Math.min(STRIP_ROWS, h - y0);
            Tensor strip = Images.toTensor(image.getSubimage(0, y0, w, rows));
            if (data == null) {
                channels = (int) strip.shape()[2];
                data = new float[Math.multiplyExact(plane, channels)];
            }
            int n = rows * w, base = y0 * w;
            if (strip.dtype() == DType.UINT8) {
                byte[] v = strip.toByteArray();
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < channels; c++) {
                        data[c * plane + base + i] = v[i * channels + c] & 0xff;
                    }
                }
            } else {
                int[] v = strip.toIntArray();
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < channels; c++) {
                        data[c * plane + base + i] = (v[i * channels + c] * 255 + 32767) / 65535;
                    }
                }
            }
        }
        return new Picture(data, channels, h, w);
    }

    /** An 8-bit image of a 1- or 3-channel picture, values rounded and clamped to 0..255. */
    static BufferedImage toImage(Picture p) {
        int w = p.width(), h = p.height(), plane = w * h;
        float[] d = p.data();
        if (p.channels() == 1) {
            BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            WritableRaster r = image.getRaster();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    r.setSample(x, y, 0, toByte(d[y * w + x]));
                }
            }
            return image;
        }
        if (p.channels() != 3) {
            throw new IllegalArgumentException("only 1- or 3-channel pictures can be written, not " + p.channels());
        }
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                row[x] = toByte(d[i]) << 16 | toByte(d[plane + i]) << 8 | toByte(d[2 * plane + i]);
            }
            image.setRGB(0, y, w, 1, row, 0, w);
        }
        return image;
    }

    static int toByte(float v) {
        return Float.isNaN(v) ? 0 : Math.max(0, Math.min(255, Math.round(v)));
    }

    /** Writes {@code p} as a PNG file. */
    static void writePng(Picture p, Path file) throws IOException {
        if (!ImageIO.write(toImage(p), "png", file.toFile())) {
            throw new IOException("no PNG writer is available in this Java runtime");
        }
    }
}
