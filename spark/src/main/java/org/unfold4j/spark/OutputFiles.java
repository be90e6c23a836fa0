package org.unfold4j.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;
import org.unfold4j.DType;
import org.unfold4j.Images;
import org.unfold4j.Npy;
import org.unfold4j.Tensor;

/**
 * Writes each row of {@link SparkSlidingWindow#schema()} as one file, in the executor that holds
 * it, through the Hadoop file system of the output directory (local, HDFS, S3).
 *
 * <p>Note [output file names]
 * A file's name is its image's path below the input root, or the whole path without its scheme
 * when the image is not below it, under the output directory, with the format's extension
 * appended: {@code in/a/b.jpg} gives {@code out/a/b.jpg.npy}. Appending keeps names unique
 * whenever the images' paths are ({@code b.jpg} and {@code b.png} would both be {@code b.npy}
 * were the extension replaced), so no two tasks write one file and a task that Spark runs again
 * (a lost executor, speculation) rewrites its own files with the same bytes. Each file is written
 * under a hidden name beside it and renamed into place once complete, so a failed task leaves no
 * partial file under the final name.
 */
final class OutputFiles implements ForeachPartitionFunction<Row> {
    private static final long serialVersionUID = 1L;
    private final SerializableConfiguration conf;
    private final String outputDir, inputRoot;
    private final OutputFormat format;
    private final double pngScale;
    private final LongAccumulator written;

    OutputFiles(SerializableConfiguration conf, String outputDir, String inputRoot, OutputFormat format, double pngScale,
                LongAccumulator written) {
        this.conf = conf;
        this.outputDir = outputDir;
        this.inputRoot = inputRoot;
        this.format = format;
        this.pngScale = pngScale;
        this.written = written;
    }

    @Override
    public void call(Iterator<Row> rows) throws IOException {
        Path dir = new Path(outputDir);
        FileSystem fs = dir.getFileSystem(conf.value());
        if (fs instanceof ChecksumFileSystem checksummed) {
            // A local disk: its raw file system writes no .crc file beside each output. Not
            // setWriteChecksum(false), which would change the JVM's one cached instance for every
            // other writer in this executor (HDFS keeps its checksums itself).
            fs = checksummed.getRawFileSystem();
        }
        TaskContext task = TaskContext.get();
        String attempt = task == null ? "local" : Long.toString(task.taskAttemptId());
        while (rows.hasNext()) {
            Row r = rows.next();
            String origin = r.getString(0);
            Tensor out = tensor(r);
            Path target = new Path(dir, relative(origin, inputRoot) + "." + format.extension());
            Path temp = new Path(target.getParent(), "." + target.getName() + "." + attempt + ".tmp");
            try (OutputStream s = fs.create(temp, true)) {
                write(out, s, origin);
            } catch (IOException | RuntimeException e) {
                fs.delete(temp, false);
                throw e;
            }
            fs.delete(target, false);  // Hadoop's rename does not replace: a rerun task's own earlier file
            if (!fs.rename(temp, target)) {
                fs.delete(temp, false);
                throw new IOException("cannot rename " + temp + " to " + target);
            }
            written.add(1);
        }
    }

    /** The output of a row, {@code [C', H, W]} in its dtype. */
    static Tensor tensor(Row r) {
        DType dtype = DType.parse(r.getString(1));
        List<Integer> shape = r.getList(2);
        long[] s = shape.stream().mapToLong(Integer::longValue).toArray();
        return Tensor.copyOf(ByteBuffer.wrap((byte[]) r.get(3)).order(ByteOrder.LITTLE_ENDIAN), dtype, s);
    }

    private void write(Tensor out, OutputStream s, String origin) throws IOException {
        if (format == OutputFormat.NPY) {
            Npy.write(s, out);
        } else if (!ImageIO.write(Images.toBufferedImage(png(out, pngScale, origin)), "png", s)) {
            throw new IOException("ImageIO has no PNG writer");
        }
    }

    /** {@code [C', H, W]} values times {@code scale}, rounded and clipped to 0..255 (NaN as 0), as uint8 {@code [H, W, C']}. */
    static Tensor png(Tensor out, double scale, String origin) {
        long[] s = out.shape();
        int c = (int) s[0], h = (int) s[1], w = (int) s[2];
        if (c < 1 || c > 4) {
            throw new IllegalArgumentException("a PNG holds 1, 2, 3 or 4 channels, but the output of " + origin + " has "
                    + c + " (" + java.util.Arrays.toString(s) + "); write it as npy");
        }
        byte[] b = new byte[c * h * w];
        for (int ch = 0, i = 0; ch < c; ch++) {
            for (int p = 0; p < h * w; p++, i++) {
                double v = out.getDouble(i) * scale;
                b[p * c + ch] = (byte) (v >= 0 ? (int) Math.min(255, Math.rint(v)) : 0);  // NaN fails v >= 0: 0
            }
        }
        return Tensor.ofUint8(b, h, w, c);
    }

    /** The path of {@code origin} below {@code root} (Note [output file names]). */
    static String relative(String origin, String root) {
        String path = new Path(origin).toUri().getPath();
        if (root != null) {
            String r = new Path(root).toUri().getPath();
            r = r.endsWith("/") ? r : r + "/";
            if (path.startsWith(r) && path.length() > r.length()) {
                return path.substring(r.length());
            }
        }
        return path.startsWith("/") ? path.substring(1) : path;
    }
}
