package org.unfold4j.internal.image;

import org.unfold4j.DType;
import org.unfold4j.internal.HalfFloats;

/**
 * Writes converted samples (0..255 or 0..65535, Note [image conversion] in {@code Images}) into
 * one tensor's array of any type, at the indices the caller computes: its own image in a batch,
 * in either layout. Integer arrays get the values as they are; float arrays get them divided by
 * {@code divisor} (1 for the stored values, 255 or 65535 for 0..1), one correctly rounded
 * division per sample, as PyTorch's {@code to_tensor} divides.
 */
public abstract class SampleWriter {
    SampleWriter() {
    }

    /**
     * {@return a writer into {@code array}}
     *
     * @param array   a {@code byte[]} (uint8), {@code int[]}, {@code float[]}, {@code double[]} or
     *                {@code short[]} (float16 or bfloat16 bits, as {@code dtype} says)
     * @param dtype   the type of the tensor the array holds
     * @param divisor what float samples are divided by; ignored for integer arrays
     */
    public static SampleWriter of(Object array, DType dtype, int divisor) {
        if (array instanceof short[] a) {
            return new Halves(a, dtype == DType.BFLOAT16, divisor);
        }
        if (array instanceof byte[] a) {
            return new Bytes(a);
        }
        if (array instanceof int[] a) {
            return new Ints(a);
        }
        if (array instanceof float[] a) {
            return new Floats(a, divisor);
        }
        return new Doubles((double[]) array, divisor);
    }

    /**
     * Writes {@code v} at index {@code i}.
     *
     * @param i the index
     * @param v the sample
     */
    public abstract void put(int i, int v);

    /**
     * Writes {@code n} samples (each subclass loops over its own array: a call per sample through
     * this class would not be inlined once several types are in use), {@code lut[row[x]]} (or {@code row[x]} where {@code lut} is null),
     * at {@code o, o + step, ...}.
     *
     * @param row  the samples
     * @param lut  a table applied to each, or null
     * @param n    how many
     * @param o    the first index
     * @param step the distance between two pixels
     */
    public abstract void row(int[] row, int[] lut, int n, int o, int step);

    /**
     * Copies band {@code band} of row {@code y} straight from the reader where both are bytes.
     *
     * @param reader the raster's reader
     * @param y      the row
     * @param band   the band
     * @param o      the first index
     * @param step   the distance between two pixels
     * @return false, without writing, where the samples cannot be copied as bytes
     */
    public boolean copyBytes(RowReader reader, int y, int band, int o, int step) {
        return false;
    }

    private static final class Bytes extends SampleWriter {
        private final byte[] a;

        Bytes(byte[] a) {
            this.a = a;
        }

        @Override
        public void put(int i, int v) {
            a[i] = (byte) v;
        }

        @Override
        public void row(int[] row, int[] lut, int n, int o, int step) {
            if (lut == null) {
                for (int x = 0; x < n; x++, o += step) {
                    a[o] = (byte) row[x];
                }
            } else {
                for (int x = 0; x < n; x++, o += step) {
                    a[o] = (byte) lut[row[x]];
                }
            }
        }

        @Override
        public boolean copyBytes(RowReader reader, int y, int band, int o, int step) {
            return reader.copyBytes(y, band, a, o, step);  // 8-bit samples straight in (decoded JPEG and PNG photos)
        }
    }

    private static final class Ints extends SampleWriter {
        private final int[] a;

        Ints(int[] a) {
            this.a = a;
        }

        @Override
        public void put(int i, int v) {
            a[i] = v;
        }

        @Override
        public void row(int[] row, int[] lut, int n, int o, int step) {
            if (lut == null) {
                for (int x = 0; x < n; x++, o += step) {
                    a[o] = row[x];
                }
            } else {
                for (int x = 0; x < n; x++, o += step) {
                    a[o] = lut[row[x]];
                }
            }
        }
    }

    private static final class Floats extends SampleWriter {
        private final float[] a;
        private final float divisor;

        Floats(float[] a, int divisor) {
            this.a = a;
            this.divisor = divisor;
        }

        @Override
        public void put(int i, int v) {
            a[i] = v / divisor;  // exact for divisor 1 (v < 2^24)
        }

        @Override
        public void row(int[] row, int[] lut, int n, int o, int step) {
            if (lut == null) {
                for (int x = 0; x < n; x++, o += step) {
                    a[o] = row[x] / divisor;
                }
            } else {
                for (int x = 0; x < n; x++, o += step) {
                    a[o] = lut[row[x]] / divisor;
                }
            }
        }
    }

    private static final class Doubles extends SampleWriter {
        private final double[] a;
        private final double divisor;

        Doubles(double[] a, int divisor) {
            this.a = a;
            this.divisor = divisor;
        }

        @Override
        public void put(int i, int v) {
            a[i] = v / divisor;
        }

        @Override
        public void row(int[] row, int[] lut, int n, int o, int step) {
            if (lut == null) {
                for (int x = 0; x < n; x++, o += step) {
                    a[o] = row[x] / divisor;
                }
            } else {
                for (int x = 0; x < n; x++, o += step) {
                    a[o] = lut[row[x]] / divisor;
                }
            }
        }
    }

    /**
     * 16-bit floats: the float32 sample (divided in float32, as {@link Floats} does) rounded once
     * more to the type, to nearest even; 8-bit samples are exact in both types, 16-bit ones above
     * 2048 (float16) or 256 (bfloat16) are rounded, and float16 has no finite value above 65504.
     */
    private static final class Halves extends SampleWriter {
        private final short[] a;
        private final boolean bfloat16;
        private final float divisor;

        Halves(short[] a, boolean bfloat16, int divisor) {
            this.a = a;
            this.bfloat16 = bfloat16;
            this.divisor = divisor;
        }

        private short bits(int v) {
            float f = v / divisor;
            return bfloat16 ? HalfFloats.floatToBFloat16(f) : HalfFloats.floatToFloat16(f);
        }

        @Override
        public void put(int i, int v) {
            a[i] = bits(v);
        }

        @Override
        public void row(int[] row, int[] lut, int n, int o, int step) {
            for (int x = 0; x < n; x++, o += step) {
                a[o] = bits(lut == null ? row[x] : lut[row[x]]);
            }
        }
    }
}
