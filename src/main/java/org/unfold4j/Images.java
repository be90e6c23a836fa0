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
import java.util.Arrays;
import java.util.Objects;
import org.unfold4j.internal.image.RowReader;

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
 * <p>Stateless and thread-safe; the images passed in are not modified.
 */
public final class Images {
    /*
     * Note [image conversion]
     * The conversion the class description states (channels, values, other images, round trip):
     * the one the library and the command line use. toTensor(BufferedImage, boolean) is its one
     * implementation; every other path (files, batches, other dtypes) goes through it.
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
        byte[] bytes = plan.wide ? null : new byte[n];
        int[] ints = plan.wide ? new int[n] : null;
        if (plan.viaRgb) {
            fromRgb(image, plan, bytes);
            return Tensor.ofUint8(bytes, h, w, c);
        }
        RowReader reader = RowReader.of(image.getRaster());
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            for (int ch = 0; ch < c; ch++) {
                int band = plan.sources[ch];
                int[] lut = plan.luts[ch];
                int o = y * w * c + ch;
                if (band < 0) {
                    for (int x = 0; x < w; x++, o += c) {
                        put(bytes, ints, o, lut[0]);
                    }
                    continue;
                }
                if (lut == null && bytes != null && reader.copyBytes(y, band, bytes, o, c)) {
                    continue;  // 8-bit samples straight into the tensor (decoded JPEG and PNG photos)
                }
                reader.read(y, band, row);
                if (lut == null) {
                    for (int x = 0; x < w; x++, o += c) {
                        put(bytes, ints, o, row[x]);
                    }
                } else {
                    for (int x = 0; x < w; x++, o += c) {
                        put(bytes, ints, o, lut[row[x]]);
                    }
                }
            }
        }
        return plan.wide ? Tensor.of(ints, h, w, c) : Tensor.ofUint8(bytes, h, w, c);
    }

    private static void put(byte[] bytes, int[] ints, int i, int v) {
        if (bytes != null) {
            bytes[i] = (byte) v;
        } else {
            ints[i] = v;
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

    /** The fallback of Note [image conversion]: sRGB by getRGB, gray as its red. */
    private static void fromRgb(BufferedImage image, Plan plan, byte[] out) {
        int h = image.getHeight(), w = image.getWidth(), c = plan.sources.length;
        boolean alpha = c == 2 || c == 4, gray = c <= 2;
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            int o = y * w * c;
            for (int x = 0; x < w; x++, o += c) {
                int argb = row[x];
                out[o] = (byte) (argb >>> 16);
                if (!gray) {
                    out[o + 1] = (byte) (argb >>> 8);
                    out[o + 2] = (byte) argb;
                }
                if (alpha) {
                    out[o + c - 1] = (byte) (argb >>> 24);
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
