package org.unfold4j;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.unfold4j.internal.image.RowReader;
import org.unfold4j.internal.image.SampleWriter;

/**
 * {@link BufferedImage} ↔ integer tensors, so a vision pipeline can unfold pixels without converting
 * them to float: images become channels-last {@code [H, W, C]} tensors holding the values the
 * image stores, whatever its internal type. Unfold them with
 * {@code Unfold.of(k).withImageLayout(ImageLayout.CHANNELS_LAST)}.
 *
 * <p>The conversion, the one the library and the command line use:
 * <ul>
 * <li><b>Channels.</b> Gray images (a gray colour space, or a palette whose every entry is gray,
 *     which is how ImageIO decodes 1-, 2- and 4-bit gray PNG and TIFF files) give one channel;
 *     every other image gives three, RGB. Alpha is dropped, or kept as one more channel when asked
 *     for ({@code withAlpha}; an opaque image then gets the largest value, 255 or 65535).
 * <li><b>Values.</b> The samples the image stores, without colour conversion (Java's
 *     {@code getRGB} would convert linear gray to sRGB: stored 64 would read 137). Images of at most
 *     8 bits per sample give uint8 0..255: 8-bit samples as they are, palette entries as their
 *     8-bit colours, and the rare samples of fewer bits (packed 5-6-5 RGB, 4-bit gray without a
 *     palette) as {@code round(v · 255 / (2^bits − 1))}, the 8-bit level they stand for, as
 *     libpng, PIL and OpenCV expand them. Images with a sample of more than 8 bits (16-bit PNG and
 *     TIFF) give int32 holding 0..65535, the 16-bit samples as they are (others on the same
 *     {@code round(v · 65535 / (2^bits − 1))} scale): the library has no uint16, and int32 holds
 *     them exactly.
 * <li><b>Other images</b> (float or signed samples, premultiplied alpha, CMYK and other colour
 *     spaces): uint8 sRGB as {@code getRGB} gives it (one channel, its red, for gray ones).
 * <li><b>Round trip.</b> {@link #toBufferedImage} makes an image that stores exactly the tensor's
 *     values, so {@code toTensor(toBufferedImage(t), t has 2 or 4 channels)} equals {@code t}, and
 *     {@code toBufferedImage(toTensor(image))} stores the same values as {@code image} in every
 *     8- and 16-bit gray and RGB(A) case (a palette image comes back as the RGB or gray image of
 *     its colours).
 * </ul>
 * Every path reads the raster through its sample model (offsets, scanline and pixel strides, band
 * offsets and banks), so a {@link BufferedImage#getSubimage} crop converts like a copy of it.
 *
 * <p><b>Files and batches.</b> {@link #read(Path)} decodes an image file with ImageIO into a
 * {@code [C, H, W]} tensor as stored (uint8, or int32 for 16-bit files);
 * {@link #read(Path, ImageLayout, DType, PixelScale)} into the layout and type asked for, with
 * the stored values or, for float types, values scaled to 0..1 ({@link PixelScale});
 * {@link #readBatch} reads files of one size and channel count into one {@code [N, C, H, W]} (or
 * {@code [N, H, W, C]}) tensor, and {@link #toBatch} does the same for images already decoded.
 * Each image is converted once, straight into its place in the result; alpha is dropped (decode
 * the file yourself and use {@link #toTensor(BufferedImage, boolean)} to keep it).
 *
 * <p>Stateless and thread-safe; the images passed in are not modified.
 */
public final class Images {
    /*
     * Note [image conversion]
     * The conversion the class description states (channels, values, other images, round trip):
     * the one the library and the command line use. convert is its one implementation, writing
     * through a SampleWriter into any type, layout and slice of a batch; every path (toTensor,
     * files, batches, other dtypes: Note [image batches]) goes through it, so no path converts
     * twice or differs from another in a value.
     */

    private Images() {
    }

