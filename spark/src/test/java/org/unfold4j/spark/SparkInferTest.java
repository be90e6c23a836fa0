package org.unfold4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unfold4j.spark.SparkTests.random;
import static org.unfold4j.spark.SparkTests.write;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unfold4j.BlendWindow;
import org.unfold4j.DType;
import org.unfold4j.ImageLayout;
import org.unfold4j.Images;
import org.unfold4j.Npy;
import org.unfold4j.PaddingMode;
import org.unfold4j.PixelScale;
import org.unfold4j.SlidingWindow;
import org.unfold4j.Tensor;
import org.unfold4j.onnx.OnnxModel;

/**
 * InferJob and SparkSlidingWindow.writeFiles in local mode: the bundled gray model (a 1×1
 * convolution) over a folder of images with a subfolder, against SlidingWindow in this JVM.
 */
class SparkInferTest {
    /** The job's tiling: InferJob's defaults (gaussian blend, sigma scale 0.125, reflect) with a small tile. */
    private static final SlidingWindow SW = SlidingWindow.of(16, 16).withOverlap(0.25)
            .withBlend(BlendWindow.gaussian(0.125)).withBatchSize(4).withPaddingMode(PaddingMode.REFLECT);

    @TempDir
    static Path dir;
    static Path input, model;
    static SparkSession spark;

