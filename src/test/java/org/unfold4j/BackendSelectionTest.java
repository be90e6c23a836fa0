package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** How {@code auto}, {@code java} and {@code opencl} requests resolve. */
class BackendSelectionTest {

    @Test
    void javaIsAlwaysThere() {
        assertSame(Backend.java(), BackendSelection.choose("java", null));
        Backend.java().close();
        assertEquals(4, Unfold.of(1).apply(Tensor.zeros(1, 2, 2), Backend.java()).elementCount());
    }

    @Test
    void unknownRequestIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BackendSelection.choose("cuda", null));
        assertTrue(e.getMessage().contains("'cuda'") && e.getMessage().contains("unfold4j.backend"), e.getMessage());
        assertTrue(e.getMessage().contains("must be auto, java or opencl"), e.getMessage());
    }

    @Test
    void autoPicksAGpuOrFallsBackToJavaSayingWhy() {
        String why = BackendSelection.autoFallbackReason(null);
        Backend auto = BackendSelection.choose("auto", null);
        boolean gpu = OpenCLRuntime.get().devices().stream().anyMatch(OpenCLDevice::isGpuOrAccelerator);
        if (gpu) {
            assertEquals("opencl", auto.name());
            assertEquals(null, why);
        } else {
            assertSame(Backend.java(), auto);
            assertTrue(why != null && !why.isBlank());
        }
    }

    @Test
    void explicitOpenCLFailsClearlyWithoutARuntimeOrDevice() {
        if (!TestBackends.openCLAvailable()) {
            OpenCLException e = assertThrows(OpenCLException.class, () -> BackendSelection.choose("opencl", null));
            assertTrue(e.getMessage().contains("native-notes.md"), e.getMessage());
        }
        TestBackends.openCL();
        OpenCLException e = assertThrows(OpenCLException.class, () -> Backend.openCL("no-such-device-xyz"));
        assertTrue(e.getMessage().contains("no-such-device-xyz"), e.getMessage());
        Backend shared = BackendSelection.choose("opencl", null);
        shared.close(); // shared instances ignore close
        assertEquals(9, Unfold.of(1).apply(Tensor.zeros(1, 3, 3), shared).elementCount());
    }
}
