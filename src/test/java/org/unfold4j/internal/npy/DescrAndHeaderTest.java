package org.unfold4j.internal.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.unfold4j.DType;
import org.unfold4j.Npy;

/** Note [one descr switch] and the header's version choice, below the public {@code Npy}. */
class DescrAndHeaderTest {
    private static final Path FILE = Path.of("x.npy");

    @Test
    void everyTypeHasOneStringThatParsesBackInEitherOrder() throws Npy.FormatException {
        Set<String> seen = new HashSet<>();
        for (DType t : DType.values()) {
            if (t == DType.BFLOAT16) {
                assertThrows(IllegalArgumentException.class, () -> Descr.of(t), "NumPy has no bfloat16");
                continue;
            }
            String d = Descr.of(t);
            assertEquals(true, seen.add(d), "one string per type: " + d);
            assertEquals(new Descr.Parsed(t, ByteOrder.LITTLE_ENDIAN), Descr.parse(d, FILE));
            assertEquals(t, Descr.parse(">" + d.substring(1), FILE).dtype());
            assertEquals(ByteOrder.BIG_ENDIAN, Descr.parse(">" + d.substring(1), FILE).order()); // moot for one byte
            assertEquals(Integer.toString(t.bytes()), d.substring(2), "the size in the string is the type's");
        }
        assertEquals(DType.UINT8, Descr.parse("<u1", FILE).dtype());
        for (String lacking : new String[] {"|i1", "<i8", "<u2", "|b1", "|f4", "f4", "", "<f4x", "O"}) {
            Npy.FormatException e = assertThrows(Npy.FormatException.class, () -> Descr.parse(lacking, FILE));
            assertEquals("descr", e.field());
            assertEquals("'" + lacking + "'", e.value());
        }
    }

    @Test
    void version1WhileTheLengthFitsInAUint16ThenVersion2() {
        // Each dimension "1, " is 3 characters: find shapes whose padded header is just below and above 65535.
        int switched = -1;
        for (int dims = 21_800; dims < 21_900; dims++) {
            long[] shape = new long[dims];
            Arrays.fill(shape, 1);
            byte[] h = Header.encode(DType.FLOAT32, shape);
            ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
            int major = h[6];
            long length = major == 1 ? b.getShort(8) & 0xffff : b.getInt(8);
            assertEquals(0, h.length % 64, dims + " dimensions");
            assertEquals(h.length, (major == 1 ? 10 : 12) + length, dims + " dimensions");
            if (major == 2 && switched < 0) {
                switched = dims;
                assertEquals(true, (h.length - 10) > 0xffff, "version 2 only when version 1 cannot hold it");
            } else if (switched < 0) {
                assertEquals(1, major);
            }
        }
        assertEquals(true, switched > 0, "the switch to version 2.0 lies in the range tried");
    }
}