    /**
     * The image as a {@code [H, W, C]} tensor as the class description says, alpha
     * dropped: C = 1 for gray images, 3 (RGB) for the others; uint8 0..255, or int32 0..65535 for
     * images of more than 8 bits per sample.
     *
     * @param image any image type; not modified
     * @return a new tensor over a new array
     * @throws ArithmeticException if the image has more than {@code Integer.MAX_VALUE} values
     * @throws NullPointerException if {@code image} is null
     */
    public static Tensor toTensor(BufferedImage image) {
        return toTensor(image, false);
    }

    /**
     * The image as a {@code [H, W, C]} tensor as the class description says: C = 1
     * (gray) or 3 (RGB), plus one alpha channel when {@code withAlpha} (C = 2, gray and alpha, or
     * 4, RGBA; opaque images then get alpha 255, or 65535 in an int32 tensor); uint8 0..255, or
     * int32 0..65535 for images of more than 8 bits per sample.
     *
     * @param image     any image type; not modified
     * @param withAlpha whether to keep an alpha channel (the last)
     * @return a new tensor over a new array
     * @throws ArithmeticException if the image has more than {@code Integer.MAX_VALUE} values
     * @throws NullPointerException if {@code image} is null
     */
    public static Tensor toTensor(BufferedImage image, boolean withAlpha) {
        Objects.requireNonNull(image, "image");
        Plan plan = plan(image, withAlpha);
        int h = image.getHeight(), w = image.getWidth(), c = plan.sources.length;
        int n = Math.multiplyExact(Math.multiplyExact(h, w), c);
        DType dtype = plan.wide ? DType.INT32 : DType.UINT8;
        Object array = Tensor.newArray(dtype, n);
        convert(image, plan, SampleWriter.of(array, dtype, 1), 0, 1, w * c, c);
        return Tensor.wrap(array, dtype, new long[] {h, w, c});
    }

    /**
     * An image file as stored: a {@code [C, H, W]} tensor (PyTorch's layout for one image), uint8
     * 0..255 for images of at most 8 bits per sample, int32 0..65535 for 16-bit ones; C = 1 for
     * gray, 3 (RGB) for the others, alpha dropped; values as the class description says. Decoded
     * once with ImageIO (PNG, JPEG, GIF, BMP, TIFF and whatever readers are installed).
     *
     * @param file the image file
     * @return a new tensor over a new array
     * @throws IOException naming the file if it is missing, unreadable, not an image ImageIO can
     *     decode, or damaged
     * @throws IllegalArgumentException if the image has more values than a tensor holds
     * @throws NullPointerException if {@code file} is null
     */
    public static Tensor read(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        return batch(1, i -> decode(file), i -> file.toString(), ImageLayout.CHANNELS_FIRST, null, PixelScale.STORED,
                false);
    }

    /**
     * An image file as a tensor of the type asked for: {@code [C, H, W]} ({@code CHANNELS_FIRST})
     * or {@code [H, W, C]} ({@code CHANNELS_LAST}); C = 1 for gray, 3 (RGB) for the others, alpha
     * dropped. With {@link PixelScale#STORED} every type gets the stored values (0..255, or
     * 0..65535 for 16-bit images); with {@link PixelScale#UNIT}, the float types get them
     * divided by 255 (or 65535), 0..1 (float16 and bfloat16: the float32 quotient rounded to the
     * type; 16-bit samples stored as float16 above 2048 are rounded, above 65504 infinite). The
     * file is decoded once and converted straight into the result.
     *
     * @param file   the image file
     * @param layout where the channels go
     * @param dtype  the element type
     * @param scale  stored values, or 0..1 (floats only)
     * @return a new tensor over a new array
     * @throws IOException naming the file if it is missing, unreadable, not an image ImageIO can
     *     decode, or damaged
     * @throws IllegalArgumentException for {@code UNIT} with an integer type, or uint8 asked of a
     *     16-bit image (naming the file), or an image of more values than a tensor holds
     * @throws NullPointerException if an argument is null
     */
    public static Tensor read(Path file, ImageLayout layout, DType dtype, PixelScale scale) throws IOException {
        Objects.requireNonNull(file, "file");
        checkArguments(layout, dtype, scale);
        return batch(1, i -> decode(file), i -> file.toString(), layout, dtype, scale, false);
    }

