package org.unfold4j.spark;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.unfold4j.DType;
import org.unfold4j.PaddingMode;
import org.unfold4j.Unfold;

/**
 * The patches of a folder of image files, written as Parquet: for {@code spark-submit --class
 * org.unfold4j.spark.PatchesJob unfold4j-spark.jar --input DIR --output DIR --kernel K
 * [--stride S] [--padding P] [--padding-mode zeros|reflect|replicate|circular]
 * [--dtype uint8|int32|float32|float64|float16|bfloat16] [--min-mean X] [--min-variance X]}. The files are read
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
        Map<String, String> o = parse(args);
        String input = required(o, "input"), output = required(o, "output");
        int kernel = Integer.parseInt(required(o, "kernel"));
        Unfold spec = Unfold.of(kernel)
                .withStride(Integer.parseInt(o.getOrDefault("stride", "1")))
                .withPadding(Integer.parseInt(o.getOrDefault("padding", "0")))
                .withPaddingMode(PaddingMode.parse(o.getOrDefault("padding-mode", "zeros")));
        SparkSession spark = SparkSession.builder().appName("unfold4j patches").getOrCreate();
        LongAccumulator unreadable = spark.sparkContext().longAccumulator("unfold4j unreadable images");
        PatchOptions options = PatchOptions.defaults().withUnreadableCounter(unreadable);
        if (o.containsKey("dtype")) {
            options = options.withDType(DType.parse(o.get("dtype")));
        }
        if (o.containsKey("min-mean")) {
            options = options.withMinMean(Double.parseDouble(o.get("min-mean")));
        }
        if (o.containsKey("min-variance")) {
            options = options.withMinVariance(Double.parseDouble(o.get("min-variance")));
        }
        Dataset<Row> files = spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(input);
        SparkPatches.unfold(files, spec, options).write().parquet(output);
        System.out.println("unfold4j: patches written to " + output + "; unreadable images skipped: " + unreadable.value());
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, but got '" + args[i] + "'");
            }
            o.put(args[i].substring(2).toLowerCase(Locale.ROOT), args[++i]);
        }
        return o;
    }

    private static String required(Map<String, String> o, String name) {
        String v = o.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required (--input DIR --output DIR --kernel K)");
        }
        return v;
    }
}
