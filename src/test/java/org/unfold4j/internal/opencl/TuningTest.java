package org.unfold4j.internal.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The tuning table (Note [tuning table] in Tuning): its rows and the overrides of the system properties. */
class TuningTest {
    @Test
    void rowsPerDeviceType() {
        Tuning cpu = Tuning.defaults("CPU"), gpu = Tuning.defaults("GPU"), acc = Tuning.defaults("accelerator");
        assertTrue(cpu.rowKernels());
        assertFalse(cpu.overlapTransfers());
        assertFalse(gpu.rowKernels());
        assertTrue(gpu.overlapTransfers());
        assertTrue(acc.overlapTransfers());
        assertFalse(Tuning.defaults("other").overlapTransfers());
        for (Tuning t : new Tuning[] {cpu, gpu, acc}) {
            assertEquals(256, t.workGroup());
            assertEquals(8, t.groupsPerComputeUnit());
            assertEquals(1 << 18, t.spreadFrom());
            assertEquals(4, t.overlapChunks());
            assertEquals(1 << 20, t.specialiseFrom());
        }
        assertThrows(IllegalArgumentException.class, () -> Tuning.defaults("FPGA"));
    }

    @Test
    void thePropertiesOverrideTheRow() {
        assertEquals(Tuning.defaults("CPU"), Tuning.of("CPU", null, null));
        assertEquals(Tuning.defaults("CPU"), Tuning.of("CPU", " auto ", ""));
        assertTrue(Tuning.of("CPU", "true", null).overlapTransfers());
        assertFalse(Tuning.of("GPU", "false", null).overlapTransfers());
        Tuning t = Tuning.of("GPU", null, "workGroup=128, overlapChunks=2,rowKernels=true");
        assertEquals(128, t.workGroup());
        assertEquals(2, t.overlapChunks());
        assertTrue(t.rowKernels());
        assertEquals(Tuning.defaults("GPU").specialiseFrom(), t.specialiseFrom());
        // unfold4j.tuning comes last, so it wins over unfold4j.overlapTransfers.
        assertFalse(Tuning.of("CPU", "true", "overlapTransfers=false").overlapTransfers());
        assertEquals(0, Tuning.of("CPU", null, "specialiseFrom=0").specialiseFrom());
    }

    @Test
    void badOverridesNameWhatIsKnown() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tuning.of("CPU", null, "workgroup=128"));
        assertTrue(e.getMessage().contains("workGroup"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tuning.of("CPU", null, "workGroup"));
        assertThrows(IllegalArgumentException.class, () -> Tuning.of("CPU", null, "workGroup=many"));
        assertThrows(IllegalArgumentException.class, () -> Tuning.of("CPU", null, "workGroup=0"));
        assertThrows(IllegalArgumentException.class, () -> Tuning.of("CPU", null, "rowKernels=yes"));
    }
}
