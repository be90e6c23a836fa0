package org.unfold4j.cli;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.unfold4j.ColumnGeometry;
import org.unfold4j.DType;
import org.unfold4j.PaddingMode;
import org.unfold4j.Tensor;
import org.unfold4j.Unfold;
import org.unfold4j.Window;

/**
 * The bands of Note [bounded pieces]: runs of whole rows of windows of one unfold of a picture,
 * each with the input rows it reads, and host arrays of each element type.
 */
final class Bands {
    private Bands() {
    }

    /** Rows {@code [first, first + count)} of windows; {@code whole} when it is every row. */
    record Band(int first, int count, boolean whole) {
        int end() {
            return first + count;
        }
    }

    /** {@code rows} rows of windows cut into bands of {@code perBand} (the last one shorter). */
    static List<Band> split(long rows, int perBand) {
        List<Band> bands = new ArrayList<>();
        for (long r = 0; r < rows; r += perBand) {
            int n = (int) Math.min(perBand, rows - r);
            bands.add(new Band((int) r, n, n == rows));
        }
        return bands;
    }

    /** The padded input rows a band of windows reads: {@code (count − 1)·strideH + dilationH·(kh − 1) + 1}. */
    static int inputRows(Window w, int count) {
        return (count - 1) * w.strideH() + w.dilationH() * (w.kernelH() - 1) + 1;
    }

    /** The unfold of a band: the same, without padding at the top and bottom (the band's input has it). */
    static Unfold bandUnfold(Unfold whole) {
        Window w = whole.window();
        Window band = new Window(w.kernelH(), w.kernelW(), w.dilationH(), w.dilationW(), 0, w.paddingW(),
                w.strideH(), w.strideW());
        return Unfold.of(band).withPaddingMode(whole.paddingMode()).withImageLayout(whole.imageLayout())
                .withColumnLayout(whole.columnLayout());
    }

    /**
     * The input of a band as a picture: padded rows {@code first·strideH ...} of {@code pic},
     * the rows above and below the image made as {@code mode} says (PyTorch's F.pad: zeros;
     * reflect without repeating the edge; replicate; circular), so that unfolding it without
     * vertical padding gives exactly the band's windows of the whole unfold.
     */
    static Picture inputRows(Picture pic, Window w, PaddingMode mode, Band band) {
        int h = pic.height(), width = pic.width(), c = pic.channels();
        int rows = inputRows(w, band.count());
        int top = band.first() * w.strideH() - w.paddingH();
        float[] src = pic.data();
        float[] out = new float[c * rows * width];
        for (int i = 0; i < rows; i++) {
            int y = sourceRow(top + i, h, mode);
            if (y < 0) {
                continue; // zero padding
            }
            for (int ch = 0; ch < c; ch++) {
                System.arraycopy(src, (ch * h + y) * width, out, (ch * rows + i) * width, width);
            }
        }
        return new Picture(out, c, rows, width);
    }

    /** The image row that padded row {@code y} (image coordinates, negative above) shows, or -1 for a zero. */
    static int sourceRow(int y, int h, PaddingMode mode) {
        return (int) mode.source(y, h);
    }

    /** The input tensor of a band, in the type and layout of {@code spec}'s unfold. */
    static Tensor input(Picture pic, Unfold spec, DType type, Band band) {
        return band.whole() ? pic.tensor(type, spec.imageLayout())
                : inputRows(pic, spec.window(), spec.paddingMode(), band).tensor(type, spec.imageLayout());
    }

    /** The unfold a band runs: {@code spec} itself for the whole image, else {@link #bandUnfold}. */
    static Unfold unfold(Unfold spec, Band band) {
        return band.whole() ? spec : bandUnfold(spec);
    }

    /** Bytes one row of windows of {@code g} needs: its columns, and its share of the input rows, twice. */
    static long bytesPerRow(ColumnGeometry g, DType type, int channels, int width) {
        long cols = g.rows() * g.blocksW() * type.bytes();
        long input = (long) channels * g.window().strideH() * (width + 2L * g.window().paddingW()) * (4 + type.bytes());
        return cols + input;
    }

    /** {@code [C, H, W]} or {@code [H, W, C]}: the shape of {@code pic} in {@code layout}. */
    static long[] imageShape(Picture pic, org.unfold4j.ImageLayout layout) {
        return layout == org.unfold4j.ImageLayout.CHANNELS_LAST
                ? new long[] {pic.height(), pic.width(), pic.channels()}
                : new long[] {pic.channels(), pic.height(), pic.width()};
    }

    /** A new host array of {@code n} elements of {@code type}. */
    static Object newArray(DType type, int n) {
        switch (type) {
            case FLOAT32: return new float[n];
            case FLOAT64: return new double[n];
            case UINT8: return new byte[n];
            case INT32: return new int[n];
            case FLOAT16: return new short[n];  // only float16 reaches here: Choices.dtype refuses bfloat16
            default: throw new AssertionError(type);
        }
    }

    /** A tensor over {@code array} (no copy): unfold writes into it, the caller reads the array. */
    static Tensor wrap(Object array, long... shape) {
        if (array instanceof float[] f) {
            return Tensor.of(f, shape);
        }
        if (array instanceof double[] d) {
            return Tensor.of(d, shape);
        }
        if (array instanceof int[] i) {
            return Tensor.of(i, shape);
        }
        if (array instanceof short[] h) {
            return Tensor.ofFloat16(h, shape);
        }
        return Tensor.ofUint8((byte[]) array, shape);
    }

    /** Element {@code i} of a host array as a float. */
    static float get(Object array, int i) {
        if (array instanceof float[] f) {
            return f[i];
        }
        if (array instanceof double[] d) {
            return (float) d[i];
        }
        if (array instanceof int[] a) {
            return a[i];
        }
        if (array instanceof short[] h) {
            return (float) Tensor.ofFloat16(h, h.length).getDouble(i);  // wraps, no copy: the library's exact conversion
        }
        return ((byte[]) array)[i] & 0xff;
    }

    /** Puts elements {@code [from, from + count)} of {@code array} into {@code b} (little-endian, room checked by the caller). */
    static void put(ByteBuffer b, Object array, int from, int count) {
        if (array instanceof float[] f) {
            b.asFloatBuffer().put(f, from, count);
            b.position(b.position() + 4 * count);
        } else if (array instanceof double[] d) {
            b.asDoubleBuffer().put(d, from, count);
            b.position(b.position() + 8 * count);
        } else if (array instanceof int[] a) {
            b.asIntBuffer().put(a, from, count);
            b.position(b.position() + 4 * count);
        } else if (array instanceof short[] h) {
            b.asShortBuffer().put(h, from, count);
            b.position(b.position() + 2 * count);
        } else {
            b.put((byte[]) array, from, count);
        }
    }
}
