package org.unfold4j.spark;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.unfold4j.DType;
import org.unfold4j.ImageLayout;
import org.unfold4j.Unfold;

/**
 * Patches per second of {@link SparkPatches#unfold} over a folder of {@value #IMAGES} generated
 * {@value #SIZE}×{@value #SIZE} RGB PNGs, with a {@value #KERNEL}×{@value #KERNEL} window at stride
 * {@value #KERNEL}: one op is the whole folder, {@value #PATCHES_PER_OP} patches, so patches per
 * second = {@value #PATCHES_PER_OP} / (seconds per op). Issue 14's "Measured" item: the overhead of
 * Spark {@code local[2]} over a plain loop, and the scaling from {@code local[1]} to {@code local[2]}.
 *
 * <ul>
 * <li>{@link #singleJvmLoop}: one thread doing what an executor does for each row, with Spark's
 * own per-row function ({@code SparkPatches.Extract}, package-private for this): read the file's
 * bytes, decode them, unfold on {@code Backend.defaultBackend()} (channels-last image,
 * patch-major columns), encode each window's patch and build its row. No Spark job runs. The
 * unfold call itself still fans out on the common ForkJoinPool when the default backend is the
 * Java one ({@code Backend.java()}: 196,608 elements is above its 32,768), in the loop and in
 * every Spark task alike.</li>
 * <li>{@link #spark}: the same through Spark, {@code binaryFile} source to the {@code noop} sink,
 * which evaluates every row and writes nothing; {@code master} = {@code local[1]} or
 * {@code local[2]} ({@code -p master=...} for one).</li>
 * </ul>
 * Timed in both: listing the folder, reading and decoding the files, the unfold and the
 * encoding, as in a real job (the files are in the page cache after the first op). Not timed:
 * generating the images and starting the SparkSession (once per trial, in setup), whose cost a
 * real job pays once per application rather than per folder. Each setup also checks, untimed,
 * that its path gives {@value #PATCHES_PER_OP} patches, so neither benchmark can get faster by
 * skipping unreadable images.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 10)
@Measurement(iterations = 5, time = 10)
// The forked JVM starts Spark in-process, so it needs the flags spark-submit would add (as in the
// module's surefire argLine, which lists why); a bounded heap keeps the two masters comparable.
@Fork(value = 1, jvmArgsAppend = {
    "-XX:+IgnoreUnrecognizedVMOptions",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.net=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
    "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
    "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
    "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
    "-Djdk.reflect.useDirectMethodHandle=false",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Xmx2g"})
public class SparkPatchesBenchmarks {
    static final int IMAGES = 200;
    static final int SIZE = 256;
    static final int KERNEL = 16;
    /** (256 / 16)² windows per image, times the images. */
    public static final int PATCHES_PER_OP = 51_200;

    private static final Unfold SPEC = Unfold.of(KERNEL).withStride(KERNEL);

    private Path dir;
    private SparkPatches.Extract extract;

    @Setup(Level.Trial)
    public void makeImages() throws IOException {
        dir = Files.createTempDirectory("unfold4j-spark-bench");
        Random random = new Random(14);
        for (int i = 0; i < IMAGES; i++) {
            Path file = dir.resolve(String.format("img%03d.png", i));
            if (!ImageIO.write(image(random, i), "png", file.toFile())) {
                throw new IllegalStateException("no PNG writer");
            }
        }
        // The function SparkPatches.unfold ships, built as it builds it for a binaryFile frame.
        extract = new SparkPatches.Extract(false, SPEC.window(), SPEC.paddingMode(), PatchOptions.defaults());
        long windows = SPEC.withImageLayout(ImageLayout.CHANNELS_LAST).geometry(DType.UINT8, SIZE, SIZE, 3).blocks();
        check("window grid", windows * IMAGES);
        check("single-JVM loop", loop(null));
    }

    /** A smooth gradient with seeded noise: real-looking work for the PNG coder, unlike a flat or random image. */
    private static BufferedImage image(Random random, int index) {
        BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_3BYTE_BGR);
        WritableRaster raster = img.getRaster();
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int base = (x + y + index) / 2;
                raster.setSample(x, y, 0, clamp(x + random.nextInt(17) - 8));
                raster.setSample(x, y, 1, clamp(y + random.nextInt(17) - 8));
                raster.setSample(x, y, 2, clamp(base + random.nextInt(17) - 8));
            }
        }
        return img;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    private static void check(String what, long patches) {
        if (patches != PATCHES_PER_OP) {
            throw new IllegalStateException(what + " gives " + patches + " patches, not " + PATCHES_PER_OP);
        }
    }

    @TearDown(Level.Trial)
    public void deleteImages() throws IOException {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The rows of every file, into {@code bh} (null: only counted); the listing is inside, as Spark's is. */
    private long loop(Blackhole bh) {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long n = 0;
        for (Path file : files) {
            byte[] content;
            try {
                content = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            // binaryFile's columns after SparkPatches' select("path", "content").
            Iterator<Row> rows = extract.call(RowFactory.create(file.toUri().toString(), content));
            while (rows.hasNext()) {
                Row r = rows.next();
                if (bh != null) {
                    bh.consume(r);
                }
                n++;
            }
        }
        return n;
    }

    @Benchmark
    public long singleJvmLoop(Blackhole bh) {
        return loop(bh);
    }

    /** The session, in a state of its own so that only the Spark benchmark runs once per master. */
    @State(Scope.Benchmark)
    public static class Session {
        @Param({"local[1]", "local[2]"})
        public String master;

        SparkSession spark;

        @Setup(Level.Trial)
        public void start(SparkPatchesBenchmarks images) {
            spark = SparkSession.builder().master(master).appName("SparkPatchesBenchmarks")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .getOrCreate();
            spark.sparkContext().setLogLevel("WARN");
            check("Spark " + master, images.patches(this).count());
        }

        @TearDown(Level.Trial)
        public void stop() {
            if (spark != null) {
                spark.stop();
            }
        }
    }

    private Dataset<Row> patches(Session s) {
        return SparkPatches.unfold(s.spark.read().format("binaryFile").load(dir.toString()), SPEC,
                PatchOptions.defaults());
    }

    @Benchmark
    public void spark(Session s) {
        patches(s).write().format("noop").mode("overwrite").save();
    }
}