    /**
     * Image files of one size and channel count as one batch: {@code [N, C, H, W]}
     * ({@code CHANNELS_FIRST}) or {@code [N, H, W, C]} ({@code CHANNELS_LAST}), image {@code i}
     * of the list at index {@code i}, each converted as {@link #read(Path, ImageLayout, DType, PixelScale)}
     * converts one. Each file is decoded once and converted straight into its slice of the batch,
     * which is allocated once the first file is decoded; at most one decoded image is held at a
     * time.
     *
     * @param files  the image files, at least one
     * @param layout where the channels go
     * @param dtype  the element type
     * @param scale  stored values, or 0..1 (floats only)
     * @return a new tensor over a new array
     * @throws IOException naming the file that is missing, unreadable, not an image ImageIO can
     *     decode, or damaged
     * @throws IllegalArgumentException if the list is empty; if two files differ in size or
     *     channel count, or, with {@code STORED}, in sample depth (8 or 16 bits), naming both and
     *     their shapes; for {@code UNIT} with an integer type; for uint8 asked of a 16-bit image;
     *     or if the batch has more values than a tensor holds
     * @throws NullPointerException if an argument or an element of {@code files} is null
     *     ({@code "files[i]"})
     */
    public static Tensor readBatch(List<Path> files, ImageLayout layout, DType dtype, PixelScale scale) throws IOException {
        Path[] paths = elements(files, "files", new Path[0]);
        checkArguments(layout, dtype, scale);
        return batch(paths.length, i -> decode(paths[i]), i -> paths[i].toString(), layout, dtype, scale, true);
    }

    /**
     * Images of one size and channel count as one batch, as {@link #readBatch} makes one of files:
     * {@code [N, C, H, W]} or {@code [N, H, W, C]}, alpha dropped, each image converted straight
     * into its slice.
     *
     * @param images the images, at least one; not modified
     * @param layout where the channels go
     * @param dtype  the element type
     * @param scale  stored values, or 0..1 (floats only)
     * @return a new tensor over a new array
     * @throws IllegalArgumentException if the list is empty; if two images differ in size or
     *     channel count, or, with {@code STORED}, in sample depth, naming both
     *     ({@code "images[i]"}) and their shapes; for {@code UNIT} with an integer type; for
     *     uint8 asked of a 16-bit image; or if the batch has more values than a tensor holds
     * @throws NullPointerException if an argument or an element of {@code images} is null
     *     ({@code "images[i]"})
     */
    public static Tensor toBatch(List<BufferedImage> images, ImageLayout layout, DType dtype, PixelScale scale) {
        BufferedImage[] all = elements(images, "images", new BufferedImage[0]);
        checkArguments(layout, dtype, scale);
        try {
            return batch(all.length, i -> all[i], i -> "images[" + i + "]", layout, dtype, scale, true);
        } catch (IOException e) {
            throw new AssertionError(e);  // nothing is decoded
        }
    }

    /** The list's elements, once neither it nor any of them is null (an element named {@code name[i]}). */
    private static <T> T[] elements(List<? extends T> list, String name, T[] empty) {
        Objects.requireNonNull(list, name);
        T[] all = list.toArray(empty);
        for (int i = 0; i < all.length; i++) {
            Objects.requireNonNull(all[i], name + "[" + i + "]");
        }
        return all;
    }

    private static void checkArguments(ImageLayout layout, DType dtype, PixelScale scale) {
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(scale, "scale");
        if (scale == PixelScale.UNIT && !dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("PixelScale.UNIT (0..1) needs a floating-point type (float32, float64, float16, bfloat16), but got " + dtype
                    + "; integer types hold the stored values (PixelScale.STORED)");
        }
    }

