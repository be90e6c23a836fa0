package org.unfold4j.internal.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.unfold4j.PaddingMode;
import org.unfold4j.internal.geometry.Axis;

/** The Java engine's per-axis tables (moved here from SpecContractsTest with the class they test). */
class AxisTablesTest {
    @Test
    void coverBoundsOfAStrideOneKernel() {
        // The tables' cover bounds: kernel 3, stride 1 on 5 pixels (3 windows).
        AxisTables t = new AxisTables(new Axis(5, 3, 1, 0, 1, 3, PaddingMode.ZEROS), 3, 3);
        assertEquals(List.of(0, 0, 0, 1, 2), List.of(t.firstCover(0), t.firstCover(1), t.firstCover(2),
                t.firstCover(3), t.firstCover(4)));
        assertEquals(List.of(0, 1, 2, 2, 2), List.of(t.lastCover(0), t.lastCover(1), t.lastCover(2),
                t.lastCover(3), t.lastCover(4)));
        assertEquals(List.of(1, 2, 3, 2, 1), List.of(t.count(0), t.count(1), t.count(2), t.count(3), t.count(4)));
        assertEquals(1, t.coverStep());
    }
}
