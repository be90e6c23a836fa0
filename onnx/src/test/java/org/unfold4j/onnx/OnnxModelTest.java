package org.unfold4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unfold4j.Tensor;

/**
 * The adapter on the bundled gray model (onnx/models/make_models.py: one 1×1 convolution with the
 * luminance weights 0.299, 0.587, 0.114).
 */
class OnnxModelTest {
    private static byte[] gray() throws IOException {
        try (InputStream in = OnnxModel.class.getResourceAsStream("models/gray.onnx")) {
            return in.readAllBytes();
        }
    }

    /** Tiles [2, 3, 2, 3] with distinct values, and the luminance expected of them, in float32 as the model computes. */
    private static Tensor tiles() {
        float[] v = new float[2 * 3 * 2 * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i * 7 % 11) / 10f;
        }
        return Tensor.of(v, 2, 3, 2, 3);
    }

    @Test
    void runsTheModelOnABatchOfTiles() throws IOException {
        try (OnnxModel m = OnnxModel.of(gray(), "gray")) {
            assertEquals(3, m.channels());
            Tensor t = tiles();
            Tensor y = m.apply(t);
            assertArrayEquals(new long[] {2, 1, 2, 3}, y.shape());
            float[] x = t.toFloatArray(), out = y.toFloatArray();
            for (int b = 0; b < 2; b++) {
                for (int p = 0; p < 6; p++) {
                    double expected = 0.299 * x[b * 18 + p] + 0.587 * x[b * 18 + 6 + p] + 0.114 * x[b * 18 + 12 + p];
                    assertEquals(expected, out[b * 6 + p], 1e-6, "tile " + b + ", pixel " + p);
                }
            }
        }
    }

    @Test
    void loadsAFileAndNamesItInMessages(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("luma.onnx"), gray());
        try (OnnxModel m = OnnxModel.load(file)) {
            assertEquals(file.toString(), m.name());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.apply(Tensor.of(new float[2 * 2 * 2], 1, 2, 2, 2)));
            assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("[1, 2, 2, 2]"), e.getMessage());
        }
    }

    @Test
    void refusesWhatIsNoModelAndTilesThatAreNotFloat32() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxModel.of(new byte[] {1, 2, 3, 4}, "junk.onnx"));
        assertTrue(e.getMessage().contains("cannot load the ONNX model junk.onnx"), e.getMessage());
        try (OnnxModel m = OnnxModel.of(gray(), "gray")) {
            e = assertThrows(IllegalArgumentException.class, () -> m.apply(Tensor.of(new int[3], 1, 3, 1, 1)));
            assertTrue(e.getMessage().contains("float32") && e.getMessage().contains("int32"), e.getMessage());
        }
    }

    @Test
    void bundledModelsLoadByNameAndOthersAreNamedInTheRefusal() {
        for (String name : OnnxModel.BUNDLED) {
            try (OnnxModel m = OnnxModel.bundled(name)) {
                assertEquals(3, m.channels(), name);
                assertArrayEquals(new long[] {2, 1, 2, 3}, m.apply(tiles()).shape(), name);
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxModel.bundled("blur"));
        assertTrue(e.getMessage().contains("'blur'") && e.getMessage().contains("[edges, gray]"), e.getMessage());
    }

    /** One model serves every task of an executor JVM: concurrent calls give each caller its own answer. */
    @Test
    void concurrentCallsGiveTheSameResultsAsOneByOne() throws Exception {
        try (OnnxModel m = OnnxModel.of(gray(), "gray")) {
            Tensor t = tiles();
            Tensor expected = m.apply(t);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Tensor>> results = new ArrayList<>();
                for (int i = 0; i < 32; i++) {
                    results.add(pool.submit(() -> m.apply(t)));
                }
                for (Future<Tensor> f : results) {
                    assertEquals(expected, f.get());
                }
            } finally {
                pool.shutdown();
            }
        }
    }
}
