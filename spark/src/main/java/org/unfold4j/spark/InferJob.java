package org.unfold4j.spark;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.unfold4j.BlendWindow;
import org.unfold4j.PaddingMode;
import org.unfold4j.PixelScale;
import org.unfold4j.SlidingWindow;

/**
 * An ONNX model over every image of a folder, tile by tile, stitched into one output per image:
 * {@code spark-submit --class org.unfold4j.spark.InferJob unfold4j-spark.jar --input DIR
 * --output DIR --model FILE.onnx [--tile 128] [--overlap 0.25 | --stride S]
 * [--blend gaussian|hann|triangular|constant] [--sigma-scale 0.125] [--batch 4]
 * [--padding-mode reflect|zeros|replicate|circular] [--pixel-scale unit|stored]
 * [--format npy|png|parquet]}. The defaults are {@code ./unfold4j infer}'s.
 *
 * <p>The images are read with Spark's {@code binaryFile} source (every file under
 * {@code --input}, recursively) and decoded with {@link org.unfold4j.Images}; the model is read
 * once by the driver and broadcast ({@link OnnxModelFactory}). {@code npy} and {@code png} write
 * one file per image under {@code --output}, named after the image's path below {@code --input}
 * with the extension appended ({@code a/b.jpg.npy}); {@code parquet} writes the rows of
 * {@link SparkSlidingWindow#schema()}. An {@code --output} that exists and is not empty is
 * refused, as Spark's writers refuse one. Unreadable files are skipped and counted.
 */
public final class InferJob {
    private InferJob() {
    }

    /**
     * Runs the job in the session {@code spark-submit} provides (or a new local one).
     *
     * @param args the options above
     * @throws IllegalArgumentException for a missing, unknown or malformed option, before Spark runs a task
     * @throws IOException if the output folder cannot be checked
     */
    public static void main(String[] args) throws IOException {
        JobArgs o = new JobArgs(args, Set.of("input", "output", "model", "tile", "overlap", "stride", "blend",
                "sigma-scale", "batch", "padding-mode", "pixel-scale", "format"),
                "--input DIR --output DIR --model FILE.onnx [--tile T] [--overlap F | --stride S] [--blend B] "
                + "[--sigma-scale X] [--batch N] [--padding-mode M] [--pixel-scale unit|stored] [--format npy|png|parquet]");
        String input = o.required("input"), output = o.required("output"), modelFile = o.required("model");
        int tile = o.integer("tile", "128");
        if (o.has("overlap") && o.has("stride")) {
            throw new IllegalArgumentException("give --overlap or --stride, not both");
        }
        SlidingWindow sw = SlidingWindow.of(tile, tile);
        sw = o.has("stride") ? sw.withStride(o.integer("stride", null)) : sw.withOverlap(o.real("overlap", "0.25"));
        sw = sw.withBlend(BlendWindow.parse(o.get("blend", "gaussian"), o.real("sigma-scale", "0.125")))
                .withBatchSize(o.integer("batch", "4"))
                .withPaddingMode(PaddingMode.parse(o.get("padding-mode", "reflect")));
        PixelScale scale = switch (o.get("pixel-scale", "unit").toLowerCase(Locale.ROOT)) {
            case "unit" -> PixelScale.UNIT;
            case "stored" -> PixelScale.STORED;
            default -> throw new IllegalArgumentException("--pixel-scale must be unit or stored, but got '"
                    + o.get("pixel-scale", null) + "'");
        };
        String format = o.get("format", "npy").toLowerCase(Locale.ROOT);
        OutputFormat files = format.equals("parquet") ? null : OutputFormat.parse(format);

        SparkSession spark = SparkSession.builder().appName("unfold4j infer").getOrCreate();
        Path out = new Path(output);
        FileSystem fs = out.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (fs.exists(out) && (!fs.getFileStatus(out).isDirectory() || fs.listStatus(out).length > 0)) {
            throw new IllegalArgumentException("--output " + output + " exists and is not an empty folder");
        }
        ModelFactory model = OnnxModelFactory.load(spark, modelFile);
        LongAccumulator unreadable = spark.sparkContext().longAccumulator("unfold4j unreadable images");
        Dataset<Row> images = spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(input);
        Dataset<Row> outputs = SparkSlidingWindow.apply(images, sw, model, scale, unreadable);
        if (files == null) {
            fs.delete(out, false);  // an empty folder, which Spark's writer would take for existing output
            outputs.write().parquet(output);
            System.out.println("unfold4j: outputs written to " + output + " as Parquet; unreadable images skipped: "
                    + unreadable.value());
        } else {
            long n = SparkSlidingWindow.writeFiles(outputs, output, input, files, scale);
            System.out.println("unfold4j: " + n + " " + files.extension() + " files written to " + output
                    + "; unreadable images skipped: " + unreadable.value());
        }
    }
}
