package org.unfold4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unfold4j.spark.SparkTests.random;
import static org.unfold4j.spark.SparkTests.write;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unfold4j.Backend;
import org.unfold4j.DType;
import org.unfold4j.Fold;
import org.unfold4j.FoldMode;
import org.unfold4j.ImageLayout;
import org.unfold4j.Images;
import org.unfold4j.PixelScale;
import org.unfold4j.Tensor;
import org.unfold4j.Unfold;

/** SparkPatches in local mode over a folder of small generated images (one session for the class). */
class SparkPatchesTest {
    private static final int K = 4, S = 2;
    private static final Unfold SPEC = Unfold.of(K).withStride(S);

    @TempDir
    static Path dir;
    static Path images;
    static SparkSession spark;

    @BeforeAll
    static void setUp() throws IOException {
        images = Files.createDirectories(dir.resolve("images"));
        Random r = new Random(14);
        write(random(BufferedImage.TYPE_3BYTE_BGR, 20, 16, r), "png", images, "rgb8.png");
        write(random(BufferedImage.TYPE_BYTE_GRAY, 18, 12, r), "png", images, "gray8.png");
        write(random(BufferedImage.TYPE_3BYTE_BGR, 16, 16, r), "jpg", images, "rgb.jpg");
        write(random(BufferedImage.TYPE_BYTE_GRAY, 16, 20, r), "jpg", images, "gray.jpg");
        write(random(BufferedImage.TYPE_USHORT_GRAY, 12, 14, r), "png", images, "gray16.png");
        write(random(BufferedImage.TYPE_4BYTE_ABGR, 14, 10, r), "png", images, "rgba.png");
        write(random(BufferedImage.TYPE_3BYTE_BGR, 3, 3, r), "png", images, "tiny.png");
        Files.write(images.resolve("corrupt.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 1, 2, 3});
        spark = SparkTests.session("SparkPatchesTest");
    }

    @AfterAll
    static void tearDown() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static Dataset<Row> files(Path folder) {
        return spark.read().format("binaryFile").load(folder.toString());
    }

    private static String name(Row r) {
        String o = r.getString(r.fieldIndex("origin"));
        return o.substring(o.lastIndexOf('/') + 1);
    }

    /** The image's [C, H, W] channels-first tensor, from the library's own decoding. */
    private static Tensor channelsFirst(Tensor hwc) {
        long[] s = hwc.shape();
        int h = (int) s[0], w = (int) s[1], c = (int) s[2];
        int[] v = new int[h * w * c];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int ch = 0; ch < c; ch++) {
                    v[(ch * h + y) * w + x] = (int) hwc.getDouble(((long) y * w + x) * c + ch);
                }
            }
        }
        return Tensor.of(v, c, h, w);
    }

    private static int[] decode(byte[] patch, String dtype) {
        ByteBuffer b = ByteBuffer.wrap(patch).order(ByteOrder.LITTLE_ENDIAN);
        int n = dtype.equals("uint8") ? patch.length : patch.length / 4;
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = dtype.equals("uint8") ? b.get() & 0xff : b.getInt();
        }
        return v;
    }

    @Test
    void binaryFilePatchesEqualTheLibrarysUnfoldBitForBit() throws IOException {
        LongAccumulator unreadable = spark.sparkContext().longAccumulator("unreadable");
        List<Row> rows = SparkPatches.unfold(files(images), SPEC, PatchOptions.defaults().withUnreadableCounter(unreadable))
                .collectAsList();
        assertEquals(1, unreadable.value(), "the corrupt file is counted, not a failed job");
        Map<String, List<Row>> byImage = new HashMap<>();
        for (Row r : rows) {
            byImage.computeIfAbsent(name(r), x -> new ArrayList<>()).add(r);
        }
        assertEquals(List.of(), byImage.getOrDefault("tiny.png", List.of()), "an image smaller than the kernel has no windows");
        int checked = 0;
        for (File f : images.toFile().listFiles()) {
            if (f.getName().equals("corrupt.png") || f.getName().equals("tiny.png")) {
                continue;
            }
            Tensor hwc = Images.toTensor(ImageIO.read(f));
            Tensor cols = SPEC.apply(channelsFirst(hwc), Backend.java());  // [C·K·K, L]
            long c = hwc.shape()[2], l = cols.shape()[1], blocksW = (hwc.shape()[1] - K) / S + 1;
            List<Row> got = byImage.get(f.getName());
            assertEquals(l, got.size(), f.getName());
            String dtype = hwc.dtype() == DType.UINT8 ? "uint8" : "int32";
            for (Row r : got) {
                int w = r.getInt(r.fieldIndex("window"));
                assertEquals(w / blocksW, r.getInt(r.fieldIndex("row")));
                assertEquals(w % blocksW, r.getInt(r.fieldIndex("col")));
                assertEquals(dtype, r.getString(r.fieldIndex("dtype")), f.getName());
                assertEquals(List.of(K, K, (int) c), r.getList(r.fieldIndex("shape")));
                int[] expected = new int[(int) (K * K * c)];
                for (int kh = 0, i = 0; kh < K; kh++) {
                    for (int kw = 0; kw < K; kw++) {
                        for (int ch = 0; ch < c; ch++, i++) {
                            expected[i] = (int) cols.getDouble((ch * K * K + kh * K + kw) * l + w);
                        }
                    }
                }
                assertArrayEquals(expected, decode((byte[]) r.get(r.fieldIndex("patch")), dtype), f.getName() + " window " + w);
            }
            checked++;
        }
        assertEquals(6, checked);
    }

    /**
     * Spark's own image source (spark-mllib's ImageSchema, dropInvalid false): BGR(A) rows, turned
     * into RGB by the one conversion, give the very patches of the same files read as binaryFile,
     * and the row it marks invalid (the corrupt file) is counted.
     */
    @Test
    void sparksImageSourceGivesTheSamePatchesAsTheFilesAndCountsTheCorruptOne() {
        LongAccumulator unreadable = spark.sparkContext().longAccumulator("unreadable-image-source");
        SparkPatches.unfold(imageSource(), SPEC, PatchOptions.defaults().withUnreadableCounter(unreadable)).count();
        // One action, one count: an accumulator counts again each time Spark evaluates the frame.
        assertEquals(1, unreadable.value(), "the image source's invalid row (the corrupt file) is counted");
        Dataset<Row> viaImage = SparkPatches.unfold(imageSource(), SPEC, PatchOptions.defaults());
        Dataset<Row> viaFiles = SparkPatches.unfold(files(images), SPEC, PatchOptions.defaults());
        for (String name : List.of("rgb8.png", "gray8.png", "rgb.jpg", "gray.jpg", "rgba.png")) {
            List<Row> a = viaImage.filter(viaImage.col("origin").endsWith(name)).orderBy("window").collectAsList();
            List<Row> b = viaFiles.filter(viaFiles.col("origin").endsWith(name)).orderBy("window").collectAsList();
            assertTrue(a.size() > 0, name);
            assertEquals(b.size(), a.size(), name);
            for (int i = 0; i < a.size(); i++) {
                assertEquals("uint8", a.get(i).getString(4), name);
                assertEquals(b.get(i).getList(5), a.get(i).getList(5), name + " shape");
                assertArrayEquals((byte[]) b.get(i).get(6), (byte[]) a.get(i).get(6), name + " window " + i);
            }
        }
        // What binaryFile is for: the image source keeps 8 bits of a 16-bit file (ImageSchema takes
        // each sample's low byte), where binaryFile keeps all 16.
        List<Row> a = viaImage.filter(viaImage.col("origin").endsWith("gray16.png")).orderBy("window").collectAsList();
        List<Row> b = viaFiles.filter(viaFiles.col("origin").endsWith("gray16.png")).orderBy("window").collectAsList();
        assertEquals(b.size(), a.size());
        int[] wide = decode((byte[]) b.get(0).get(6), "int32");
        int[] narrow = decode((byte[]) a.get(0).get(6), "uint8");
        for (int i = 0; i < wide.length; i++) {
            assertEquals(wide[i] & 0xff, narrow[i], "gray16.png window 0, element " + i);
        }
    }

    private static Dataset<Row> imageSource() {
        return spark.read().format("image").option("dropInvalid", false).load(images.toString());
    }

    @Test
    void anEmptyFolderGivesAnEmptyResult() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertEquals(0, SparkPatches.unfold(files(empty), SPEC, PatchOptions.defaults()).count());
    }

    @Test
    void foldMeanOfThePatchesGivesTheImageBack() throws IOException {
        List<Row> rows = SparkPatches.unfold(files(images).filter("path like '%rgb8.png'"), SPEC,
                PatchOptions.defaults().withFloatArray(true)).collectAsList();
        Tensor image = channelsFirst(Images.toTensor(ImageIO.read(images.resolve("rgb8.png").toFile())));
        long c = 3, h = 16, w = 20, kk = K * K, l = rows.size();
        float[] cols = new float[(int) (c * kk * l)];
        for (Row r : rows) {
            int win = r.getInt(1);
            List<Float> p = r.getList(6);
            for (int kh = 0, i = 0; kh < K; kh++) {
                for (int kw = 0; kw < K; kw++) {
                    for (int ch = 0; ch < c; ch++, i++) {
                        cols[(int) ((ch * kk + kh * K + kw) * l + win)] = p.get(i);
                    }
                }
            }
        }
        Tensor back = Fold.of(h, w, K, K).withStride(S).withMode(FoldMode.MEAN)
                .apply(Tensor.of(cols, c * kk, l), Backend.java());
        float[] expected = image.toFloatArray();
        assertArrayEquals(expected, back.toFloatArray());
    }

    @Test
    void patchesJobWritesTheSameRowsAsTheApi() {
        String out = dir.resolve("job").toString();
        PatchesJob.main(new String[] {"--input", images.toString(), "--output", out, "--kernel", "4", "--stride", "2"});
        assertEquals(SparkPatches.unfold(files(images), SPEC, PatchOptions.defaults()).count(),
                spark.read().parquet(out).count());
    }

    /** Channels-first patches are the columns of the library's channels-first unfold, PyTorch's order. */
    @Test
    void channelsFirstPatchesAreTheColumnsOfTheChannelsFirstUnfold() throws IOException {
        for (String name : List.of("rgb8.png", "gray16.png")) {
            Tensor hwc = Images.toTensor(ImageIO.read(images.resolve(name).toFile()));
            Tensor cols = SPEC.apply(channelsFirst(hwc), Backend.java());  // [C·K·K, L]
            long k = cols.shape()[0], l = cols.shape()[1], c = hwc.shape()[2];
            Dataset<Row> p = SparkPatches.unfold(files(images), SPEC, PatchOptions.defaults().withLayout(ImageLayout.CHANNELS_FIRST));
            List<Row> rows = p.filter(p.col("origin").endsWith(name)).orderBy("window").collectAsList();
            assertEquals(l, rows.size(), name);
            for (Row r : rows) {
                int w = r.getInt(1);
                assertEquals(List.of((int) c, K, K), r.getList(5), name);
                int[] expected = new int[(int) k];
                for (int i = 0; i < k; i++) {
                    expected[i] = (int) cols.getDouble(i * l + w);
                }
                assertArrayEquals(expected, decode((byte[]) r.get(6), r.getString(4)), name + " window " + w);
            }
        }
    }

    @Test
    void theBackgroundFilterDropsFlatWindows() {
        long all = SparkPatches.unfold(files(images), SPEC, PatchOptions.defaults()).count();
        long kept = SparkPatches.unfold(files(images), SPEC, PatchOptions.defaults().withMinMean(1e9)).count();
        assertTrue(all > 0);
        assertEquals(0, kept, "no window's mean reaches 1e9");
    }

    /** The README's "Spark" snippet, its lines as written there (the folders made absolute). */
    @Test
    void theReadmeSnippetRuns() {
        String photos = images.toString(), out = dir.resolve("readme").toString();
        LongAccumulator unreadable = spark.sparkContext().longAccumulator("unreadable");
        Dataset<Row> files = spark.read().format("binaryFile").load(photos);
        Dataset<Row> patches = SparkPatches.unfold(files, Unfold.of(16).withStride(16),
                PatchOptions.defaults().withMinVariance(25).withUnreadableCounter(unreadable));
        patches.write().parquet(out);
        assertEquals(1, unreadable.value());
        assertEquals(3, spark.read().parquet(out).count(), "one 16×16 window each in rgb8.png, rgb.jpg, gray.jpg (gray8 is 18×12)");
    }

    /** A reader without Spark (parquet-hadoop's example Group API) rebuilds each patch from the binary and the shape. */
    @Test
    void aParquetReaderOutsideSparkRebuildsThePatches() throws IOException {
        String out = dir.resolve("plain").toString();
        SparkPatches.unfold(files(images).filter("path like '%gray16.png'"), SPEC, PatchOptions.defaults())
                .write().parquet(out);
        Tensor hwc = Images.toTensor(ImageIO.read(images.resolve("gray16.png").toFile()));
        Tensor cols = SPEC.apply(channelsFirst(hwc), Backend.java());
        long l = cols.shape()[1];
        int rows = 0;
        for (File part : new File(out).listFiles((d, n) -> n.endsWith(".parquet"))) {
            try (var reader = org.apache.parquet.hadoop.ParquetReader.builder(
                    new org.apache.parquet.hadoop.example.GroupReadSupport(),
                    new org.apache.hadoop.fs.Path(part.getAbsolutePath())).build()) {
                for (org.apache.parquet.example.data.Group g = reader.read(); g != null; g = reader.read(), rows++) {
                    int w = g.getInteger("window", 0);
                    var list = g.getGroup("shape", 0);
                    int n = list.getFieldRepetitionCount(0);
                    int[] shape = new int[n];
                    for (int i = 0; i < n; i++) {
                        shape[i] = list.getGroup(0, i).getInteger(0, 0);
                    }
                    assertArrayEquals(new int[] {K, K, 1}, shape);
                    assertEquals("int32", g.getString("dtype", 0));
                    int[] v = decode(g.getBinary("patch", 0).getBytes(), "int32");
                    assertEquals(K * K, v.length);
                    for (int i = 0; i < v.length; i++) {
                        assertEquals((int) cols.getDouble(i * l + w), v[i], "window " + w);
                    }
                }
            }
        }
        assertEquals(l, rows);
    }

    /** A trivial model: each value times 0.5 plus its channel mean, so tiles and blending matter. */
    static final class HalfPlusMean implements ModelFactory {
        private static final long serialVersionUID = 1L;

        @Override
        public java.util.function.Function<Tensor, Tensor> create() {
            return t -> {
                float[] v = t.toFloatArray();
                double mean = 0;
                for (float x : v) {
                    mean += x;
                }
                float m = (float) (mean / v.length);
                for (int i = 0; i < v.length; i++) {
                    v[i] = v[i] * 0.5f + m;
                }
                return Tensor.of(v, t.shape());
            };
        }
    }

    @Test
    void slidingWindowInSparkEqualsSlidingWindowInOneJvm() throws IOException {
        org.unfold4j.SlidingWindow sw = org.unfold4j.SlidingWindow.of(8, 8).withOverlap(0.5)
                .withBlend(org.unfold4j.BlendWindow.hann());
        LongAccumulator unreadable = spark.sparkContext().longAccumulator("unreadable-infer");
        List<Row> rows = SparkSlidingWindow.apply(files(images), sw, new HalfPlusMean(), unreadable).collectAsList();
        assertEquals(1, unreadable.value());
        assertEquals(7, rows.size(), "every readable image, tiny.png too (the grid pads)");
        for (Row r : rows) {
            String name = name(r).isEmpty() ? "" : name(r);
            // The library's own decoding to [1, C, H, W] float32, stored values: the oracle.
            Tensor image = Images.readBatch(List.of(images.resolve(name)), ImageLayout.CHANNELS_FIRST, DType.FLOAT32,
                    PixelScale.STORED);
            Tensor expected = sw.apply(image, new HalfPlusMean().create());
            assertEquals("float32", r.getString(1));
            long[] s = expected.shape();
            assertEquals(List.of((int) s[1], (int) s[2], (int) s[3]), r.getList(2), name);
            ByteBuffer b = ByteBuffer.wrap((byte[]) r.get(3)).order(ByteOrder.LITTLE_ENDIAN);
            float[] got = new float[b.remaining() / 4];
            b.asFloatBuffer().get(got);
            assertArrayEquals(expected.toFloatArray(), got, name);
        }
    }

    @Test
    void parquetOutputHasTheDocumentedSchema() {
        String out = dir.resolve("parquet").toString();
        SparkPatches.unfold(files(images), SPEC, PatchOptions.defaults()).write().parquet(out);
        Dataset<Row> back = spark.read().parquet(out);
        StructType documented = SparkPatches.schema(false);
        StructField[] got = back.schema().fields();
        assertEquals(documented.fields().length, got.length);
        for (int i = 0; i < got.length; i++) {
            assertEquals(documented.fields()[i].name(), got[i].name());
            assertEquals(documented.fields()[i].dataType().simpleString(), got[i].dataType().simpleString());
        }
        assertEquals(SparkPatches.unfold(files(images), SPEC, PatchOptions.defaults()).count(), back.count());
    }
}
