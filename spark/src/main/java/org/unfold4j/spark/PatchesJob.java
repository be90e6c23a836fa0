package org.unfold4j.spark;

import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.unfold4j.DType;
import org.unfold4j.ImageLayout;
import org.unfold4j.PaddingMode;
import org.unfold4j.Unfold;
import org.unfold4j.Window;

/**
 * The patches of a folder of image files, written as Parquet: for {@code spark-submit --class
 * org.unfold4j.spark.PatchesJob unfold4j-spark.jar --input DIR --output DIR --kernel K|KH,KW|KD,KH,KW
 * [--stride S[,S...]] [--padding P[,P...]] [--dilation D[,D...]] [--padding-mode zeros|reflect|replicate|circular]
 * [--dtype uint8|int32|float32|float64|float16|bfloat16] [--layout nhwc|nchw] [--array-layout nchw|nhwc]
 * [--min-mean X] [--min-variance X]}. The files are read
 * with Spark's {@code binaryFile} source (every file under {@code --input}, recursively) and
 * decoded with {@link org.unfold4j.Images}; the schema is {@link SparkPatches#schema(boolean)}'s.
 * Unreadable files are skipped and their number printed at the end.
 */
public final class PatchesJob {
    private PatchesJob() {
    }

    /**
     * Runs the job in the session {@code spark-submit} provides (or a new local one).
     *
     * @param args the options above
     */
    public static void main(String[] args) {
        JobArgs o = new JobArgs(args, Set.of("input", "output", "kernel", "stride", "padding", "dilation", "padding-mode", "dtype",
                "layout", "array-layout", "min-mean", "min-variance"), "--input DIR --output DIR --kernel K|KH,KW|KD,KH,KW "
                + "[--stride S] [--padding P] [--dilation D] [--padding-mode M] [--dtype T] [--layout nhwc|nchw] [--array-layout nchw|nhwc] "
                + "[--min-mean X] [--min-variance X]");
        String input = o.required("input"), output = o.required("output");
        int[] kernel = o.integers("kernel", o.required("kernel"));
        if (kernel.length == 1) {
            kernel = new int[] {kernel[0], kernel[0]};  // one size: a square 2-D window, as Unfold.of(k)
        }
        Unfold spec = Unfold.of(Window.of(kernel, o.each("dilation", "1", kernel.length),
                        o.each("padding", "0", kernel.length), o.each("stride", "1", kernel.length)))
                .withPaddingMode(PaddingMode.parse(o.get("padding-mode", "zeros")));
        PatchOptions options = PatchOptions.defaults();
        if (o.has("array-layout")) {
            options = options.withArrayLayout(ImageLayout.parse(o.get("array-layout", null)));
        }
        if (o.has("dtype")) {
            options = options.withDType(DType.parse(o.get("dtype", null)));
        }
        if (o.has("layout")) {
            options = options.withLayout(ImageLayout.parse(o.get("layout", null)));
        }
        if (o.has("min-mean")) {
            options = options.withMinMean(o.real("min-mean", null));
        }
        if (o.has("min-variance")) {
            options = options.withMinVariance(o.real("min-variance", null));
        }
        SparkSession spark = SparkSession.builder().appName("unfold4j patches").getOrCreate();
        LongAccumulator unreadable = spark.sparkContext().longAccumulator("unfold4j unreadable images");
        Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(input);
        SparkPatches.unfold(files, spec, options.withUnreadableCounter(unreadable)).write().parquet(output);
        System.out.println("unfold4j: patches written to " + output + "; unreadable images skipped: " + unreadable.value());
    }
}
