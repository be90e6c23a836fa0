package org.unfold4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.unfold4j.spark.SparkTests.random;
import static org.unfold4j.spark.SparkTests.write;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unfold4j.Backend;
import org.unfold4j.DType;
import org.unfold4j.ImageLayout;
import org.unfold4j.Npy;
import org.unfold4j.Tensor;
import org.unfold4j.Unfold;
import org.unfold4j.Window;

/**
 * SparkPatches over {@code .npy} arrays read with binaryFile: multi-band 2-D arrays of several
 * types and 3-D volumes, each patch against the library's own unfold of the same array.
 */
class SparkArraysTest {
    private static final Unfold SPEC2 = Unfold.of(3).withStride(2);
    private static final Unfold SPEC3 = Unfold.of(Window.of(new int[] {2, 3, 3}, new int[] {1, 1, 1},
            new int[] {0, 1, 0}, new int[] {2, 2, 3}));

    @TempDir
    static Path dir;
    static Path planes, volumes;
    static SparkSession spark;

    @BeforeAll
    static void setUp() throws IOException {
        planes = Files.createDirectories(dir.resolve("planes"));
        volumes = Files.createDirectories(dir.resolve("volumes"));
        Random r = new Random(16);
        Npy.write(planes.resolve("bands.npy"), floats(r, 5, 11, 9));              // 5 bands, channels first
        Npy.write(planes.resolve("one.npy"), Tensor.float16Of(floats(r, 8, 10).toFloatArray(), 8, 10));
        Npy.write(planes.resolve("labels.npy"), ints(r, 2, 7, 12));
        Npy.write(planes.resolve("rank4.npy"), floats(r, 1, 2, 7, 7));            // no 2-D array: counted
        Npy.write(volumes.resolve("ct.npy"), bytes(r, 6, 7, 9));                  // one channel
        Npy.write(volumes.resolve("two.npy"), Tensor.of(doubles(r, 2 * 5 * 6 * 7), 2, 5, 6, 7));
        write(random(BufferedImage.TYPE_BYTE_GRAY, 9, 9, r), "png", volumes, "flat.png");  // no volume: counted
        spark = SparkTests.session("SparkArraysTest");
    }

    @AfterAll
    static void tearDown() {
        if (spark != null) {
            spark.stop();
        }
    }

    private static Tensor floats(Random r, long... shape) {
        float[] v = new float[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian() * 100;
        }
        return Tensor.of(v, shape);
    }

    private static Tensor ints(Random r, long... shape) {
        int[] v = new int[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextInt();
        }
        return Tensor.of(v, shape);
    }

    private static Tensor bytes(Random r, long... shape) {
        byte[] v = new byte[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        r.nextBytes(v);
        return Tensor.ofUint8(v, shape);
    }

    private static double[] doubles(Random r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextDouble() - 0.5;
        }
        return v;
    }

    private static Dataset<Row> files(Path folder) {
        return spark.read().format("binaryFile").load(folder.toString());
    }

    /** A binary patch's elements as doubles, whatever its type. */
    private static double[] decode(byte[] patch, String dtype) {
        DType t = DType.parse(dtype);
        ByteBuffer b = ByteBuffer.wrap(patch).order(ByteOrder.LITTLE_ENDIAN);
        Tensor v = Tensor.copyOf(b, t, patch.length / t.bytes());
        double[] out = new double[(int) v.elementCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.getDouble(i);
        }
        return out;
    }

    /**
     * The patches of {@code file} from Spark against the library's channels-first unfold of the
     * same array: column {@code window} of {@code [C·taps, L]}, moved to {@code [taps, C]} for
     * channels-last patches; the grid position from the window index; the type the array's.
     */
    private static void checkAgainstTheLibrary(List<Row> rows, Tensor array, Unfold spec, boolean channelsLastPatches) {
        int rank = spec.window().rank();
        long[] s = array.shape();
        Tensor input = s.length == rank ? array.reshape(prepend(1, s)) : array;  // [C, *spatial]
        Tensor cols = spec.apply(input, Backend.java());  // [C·taps, L]
        long k = cols.shape()[0], l = cols.shape()[1], c = input.shape()[0], taps = k / c;
        var g = spec.geometry(input.dtype(), input.shape());
        assertEquals(l, rows.size());
        for (Row r : rows) {
            int w = r.getInt(1);
            int at = 2;
            if (rank == 3) {
                assertEquals(w / (g.blocksH() * g.blocksW()), r.getInt(at++), "depth");
            }
            assertEquals((w / g.blocksW()) % g.blocksH(), r.getInt(at++), "row");
            assertEquals(w % g.blocksW(), r.getInt(at++), "col");
            assertEquals(array.dtype().toString(), r.getString(at++));
            List<Integer> shape = r.getList(at++);
            double[] expected = new double[(int) k];
            for (int i = 0; i < k; i++) {
                long ch = i / taps, tap = i % taps;
                expected[channelsLastPatches ? (int) (tap * c + ch) : i] = cols.getDouble(i * l + w);
            }
            assertEquals((int) c, channelsLastPatches ? shape.get(shape.size() - 1) : shape.get(0));
            assertEquals(rank + 1, shape.size());
            assertArrayEquals(expected, decode((byte[]) r.get(at), r.getString(at - 2)), "window " + w);
        }
    }

    private static long[] prepend(long first, long[] s) {
        long[] r = new long[s.length + 1];
        r[0] = first;
        System.arraycopy(s, 0, r, 1, s.length);
        return r;
    }