    @BeforeAll
    static void setUp() throws IOException {
        input = Files.createDirectories(dir.resolve("in"));
        Files.createDirectories(input.resolve("sub"));
        Random r = new Random(15);
        write(random(BufferedImage.TYPE_3BYTE_BGR, 40, 30, r), "png", input, "a.png");
        write(random(BufferedImage.TYPE_3BYTE_BGR, 23, 17, r), "jpg", input, "a.jpg");      // same stem, other file
        write(random(BufferedImage.TYPE_BYTE_GRAY, 20, 24, r), "png", input, "sub/gray.png"); // to the RGB model as 3 × gray
        write(random(BufferedImage.TYPE_USHORT_GRAY, 18, 18, r), "png", input, "sub/gray16.png");
        Files.write(input.resolve("corrupt.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        try (var in = OnnxModel.class.getResourceAsStream("models/gray.onnx")) {
            model = Files.write(dir.resolve("gray.onnx"), in.readAllBytes());
        }
        spark = SparkTests.session("SparkInferTest");
    }

    @AfterAll
    static void tearDown() {
        if (spark != null) {
            spark.stop();
        }
    }

    /** The readable images, by their path below the input folder. */
    private static final List<String> IMAGES = List.of("a.png", "a.jpg", "sub/gray.png", "sub/gray16.png");

    /**
     * What one JVM computes for an image: the library's decoding to 0..1, a gray image repeated to
     * three channels (built here, not with the code under test), SlidingWindow with the model.
     */
    private static Tensor expected(String name, OnnxModel m) throws IOException {
        Tensor x = Images.readBatch(List.of(input.resolve(name)), ImageLayout.CHANNELS_FIRST, DType.FLOAT32, PixelScale.UNIT);
        long[] s = x.shape();
        if (s[1] == 1) {
            float[] g = x.toFloatArray(), rgb = new float[g.length * 3];
            for (int c = 0; c < 3; c++) {
                System.arraycopy(g, 0, rgb, c * g.length, g.length);
            }
            x = Tensor.of(rgb, 1, 3, s[2], s[3]);
        }
        Tensor y = SW.apply(x, m);  // [1, 1, H, W]
        return Tensor.of(y.toFloatArray(), 1, s[2], s[3]);
    }

    private static void run(String... args) throws IOException {
        InferJob.main(args);
    }

    private static String[] job(Path out, String format) {
        return new String[] {"--input", input.toString(), "--output", out.toString(), "--model", model.toString(),
            "--tile", "16", "--batch", "4", "--format", format};
    }

    @Test
    void theJobsNpyFilesAreSlidingWindowInOneJvmExactly() throws IOException {
        Path out = dir.resolve("npy");
        run(job(out, "npy"));
        try (OnnxModel m = OnnxModel.bundled("gray"); Stream<Path> all = Files.walk(out)) {
            assertEquals(IMAGES.stream().map(n -> n + ".npy").sorted().toList(),
                    all.filter(Files::isRegularFile).map(p -> out.relativize(p).toString()).sorted().toList(),
                    "one file per readable image, no hidden, partial or checksum files, none for the corrupt one");
            for (String name : IMAGES) {
                Tensor got = Npy.read(out.resolve(name + ".npy"));
                assertEquals(expected(name, m), got, name);
            }
        }
    }

    @Test
    void thePngFilesAreTheOutputsOnZeroTo255() throws IOException {
        Path out = dir.resolve("png");
        run(job(out, "png"));
        try (OnnxModel m = OnnxModel.bundled("gray")) {
            for (String name : IMAGES) {
                float[] e = expected(name, m).toFloatArray();
                Tensor png = Images.read(out.resolve(name + ".png"));  // [1, H, W] uint8
                float[] got = png.toFloatArray();
                assertEquals(e.length, got.length, name);
                for (int i = 0; i < e.length; i++) {
                    assertEquals(Math.max(0, Math.min(255, Math.rint(e[i] * 255.0))), got[i], name + " pixel " + i);
                }
            }
        }
    }

    @Test
    void parquetHoldsTheRowsOfTheSchema() throws IOException {
        Path out = Files.createDirectories(dir.resolve("parquet"));  // empty: taken as free, as for the files
        run(job(out, "parquet"));
        List<Row> rows = spark.read().parquet(out.toString()).collectAsList();
        assertEquals(IMAGES.size(), rows.size());
        assertEquals(List.of(SparkSlidingWindow.schema().fieldNames()), List.of(spark.read().parquet(out.toString()).schema().fieldNames()));
        try (OnnxModel m = OnnxModel.bundled("gray")) {
            for (Row r : rows) {
                String origin = r.getString(0);
                String name = IMAGES.stream().filter(n -> origin.endsWith("/" + n)).findFirst().orElseThrow();
                assertEquals(expected(name, m), OutputFiles.tensor(r), name);
            }
        }
    }

    @Test
    void badOptionsAreRefusedBeforeAnyTaskRuns() throws IOException {
        Path out = dir.resolve("refused");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run("--input", input.toString(), "--output", out.toString(), "--model", model.toString(), "--tiel", "8"));
        assertTrue(e.getMessage().contains("unknown option --tiel"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> run(job(out, "tiff")));
        assertTrue(e.getMessage().contains("npy or png") && e.getMessage().contains("'tiff'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> run("--input", input.toString(), "--output", out.toString(), "--model", model.toString(), "--tile", "x"));
        assertTrue(e.getMessage().contains("--tile must be an integer, but got 'x'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> run("--input", input.toString(), "--output", out.toString(),
                "--model", input.resolve("a.png").toString()));
        assertTrue(e.getMessage().contains("cannot load the ONNX model") && e.getMessage().contains("a.png"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> run(job(input, "npy")));
        assertTrue(e.getMessage().contains("exists and is not an empty folder"), e.getMessage());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void fileNamesKeepThePathBelowTheRootAndTheExtension() {
        assertEquals("sub/b.jpg", OutputFiles.relative("file:/data/in/sub/b.jpg", "/data/in"));
        assertEquals("sub/b.jpg", OutputFiles.relative("file:/data/in/sub/b.jpg", "file:///data/in/"));
        assertEquals("data/other/b.jpg", OutputFiles.relative("file:/data/other/b.jpg", "/data/in"));
        assertEquals("data/inner/b.jpg", OutputFiles.relative("file:/data/inner/b.jpg", "/data/in"), "a sibling that shares the prefix");
        assertEquals("data/in/b.jpg", OutputFiles.relative("hdfs://nn:8020/data/in/b.jpg", null));
    }

    @Test
    void pngValuesAreRoundedAndClippedAndOtherChannelCountsRefused() {
        Tensor out = Tensor.of(new float[] {-0.5f, 0.2f / 255, 0.6f / 255, 1, 2, Float.NaN}, 1, 2, 3);
        assertArrayEquals(new float[] {0, 0, 1, 255, 255, 0}, OutputFiles.png(out, 255, "x").toFloatArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OutputFiles.png(Tensor.zeros(5, 2, 2), 255, "file:/in/five.png"));
        assertTrue(e.getMessage().contains("file:/in/five.png") && e.getMessage().contains("5"), e.getMessage());
    }
}
