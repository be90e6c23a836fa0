package org.unfold4j;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import org.unfold4j.internal.HostArrays;
import org.unfold4j.internal.npy.DataReader;
import org.unfold4j.internal.npy.Descr;
import org.unfold4j.internal.npy.FileWriter;

/**
 * NumPy's {@code .npy} files: {@link #read} a tensor, {@link #write} one, or write an array
 * larger than one tensor piece by piece with a {@link #writer}, so that {@code numpy.load}
 * returns it with its type and shape.
 *
 * <pre>{@code
 * Tensor image = Npy.read(Path.of("image.npy"));              // np.save("image.npy", x)
 * Npy.write(Path.of("columns.npy"), Unfold.of(3).apply(image)); // np.load("columns.npy")
 * }</pre>
 *
 * <p>Types: float32 {@code '<f4'}, float64 {@code '<f8'}, uint8 {@code '|u1'}, int32
 * {@code '<i4'} and float16 {@code '<f2'} (see {@link #descr(DType)}). NumPy has no bfloat16, so
 * a bfloat16 tensor is refused with an {@link IllegalArgumentException}: convert it first
 * (to float32 exactly, or to float16). Reading accepts header versions 1.0, 2.0 and 3.0,
 * either byte order ({@code '>f4'} is converted; {@code '<u1'} is uint8 too), and Fortran order
 * ({@code fortran_order: True}, as {@code np.save} writes a transposed array), returned in C
 * order; it refuses every other type ({@code int8}, {@code int64}, {@code bool}, structured types
 * and the like) by name. Writing writes version 1.0 (2.0 only for a header longer than 65535
 * bytes), little-endian, C order, the data at a multiple of 64 bytes, as {@code np.save} does.
 *
 * <p>Memory and files: data moves through one buffer of at most 1 MiB, so reading a file costs
 * the tensor it returns (plus, for Fortran order, a slower element-by-element reorder) and writing
 * one costs no copy of the tensor. A file is written under a hidden name beside it and renamed to
 * its name only once complete: a failed or incomplete write leaves no partial file, and a file it
 * would replace stays as it was.
 *
 * <p>Errors: a file that is not a valid {@code .npy} of a supported type is a
 * {@link FormatException} naming the file, the field and the value; bad arguments are
 * {@link IllegalArgumentException}s, null ones {@link NullPointerException}s named after the
 * parameter.
 */
public final class Npy {
    private Npy() {
    }

    /**
     * Reads the tensor in {@code file}.
     *
     * @param file an {@code .npy} file
     * @return a new tensor of the file's type and shape, in C order
     * @throws FormatException if {@code file} is not an {@code .npy} file, has another version,
     *     a malformed header, a type unfold4j lacks, more elements than {@link Tensor#MAX_ELEMENTS},
     *     or more or fewer data bytes than its header says
     * @throws IOException if the file cannot be read
     */
    public static Tensor read(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        try (FileChannel channel = FileChannel.open(file)) {
            return read(file, channel);
        }
    }

    /**
     * Reads the tensor in {@code npy}, the bytes of an {@code .npy} file held in memory (a Spark
     * {@code binaryFile} row's content, a download), as {@link #read(Path)} reads a file.
     *
     * @param npy  the file's bytes; not modified
     * @param name how messages name them (a path, a URI); {@link FormatException#file()} gives it as a path
     * @return a new tensor of the file's type and shape, in C order
     * @throws FormatException as {@link #read(Path)} says
     */
    public static Tensor read(byte[] npy, String name) throws FormatException {
        Objects.requireNonNull(npy, "npy");
        Objects.requireNonNull(name, "name");
        try (org.unfold4j.internal.npy.BytesChannel channel = new org.unfold4j.internal.npy.BytesChannel(npy)) {
            return read(named(name), channel);
        } catch (FormatException e) {
            throw e;
        } catch (IOException e) {
            throw new AssertionError("bytes in memory cannot fail to be read", e);
        }
    }

