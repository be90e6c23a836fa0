package org.unfold4j;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.util.Arrays;

/**
 * {@link BufferedImage} ↔ uint8 tensors, so a vision pipeline can unfold pixels without converting
 * them to float: images become channels-last {@code [H, W, C]} uint8 tensors in RGB(A) order,
 * whatever the image's internal type. Unfold them with
 * {@code Unfold.of(k).withImageLayout(ImageLayout.CHANNELS_LAST)}.
 *
 * <p>Stateless and thread-safe; the images passed in are not modified.
 */
public final class Images {
    private Images() {
    }

    /**
     * The image as a uint8 {@code [H, W, 3]} RGB tensor (alpha, if any, is dropped).
     *
     * @param image any image type; not modified
     * @return a new tensor over a new array
     */
    public static Tensor toTensor(BufferedImage image) {
        java.util.Objects.requireNonNull(image, "image");
        return toTensor(image, false);
    }

    /**
     * The image as a uint8 {@code [H, W, 3]} RGB tensor, or {@code [H, W, 4]} RGBA when
     * {@code withAlpha} (opaque images then get alpha 255).
     *
     * @param image     any image type; not modified
     * @param withAlpha whether to keep a fourth, alpha channel
     * @return a new tensor over a new array
     * @throws ArithmeticException if the image has more than {@code Integer.MAX_VALUE} values
     */
    public static Tensor toTensor(BufferedImage image, boolean withAlpha) {
        java.util.Objects.requireNonNull(image, "image");  // Note [null arguments] in Window
        int h = image.getHeight(), w = image.getWidth(), c = withAlpha ? 4 : 3;
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(h, w), c)];
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR && !withAlpha) {
            // The common decoded-JPEG case: bytes are already interleaved, in BGR order.
            byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < h * w; i++) {
                out[3 * i] = bgr[3 * i + 2];
                out[3 * i + 1] = bgr[3 * i + 1];
                out[3 * i + 2] = bgr[3 * i];
            }
        } else {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                image.getRGB(0, y, w, 1, row, 0, w);  // converts every image type to sRGB ARGB
                int o = y * w * c;
                for (int x = 0; x < w; x++, o += c) {
                    int argb = row[x];
                    out[o] = (byte) (argb >>> 16);
                    out[o + 1] = (byte) (argb >>> 8);
                    out[o + 2] = (byte) argb;
                    if (withAlpha) {
                        out[o + 3] = (byte) (argb >>> 24);
                    }
                }
            }
        }
        return Tensor.ofUint8(out, h, w, c);
    }

    /**
     * A new image from a uint8 channels-last tensor {@code [H, W, C]} (or {@code [1, H, W, C]})
     * with C = 1 (gray), 3 (RGB) or 4 (RGBA).
     *
     * @param tensor the pixels; not modified (they are copied into the image)
     * @return a new {@code TYPE_BYTE_GRAY}, {@code TYPE_INT_RGB} or {@code TYPE_INT_ARGB} image
     * @throws IllegalArgumentException for another type, rank or channel count
     */
    public static BufferedImage toBufferedImage(Tensor tensor) {
        java.util.Objects.requireNonNull(tensor, "tensor");
        long[] s = tensor.shape();
        if (s.length == 4 && s[0] == 1) {
            s = Arrays.copyOfRange(s, 1, 4);
        }
        if (tensor.dtype() != DType.UINT8 || s.length != 3 || (s[2] != 1 && s[2] != 3 && s[2] != 4)) {
            throw new IllegalArgumentException("an image needs a uint8 [H, W, C] tensor with C = 1, 3 or 4, but got "
                    + tensor.dtype() + " " + Arrays.toString(tensor.shape()));
        }
        int h = Math.toIntExact(s[0]), w = Math.toIntExact(s[1]), c = (int) s[2];
        byte[] in = (byte[]) tensor.array();
        if (c == 1) {
            BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            System.arraycopy(in, 0, ((DataBufferByte) image.getRaster().getDataBuffer()).getData(), 0, h * w);
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
}