    private static List<Row> of(Dataset<Row> patches, String name) {
        return patches.filter(patches.col("origin").endsWith("/" + name)).orderBy("window").collectAsList();
    }

    @Test
    void twoDimensionalArraysOfEveryKindGiveTheLibrarysPatchesInTheirOwnType() throws IOException {
        LongAccumulator unreadable = spark.sparkContext().longAccumulator("unreadable-planes");
        Dataset<Row> last = SparkPatches.unfold(files(planes), SPEC2, PatchOptions.defaults().withUnreadableCounter(unreadable));
        Dataset<Row> first = SparkPatches.unfold(files(planes), SPEC2, PatchOptions.defaults().withLayout(ImageLayout.CHANNELS_FIRST));
        assertEquals(List.of("origin", "window", "row", "col", "dtype", "shape", "patch"), List.of(last.schema().fieldNames()));
        last.count();
        assertEquals(1, unreadable.value(), "the rank-4 array is counted, not a failed job");
        for (String name : List.of("bands.npy", "one.npy", "labels.npy")) {
            Tensor array = Npy.read(planes.resolve(name));
            checkAgainstTheLibrary(of(last, name), array, SPEC2, true);
            checkAgainstTheLibrary(of(first, name), array, SPEC2, false);
        }
    }

    @Test
    void channelsLastArraysGiveThePatchesOfTheirChannelsFirstTwin(@TempDir Path hwc) throws IOException {
        Tensor chw = Npy.read(planes.resolve("bands.npy"));  // [5, 11, 9]
        float[] v = chw.toFloatArray(), t = new float[v.length];
        for (int ch = 0; ch < 5; ch++) {
            for (int p = 0; p < 99; p++) {
                t[p * 5 + ch] = v[ch * 99 + p];
            }
        }
        Npy.write(hwc.resolve("bands.npy"), Tensor.of(t, 11, 9, 5));
        List<Row> fromLast = of(SparkPatches.unfold(files(hwc), SPEC2,
                PatchOptions.defaults().withArrayLayout(ImageLayout.CHANNELS_LAST)), "bands.npy");
        List<Row> fromFirst = of(SparkPatches.unfold(files(planes), SPEC2, PatchOptions.defaults()), "bands.npy");
        assertEquals(fromFirst.size(), fromLast.size());
        for (int i = 0; i < fromFirst.size(); i++) {
            assertEquals(fromFirst.get(i).getList(5), fromLast.get(i).getList(5));
            assertArrayEquals((byte[]) fromFirst.get(i).get(6), (byte[]) fromLast.get(i).get(6), "window " + i);
        }
    }

    @Test
    void volumesGiveThreeDimensionalPatchesWithTheirDepth() throws IOException {
        LongAccumulator unreadable = spark.sparkContext().longAccumulator("unreadable-volumes");
        Dataset<Row> last = SparkPatches.unfold(files(volumes), SPEC3, PatchOptions.defaults().withUnreadableCounter(unreadable));
        Dataset<Row> first = SparkPatches.unfold(files(volumes), SPEC3, PatchOptions.defaults().withLayout(ImageLayout.CHANNELS_FIRST));
        assertEquals(SparkPatches.schema(3, false), last.schema());
        assertEquals(List.of("origin", "window", "depth", "row", "col", "dtype", "shape", "patch"),
                List.of(last.schema().fieldNames()));
        last.count();
        assertEquals(1, unreadable.value(), "the PNG, no volume, is counted");
        for (String name : List.of("ct.npy", "two.npy")) {
            Tensor array = Npy.read(volumes.resolve(name));
            checkAgainstTheLibrary(of(last, name), array, SPEC3, true);
            checkAgainstTheLibrary(of(first, name), array, SPEC3, false);
        }
    }

    @Test
    void windowsTheInputCannotHoldAreRefusedByName() {
        Dataset<Row> imageSource = spark.read().format("image").load(volumes.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkPatches.unfold(imageSource, SPEC3, PatchOptions.defaults()));
        assertTrue(e.getMessage().contains("needs volumes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SparkPatches.unfold(files(volumes), SPEC3,
                PatchOptions.defaults().withArrayLayout(ImageLayout.CHANNELS_LAST)));
        assertTrue(e.getMessage().contains("channels-first volumes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SparkPatches.unfold(files(volumes), Unfold.of(Window.ofKernel(3)),
                PatchOptions.defaults()));
        assertTrue(e.getMessage().contains("2-D or 3-D window"), e.getMessage());
    }

    @Test
    void patchesJobTakesAThreeDimensionalKernelAsAList() {
        String out = dir.resolve("job3").toString();
        PatchesJob.main(new String[] {"--input", volumes.toString(), "--output", out, "--kernel", "2,3,3",
            "--padding", "0,1,0", "--stride", "2,2,3"});
        Dataset<Row> back = spark.read().parquet(out);
        assertEquals(List.of(SparkPatches.schema(3, false).fieldNames()), List.of(back.schema().fieldNames()));
        assertEquals(SparkPatches.unfold(files(volumes), SPEC3, PatchOptions.defaults()).count(), back.count());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PatchesJob.main(new String[] {
            "--input", volumes.toString(), "--output", out + "x", "--kernel", "2,3,3", "--stride", "2,2"}));
        assertTrue(e.getMessage().contains("--stride must give one value or 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PatchesJob.main(new String[] {
            "--input", volumes.toString(), "--output", out + "x", "--kernel", "2,x"}));
        assertTrue(e.getMessage().contains("--kernel must be an integer or a comma-separated list"), e.getMessage());
    }
}
