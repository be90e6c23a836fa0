package org.unfold4j.internal.npy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.Arrays;
import org.unfold4j.Npy;
import org.unfold4j.Tensor;
import org.unfold4j.internal.HostArrays;

/**
 * Reads an {@code .npy} file's elements into a host array, in C order, a chunk at a time.
 *
 * <p>Note [npy chunks]: the file is read through one direct buffer of at most 1 MiB, decoded
 * (byte order converted) straight into the destination array, so a large file costs the array
 * and that buffer, never a second full copy. Fortran-order files are decoded a chunk at a time
 * too, each chunk scattered to its C-order places (one element at a time, the only slower path).
 */
public final class DataReader {
    /** The largest chunk, in bytes (a multiple of every element size). */
    static final int CHUNK = 1 << 20;

    private DataReader() {
    }

    /**
     * Checks that the file holds exactly the header's data and that a host tensor can hold it.
     *
     * @throws Npy.FormatException naming the file, if the data is truncated or followed by
     *     other bytes, or has more elements than {@link Tensor#MAX_ELEMENTS}
     */
    public static void check(Path file, Header h, long fileSize) throws Npy.FormatException {
        long expected = h.dataOffset() + h.dataBytes();
        if (fileSize != expected) {
            long data = fileSize - h.dataOffset();
            throw new Npy.FormatException(file, "data", data + " bytes", (fileSize < expected ? "truncated: " : "")
                    + h.descr() + " " + Arrays.toString(h.shape()) + " needs " + h.count() + " × "
                    + h.dtype().bytes() + " = " + h.dataBytes() + " bytes after the " + h.dataOffset()
                    + "-byte header, a file of " + expected + " bytes, but the file has " + fileSize
                    + (fileSize > expected ? " (" + (fileSize - expected) + " bytes after the data)" : ""));
        }
        if (h.count() > Tensor.MAX_ELEMENTS) {
            throw new Npy.FormatException(file, "shape", Arrays.toString(h.shape()), h.count()
                    + " elements, more than a host tensor can hold (" + Tensor.MAX_ELEMENTS + ")");
        }
    }

    /**
     * Reads the data of {@code h} from {@code channel} into {@code array} (a new array of
     * {@code h.count()} elements of {@code h.dtype()}), in C order whatever the file's order.
     *
     * @throws Npy.FormatException if the file ends early (it shrank after {@link #check})
     * @throws IOException if reading fails
     */
    public static void read(Path file, SeekableByteChannel channel, Header h, Object array) throws IOException {
        int size = h.dtype().bytes();
        int n = (int) h.count();
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) Math.max(size, Math.min(CHUNK, h.dataBytes())))
                .order(h.order());
        Scatter scatter = h.fortran() && h.shape().length > 1 ? new Scatter(h.shape(), array, buffer.capacity() / size)
                : null;
        long pos = h.dataOffset();
        for (int done = 0; done < n; ) {
            int k = Math.min(buffer.capacity() / size, n - done);
            buffer.clear().limit(k * size);
            Header.readFully(channel, buffer, pos);
            if (buffer.hasRemaining()) {
                throw new Npy.FormatException(file, "data", (pos - h.dataOffset() + buffer.position()) + " bytes",
                        "truncated while reading: the file ended before the " + h.dataBytes() + " bytes of "
                                + h.descr() + " " + Arrays.toString(h.shape()));
            }
            buffer.flip();
            if (scatter == null) {
                HostArrays.get(buffer, array, done, k);
            } else {
                scatter.put(buffer, k);
            }
            pos += (long) k * size;
            done += k;
        }
    }

    /** Fortran-order elements, as they come from the file, put at their C-order places. */
    private static final class Scatter {
        private final long[] shape;
        private final Object array;
        private final Object chunk;
        /** The C-order stride of each axis, and the current multi-index (axis 0 fastest, as the file). */
        private final int[] stride, index;
        private int c;

        Scatter(long[] shape, Object array, int chunkElements) {
            this.shape = shape;
            this.array = array;
            this.chunk = java.lang.reflect.Array.newInstance(array.getClass().getComponentType(), chunkElements);
            this.stride = new int[shape.length];
            this.index = new int[shape.length];
            int s = 1;
            for (int axis = shape.length - 1; axis >= 0; axis--) {
                stride[axis] = s;
                s *= (int) shape[axis];
            }
        }

        void put(ByteBuffer b, int k) {
            HostArrays.get(b, chunk, 0, k);
            for (int i = 0; i < k; i++) {
                System.arraycopy(chunk, i, array, c, 1);
                for (int axis = 0; axis < shape.length; axis++) {
                    c += stride[axis];
                    if (++index[axis] < shape[axis]) {
                        break;
                    }
                    c -= stride[axis] * index[axis];
                    index[axis] = 0;
                }
            }
        }
    }
}
