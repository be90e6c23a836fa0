package org.unfold4j.internal.npy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.unfold4j.DType;
import org.unfold4j.Npy;

/**
 * An {@code .npy} header: its version, type, order, shape and where the data starts; read from
 * a file or bytes in memory ({@link #read}) or made for writing ({@link #encode}).
 *
 * @param major       1, 2 or 3 (the minor version is 0)
 * @param descr       the type string as the file spells it
 * @param dtype       its type
 * @param order       the elements' byte order
 * @param fortran     whether the elements are in Fortran order (first index fastest)
 * @param shape       the dimensions
 * @param dataOffset  the bytes before the data: magic, version, length and header
 * @param count       the number of elements
 */
public record Header(int major, String descr, DType dtype, ByteOrder order, boolean fortran, long[] shape,
                     long dataOffset, long count) {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** NumPy's {@code ARRAY_ALIGN}: the data starts at a multiple of it. */
    static final int ALIGN = 64;
    private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");

    /** {@return the bytes of data after the header} */
    public long dataBytes() {
        return count * dtype.bytes();
    }

    /**
     * Reads and checks the header at the start of {@code channel}, the file {@code file} (or
     * bytes in memory, which {@code file} names in messages).
     *
     * @throws Npy.FormatException naming the file, the field and its value: not an {@code .npy}
     *     file, a version other than 1.0, 2.0 and 3.0, a malformed header, a type the library
     *     lacks, a negative or overflowing shape
     * @throws IOException if reading fails
     */
    public static Header read(Path file, SeekableByteChannel channel) throws IOException {
        long size = channel.size();
        ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, pre, 0);
        pre.flip();
        byte[] magic = new byte[Math.min(MAGIC.length, pre.remaining())];
        pre.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new Npy.FormatException(file, "magic", hex(magic), "not an .npy file, which starts with \\x93NUMPY"
                    + (size < MAGIC.length ? " (the file has " + size + " bytes)" : ""));
        }
        if (pre.remaining() < 2) {
            throw truncatedPreamble(file, size);
        }
        int major = pre.get() & 0xff, minor = pre.get() & 0xff;
        if (major < 1 || major > 3 || minor != 0) {
            throw new Npy.FormatException(file, "version", major + "." + minor,
                    "unfold4j reads versions 1.0, 2.0 and 3.0");
        }
        int lengthBytes = major == 1 ? 2 : 4;
        if (pre.remaining() < lengthBytes) {
            throw truncatedPreamble(file, size);
        }
        long length = major == 1 ? pre.getShort() & 0xffff : pre.getInt() & 0xffffffffL;
        long start = 8 + lengthBytes;
        if (start + length > size) {
            throw new Npy.FormatException(file, "header length", Long.toString(length), "the header would end at byte "
                    + (start + length) + ", but the file has " + size + " bytes");
        }
        if (length > Integer.MAX_VALUE - 8) {
            throw new Npy.FormatException(file, "header length", Long.toString(length), "larger than any header");
        }
        ByteBuffer bytes = ByteBuffer.allocate((int) length);
        readFully(channel, bytes, start);
        String text = new String(bytes.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return parse(file, major, text, start + length);
    }

    private static Header parse(Path file, int major, String text, long dataOffset) throws Npy.FormatException {
        Map<String, Object> d = HeaderDict.parse(text, file);
        if (!d.keySet().equals(KEYS)) {
            throw new Npy.FormatException(file, "header", HeaderDict.quoted(text), "its keys are " + d.keySet()
                    + ", but an .npy header has exactly " + KEYS.stream().sorted().toList());
        }
        String descr = typed(file, d, "descr", String.class, "a string such as '<f4'");
        boolean fortran = typed(file, d, "fortran_order", Boolean.class, "True or False");
        long[] shape = typed(file, d, "shape", long[].class, "a tuple of integers");
        Descr.Parsed p = Descr.parse(descr, file);
        long count = 1;
        for (long dim : shape) {
            try {
                count = Math.multiplyExact(count, dim);
                Math.multiplyExact(count, p.dtype().bytes());
            } catch (ArithmeticException e) {
                throw new Npy.FormatException(file, "shape", Arrays.toString(shape),
                        "more elements than a 64-bit byte count holds");
            }
        }
        return new Header(major, descr, p.dtype(), p.order(), fortran, shape, dataOffset, count);
    }

    private static <T> T typed(Path file, Map<String, Object> d, String key, Class<T> type, String expected)
            throws Npy.FormatException {
        Object v = d.get(key);
        if (!type.isInstance(v)) {
            String shown = v instanceof long[] a ? Arrays.toString(a) : v instanceof String s ? "'" + s + "'" : String.valueOf(v);
            throw new Npy.FormatException(file, key, shown, "expected " + expected);
        }
        return type.cast(v);
    }

    /**
     * The bytes before the data of a C-order array of {@code dtype} and {@code shape}, as NumPy
     * writes them: version 1.0 unless the header needs more than 65535 bytes (then 2.0), the dict
     * padded with spaces and a newline so that the data starts at a multiple of 64 bytes.
     */
    public static byte[] encode(DType dtype, long[] shape) {
        StringBuilder dims = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            dims.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        if (shape.length == 1) {
            dims.append(',');
        }
        String dict = "{'descr': '" + Descr.of(dtype) + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        // Version 1.0 while its uint16 holds the padded header's length, as NumPy's _write_array_header decides.
        int major = padded(dict, 10) <= 0xffff ? 1 : 2;
        int preamble = major == 1 ? 10 : 12;
        int length = padded(dict, preamble);
        byte[] text = (dict + " ".repeat(length - dict.length() - 1) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(preamble + text.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) text.length);
        } else {
            b.putInt(text.length);
        }
        return b.put(text).array();
    }

    /** The header's length once padded with spaces and a newline so that the data starts at a multiple of 64. */
    private static int padded(String dict, int preamble) {
        int unpadded = dict.length() + 1;
        return unpadded + (ALIGN - (preamble + unpadded) % ALIGN) % ALIGN;
    }

    /** Fills {@code b} from {@code pos}, or less where the file ends. */
    static void readFully(SeekableByteChannel channel, ByteBuffer b, long pos) throws IOException {
        channel.position(pos);
        while (b.hasRemaining()) {
            int n = channel.read(b);
            if (n < 0) {
                return;
            }
        }
    }

    private static Npy.FormatException truncatedPreamble(Path file, long size) {
        return new Npy.FormatException(file, "header length", "missing", "the file ends after " + size
                + " bytes, inside the preamble (magic, version, header length)");
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder("\"");
        for (byte x : b) {
            s.append(x >= 32 && x < 127 && x != '"' && x != '\\' ? String.valueOf((char) x) : String.format("\\x%02x", x & 0xff));
        }
        return s.append('"').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Header h && major == h.major && descr.equals(h.descr) && fortran == h.fortran
                && Arrays.equals(shape, h.shape) && dataOffset == h.dataOffset;
    }

    @Override
    public int hashCode() {
        return descr.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "Header[" + major + ".0 " + descr + (fortran ? " fortran" : "") + " " + Arrays.toString(shape)
                + " at " + dataOffset + "]";
    }
}
