package org.unfold4j.spark;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.unfold4j.Images;
import org.unfold4j.Tensor;

/**
 * The input rows as library tensors, channels-last {@code [H, W, C]}, C = 1 (gray) or 3 (RGB).
 *
 * <p>Note [image rows to tensors]
 * Spark's {@code image} source stores {@code data} as OpenCV does: 8-bit samples, row by row,
 * pixel by pixel, in BGR or BGRA order ({@code nChannels} 1, 3 or 4). It is converted in one pass
 * into a new uint8 array, reversing B and R and dropping alpha as {@link Images#toTensor} does, so
 * both inputs give the same tensor for an 8-bit RGB file; that array is the one copy, which the
 * tensor then wraps. A {@code binaryFile} row's {@code content} is decoded by ImageIO and
 * converted by {@link Images#toTensor(BufferedImage)} (its Note [image conversion]): 16-bit files
 * keep their samples as int32 0..65535, which the image source would have cut to 8 bits.
 * A row that cannot be decoded gives null, and the caller counts it.
 */
final class ImageRows {
    private ImageRows() {
    }

    /** The tensor {@code [1, H, W, C]} of a row of the image source's {@code image} struct, or null for an invalid row. */
    static Tensor fromImageStruct(Row image) {
        int h = image.getInt(image.fieldIndex("height"));
        int w = image.getInt(image.fieldIndex("width"));
        int n = image.getInt(image.fieldIndex("nChannels"));
        byte[] data = (byte[]) image.get(image.fieldIndex("data"));
        if (h <= 0 || w <= 0 || (n != 1 && n != 3 && n != 4) || data == null
                || (long) h * w * n != data.length) {
            return null;  // the image source's invalid row (dropInvalid=false): height, width, nChannels -1
        }
        int c = n == 1 ? 1 : 3;
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(h, w), c)];
        if (c == 1) {
            System.arraycopy(data, 0, out, 0, out.length);
        } else {
            for (int p = 0, i = 0, o = 0; p < h * w; p++, i += n, o += 3) {
                out[o] = data[i + 2];
                out[o + 1] = data[i + 1];
                out[o + 2] = data[i];
            }
        }
        return Tensor.ofUint8(out, 1, h, w, c);  // [1, H, W, C]: the unfold's batch of one, no second copy
    }

    /** The tensor of an encoded file's bytes, or null when ImageIO cannot decode them. */
    static Tensor fromFileBytes(byte[] content) {
        if (content == null || content.length == 0) {
            return null;
        }
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(content));
            return img == null ? null : Images.toTensor(img);
        } catch (IOException | RuntimeException e) {
            return null;  // a truncated or corrupt file: ImageIO throws IIOException or worse
        }
    }
}
