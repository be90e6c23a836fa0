package org.unfold4j.spark;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Function;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.unfold4j.Tensor;
import org.unfold4j.onnx.OnnxModel;

/**
 * An ONNX model for {@link SparkSlidingWindow}, run by ONNX Runtime (CPU) in each executor
 * through {@link OnnxModel}.
 *
 * <p>Note [the model travels as a broadcast]
 * The driver reads the model file once (any Hadoop file system: local, HDFS, S3) and broadcasts
 * its bytes, so each executor fetches them once however many tasks it runs, where a factory
 * holding the bytes would ship them inside every task's closure and one holding a path would need
 * the file on every executor's disk. The driver also loads the model once before the job starts,
 * so a file that is no model is an {@link IllegalArgumentException} before Spark runs a task.
 * Each executor builds its session once ({@link ModelFactory}) and never closes it: it lives as
 * long as the executor JVM, as the backend does (Note [one backend per executor]).
 *
 * <p>Gray images given to a model that takes three channels go to it as three equal channels, as
 * {@code ./unfold4j infer} does; any other mismatch is the model's error, naming it.
 */
public final class OnnxModelFactory implements ModelFactory {
    private static final long serialVersionUID = 1L;
    /** The model file's bytes, fetched once per executor. */
    private final Broadcast<byte[]> model;
    /** The file, as messages name the model. */
    private final String name;

    private OnnxModelFactory(Broadcast<byte[]> model, String name) {
        this.model = model;
        this.name = name;
    }

    /**
     * {@return a factory of the model in {@code file}}
     *
     * @param spark the session whose executors run the model
     * @param file  an {@code .onnx} file, as a Hadoop path ({@code /models/m.onnx}, {@code hdfs://...}, {@code s3a://...})
     * @throws IllegalArgumentException if the file cannot be read or ONNX Runtime cannot load it,
     *     or its input is not an image {@code [N, C, H, W]}
     */
    public static OnnxModelFactory load(SparkSession spark, String file) {
        byte[] bytes;
        try {
            Path p = new Path(file);
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            long size = fs.getFileStatus(p).getLen();
            if (size > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("the ONNX model " + file + " has " + size
                        + " bytes, more than one array holds (2 GiB)");
            }
            try (InputStream in = fs.open(p)) {
                bytes = in.readAllBytes();
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the ONNX model " + file + ": " + e, e);
        }
        OnnxModel.of(bytes, file).close();  // fails here, on the driver, for a file that is no model
        return new OnnxModelFactory(JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(bytes), file);
    }

    @Override
    public Function<Tensor, Tensor> create() {
        OnnxModel m = OnnxModel.of(model.value(), name);
        if (m.channels() != 3) {
            return m;
        }
        return tiles -> m.apply(tiles.shape()[1] == 1 ? grayToRgb(tiles) : tiles);
    }

    /** float32 {@code [B, 1, H, W]} as {@code [B, 3, H, W]}, the one channel three times. */
    static Tensor grayToRgb(Tensor tiles) {
        long[] s = tiles.shape();
        int plane = Math.toIntExact(s[2] * s[3]);
        float[] in = tiles.toFloatArray(), out = new float[Math.multiplyExact(in.length, 3)];
        for (int b = 0; b < s[0]; b++) {
            for (int c = 0; c < 3; c++) {
                System.arraycopy(in, b * plane, out, (b * 3 + c) * plane, plane);
            }
        }
        return Tensor.of(out, s[0], 3, s[2], s[3]);
    }

    @Override
    public String toString() {
        return "OnnxModelFactory(" + name + ")";
    }
}
