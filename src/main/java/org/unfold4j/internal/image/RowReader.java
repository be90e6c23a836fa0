package org.unfold4j.internal.image;

import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.DataBufferUShort;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import java.awt.image.SinglePixelPackedSampleModel;

/**
 * Reads one band of one row of a raster, honouring its sample model: direct array reads for
 * the component (interleaved or banded) and single-pixel-packed models on byte, ushort and int
 * buffers, with the raster's translation (a sub-image's origin), the buffer's and the bands'
 * offsets and the strides; {@link Raster#getSamples} for every other model.
 */
public abstract class RowReader {
    final Raster raster;
    final int width;
    /** The sample-model coordinates of the raster's pixel (0, 0). */
    final int x0, y0;

    RowReader(Raster raster) {
        this.raster = raster;
        this.width = raster.getWidth();
        this.x0 = raster.getMinX() - raster.getSampleModelTranslateX();
        this.y0 = raster.getMinY() - raster.getSampleModelTranslateY();
    }

    /**
     * Reads band {@code band} of row {@code y} into {@code out[0..width)}.
     *
     * @param y    the row, from the raster's top
     * @param band the band
     * @param out  at least the raster's width
     */
    public abstract void read(int y, int band, int[] out);

    /**
     * Copies band {@code band} of row {@code y} to {@code out[o], out[o + step], ...}, where the
     * samples are bytes that can be copied as they are.
     *
     * @param y    the row
     * @param band the band
     * @param out  where to
     * @param o    the first index written
     * @param step the distance between two pixels in {@code out}
     * @return false, without copying, where this reader cannot copy bytes
     */
    public boolean copyBytes(int y, int band, byte[] out, int o, int step) {
        return false;
    }

    /**
     * {@return the fastest reader for the raster's sample model}
     *
     * @param raster the raster
     */
    public static RowReader of(Raster raster) {
        SampleModel sm = raster.getSampleModel();
        DataBuffer db = raster.getDataBuffer();
        if (sm instanceof ComponentSampleModel csm
                && (db instanceof DataBufferByte || db instanceof DataBufferUShort)) {
            return new Components(raster, csm, db);
        }
        if (sm instanceof SinglePixelPackedSampleModel spp
                && (db instanceof DataBufferByte || db instanceof DataBufferUShort || db instanceof DataBufferInt)) {
            return new Packed(raster, spp, db);
        }
        return new RowReader(raster) {
            @Override
            public void read(int y, int band, int[] out) {
                raster.getSamples(raster.getMinX(), raster.getMinY() + y, width, 1, band, out);
            }
        };
    }
}

final class Components extends RowReader {
    private final byte[][] bytes;
    private final short[][] shorts;
    private final int[] bankOf, start;
    private final int scanline, pixel;

    Components(Raster raster, ComponentSampleModel csm, DataBuffer db) {
        super(raster);
        bytes = db instanceof DataBufferByte b ? b.getBankData() : null;
        shorts = db instanceof DataBufferUShort s ? s.getBankData() : null;
        int bands = csm.getNumBands();
        bankOf = csm.getBankIndices();
        start = new int[bands];
        for (int b = 0; b < bands; b++) {
            // DataBuffer offsets are per bank; getElem(bank, i) reads array[i + offset].
            start[b] = db.getOffsets()[bankOf[b]] + csm.getBandOffsets()[b];
        }
        scanline = csm.getScanlineStride();
        pixel = csm.getPixelStride();
    }

    @Override
    public boolean copyBytes(int y, int band, byte[] out, int o, int step) {
        if (bytes == null) {
            return false;
        }
        byte[] a = bytes[bankOf[band]];
        for (int x = 0, i = start[band] + (y0 + y) * scanline + x0 * pixel; x < width; x++, i += pixel, o += step) {
            out[o] = a[i];
        }
        return true;
    }

    @Override
    public void read(int y, int band, int[] out) {
        int i = start[band] + (y0 + y) * scanline + x0 * pixel;
        if (bytes != null) {
            byte[] a = bytes[bankOf[band]];
            for (int x = 0; x < width; x++, i += pixel) {
                out[x] = a[i] & 0xff;
            }
        } else {
            short[] a = shorts[bankOf[band]];
            for (int x = 0; x < width; x++, i += pixel) {
                out[x] = a[i] & 0xffff;
            }
        }
    }
}

final class Packed extends RowReader {
    private final DataBuffer db;
    private final int[] ints;
    private final int start, scanline;
    private final int[] masks, shifts;

    Packed(Raster raster, SinglePixelPackedSampleModel spp, DataBuffer db) {
        super(raster);
        this.db = db;
        this.ints = db instanceof DataBufferInt d ? d.getData() : null;
        this.start = db.getOffset();
        this.scanline = spp.getScanlineStride();
        this.masks = spp.getBitMasks();
        this.shifts = spp.getBitOffsets();
    }

    @Override
    public void read(int y, int band, int[] out) {
        int i = (y0 + y) * scanline + x0, mask = masks[band], shift = shifts[band];
        if (ints != null) {
            i += start;  // getData() is the whole bank; getElem adds the buffer's offset itself
            for (int x = 0; x < width; x++, i++) {
                out[x] = (ints[i] & mask) >>> shift;
            }
        } else {
            for (int x = 0; x < width; x++, i++) {
                out[x] = (db.getElem(i) & mask) >>> shift;
            }
        }
    }
}
