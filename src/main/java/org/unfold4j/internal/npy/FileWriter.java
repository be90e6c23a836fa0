package org.unfold4j.internal.npy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.unfold4j.DType;
import org.unfold4j.internal.HostArrays;

/**
 * An {@code .npy} file written piece by piece: the header first, then runs of elements at their
 * C-order places, in any order, so that arrays larger than any Java array are written a band at
 * a time.
 *
 * <p>Note [npy written aside]: everything goes to a hidden file beside the target
 * ({@code .NAME.RANDOM.tmp}, made with the default permissions, not a temp file's owner-only
 * ones), renamed onto the target by {@link #close()} once every element was written exactly
 * once. A writer that fails, or is closed early, deletes that file: the target is never a
 * partial array, and a file it replaces stays as it was until the new one is complete. The runs
 * written are kept as merged intervals, so a run written twice is refused and {@link #close()}
 * knows whether any element is missing.
 */
public final class FileWriter implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final DType dtype;
    private final long[] shape;
    private final long count;
    private final long dataStart;
    private final ByteBuffer buffer;
    /** The runs written, start to end, merged where they touch. */
    private final TreeMap<Long, Long> written = new TreeMap<>();
    private long elementsWritten;
    private long next;
    private boolean closed;

    /**
     * Starts {@code target}: creates its hidden sibling and writes the header.
     *
     * @throws IllegalArgumentException if {@code shape} has a negative dimension or too many bytes
     * @throws IOException if the file cannot be created or written
     */
    public FileWriter(Path target, DType dtype, long[] shape) throws IOException {
        this.count = count(dtype, shape);
        if (target.getFileName() == null) {
            throw new IllegalArgumentException("file " + target + " names no file");
        }
        this.target = target;
        this.dtype = dtype;
        this.shape = shape.clone();
        byte[] header = Header.encode(dtype, shape);
        this.dataStart = header.length;
        this.buffer = ByteBuffer.allocateDirect((int) Math.max(dtype.bytes(), Math.min(DataReader.CHUNK,
                count * dtype.bytes()))).order(ByteOrder.LITTLE_ENDIAN);
        Path t;
        FileChannel c;
        while (true) {
            t = target.resolveSibling("." + target.getFileName() + "." + Long.toHexString(
                    ThreadLocalRandom.current().nextLong() >>> 16) + ".tmp");
            try {
                c = FileChannel.open(t, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                break;
            } catch (FileAlreadyExistsException e) {
                // another name
            }
        }
        this.temp = t;
        this.channel = c;
        try {
            writeFully(ByteBuffer.wrap(header), 0);
        } catch (IOException | RuntimeException e) {
            discard();
            throw e;
        }
    }

    /** The element count of {@code shape}, once it is valid for a file of {@code dtype}. */
    private static long count(DType dtype, long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a negative dimension");
            }
            try {
                n = Math.multiplyExact(n, d);
                Math.multiplyExact(n, (long) dtype.bytes());
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of " + dtype
                        + " overflows a 64-bit byte count");
            }
        }
        return n;
    }

    /** The size of the file of a C-order array of {@code dtype} and {@code shape}. */
    public static long fileSize(DType dtype, long[] shape) {
        return Header.encode(dtype, shape).length + count(dtype, shape) * dtype.bytes();
    }

    /** {@return the number of elements of the shape} */
    public long count() {
        return count;
    }

    /** {@return the elements written so far} */
    public long elementsWritten() {
        return elementsWritten;
    }

    /** {@return where the next {@link #append} goes: after the last run written} */
    public long next() {
        return next;
    }

    /**
     * Writes {@code n} elements of {@code array} from {@code from} as elements
     * {@code [at, at + n)} of the file's array.
     *
     * @throws IllegalArgumentException if the run goes beyond the shape, or overlaps one written before
     * @throws IllegalStateException if the writer is closed
     * @throws IOException if writing fails
     */
    public void write(long at, Object array, int from, int n) throws IOException {
        if (closed) {
            throw new IllegalStateException("the writer of " + target + " is closed");
        }
        if (at < 0 || at > count - n) {
            throw new IllegalArgumentException("elements [" + at + ", " + (at + n) + ") do not fit in " + dtype + " "
                    + Arrays.toString(shape) + " (" + count + " elements" + (elementsWritten > 0 ? ", "
                    + elementsWritten + " written" : "") + ") of " + target);
        }
        if (n == 0) {
            return;
        }
        Map.Entry<Long, Long> before = written.floorEntry(at);
        Map.Entry<Long, Long> after = written.ceilingEntry(at);
        if ((before != null && before.getValue() > at) || (after != null && after.getKey() < at + n)) {
            Map.Entry<Long, Long> e = before != null && before.getValue() > at ? before : after;
            throw new IllegalArgumentException("elements [" + at + ", " + (at + n) + ") of " + target
                    + " overlap elements [" + e.getKey() + ", " + e.getValue() + ") written before");
        }
        int per = buffer.capacity() / dtype.bytes();
        long pos = dataStart + at * dtype.bytes();
        for (int done = 0; done < n; ) {
            int k = Math.min(per, n - done);
            buffer.clear();
            HostArrays.put(buffer, array, from + done, k);
            buffer.flip();
            writeFully(buffer, pos);
            pos += (long) k * dtype.bytes();
            done += k;
        }
        long start = at, end = at + n;
        if (before != null && before.getValue() == at) {
            start = before.getKey();
        }
        if (after != null && after.getKey() == end) {
            end = after.getValue();
            written.remove(after.getKey());
        }
        written.put(start, end);
        elementsWritten += n;
        next = at + n;
    }

    private void writeFully(ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            pos += channel.write(b, pos);
        }
    }

    /**
     * Renames the file onto the target if every element was written; else deletes it.
     *
     * @throws IllegalStateException if elements are missing (the target is not written)
     * @throws IOException if the file cannot be completed or renamed
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (elementsWritten != count) {
            discard();
            String missing = written.isEmpty() ? "" : ", the first missing one " + (written.firstKey() > 0 ? 0
                    : written.firstEntry().getValue());
            throw new IllegalStateException("closed after " + elementsWritten + " of the " + count + " elements of "
                    + dtype + " " + Arrays.toString(shape) + missing + ": " + target + " was not written");
        }
        try {
            channel.close();
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            discard();
            throw e;
        }
    }

    /** Closes and deletes the hidden file, keeping the first failure. */
    private void discard() throws IOException {
        closed = true;
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
