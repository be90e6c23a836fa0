package org.unfold4j.internal.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The profiling helper the benchmarks use (it was public API as OpenCLBackend.deviceNanos; NullArgumentsTest checked it there). */
class ProfilingTest {
    @Test
    void aNullEventIsNamed() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> Profiling.deviceNanos(null));
        assertEquals("event", e.getMessage());
    }
}
