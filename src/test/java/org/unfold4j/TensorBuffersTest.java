package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.junit.jupiter.api.Test;

/** Issue 12, item 2: tensors from and into NIO buffers and caller arrays (Note [buffers in and out] in Tensor). */
class TensorBuffersTest {
    @Test
    void copyOfReadsPositionToLimitAndLeavesTheBufferAlone() {
        FloatBuffer b = ByteBuffer.allocateDirect(40).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < 10; i++) {
            b.put(i, i);
        }
        b.position(2).limit(8);
        Tensor t = Tensor.copyOf(b, 2, 3);
        assertArrayEquals(new float[] {2, 3, 4, 5, 6, 7}, t.toFloatArray());
        assertEquals(2, b.position());
        assertEquals(8, b.limit());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.copyOf(b, 7));
        assertEquals("src has 6 elements remaining, but shape [7] has 7", e.getMessage());
    }

    @Test
    void byteBuffersUseTheirOrder() {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
            ByteBuffer b = ByteBuffer.allocate(12).order(order);
            b.putInt(1).putInt(-2).putInt(70000).flip();
            Tensor t = Tensor.copyOf(b, DType.INT32, 3);
            assertArrayEquals(new int[] {1, -2, 70000}, t.toIntArray());
            assertEquals(order, b.order());
            ByteBuffer out = ByteBuffer.allocateDirect(16).order(order);
            out.position(2);
            t.copyTo(out);
            assertEquals(14, out.position());
            assertEquals(-2, out.getInt(6));
            assertEquals(order, out.order());
        }
        assertThrows(IllegalArgumentException.class, () -> Tensor.copyOf(ByteBuffer.allocate(7), DType.FLOAT32, 2));
    }

    @Test
    void copyToArraysConvertsAsDocumentedAndRefusesWrongSizesAndTypes() {
        Tensor u8 = Tensor.ofUint8(new byte[] {(byte) 255, 1}, 2);
        float[] f = new float[2];
        u8.copyTo(f);
        assertArrayEquals(new float[] {255, 1}, f);
        byte[] bytes = new byte[2];
        u8.copyTo(bytes);
        assertArrayEquals(new byte[] {(byte) 255, 1}, bytes);
        float[] wrong = {9, 9, 9};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> u8.copyTo(wrong));
        assertEquals("dst has length 3, but the tensor Tensor[2] uint8 has 2 elements", e.getMessage());
        assertArrayEquals(new float[] {9, 9, 9}, wrong);
        int[] ints = {5, 5};
        e = assertThrows(IllegalArgumentException.class, () -> u8.copyTo(ints));
        assertEquals("dst: an int[] takes a int32 tensor, but this one is uint8", e.getMessage());
        assertArrayEquals(new int[] {5, 5}, ints);
    }

    @Test
    void copyToBuffersAdvanceAndRefuseWithoutWriting() {
        Tensor t = Tensor.of(new float[] {1, 2, 3}, 3);
        FloatBuffer dst = FloatBuffer.allocate(5);
        dst.position(1);
        t.copyTo(dst);
        assertEquals(4, dst.position());
        assertArrayEquals(new float[] {0, 1, 2, 3, 0}, dst.array());
        FloatBuffer small = FloatBuffer.allocate(2);
        assertThrows(IllegalArgumentException.class, () -> t.copyTo(small));
        assertEquals(0, small.position());
        assertThrows(IllegalArgumentException.class, () -> t.copyTo(FloatBuffer.allocate(3).asReadOnlyBuffer()));
        IntBuffer ib = IntBuffer.allocate(3);
        assertThrows(IllegalArgumentException.class, () -> t.copyTo(ib));
        assertEquals(0, ib.position());
    }
}