    /** {@code name} as the path messages give; a name no path can hold (a NUL in it) as its quoted form. */
    private static Path named(String name) {
        try {
            return Path.of(name);
        } catch (java.nio.file.InvalidPathException e) {
            return Path.of(name.replace('\0', '?'));
        }
    }

    private static Tensor read(Path file, java.nio.channels.SeekableByteChannel channel) throws IOException {
        org.unfold4j.internal.npy.Header h = org.unfold4j.internal.npy.Header.read(file, channel);
        DataReader.check(file, h, channel.size());
        Object array = Tensor.newArray(h.dtype(), (int) h.count());
        DataReader.read(file, channel, h, array);
        return Tensor.wrap(array, h.dtype(), h.shape());
    }

    /**
     * Reads the header of {@code file} only: its type, shape and where its data starts.
     *
     * @param file an {@code .npy} file
     * @return the header
     * @throws FormatException if {@code file} is not an {@code .npy} file, has another version,
     *     a malformed header or a type unfold4j lacks (the data is not checked)
     * @throws IOException if the file cannot be read
     */
    public static Header readHeader(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        try (FileChannel channel = FileChannel.open(file)) {
            return new Header(org.unfold4j.internal.npy.Header.read(file, channel));
        }
    }

    /**
     * Writes {@code tensor} to {@code file}, replacing it if it exists.
     *
     * @param file   the file written
     * @param tensor the tensor; its type, shape and values
     * @throws IllegalArgumentException if the tensor is bfloat16, which NumPy has no type for
     * @throws IOException if the file cannot be written (then it is left as it was)
     */
    public static void write(Path file, Tensor tensor) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(tensor, "tensor");
        try (Writer w = writer(file, tensor.dtype(), tensor.shape())) {
            w.append(tensor);
        }
    }

    /**
     * Writes {@code tensor} as the bytes of an {@code .npy} file to {@code out}, the same bytes
     * {@link #write(Path, Tensor)} puts in a file: for streams that are no local file (a Hadoop
     * or cloud file system's output stream, a socket, memory). The data goes through one buffer
     * of at most 1 MiB; {@code out} is neither flushed nor closed.
     *
     * @param out    where the bytes go
     * @param tensor the tensor; its type, shape and values
     * @throws IllegalArgumentException if the tensor is bfloat16, which NumPy has no type for
     *     (then nothing is written)
     * @throws IOException if {@code out} fails (then part of the bytes may have been written)
     */
    public static void write(OutputStream out, Tensor tensor) throws IOException {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(tensor, "tensor");
        out.write(org.unfold4j.internal.npy.Header.encode(tensor.dtype(), tensor.shape()));
        int bytes = tensor.dtype().bytes();
        int per = (int) Math.max(1, Math.min(tensor.elementCount(), (1 << 20) / bytes));
        ByteBuffer buffer = ByteBuffer.allocate(per * bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (long done = 0, n = tensor.elementCount(); done < n; ) {
            int k = (int) Math.min(per, n - done);
            buffer.clear();
            HostArrays.put(buffer, tensor.array(), (int) done, k);
            out.write(buffer.array(), 0, buffer.position());
            done += k;
        }
    }

    /**
     * Starts writing an array of {@code dtype} and {@code shape} to {@code file}, of any size
     * (beyond {@link Tensor#MAX_ELEMENTS} too), from tensors appended in C order or written at
     * given places; see {@link Writer}.
     *
     * @param file  the file written when the writer is closed complete
     * @param dtype the element type
     * @param shape the array's dimensions; copied
     * @return a writer, to close
     * @throws IllegalArgumentException if {@code dtype} is bfloat16 (NumPy has no such type), or {@code shape} has a negative dimension or overflows
     *     a 64-bit byte count
     * @throws IOException if the file cannot be created
     */
    public static Writer writer(Path file, DType dtype, long... shape) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        Descr.of(dtype);  // refuses bfloat16 before any file is made
        return new Writer(new FileWriter(file, dtype, shape), file, dtype);
    }

    /**
     * NumPy's type string of {@code dtype} as unfold4j writes it.
     *
     * @param dtype the type
     * @return {@code "<f4"}, {@code "<f8"}, {@code "|u1"}, {@code "<i4"} or {@code "<f2"}
     * @throws IllegalArgumentException for bfloat16, which NumPy has no type for
     */
    public static String descr(DType dtype) {
        return Descr.of(Objects.requireNonNull(dtype, "dtype"));
    }

    /**
     * The size of the file {@link #write} or a {@link #writer} writes for an array of this type
     * and shape: its header and data.
     *
     * @param dtype the element type
     * @param shape the dimensions
     * @return the file's size in bytes
     * @throws IllegalArgumentException if {@code shape} has a negative dimension or overflows
     *     a 64-bit byte count
     */
    public static long fileSize(DType dtype, long... shape) {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        return FileWriter.fileSize(dtype, shape);
    }

    /** The header of an {@code .npy} file, from {@link #readHeader}. */
    public static final class Header {
        private final org.unfold4j.internal.npy.Header h;

        Header(org.unfold4j.internal.npy.Header h) {
            this.h = h;
        }

        /** {@return the format version: {@code "1.0"}, {@code "2.0"} or {@code "3.0"}} */
        public String version() {
            return h.major() + ".0";
        }

        /** {@return the type string as the file spells it, such as {@code "<f4"} or {@code ">f8"}} */
        public String descr() {
            return h.descr();
        }

        /** {@return the element type} */
        public DType dtype() {
            return h.dtype();
        }

        /** {@return the byte order of the elements in the file} */
        public ByteOrder byteOrder() {
            return h.order();
        }

        /** {@return whether the file holds the elements in Fortran order (first index fastest)} */
        public boolean fortranOrder() {
            return h.fortran();
        }

        /** {@return a copy of the shape} */
        public long[] shape() {
            return h.shape().clone();
        }

        /** {@return the number of elements, the product of the shape} */
        public long elementCount() {
            return h.count();
        }

        /** {@return the offset of the data in the file: the bytes of magic, version and header} */
        public long dataOffset() {
            return h.dataOffset();
        }

        @Override
        public String toString() {
            return "npy " + version() + " '" + descr() + "' " + (fortranOrder() ? "Fortran order " : "")
                    + Arrays.toString(h.shape()) + ", data at byte " + dataOffset();
        }
    }

    /**
     * An {@code .npy} file written piece by piece, for arrays of any size (in one direction
     * beyond what a tensor holds): tensors {@link #append appended} in C order, or
     * {@link #write(long, Tensor, long, long) written} at their places in any order (bands of a
     * large unfold, say), each element exactly once. {@link #close()} gives the file its name once
     * every element was written; closed early, the writer deletes what it wrote and throws.
     *
     * <pre>{@code
     * try (Npy.Writer out = Npy.writer(Path.of("big.npy"), DType.FLOAT32, 100_000, 65_536)) {
     *     for (int i = 0; i < 100; i++) {
     *         out.append(nextThousandRows());  // [1000, 65536] each
     *     }
     * }
     * }</pre>
     *
     * <p>Not thread-safe: one thread writes.
     */
    public static final class Writer implements AutoCloseable {
        private final FileWriter w;
        private final Path file;
        private final DType dtype;

        Writer(FileWriter w, Path file, DType dtype) {
            this.w = w;
            this.file = file;
            this.dtype = dtype;
        }

        /**
         * Writes every element of {@code part} (in C order; its shape is not checked, only its
         * type and size) after the last element written: at 0 first, then after the previous
         * append or {@code write}.
         *
         * @param part elements of the writer's type
         * @throws IllegalArgumentException if {@code part} has another type, or its elements go
         *     beyond the shape or over elements written before
         * @throws IllegalStateException if the writer is closed
         * @throws IOException if writing fails
         */
        public void append(Tensor part) throws IOException {
            Objects.requireNonNull(part, "part");
            write(w.next(), part, 0, part.elementCount());
        }

        /**
         * Writes every element of {@code part} as elements {@code [at, at + part.elementCount())}
         * of the array (flat, C order).
         *
         * @param at   the flat index of the first element written
         * @param part elements of the writer's type
         * @throws IllegalArgumentException if {@code part} has another type, or its elements go
         *     beyond the shape or over elements written before
         * @throws IllegalStateException if the writer is closed
         * @throws IOException if writing fails
         */
        public void write(long at, Tensor part) throws IOException {
            Objects.requireNonNull(part, "part");
            write(at, part, 0, part.elementCount());
        }

        /**
         * Writes elements {@code [from, from + count)} of {@code part} (flat, C order) as elements
         * {@code [at, at + count)} of the array: a row of a band, say.
         *
         * @param at    the flat index of the first element written
         * @param part  elements of the writer's type
         * @param from  the first element of {@code part} written
         * @param count how many are written
         * @throws IllegalArgumentException if {@code part} has another type, {@code from} and
         *     {@code count} do not lie in it, or the elements go beyond the shape or over elements
         *     written before
         * @throws IllegalStateException if the writer is closed
         * @throws IOException if writing fails
         */
        public void write(long at, Tensor part, long from, long count) throws IOException {
            Objects.requireNonNull(part, "part");
            if (part.dtype() != dtype) {
                throw new IllegalArgumentException("part is " + part.dtype() + ", but " + file + " holds " + dtype);
            }
            if (from < 0 || count < 0 || from > part.elementCount() - count) {
                throw new IllegalArgumentException("from " + from + " and count " + count + " do not lie in part "
                        + part + " (" + part.elementCount() + " elements)");
            }
            w.write(at, part.array(), (int) from, (int) count);
        }

        /** {@return how many elements were written so far} */
        public long elementsWritten() {
            return w.elementsWritten();
        }

        /**
         * Completes the file: renames it to its name if every element was written; else deletes
         * what was written and throws. Closing again does nothing.
         *
         * @throws IllegalStateException if fewer elements than the shape holds were written (the
         *     message says how many); the file is then not written
         * @throws IOException if the file cannot be completed
         */
        @Override
        public void close() throws IOException {
            w.close();
        }
    }

    /**
     * A file that is not a valid {@code .npy} file of a type unfold4j has: the message names
     * the file, the field (such as {@code magic}, {@code version}, {@code header}, {@code descr},
     * {@code shape} or {@code data}) and its value.
     */
    public static final class FormatException extends IOException {
        private static final long serialVersionUID = 1L;

        /** The file (not serialised: a {@code Path} is not serialisable). */
        private final transient Path file;
        /** The field. */
        private final String field;
        /** The field's value. */
        private final String value;

        /**
         * A format error of {@code field} in {@code file}.
         *
         * @param file   the file
         * @param field  the field: {@code magic}, {@code version}, {@code header}, {@code descr}, ...
         * @param value  the field's value as the file holds it
         * @param detail what is wrong with it
         */
        public FormatException(Path file, String field, String value, String detail) {
            super(message(file, field, value, detail));
            this.file = file;
            this.field = field;
            this.value = value;
        }

        private static String message(Path file, String field, String value, String detail) {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(detail, "detail");
            return file + ": " + field + " " + value + ": " + detail;
        }

        /** {@return the file} */
        public Path file() {
            return file;
        }

        /** {@return the field: {@code magic}, {@code version}, {@code header}, {@code descr}, {@code fortran_order}, {@code shape} or {@code data}} */
        public String field() {
            return field;
        }

        /** {@return the field's value, as the file holds it} */
        public String value() {
            return value;
        }
    }
}
