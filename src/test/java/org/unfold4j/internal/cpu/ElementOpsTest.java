package org.unfold4j.internal.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.unfold4j.DType;

/** Each type's element loops make and recognise the array a tensor holds that type in. */
class ElementOpsTest {
    @Test
    void newArraysAreTheTensorsArrayType() {
        for (DType dtype : DType.values()) {
            ElementOps ops = ElementOps.of(dtype);
            Object a = ops.newArray(5);
            Class<?> held = switch (dtype) {  // Tensor's storage of each type
                case FLOAT32 -> float[].class;
                case FLOAT64 -> double[].class;
                case UINT8 -> byte[].class;
                case INT32 -> int[].class;
                case FLOAT16, BFLOAT16 -> short[].class;
            };
            assertEquals(held, a.getClass(), dtype + ": the array type");
            assertEquals(5, java.lang.reflect.Array.getLength(a), dtype + ": the length");
            assertTrue(ops.holds(a, 5), dtype + " holds its own new array");
            assertFalse(ops.holds(a, 6), dtype + ": too short");
        }
    }
}
