package org.unfold4j.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.unfold4j.DType;
import org.unfold4j.Tensor;

/**
 * Writes tensors in NumPy's {@code .npy} format, version 1.0, so that {@code numpy.load(file)}
 * returns an array of the tensor's type ({@code float32}, {@code float64}, {@code uint8} or
 * {@code int32}) and shape.
 *
 * <p>The layout: the magic {@code \x93NUMPY}, version 1.0, a little-endian uint16 header
 * length, an ASCII header (a Python dict literal: {@code descr} ({@code '<f4'}, {@code '<f8'},
 * {@code '|u1'} or {@code '<i4'}), C order, the shape) padded with spaces and ending in a newline
 * so that the data starts at a multiple of 64 bytes, then the values, little-endian, row-major.
 */
final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};

    private Npy() {
    }

    /** NumPy's type string of {@code dtype}: {@code '<f4'}, {@code '<f8'}, {@code '|u1'}, {@code '<i4'} or {@code '<f2'}. */
    static String descr(DType dtype) {
        switch (dtype) {
            case FLOAT32: return "<f4";
            case FLOAT64: return "<f8";
            case UINT8: return "|u1";
            case INT32: return "<i4";
            case FLOAT16: return "<f2";  // IEEE binary16, NumPy's float16; bfloat16 has no NumPy type (Choices.dtype)
            default: throw new AssertionError(dtype);
        }
    }

    /** The header, magic and length included, for a float32 array of the given shape. */
    static byte[] header(long[] shape) {
        return header(DType.FLOAT32, shape);
    }

    /** The header, magic and length included, for an array of the given type and shape. */
    static byte[] header(DType dtype, long[] shape) {
        StringBuilder dims = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            dims.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        if (shape.length == 1) {
            dims.append(',');
        }
        String dict = "{'descr': '" + descr(dtype) + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        int unpadded = MAGIC.length + 2 + dict.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        String text = dict + " ".repeat(padding) + "\n";
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 2 + text.length()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putShort((short) text.length()).put(text.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    /** Writes float32 {@code data} (row-major, {@code product(shape)} values) to {@code file}. */
    static void write(Path file, long[] shape, float[] data) throws IOException {
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        if (count != data.length) {
            throw new IllegalArgumentException("shape does not match " + data.length + " values");
        }
        write(file, Tensor.of(data, shape));
    }

    /** Writes {@code t} (its type, shape and values) to {@code file}. */
    static void write(Path file, Tensor t) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            out.write(header(t.dtype(), t.shape()));
            ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            switch (t.dtype()) {
                case FLOAT32 -> {
                    for (float v : t.toFloatArray()) {
                        room(out, chunk, 4).putFloat(v);
                    }
                }
                case FLOAT64 -> {
                    for (double v : t.toDoubleArray()) {
                        room(out, chunk, 8).putDouble(v);
                    }
                }
                case INT32 -> {
                    for (int v : t.toIntArray()) {
                        room(out, chunk, 4).putInt(v);
                    }
                }
                case UINT8 -> out.write(t.toByteArray());
                case FLOAT16 -> {
                    for (short v : t.toShortArray()) {
                        room(out, chunk, 2).putShort(v);
                    }
                }
                default -> throw new AssertionError(t.dtype());
            }
            out.write(chunk.array(), 0, chunk.position());
        }
    }

    /** The size of the file {@link #write(Path, Tensor)} writes for a tensor of this type and shape. */
    static long fileBytes(DType dtype, long[] shape) {
        long count = 1;
        for (long d : shape) {
            count = Math.multiplyExact(count, d);
        }
        return header(dtype, shape).length + Math.multiplyExact(count, (long) dtype.bytes());
    }

    /**
     * An {@code .npy} file written piece by piece, in any order (Note [bounded pieces]): the
     * header first, then runs of elements at their row-major positions, so that arrays larger
     * than any Java array (2^31 elements) are written a band at a time.
     */
    static final class Stream implements AutoCloseable {
        private final FileChannel channel;
        private final DType dtype;
        private final long dataStart;
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);

        Stream(Path file, DType dtype, long[] shape) throws IOException {
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
            this.dtype = dtype;
            byte[] h = header(dtype, shape);
            this.dataStart = h.length;
            writeFully(ByteBuffer.wrap(h), 0);
        }

        /** Writes {@code count} elements of {@code array} from {@code from} at element {@code at} of the array in the file. */
        void write(long at, Object array, int from, int count) throws IOException {
            int per = (buffer.capacity() / dtype.bytes());
            long pos = dataStart + at * dtype.bytes();
            for (int done = 0; done < count; ) {
                int n = Math.min(per, count - done);
                buffer.clear();
                Bands.put(buffer, array, from + done, n);
                buffer.flip();
                writeFully(buffer, pos);
                pos += (long) n * dtype.bytes();
                done += n;
            }
        }

        private void writeFully(ByteBuffer b, long pos) throws IOException {
            while (b.hasRemaining()) {
                pos += channel.write(b, pos);
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /** {@code chunk}, written out and cleared first when it has fewer than {@code bytes} left. */
    private static ByteBuffer room(OutputStream out, ByteBuffer chunk, int bytes) throws IOException {
        if (chunk.remaining() < bytes) {
            out.write(chunk.array(), 0, chunk.position());
            chunk.clear();
        }
        return chunk;
    }
}