    /** Image {@code i} of a batch (decoded from its file, or given). */
    private interface Source {
        BufferedImage image(int i) throws IOException;
    }

    /*
     * Note [image batches]
     * A batch is allocated once the first image is decoded (its size, channels and sample depth
     * fix the batch's shape and, for read(Path), its type), and every image, decoded once, is
     * converted straight into its slice by the one conversion: no per-image tensor, no second
     * copy, one decoded image held at a time. Images that do not fit the first are refused by
     * name rather than resized, padded or converted: a batch of 8- and 16-bit images has no one
     * stored scale, so it is refused unless the values are scaled to 0..1. A 16-bit image is
     * refused as uint8 rather than narrowed: which narrowing (rounding to 8 bits, the high byte)
     * is the caller's to choose.
     */

    /** Note [image batches]: {@code count} images into one new tensor; {@code dtype} null means as stored. */
    private static Tensor batch(int count, Source source, IntFunction<String> name, ImageLayout layout, DType dtype,
            PixelScale scale, boolean batched) throws IOException {
        if (count == 0) {
            throw new IllegalArgumentException("a batch needs at least one image, but the list is empty");
        }
        Tensor out = null;
        int h = 0, w = 0, c = 0;
        boolean wide = false;
        for (int i = 0; i < count; i++) {
            BufferedImage image = source.image(i);
            Plan plan = plan(image, false);
            int ih = image.getHeight(), iw = image.getWidth(), ic = plan.sources.length;
            if (out == null) {
                h = ih;
                w = iw;
                c = ic;
                wide = plan.wide;
                DType type = dtype != null ? dtype : wide ? DType.INT32 : DType.UINT8;
                long[] one = layout == ImageLayout.CHANNELS_FIRST ? new long[] {c, h, w} : new long[] {h, w, c};
                long[] shape = one;
                if (batched) {
                    shape = new long[4];
                    shape[0] = count;
                    System.arraycopy(one, 0, shape, 1, 3);
                }
                out = Tensor.zeros(type, shape);
            } else if (ih != h || iw != w || ic != c) {
                throw new IllegalArgumentException("the images of a batch must have one size and channel count, but "
                        + name.apply(0) + " is " + shapeOf(layout, c, h, w) + " and " + name.apply(i) + " is "
                        + shapeOf(layout, ic, ih, iw));
            } else if (plan.wide != wide && scale == PixelScale.STORED) {
                throw new IllegalArgumentException("the images of a batch must have one sample depth for"
                        + " PixelScale.STORED, but " + name.apply(0) + " has " + depth(wide) + " and " + name.apply(i)
                        + " " + depth(plan.wide) + "; ask for PixelScale.UNIT to scale both to 0..1");
            }
            if (plan.wide && out.dtype() == DType.UINT8) {
                throw new IllegalArgumentException(name.apply(i) + " has 16-bit samples (0..65535), which uint8 cannot"
                        + " hold; ask for int32, or for float32 with PixelScale.UNIT");
            }
            int plane = h * w, base = i * plane * c;
            SampleWriter writer = SampleWriter.of(out.array(), out.dtype(), scale == PixelScale.UNIT ? (plan.wide ? 0xffff : 0xff) : 1);
            if (layout == ImageLayout.CHANNELS_FIRST) {
                convert(image, plan, writer, base, plane, w, 1);
            } else {
                convert(image, plan, writer, base, 1, w * c, c);
            }
        }
        return out;
    }

    private static String shapeOf(ImageLayout layout, int c, int h, int w) {
        return layout == ImageLayout.CHANNELS_FIRST ? "[" + c + ", " + h + ", " + w + "]" : "[" + h + ", " + w + ", " + c + "]";
    }

    private static String depth(boolean wide) {
        return wide ? "16-bit samples (0..65535)" : "8-bit samples (0..255)";
    }

