package org.unfold4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.unfold4j.Window;

/**
 * The bench's shapes as read from bench/shapes.tsv (Note [one list of shapes]), packed into the
 * jar: the performance issue's table, column by column, and the smaller inputs of --quick.
 */
class BenchShapeTest {
    @Test
    void theStandardShapesAreThePerformanceIssues() {
        assertEquals(List.of(
                new BenchShape("conv3x3", 8, 64, 112, 112, 3, 1, 1, 1, 3),
                new BenchShape("vit16", 32, 3, 224, 224, 16, 16, 0, 1, 16),
                new BenchShape("tile256", 1, 3, 2048, 2048, 256, 128, 0, 1, 256),
                new BenchShape("dilated", 8, 32, 64, 64, 3, 1, 2, 2, 3),
                new BenchShape("seed", 2, 5, 3, 4, 2, 1, 0, 1, 3)), BenchShape.standard());
        assertEquals("conv3x3, vit16, tile256, dilated, seed", new BenchShape.Names().toString());
        // Kernel height first: the seed's window is 2 rows by 3 columns.
        assertEquals(new Window(2, 3, 1, 1, 0, 0, 1, 1), BenchShape.standard().get(4).window());
    }

    @Test
    void quickKeepsEachWindowOnASmallerInput() {
        assertEquals(List.of(
                new BenchShape("conv3x3", 1, 64, 112, 112, 3, 1, 1, 1, 3),
                new BenchShape("vit16", 4, 3, 224, 224, 16, 16, 0, 1, 16),
                new BenchShape("tile256", 1, 3, 1024, 1024, 256, 128, 0, 1, 256),
                new BenchShape("dilated", 2, 32, 64, 64, 3, 1, 2, 2, 3),
                new BenchShape("seed", 2, 5, 3, 4, 2, 1, 0, 1, 3)), BenchShape.quick());
    }

    @Test
    void everyShapeSaysWhatItIs() {
        for (BenchShape s : BenchShape.standard()) {
            assertTrue(BenchShape.what(s.name()).length() > 20, s.name());
        }
        assertTrue(BenchShape.what("seed").contains("article the project started from"), BenchShape.what("seed"));
        Cli.Run help = Cli.run("bench", "--help").expectSuccess();
        for (BenchShape s : BenchShape.standard()) {
            assertTrue(help.out().contains(s.name() + " ".repeat(9 - s.name().length()) + s.describe()), help.out());
            assertTrue(help.out().replaceAll("\\s+", " ").contains(BenchShape.what(s.name())), help.out());
        }
    }
}
