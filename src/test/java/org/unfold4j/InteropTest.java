package org.unfold4j;

import static org.jocl.CL.CL_SUCCESS;
import static org.jocl.CL.clEnqueueCopyBuffer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link OpenCLBackend#interop}: other JOCL code on device tensors, after they are computed. */
class InteropTest {
    @Test
    void enqueuesOnComputedTensorsAndWaits() {
        OpenCLBackend cl = TestBackends.openCL();
        float[] values = new float[2 * 5 * 3 * 4];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.5f - 7;
        }
        Tensor image = Tensor.of(values, 2, 5, 3, 4);
        Unfold unfold = Unfold.of(2, 3);
        Tensor expected = unfold.apply(image, Backend.java());
        try (DeviceTensor x = cl.upload(image);
             DeviceTensor cols = unfold.apply(x);
             DeviceTensor copy = cl.upload(Tensor.zeros(expected.shape()))) {
            // The copy is enqueued right after the unfold was; interop waits for the unfold first.
            int status = cl.interop((queue, buffers) -> clEnqueueCopyBuffer(queue, buffers[0], buffers[1], 0, 0,
                    4L * cols.elementCount(), 0, null, null), cols, copy);
            assertEquals(CL_SUCCESS, status);
            assertEquals(expected, copy.download());
        }
        try (DeviceTensor empty = cl.upload(Tensor.zeros(0, 3))) {
            assertNull(cl.interop((queue, buffers) -> buffers[0], empty), "an empty tensor has no buffer");
        }
    }

    @Test
    void refusesForeignAndClosedTensors() {
        OpenCLBackend shared = TestBackends.openCL();
        DeviceTensor closed = shared.upload(Tensor.zeros(2, 2));
        closed.close();
        assertThrows(IllegalStateException.class, () -> shared.interop((q, b) -> null, closed));
        try (OpenCLBackend other = OpenCLBackend.create(shared.device());
             DeviceTensor foreign = other.upload(Tensor.zeros(2, 2))) {
            assertThrows(IllegalArgumentException.class, () -> shared.interop((q, b) -> null, foreign));
        }
    }
}
