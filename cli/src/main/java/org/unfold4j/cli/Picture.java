package org.unfold4j.cli;

import org.unfold4j.DType;
import org.unfold4j.ImageLayout;
import org.unfold4j.Tensor;

/**
 * An image as the command line computes on it: {@code channels × height × width} float32 values,
 * row-major, in 0..255 (8-bit sample values as floats, so sums of a few thousand pixels stay exact;
 * {@link ImageFiles#fromImage} brings 16-bit images to 8 bits). The array is shared, not copied.
 */
record Picture(float[] data, int channels, int height, int width) {
    Picture {
        if ((long) channels * height * width != data.length) {
            throw new IllegalArgumentException("data length " + data.length + " does not match " + channels + "x"
                    + height + "x" + width);
        }
    }

    /** The values as an unbatched tensor {@code [C, H, W]} (no copy). */
    Tensor tensor() {
        return Tensor.of(data, channels, height, width);
    }

    /** The values as a batch of one, {@code [1, C, H, W]} (no copy). */
    Tensor batch() {
        return Tensor.of(data, 1, channels, height, width);
    }

    /**
     * The values as a new unbatched tensor of the given type and layout: {@code [C, H, W]}
     * (channels first) or {@code [H, W, C]} (channels last, as {@link org.unfold4j.Images#toTensor}
     * gives an image). Values stay 0..255 in every type; the integer types get them rounded, which
     * is exact for 8-bit images (the uint8 bytes are then the image's own samples).
     *
     * @param dtype  the element type
     * @param layout where the channels go
     * @return a new tensor over a new array (float32 channels-first too, so it never shares {@link #data})
     */
    Tensor tensor(DType dtype, ImageLayout layout) {
        int plane = height * width;
        boolean last = layout == ImageLayout.CHANNELS_LAST;
        long[] shape = last ? new long[] {height, width, channels} : new long[] {channels, height, width};
        switch (dtype) {
            case FLOAT32: {
                float[] a = new float[data.length];
                for (int i = 0; i < data.length; i++) {
                    a[at(i, plane, last)] = data[i];
                }
                return Tensor.of(a, shape);
            }
            case FLOAT64: {
                double[] a = new double[data.length];
                for (int i = 0; i < data.length; i++) {
                    a[at(i, plane, last)] = data[i];
                }
                return Tensor.of(a, shape);
            }
            case UINT8: {
                byte[] a = new byte[data.length];
                for (int i = 0; i < data.length; i++) {
                    a[at(i, plane, last)] = (byte) ImageFiles.toByte(data[i]);
                }
                return Tensor.ofUint8(a, shape);
            }
            case FLOAT16: {
                float[] a = new float[data.length];
                for (int i = 0; i < data.length; i++) {
                    a[at(i, plane, last)] = data[i];
                }
                return Tensor.float16Of(a, shape);  // 0-255 integers: exact in float16
            }
            case INT32: {
                int[] a = new int[data.length];
                for (int i = 0; i < data.length; i++) {
                    a[at(i, plane, last)] = Math.round(data[i]);
                }
                return Tensor.of(a, shape);
            }
            default:
                throw new AssertionError(dtype);
        }
    }

    /** Where channels-first index {@code i} goes in the layout. */
    private int at(int i, int plane, boolean channelsLast) {
        return channelsLast ? (i % plane) * channels + i / plane : i;
    }

    /** A picture over a {@code [C, H, W]} or {@code [1, C, H, W]} tensor's values (copied). */
    static Picture of(Tensor t) {
        return of(t, ImageLayout.CHANNELS_FIRST);
    }

    /**
     * A picture of a {@code [C, H, W]} / {@code [1, C, H, W]} (channels first) or
     * {@code [H, W, C]} / {@code [1, H, W, C]} (channels last) tensor of any type (copied).
     */
    static Picture of(Tensor t, ImageLayout layout) {
        long[] s = t.shape();
        int o = s.length - 3;
        boolean last = layout == ImageLayout.CHANNELS_LAST;
        int c = (int) (last ? s[o + 2] : s[o]), h = (int) (last ? s[o] : s[o + 1]), w = (int) (last ? s[o + 1] : s[o + 2]);
        double[] values = channelsFirst(t, layout);
        float[] data = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            data[i] = (float) values[i];
        }
        return new Picture(data, c, h, w);
    }

    /**
     * The values of an image tensor (as {@link #of(Tensor, ImageLayout)} takes) in channels-first
     * order, as doubles (exact for every type).
     */
    static double[] channelsFirst(Tensor t, ImageLayout layout) {
        double[] values = t.toDoubleArray();
        if (layout == ImageLayout.CHANNELS_FIRST) {
            return values;
        }
        long[] s = t.shape();
        int c = (int) s[s.length - 1];
        int plane = values.length / c;
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[(i % c) * plane + i / c] = values[i];
        }
        return out;
    }

    /** "3x288x448". */
    String size() {
        return channels + "x" + height + "x" + width;
    }
}
