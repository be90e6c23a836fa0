package org.unfold4j.spark;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import org.unfold4j.ImageLayout;
import org.unfold4j.Images;
import org.unfold4j.Npy;
import org.unfold4j.Tensor;

/**
 * The input rows as library tensors: images channels-last {@code [H, W, C]}, C = 1 (gray) or 3
 * (RGB), and {@code .npy} arrays of any type and channel count (Note [arrays as inputs]).
 *
 * <p>Note [image rows to tensors]
 * Spark's {@code image} source stores {@code data} as OpenCV does: 8-bit samples, row by row,
 * pixel by pixel, in BGR or BGRA order ({@code nChannels} 1, 3 or 4). It is converted in one pass
 * into a new uint8 array, reversing B and R and dropping alpha as {@link Images#toTensor} does, so
 * both inputs give the same tensor for an 8-bit RGB file; that array is the one copy, which the
 * tensor then wraps. A {@code binaryFile} row's {@code content} is decoded by ImageIO and
 * converted by {@link Images#toTensor(BufferedImage)} (its Note [image conversion]): 16-bit files
 * keep their samples as int32 0..65535, which the image source would have cut to 8 bits.
 * A row that cannot be read gives null, counted and logged once with the reason ({@link #read}).
 */
final class ImageRows {
    private ImageRows() {
    }

    /**
     * The pixels of an input row, as {@link SparkPatches} and {@link SparkSlidingWindow} both take
     * rows: an {@code image} struct (column 0) or {@code path} and {@code content}; null when
     * they cannot be read, after counting the row in {@code unreadable} (when given) and logging
     * one line with the reason.
     *
     * @param r           the row
     * @param imageSource whether it is the image source's
     * @param rank        the window's rank
     * @param arrayLayout where {@code .npy} arrays holding channels have them
     * @param unreadable  where unreadable rows are counted, or null
     */
    static Input read(Row r, boolean imageSource, int rank, ImageLayout arrayLayout, LongAccumulator unreadable) {
        Input in;
        if (imageSource) {
            Row s = r.getStruct(0);
            String origin = s == null ? "" : s.getString(s.fieldIndex("origin"));
            Tensor pixels = s == null ? null : fromImageStruct(s);
            if (pixels == null) {
                skip(origin, "the image source marked it invalid (it could not decode the file)");
            }
            in = pixels == null ? null : new Input(origin, pixels, ImageLayout.CHANNELS_LAST);
        } else {
            in = fromFileBytes((byte[]) r.get(1), r.getString(0), rank, arrayLayout);
        }
        if (in == null && unreadable != null) {
            unreadable.add(1);
        }
        return in;
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

    /**
     * A {@code binaryFile} row's pixels as the unfold takes them, unbatched: an image file
     * decoded ({@code [H, W, C]}, channels last), or an {@code .npy} array (Note [arrays as
     * inputs]); null when the bytes are neither, or do not fit the window's rank.
     *
     * @param content    the file's bytes
     * @param origin     its path, for messages
     * @param rank       the window's rank: 2 (images, 2-D arrays) or 3 (volumes, {@code .npy} only)
     * @param arrayLayout where an {@code .npy} array holding channels has them
     */
    static Input fromFileBytes(byte[] content, String origin, int rank, ImageLayout arrayLayout) {
        if (content == null || content.length == 0) {
            skip(origin, "the file is empty");
            return null;
        }
        if (isNpy(content)) {
            return fromNpy(content, origin, rank, arrayLayout);
        }
        if (rank != 2) {
            skip(origin, "a 3-D window needs volumes, .npy arrays [D, H, W] or [C, D, H, W]; this is no .npy file");
            return null;
        }
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(content));
            if (img != null) {
                return new Input(origin, Images.toTensor(img), ImageLayout.CHANNELS_LAST);
            }
            skip(origin, "no image reader knows the file");
        } catch (IOException | RuntimeException e) {
            skip(origin, "it cannot be decoded (" + e + ")");  // truncated or corrupt: ImageIO throws IIOException or worse
        }
        return null;
    }

    /**
     * Note [arrays as inputs]
     * A {@code binaryFile} row whose bytes start with NumPy's magic is an {@code .npy} array,
     * read with {@link Npy#read(byte[], String)} in its own type (float32 multispectral bands,
     * float16, int32 labels...). With {@code rank} spatial dimensions, an array of rank
     * {@code rank} is one channel ({@code [H, W]}, {@code [D, H, W]}, reshaped to {@code [1, ...]}
     * without a copy) and one of rank {@code rank + 1} holds channels where {@code arrayLayout}
     * says: first ({@code [C, H, W]}, {@code [C, D, H, W]}: PyTorch's and rasterio's order, the
     * default) or last ({@code [H, W, C]}, as PIL and OpenCV give images; 2-D only, as the
     * library's channels-last layout is). Any other rank is skipped and counted, with a logged
     * line naming the shape, as a corrupt file is.
     */
    private static Input fromNpy(byte[] content, String origin, int rank, ImageLayout arrayLayout) {
        Tensor a;
        try {
            a = Npy.read(content, origin);
        } catch (Npy.FormatException e) {
            skip(origin, e.getMessage());
            return null;
        }
        long[] s = a.shape();
        if (s.length == rank) {
            long[] one = new long[rank + 1];
            one[0] = 1;
            System.arraycopy(s, 0, one, 1, rank);
            return new Input(origin, a.reshape(one), ImageLayout.CHANNELS_FIRST);
        }
        if (s.length == rank + 1) {
            return new Input(origin, a, arrayLayout);
        }
        skip(origin, "an .npy array of shape " + java.util.Arrays.toString(s) + " for a " + rank + "-D window: "
                + (rank == 2 ? "[H, W] or [C, H, W] ([H, W, C] channels last)" : "[D, H, W] or [C, D, H, W]") + " expected");
        return null;
    }

    private static void skip(String origin, String why) {
        System.getLogger("org.unfold4j.spark").log(System.Logger.Level.WARNING,
                "unfold4j-spark: skipping " + origin + ": " + why);
    }

    /** Whether {@code content} starts with NumPy's magic string. */
    static boolean isNpy(byte[] content) {
        if (content.length < NPY_MAGIC.length) {
            return false;
        }
        for (int i = 0; i < NPY_MAGIC.length; i++) {
            if (content[i] != NPY_MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /**
     * An input's pixels, unbatched or a batch of one, and where their channels are.
     *
     * @param origin the image's path
     * @param pixels {@code [(1,) *spatial, C]} for channels last, {@code [(1,) C, *spatial]} for channels first
     * @param layout the pixels' layout
     */
    record Input(String origin, Tensor pixels, ImageLayout layout) {
        /** {@return the number of channels} */
        int channels(int rank) {
            long[] s = pixels.shape();
            return (int) (layout == ImageLayout.CHANNELS_LAST ? s[s.length - 1] : s[s.length - rank - 1]);
        }
    }
}
