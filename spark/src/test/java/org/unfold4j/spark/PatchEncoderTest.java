package org.unfold4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.unfold4j.DType;
import org.unfold4j.Tensor;

/** Binary patches in every type (Note [patch values]), without Spark. */
class PatchEncoderTest {
    private static final double[] SAMPLES = {0, 1, 7, 128, 255};

    @Test
    void sixteenBitTypesHoldTheRoundedValues() {
        float[] f = {0, 1, 7, 128, 255};
        for (DType type : new DType[] {DType.FLOAT16, DType.BFLOAT16}) {
            Tensor want = type == DType.FLOAT16 ? Tensor.float16Of(f, 5) : Tensor.bfloat16Of(f, 5);
            ByteBuffer b = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
            b.asShortBuffer().put(want.toShortArray());
            assertArrayEquals(b.array(), PatchEncoder.encode(SAMPLES, 5, type, DType.UINT8), type.toString());
        }
    }

    @Test
    void theOtherTypesAsBefore() {
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : SAMPLES) {
            b.putFloat((float) v);
        }
        assertArrayEquals(b.array(), PatchEncoder.encode(SAMPLES, 5, DType.FLOAT32, DType.UINT8));
        assertArrayEquals(new byte[] {0, 1, 7, (byte) 128, (byte) 255}, PatchEncoder.encode(SAMPLES, 5, DType.UINT8, DType.UINT8));
    }

    /** Float arrays asked for as integers: rounded to nearest, clipped to the type, NaN as 0. */
    @Test
    void floatValuesAsIntegersAreRoundedAndClipped() {
        double[] v = {-3.5, 0.49, 0.5, 1.5, 254.6, 300, Double.NaN, 3e10};
        for (DType source : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.FLOAT16, DType.BFLOAT16}) {
            assertArrayEquals(new byte[] {0, 0, 0, 2, (byte) 255, (byte) 255, 0, (byte) 255},
                    PatchEncoder.encode(v, 8, DType.UINT8, source), source.toString());
            ByteBuffer b = ByteBuffer.wrap(PatchEncoder.encode(v, 8, DType.INT32, source)).order(ByteOrder.LITTLE_ENDIAN);
            int[] got = new int[8];
            b.asIntBuffer().get(got);
            assertArrayEquals(new int[] {-4, 0, 0, 2, 255, 300, 0, Integer.MAX_VALUE}, got, source.toString());
        }
    }
}