    /**
     * The file's first image, decoded by the first ImageIO reader that claims it; every failure
     * an IOException naming the file (ImageIO's own messages do not, and some decoders throw
     * runtime exceptions for damaged data).
     */
    private static BufferedImage decode(Path file) throws IOException {
        ImageReader reader = null;
        try (ImageInputStream in = open(file)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (readers.hasNext()) {
                reader = readers.next();
                reader.setInput(in, true, true);
                return reader.read(0);
            }
        } catch (FileSystemException e) {
            throw e;  // names the file already: missing, a directory, not allowed
        } catch (IOException | RuntimeException e) {
            String m = e.getMessage();
            throw new IOException("cannot read image " + file + ": "
                    + (m == null || m.isBlank() ? e.getClass().getSimpleName() : m.replaceAll("\\s+", " ").trim()), e);
        } finally {
            if (reader != null) {
                reader.dispose();
            }
        }
        throw new IOException("cannot read image " + file + ": not an image format ImageIO can decode"
                + " (PNG, JPEG, GIF, BMP or TIFF expected)");
    }

    /** A stream over the file without ImageIO's disk cache: random access where the file is on the default file system. */
    private static ImageInputStream open(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new FileSystemException(file.toString(), null, "a directory, not an image file");
        }
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such image file");
        }
        if (file.getFileSystem() == FileSystems.getDefault()) {
            return new FileImageInputStream(file.toFile());
        }
        return new MemoryCacheImageInputStream(Files.newInputStream(file));
    }

    /**
     * The one conversion (Note [image conversion]): channel {@code ch} of pixel (x, y) goes to
     * {@code out} at {@code base + ch · channelStep + y · rowStep + x · pixelStep}, so one image
     * is written straight into its slice of a batch in either layout.
     */
    private static void convert(BufferedImage image, Plan plan, SampleWriter out, int base, int channelStep, int rowStep,
            int pixelStep) {
        int h = image.getHeight(), w = image.getWidth(), c = plan.sources.length;
        if (plan.viaRgb) {
            fromRgb(image, c, out, base, channelStep, rowStep, pixelStep);
            return;
        }
        RowReader reader = RowReader.of(image.getRaster());
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            for (int ch = 0; ch < c; ch++) {
                int band = plan.sources[ch];
                int[] lut = plan.luts[ch];
                int o = base + ch * channelStep + y * rowStep;
                if (band < 0) {
                    for (int x = 0; x < w; x++, o += pixelStep) {
                        out.put(o, lut[0]);
                    }
                } else if (lut != null || !out.copyBytes(reader, y, band, o, pixelStep)) {
                    reader.read(y, band, row);
                    out.row(row, lut, w, o, pixelStep);
                }
            }
        }
    }

    /**
     * How an image's bands become channels: channel {@code ch} is band {@code sources[ch]} mapped
     * through {@code luts[ch]} (null: as stored), or, where the source is −1, the constant
     * {@code luts[ch][0]} (the alpha of an opaque image). {@code viaRgb}: the getRGB fallback.
     */
    private record Plan(int[] sources, int[][] luts, boolean wide, boolean viaRgb) {
    }

    private static Plan plan(BufferedImage image, boolean withAlpha) {
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        SampleModel sm = raster.getSampleModel();
        int dataType = sm.getDataType();
        boolean unsigned = dataType == DataBuffer.TYPE_BYTE || dataType == DataBuffer.TYPE_USHORT
                || dataType == DataBuffer.TYPE_INT;
        if (cm instanceof IndexColorModel icm && raster.getNumBands() == 1 && unsigned && sm.getSampleSize(0) <= 16) {
            // A palette: each channel is a table from index to the entry's 8-bit component.
            int size = 1 << sm.getSampleSize(0), entries = Math.min(size, icm.getMapSize());
            boolean gray = true;
            for (int i = 0; i < icm.getMapSize(); i++) {
                gray &= icm.getRed(i) == icm.getGreen(i) && icm.getGreen(i) == icm.getBlue(i);
            }
            int colours = gray ? 1 : 3, c = colours + (withAlpha ? 1 : 0);
            int[][] luts = new int[c][size];
            for (int i = 0; i < entries; i++) {  // indices past the palette stay 0, as IndexColorModel has them
                int argb = icm.getRGB(i);
                luts[0][i] = argb >>> 16 & 0xff;
                if (!gray) {
                    luts[1][i] = argb >>> 8 & 0xff;
                    luts[2][i] = argb & 0xff;
                }
                if (withAlpha) {
                    luts[colours][i] = argb >>> 24;
                }
            }
            int[] sources = new int[c];  // every channel reads band 0, the index
            return new Plan(sources, luts, false, false);
        }
        int csType = cm.getColorSpace().getType();
        boolean stored = (cm instanceof ComponentColorModel || cm instanceof DirectColorModel)
                && (csType == ColorSpace.TYPE_GRAY || csType == ColorSpace.TYPE_RGB)
                && !cm.isAlphaPremultiplied() && unsigned && raster.getNumBands() == cm.getNumComponents();
        for (int b = 0; stored && b < raster.getNumBands(); b++) {
            stored = sm.getSampleSize(b) >= 1 && sm.getSampleSize(b) <= 16;
        }
        int colours = csType == ColorSpace.TYPE_GRAY ? 1 : 3, c = colours + (withAlpha ? 1 : 0);
        if (!stored) {
            return new Plan(new int[c], new int[c][], false, true);
        }
        boolean wide = false;
        for (int b = 0; b < raster.getNumBands(); b++) {
            wide |= cm.getComponentSize(b) > 8;
        }
        int max = wide ? 0xffff : 0xff;
        int[] sources = new int[c];
        int[][] luts = new int[c][];
        for (int ch = 0; ch < colours; ch++) {
            sources[ch] = ch;
            luts[ch] = scale(cm.getComponentSize(ch), sm.getSampleSize(ch), max);
        }
        if (withAlpha) {
            if (cm.hasAlpha()) {
                sources[colours] = colours;
                luts[colours] = scale(cm.getComponentSize(colours), sm.getSampleSize(colours), max);
            } else {
                sources[colours] = -1;
                luts[colours] = new int[] {max};
            }
        }
        return new Plan(sources, luts, wide, false);
    }

    /**
     * The table from a stored sample of {@code bits} bits (in a field of {@code sampleBits}) to
     * the 0..{@code max} scale, or null where that is the identity (8-bit samples to uint8, 16-bit
     * to int32). Values above the component's range (a field wider than the component) saturate.
     */
    private static int[] scale(int bits, int sampleBits, int max) {
        if ((1 << bits) - 1 == max && sampleBits == bits) {
            return null;
        }
        int top = (1 << bits) - 1;
        int[] lut = new int[1 << Math.max(bits, sampleBits)];
        for (int v = 0; v < lut.length; v++) {
            lut[v] = (int) ((Math.min(v, top) * (long) max * 2 + top) / (2L * top));  // round half up
        }
        return lut;
    }

    /** The fallback of Note [image conversion]: sRGB by getRGB, gray as its red; written as {@link #convert} writes. */
    private static void fromRgb(BufferedImage image, int c, SampleWriter out, int base, int channelStep, int rowStep,
            int pixelStep) {
        int h = image.getHeight(), w = image.getWidth();
        boolean alpha = c == 2 || c == 4, gray = c <= 2;
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            int o = base + y * rowStep;
            for (int x = 0; x < w; x++, o += pixelStep) {
                int argb = row[x];
                out.put(o, argb >>> 16 & 0xff);
                if (!gray) {
                    out.put(o + channelStep, argb >>> 8 & 0xff);
                    out.put(o + 2 * channelStep, argb & 0xff);
                }
                if (alpha) {
                    out.put(o + (c - 1) * channelStep, argb >>> 24);
                }
            }
        }
    }

    /**
     * A new image that stores exactly the values of a channels-last tensor {@code [H, W, C]} (or
     * {@code [1, H, W, C]}): uint8 0..255 or int32 0..65535 (16-bit samples), with C = 1 (gray),
     * 2 (gray and alpha), 3 (RGB) or 4 (RGBA). {@link #toTensor(BufferedImage, boolean)} of it,
     * with alpha for C = 2 and 4, gives the tensor back.
     *
     * @param tensor the pixels; not modified (they are copied into the image)
     * @return a new image: for uint8, {@code TYPE_BYTE_GRAY}, 8-bit gray and alpha,
     *         {@code TYPE_INT_RGB} or {@code TYPE_INT_ARGB}; for int32, {@code TYPE_USHORT_GRAY}
     *         or 16-bit gray and alpha, RGB or RGBA (as ImageIO decodes 16-bit PNG files)
     * @throws IllegalArgumentException for another type, rank or channel count, or an int32 value
     *         outside 0..65535
     * @throws NullPointerException if {@code tensor} is null
     */
    public static BufferedImage toBufferedImage(Tensor tensor) {
        Objects.requireNonNull(tensor, "tensor");
        long[] s = tensor.shape();
        if (s.length == 4 && s[0] == 1) {
            s = Arrays.copyOfRange(s, 1, 4);
        }
        boolean wide = tensor.dtype() == DType.INT32;
        if ((tensor.dtype() != DType.UINT8 && !wide) || s.length != 3 || s[2] < 1 || s[2] > 4) {
            throw new IllegalArgumentException("an image needs a uint8 or int32 [H, W, C] tensor with C = 1, 2, 3 or 4,"
                    + " but got " + tensor.dtype() + " " + Arrays.toString(tensor.shape()));
        }
        int h = Math.toIntExact(s[0]), w = Math.toIntExact(s[1]), c = (int) s[2];
        if (wide) {
            int[] in = (int[]) tensor.array();
            for (int i = 0; i < in.length; i++) {
                if (in[i] < 0 || in[i] > 0xffff) {
                    throw new IllegalArgumentException("an int32 image tensor holds 16-bit samples 0..65535, but element "
                            + i + " is " + in[i]);
                }
            }
            BufferedImage image = c == 1 ? new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY)
                    : components(w, h, c, DataBuffer.TYPE_USHORT);
            image.getRaster().setPixels(0, 0, w, h, in);
            return image;
        }
        byte[] in = (byte[]) tensor.array();
        if (c == 1 || c == 2) {
            BufferedImage image = c == 1 ? new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY)
                    : components(w, h, c, DataBuffer.TYPE_BYTE);
            // A new image's interleaved bytes start at 0 with no gaps: the tensor's own order.
            System.arraycopy(in, 0, ((DataBufferByte) image.getRaster().getDataBuffer()).getData(), 0, h * w * c);
            return image;
        }
        BufferedImage image = new BufferedImage(w, h, c == 4 ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        for (int i = 0, o = 0; i < pixels.length; i++, o += c) {
            int alpha = c == 4 ? in[o + 3] & 0xff : 0xff;
            pixels[i] = alpha << 24 | (in[o] & 0xff) << 16 | (in[o + 1] & 0xff) << 8 | (in[o + 2] & 0xff);
        }
        return image;
    }

    /** A new interleaved image of C = 2 (gray, alpha), 3 (RGB) or 4 (RGBA) components of the given type. */
    private static BufferedImage components(int w, int h, int c, int dataType) {
        boolean alpha = c == 2 || c == 4;
        ColorSpace cs = ColorSpace.getInstance(c <= 2 ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
        ColorModel cm = new ComponentColorModel(cs, alpha, false, alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE,
                dataType);
        WritableRaster raster = cm.createCompatibleWritableRaster(w, h);
        return new BufferedImage(cm, raster, false, null);
    }
}
