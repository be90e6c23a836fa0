package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorReshapeTest {
    @Test
    void reshapeKeepsTheElementsInOrderAndSharesTheArray() {
        float[] data = {1, 2, 3, 4, 5, 6};
        Tensor t = Tensor.of(data, 2, 3);
        Tensor r = t.reshape(1, 3, 2);
        assertArrayEquals(new long[] {1, 3, 2}, r.shape());
        assertArrayEquals(data, r.toFloatArray());
        data[4] = 50;  // the wrapped array: both see it, as Tensor.of documents
        assertEquals(50, r.getDouble(4));
        assertArrayEquals(new long[] {2, 3}, t.shape(), "the original keeps its shape");
        for (DType type : DType.values()) {
            Tensor z = Tensor.zeros(type, 2, 2, 3);
            assertEquals(type, z.reshape(12).dtype());
            assertEquals(z, z.reshape(12).reshape(2, 2, 3));
        }
    }

    @Test
    void anotherElementCountOrANegativeDimensionIsRefusedByName() {
        Tensor t = Tensor.zeros(2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.reshape(4));
        assertTrue(e.getMessage().contains("6 elements") && e.getMessage().contains("[4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> t.reshape(-2, -3));
        assertTrue(e.getMessage().contains("negative"), e.getMessage());
    }
}
