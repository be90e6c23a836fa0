package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: {@link Npy}, NumPy's {@code .npy} files read and written. Round trips of every type
 * and ranks 0 to 5, the fixtures NumPy wrote ({@code src/test/resources/npy/make.py}), the
 * streaming writer, and the errors, each naming the file and the field.
 */
class NpyTest {
    @TempDir
    Path tmp;

    static Path fixture(String name) {
        try {
            return Path.of(NpyTest.class.getResource("/npy/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new AssertionError("no fixture " + name + " (src/test/resources/npy/make.py makes it)", e);
        }
    }

    /** A tensor of {@code dtype} and {@code shape} with values across the type's range: every bit pattern, NaNs included. */
    static Tensor sample(DType dtype, Random r, long... shape) {
        return PropertiesTest.unfoldData(dtype, r.nextLong(), shape);
    }

    /** The types a .npy file can hold: every one but bfloat16, which NumPy lacks (Note [bfloat16 in .npy]). */
    static final List<DType> NPY_TYPES = Arrays.stream(DType.values()).filter(t -> t != DType.BFLOAT16).toList();

    static final long[][] SHAPES = {{}, {5}, {2, 3}, {2, 1, 3}, {1, 2, 3, 2}, {2, 1, 2, 1, 3}, {0}, {2, 0, 3}, {0, 0}};

    @Test
    void everyTypeAndRankRoundTrips() throws IOException {
        Random r = new Random(12);
        int checked = 0;
        for (DType dtype : NPY_TYPES) {
            for (long[] shape : SHAPES) {
                Tensor t = sample(dtype, r, shape);
                Path file = tmp.resolve(dtype + "-" + shape.length + "-" + checked + ".npy");
                Npy.write(file, t);
                assertEquals(t, Npy.read(file), dtype + " " + Arrays.toString(shape));
                Npy.Header h = Npy.readHeader(file);
                assertEquals("1.0", h.version());
                assertEquals(Npy.descr(dtype), h.descr());
                assertEquals(dtype, h.dtype());
                assertFalse(h.fortranOrder());
                assertArrayEquals(shape, h.shape());
                assertEquals(0, h.dataOffset() % 64, "the data starts at a multiple of 64 bytes");
                assertEquals(Npy.fileSize(dtype, shape), Files.size(file));
                assertEquals(h.dataOffset() + t.elementCount() * dtype.bytes(), Files.size(file));
                checked++;
            }
        }
        assertEquals(45, checked);
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(45, left.count(), "no hidden files are left beside the written ones");
        }
    }

    /**
     * Bytes in memory read as their file does: every fixture NumPy wrote (each type, both byte
     * orders, Fortran order, versions 2.0 and 3.0) and every malformed one, to the same tensor or
     * the same message; plus a tensor larger than one read chunk.
     */
    @Test
    void bytesReadAsTheirFileDoes() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> all = Files.list(fixture("f4.npy").getParent())) {
            all.filter(p -> p.toString().endsWith(".npy")).sorted().forEach(files::add);
        }
        Random r = new Random(15);
        Path big = tmp.resolve("big.npy");
        Npy.write(big, sample(DType.FLOAT64, r, 3, 300, 300));  // 2.1 MB: three chunks
        files.add(big);
        Path truncated = tmp.resolve("truncated.npy");
        byte[] b = Files.readAllBytes(big);
        Files.write(truncated, Arrays.copyOf(b, b.length - 3));
        files.add(truncated);
        int read = 0, refused = 0;
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            Tensor fromFile;
            try {
                fromFile = Npy.read(file);
            } catch (Npy.FormatException e) {
                Npy.FormatException m = assertThrows(Npy.FormatException.class, () -> Npy.read(bytes, file.toString()));
                assertEquals(e.getMessage(), m.getMessage(), file.toString());
                refused++;
                continue;
            }
            assertEquals(fromFile, Npy.read(bytes, file.toString()), file.toString());
            read++;
        }
        assertTrue(read >= 10 && refused >= 1, read + " read, " + refused + " refused");
    }

    /** The stream gives the file's bytes: every type and rank, and a tensor of 3 MiB, more than the one buffer holds. */
    @Test
    void aStreamGetsTheBytesOfTheFile() throws IOException {
        Random r = new Random(14);
        List<Tensor> tensors = new ArrayList<>();
        for (DType dtype : NPY_TYPES) {
            for (long[] shape : SHAPES) {
                tensors.add(sample(dtype, r, shape));
            }
        }
        tensors.add(sample(DType.FLOAT32, r, 3, 512, 512));
        tensors.add(sample(DType.UINT8, r, (1 << 20) + 3));
        for (Tensor t : tensors) {
            Path file = tmp.resolve("stream.npy");
            Npy.write(file, t);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            Npy.write(out, t);
            assertArrayEquals(Files.readAllBytes(file), out.toByteArray(), t.dtype() + " " + Arrays.toString(t.shape()));
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Npy.write(out, Tensor.ofBFloat16(new short[2], 2)));
        assertTrue(e.getMessage().contains("bfloat16"), e.getMessage());
        assertEquals(0, out.size(), "nothing written for a refused type");
    }

    @Test
    void theHeaderIsNumpysOwn() throws IOException {
        Path file = tmp.resolve("h.npy");
        Npy.write(file, Tensor.zeros(3, 4));
        byte[] b = Files.readAllBytes(file);
        assertArrayEquals(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 118, 0}, Arrays.copyOf(b, 10));
        String text = new String(b, 10, 118, StandardCharsets.ISO_8859_1);
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }";
        assertEquals(dict + " ".repeat(118 - dict.length() - 1) + "\n", text, "padded with spaces to 128 bytes");
        Npy.write(file, Tensor.ofUint8(new byte[5], 5));
        assertTrue(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)
                .contains("{'descr': '|u1', 'fortran_order': False, 'shape': (5,), }"));
        assertEquals("<f4 <f8 |u1 <i4 <f2", NPY_TYPES.stream().map(Npy::descr)
                .reduce((x, y) -> x + " " + y).orElseThrow());
    }

    /** NumPy has no bfloat16: refused by name before any file is made, an existing file untouched. */
    @Test
    void bfloat16IsRefusedByName() throws IOException {
        Path file = tmp.resolve("b.npy");
        Files.write(file, new byte[] {1, 2, 3});
        Tensor b = Tensor.bfloat16Of(new float[] {1, 2, 3}, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Npy.write(file, b));
        assertTrue(e.getMessage().contains("bfloat16"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Npy.writer(file, DType.BFLOAT16, 3));
        assertThrows(IllegalArgumentException.class, () -> Npy.descr(DType.BFLOAT16));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(file), "the existing file is untouched");
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(1, left.count(), "no hidden file was made");
        }
    }

    @Test
    void aHeaderTooLongForVersion1IsVersion2() throws IOException {
        long[] shape = new long[25_000];
        Arrays.fill(shape, 1);
        shape[7] = 2;
        Tensor t = Tensor.of(new int[] {5, -6}, shape);
        Path file = tmp.resolve("long.npy");
        Npy.write(file, t);
        Npy.Header h = Npy.readHeader(file);
        assertEquals("2.0", h.version());
        assertEquals(0, h.dataOffset() % 64);
        assertTrue(h.dataOffset() > 65535);
        assertEquals(t, Npy.read(file));
    }

    /** What NumPy wrote: f4.npy and its versions, byte orders and layouts hold the same values. */
    @Test
    void readsNumpysFixtures() throws IOException {
        Tensor f4 = Tensor.of(new float[] {-1.5f, 0f, 0.25f, 3.0e38f, -0f, Float.MIN_VALUE}, 2, 3);
        for (String name : new String[] {"f4.npy", "v2.npy", "v3.npy", "f4-big.npy"}) {
            assertEquals(f4, Npy.read(fixture(name)), name);
        }
        assertEquals("2.0", Npy.readHeader(fixture("v2.npy")).version());
        assertEquals("3.0", Npy.readHeader(fixture("v3.npy")).version());
        assertEquals(ByteOrder.BIG_ENDIAN, Npy.readHeader(fixture("f4-big.npy")).byteOrder());
        assertEquals(">f4", Npy.readHeader(fixture("f4-big.npy")).descr());
        assertEquals(Tensor.of(new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN}, 3),
                Npy.read(fixture("f4-nonfinite.npy")));
        Tensor f8 = Tensor.of(new double[] {Math.PI, -1e300, Double.MIN_VALUE}, 3);
        assertEquals(f8, Npy.read(fixture("f8.npy")));
        assertEquals(f8, Npy.read(fixture("f8-big.npy")));
        Tensor u1 = Tensor.ofUint8(new byte[] {0, 1, 127, (byte) 128, (byte) 200, (byte) 255, 7, 42}, 2, 2, 2);
        assertEquals(u1, Npy.read(fixture("u1.npy")));
        assertEquals(u1, Npy.read(fixture("u1-lt.npy")), "'<u1' is uint8 too");
        Tensor i4 = Tensor.of(new int[] {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE}, 4);
        assertEquals(i4, Npy.read(fixture("i4.npy")));
        assertEquals(i4, Npy.read(fixture("i4-big.npy")));
        // float16 as NumPy stored it: 0.1 rounds to 0x2e66; 65504, 2^-24, inf, -0, NaN (0x7e00).
        Tensor f2 = Tensor.ofFloat16(new short[] {0x2e66, 0x7bff, 0x0001, 0x7c00, (short) 0x8000, 0x7e00}, 6);
        assertEquals(f2, Npy.read(fixture("f2.npy")));
        assertEquals(f2, Npy.read(fixture("f2-big.npy")));
        assertEquals(Tensor.of(new float[] {7.5f}), Npy.read(fixture("scalar.npy")));
        assertEquals(0, Npy.read(fixture("scalar.npy")).rank());
        assertEquals(Tensor.zeros(0, 3), Npy.read(fixture("empty.npy")));
        int[] twelve = new int[12];
        Arrays.setAll(twelve, i -> i);
        assertEquals(Tensor.of(twelve, 1, 2, 1, 3, 2), Npy.read(fixture("rank5.npy")));
    }

    @Test
    void fortranOrderIsReturnedInCOrder() throws IOException {
        int[] c = new int[24];
        Arrays.setAll(c, i -> i);
        assertTrue(Npy.readHeader(fixture("fortran-i4.npy")).fortranOrder());
        assertEquals(Tensor.of(c, 2, 3, 4), Npy.read(fixture("fortran-i4.npy")));
        assertEquals(Tensor.of(new double[] {0, 0.25, 0.5, 0.75, 1, 1.25}, 3, 2), Npy.read(fixture("fortran-f8-big.npy")));
        // A Fortran file larger than one chunk (the scatter carries its index across chunks).
        int n = 600 * 700;
        float[] fortran = new float[n];
        for (int j = 0; j < 700; j++) {
            for (int i = 0; i < 600; i++) {
                fortran[j * 600 + i] = i * 1000 + j; // element [i, j], first index fastest
            }
        }
        Path file = tmp.resolve("f.npy");
        Npy.write(file, Tensor.of(fortran, n));
        byte[] b = Files.readAllBytes(file);
        String header = new String(b, 0, 128, StandardCharsets.ISO_8859_1)
                .replace("'fortran_order': False, 'shape': (420000,), ", "'fortran_order': True, 'shape': (600, 700), ");
        System.arraycopy(header.getBytes(StandardCharsets.ISO_8859_1), 0, b, 0, 128);
        Files.write(file, b);
        Tensor t = Npy.read(file);
        assertArrayEquals(new long[] {600, 700}, t.shape());
        for (int i = 0; i < 600; i += 7) {
            for (int j = 0; j < 700; j += 3) {
                assertEquals(i * 1000 + j, t.getDouble(i * 700L + j), "[" + i + ", " + j + "]");
            }
        }
    }

    // ---- the streaming writer

    @Test
    void theWriterTakesPiecesInOrderAndAtTheirPlaces() throws IOException {
        Tensor whole = sample(DType.FLOAT64, new Random(3), 4, 5, 6);
        double[] v = whole.toDoubleArray();
        Path file = tmp.resolve("pieces.npy");
        try (Npy.Writer w = Npy.writer(file, DType.FLOAT64, 4, 5, 6)) {
            w.append(Tensor.of(Arrays.copyOfRange(v, 0, 30), 30));
            w.append(Tensor.of(Arrays.copyOfRange(v, 30, 31)));
            assertEquals(31, w.elementsWritten());
            w.write(100, whole, 100, 20);                            // the end first
            w.write(31, Tensor.of(Arrays.copyOfRange(v, 31, 60), 29));
            w.append(Tensor.of(Arrays.copyOfRange(v, 60, 100), 2, 20)); // after the last write: 60
            assertFalse(Files.exists(file), "the file gets its name once complete");
        }
        assertEquals(whole, Npy.read(file));
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(file), left.toList());
        }
    }

    @Test
    void anIncompleteWriterWritesNothingAndKeepsTheOldFile() throws IOException {
        Path file = tmp.resolve("old.npy");
        Npy.write(file, Tensor.of(new int[] {1, 2}, 2));
        Npy.Writer w = Npy.writer(file, DType.FLOAT32, 3, 4);
        w.append(Tensor.zeros(5));
        IllegalStateException e = assertThrows(IllegalStateException.class, w::close);
        assertEquals("closed after 5 of the 12 elements of float32 [3, 4], the first missing one 5: " + file
                + " was not written", e.getMessage());
        assertEquals(Tensor.of(new int[] {1, 2}, 2), Npy.read(file), "the file it would replace is as it was");
        w.close(); // again: nothing
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(file), left.toList(), "the hidden file is deleted");
        }
        Path none = tmp.resolve("none.npy");
        try (Npy.Writer empty = Npy.writer(none, DType.UINT8, 0, 7)) {
            assertEquals(0, empty.elementsWritten());
        }
        assertEquals(Tensor.zeros(DType.UINT8, 0, 7), Npy.read(none), "an empty array is complete at once");
    }

    @Test
    void theWriterRefusesBadPieces() throws IOException {
        Path file = tmp.resolve("w.npy");
        try (Npy.Writer w = Npy.writer(file, DType.INT32, 2, 3)) {
            w.append(Tensor.of(new int[4], 4));
            IllegalArgumentException beyond = assertThrows(IllegalArgumentException.class,
                    () -> w.append(Tensor.of(new int[3], 3)));
            assertEquals("elements [4, 7) do not fit in int32 [2, 3] (6 elements, 4 written) of " + file,
                    beyond.getMessage());
            IllegalArgumentException overlap = assertThrows(IllegalArgumentException.class,
                    () -> w.write(3, Tensor.of(new int[2], 2)));
            assertEquals("elements [3, 5) of " + file + " overlap elements [0, 4) written before", overlap.getMessage());
            IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                    () -> w.append(Tensor.zeros(2)));
            assertEquals("part is float32, but " + file + " holds int32", type.getMessage());
            IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                    () -> w.write(4, Tensor.of(new int[2], 2), 1, 2));
            assertEquals("from 1 and count 2 do not lie in part Tensor[2] int32 (2 elements)", range.getMessage());
            assertThrows(IllegalArgumentException.class, () -> w.write(-1, Tensor.of(new int[1], 1)));
            w.append(Tensor.of(new int[] {8, 9}, 2));
        }
        assertEquals(Tensor.of(new int[] {0, 0, 0, 0, 8, 9}, 2, 3), Npy.read(file));
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> {
            Npy.Writer w = Npy.writer(tmp.resolve("c.npy"), DType.INT32, 1);
            w.append(Tensor.of(new int[1], 1));
            w.close();
            w.append(Tensor.of(new int[0], 0));
        });
        assertEquals("the writer of " + tmp.resolve("c.npy") + " is closed", closed.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> Npy.writer(tmp.resolve("n.npy"), DType.FLOAT32, 2, -1));
        assertEquals("shape [2, -1] has a negative dimension", negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Npy.writer(tmp.resolve("n.npy"), DType.FLOAT64,
                Long.MAX_VALUE / 4, 1));
        assertFalse(Files.exists(tmp.resolve("n.npy")));
    }

    /** Places beyond 2^31 elements, cheaply: a sparse file whose last element is written, then given up. */
    @Test
    void theWriterWritesPlacesBeyondAnyTensor() throws IOException {
        Path file = tmp.resolve("sparse.npy");
        long count = (1L << 32) + 3;
        Npy.Writer w = Npy.writer(file, DType.INT32, count);
        w.write(count - 2, Tensor.of(new int[] {0x01020304, -7}, 2));
        w.write(0, Tensor.of(new int[] {9}, 1));
        Path hidden;
        try (Stream<Path> files = Files.list(tmp)) {
            hidden = files.filter(p -> p.getFileName().toString().startsWith(".sparse.npy.")).findFirst().orElseThrow();
        }
        long offset = Npy.fileSize(DType.INT32, count) - count * 4;
        assertEquals(offset + count * 4, Files.size(hidden));
        try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(hidden)) {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            c.read(b, offset + (count - 2) * 4);
            assertEquals(0x01020304, b.getInt(0));
            assertEquals(-7, b.getInt(4));
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, w::close);
        assertTrue(e.getMessage().startsWith("closed after 3 of the 4294967299 elements of int32 [4294967299], the "
                + "first missing one 1"), e.getMessage());
        assertFalse(Files.exists(hidden));
        assertFalse(Files.exists(file));
    }

    /**
     * Beyond one tensor: an array of 2^31 + 4096 bytes written in bands, without the bytes of every
     * element in memory; 2 GiB of disk, so only with {@code -Dunfold4j.largeTests=true}.
     */
    @Test
    void theWriterWritesArraysLargerThanAnyTensor() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("unfold4j.largeTests"),
                "writes a 2 GiB file; run with -Dunfold4j.largeTests=true");
        Path file = tmp.resolve("large.npy");
        long rows = (1L << 31) / 4096 + 1;
        try (Npy.Writer w = Npy.writer(file, DType.UINT8, rows, 4096)) {
            Tensor band = Tensor.ofUint8(new byte[4096 * 1024], 1024, 4096);
            w.write(rows * 4096 - 4096, Tensor.ofUint8(new byte[4096], 4096)); // the last row first: a sparse file
            for (long r = 0; r + 1024 <= rows - 1; r += 1024) {
                w.write(r * 4096, band);
            }
            w.write((rows - 1) / 1024 * 1024 * 4096, band, 0, ((rows - 1) % 1024) * 4096);
        }
        Npy.Header h = Npy.readHeader(file);
        assertArrayEquals(new long[] {rows, 4096}, h.shape());
        assertEquals(h.dataOffset() + rows * 4096, Files.size(file));
        Npy.FormatException e = assertThrows(Npy.FormatException.class, () -> Npy.read(file));
        assertEquals("shape", e.field());
        assertTrue(e.getMessage().contains("more than a host tensor can hold"), e.getMessage());
    }

    // ---- bad files: each error names the file, the field and its value

    private Path bytes(String name, byte[] content) throws IOException {
        Path file = tmp.resolve(name);
        Files.write(file, content);
        return file;
    }

    /** A version 1.0 file of {@code dict} (padded as NumPy pads) and {@code data} bytes. */
    private Path file(String name, String dict, int data) throws IOException {
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        byte[] text = (dict + " ".repeat(pad) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + text.length + data).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) text.length).put(text);
        return bytes(name, b.array());
    }

    private Npy.FormatException refused(Path file, String field) {
        Npy.FormatException e = assertThrows(Npy.FormatException.class, () -> Npy.read(file));
        assertEquals(file, e.file());
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().startsWith(file + ": " + field + " "), e.getMessage());
        return e;
    }

    @Test
    void notAnNpyFile() throws IOException {
        Npy.FormatException e = refused(bytes("png.npy", "\u0089PNG\r\n\u001a\n....".getBytes(StandardCharsets.ISO_8859_1)), "magic");
        assertEquals("\"\\x89PNG\\x0d\\x0a\"", e.value());
        assertTrue(e.getMessage().endsWith("not an .npy file, which starts with \\x93NUMPY"), e.getMessage());
        refused(bytes("empty.npy", new byte[0]), "magic");
        refused(bytes("short.npy", new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1}), "header length");
        byte[] v4 = Files.readAllBytes(fixture("f4.npy"));
        v4[6] = 4;
        assertEquals("4.0", refused(bytes("v4.npy", v4), "version").value());
        byte[] longer = Files.readAllBytes(fixture("f4.npy"));
        longer[8] = (byte) 0xf0;
        Npy.FormatException l = refused(bytes("len.npy", longer), "header length");
        assertTrue(l.getMessage().contains("but the file has 152 bytes"), l.getMessage());
    }

    @Test
    void badHeaders() throws IOException {
        Npy.FormatException syntax = refused(file("syntax.npy", "{'descr': '<f4' 'fortran_order': False, 'shape': (2,), }", 8),
                "header");
        assertTrue(syntax.getMessage().contains("expected ',' at column 16 (''')"), syntax.getMessage());
        Npy.FormatException keys = refused(file("keys.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': True, }", 8),
                "header");
        assertTrue(keys.getMessage().contains("its keys are [descr, fortran_order, shape, x], but an .npy header has "
                + "exactly [descr, fortran_order, shape]"), keys.getMessage());
        refused(file("missing.npy", "{'descr': '<f4', 'shape': (2,), }", 8), "header");
        Npy.FormatException order = refused(file("order.npy", "{'descr': '<f4', 'fortran_order': 'no', 'shape': (2,), }", 8),
                "fortran_order");
        assertEquals("'no'", order.value());
        Npy.FormatException shape = refused(file("shape.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': 2, }", 8),
                "header");
        assertTrue(shape.getMessage().contains("expected a string, True, False or a tuple as the value of 'shape'"),
                shape.getMessage());
        Npy.FormatException one = refused(file("one.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2), }", 8),
                "header");
        assertTrue(one.getMessage().contains("a 1-tuple is (n,)"), one.getMessage());
        refused(file("neg.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", 8), "header");
        Npy.FormatException structured = refused(file("rec.npy",
                "{'descr': [('x', '<f4'), ('y', '<i4')], 'fortran_order': False, 'shape': (2,), }", 16), "header");
        assertTrue(structured.getMessage().contains("a structured type"), structured.getMessage());
        Npy.FormatException overflow = refused(file("huge.npy",
                "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", 0), "shape");
        assertEquals("[4294967296, 4294967296]", overflow.value());
        // Python 2's long literals, in files NumPy wrote under Python 2.
        assertEquals(Tensor.zeros(2), Npy.read(file("py2.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2L,), }", 8)));
    }

    @Test
    void typesUnfoldLacksAreRefusedByName() throws IOException {
        Npy.FormatException i8 = refused(fixture("i8.npy"), "descr");
        assertEquals("'<i8'", i8.value());
        assertEquals(fixture("i8.npy") + ": descr '<i8': not a type unfold4j has (NumPy's int64); it reads "
                + "'<f4' (float32), '<f8' (float64), '|u1' (uint8), '<i4' (int32), '<f2' (float16), in either byte order ('<' or '>')",
                i8.getMessage());
        assertEquals("'|i1'", refused(fixture("i1.npy"), "descr").value());
        assertEquals("'|f4'", refused(file("bar.npy", "{'descr': '|f4', 'fortran_order': False, 'shape': (2,), }", 8),
                "descr").value());
        Npy.FormatException h = assertThrows(Npy.FormatException.class, () -> Npy.readHeader(fixture("i8.npy")));
        assertEquals("descr", h.field());
    }

    @Test
    void truncatedOrOverlongData() throws IOException {
        Npy.FormatException t = refused(fixture("truncated.npy"), "data");
        assertEquals(fixture("truncated.npy") + ": data 19 bytes: truncated: <f4 [2, 3] needs 6 × 4 = 24 bytes after "
                + "the 128-byte header, a file of 152 bytes, but the file has 147", t.getMessage());
        Npy.Header h = Npy.readHeader(fixture("truncated.npy"));
        assertArrayEquals(new long[] {2, 3}, h.shape(), "the header alone is fine");
        Npy.FormatException longer = refused(file("longer.npy",
                "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 32), "data");
        assertTrue(longer.getMessage().endsWith("but the file has 160 (8 bytes after the data)"), longer.getMessage());
    }

    @Test
    void nothingIsLeftWhenTheDirectoryIsMissing() {
        Path file = tmp.resolve("no-such-dir").resolve("x.npy");
        assertThrows(IOException.class, () -> Npy.write(file, Tensor.zeros(2)));
        assertFalse(Files.exists(file.getParent()));
        List<String> none = new ArrayList<>();
        assertEquals(List.of(), none);
    }
}
