package org.unfold4j.cli;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Reading images into {@link Picture}s and writing pictures as PNG, with ImageIO (PNG, JPEG, GIF,
 * BMP). Gray images become one channel, everything else three (RGB); alpha is dropped.
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
        try (InputStream in = ImageFiles.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException("the bundled image org/unfold4j/cli/" + BUNDLED
                        + " is missing from the class path");
            }
            return fromImage(ImageIO.read(in));
        } catch (IOException e) {
            throw new UncheckedIOException("reading the bundled image", e);
        }
    }

    /** The image at {@code file}, or the bundled photograph when {@code file} is null. */
    static Picture readOrBundled(Path file) {
        return file == null ? bundled() : read(file);
    }

    /**
     * Reads an image file.
     *
     * @throws BadInputException if the file is missing, a directory, unreadable or not a decodable image
     */
    static Picture read(Path file) {
        if (!Files.exists(file)) {
            throw new BadInputException("image file not found: " + file);
        }
        if (Files.isDirectory(file)) {
            throw new BadInputException(file + " is a directory, not an image file");
        }
        BufferedImage image;
        try (InputStream in = Files.newInputStream(file)) {
            image = ImageIO.read(in);
        } catch (IOException | RuntimeException e) {
            // ImageIO reports a damaged file as an IIOException or, from some decoders, a runtime exception.
            throw new BadInputException("cannot read image " + file + ": " + describe(e), e);
        }
        if (image == null) {
            throw new BadInputException(file + " is not an image that can be decoded (PNG, JPEG, GIF or BMP expected)");
        }
        return fromImage(image);
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.replaceAll("\\s+", " ").trim();
    }

    static Picture fromImage(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        ColorModel cm = image.getColorModel();
        if (cm.getNumColorComponents() == 1 && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && !(cm instanceof IndexColorModel)) {
            // Read gray samples from the raster: getRGB would convert linear gray to sRGB and change them.
            Raster r = image.getRaster();
            float scale = 255f / ((1 << cm.getComponentSize(0)) - 1);
            float[] data = new float[w * h];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    data[y * w + x] = scale == 1f ? r.getSample(x, y, 0) : r.getSample(x, y, 0) * scale;
                }
            }
            return new Picture(data, 1, h, w);
        }
        float[] data = new float[3 * w * h];
        int plane = w * h;
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                data[y * w + x] = (argb >> 16) & 0xff;
                data[plane + y * w + x] = (argb >> 8) & 0xff;
                data[2 * plane + y * w + x] = argb & 0xff;
            }
        }
        return new Picture(data, 3, h, w);
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
