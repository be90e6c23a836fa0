package org.unfold4j.spark;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.SerializableConfiguration;
import org.unfold4j.BlendWindow;
import org.unfold4j.DType;
import org.unfold4j.ImageLayout;
import org.unfold4j.PaddingMode;
import org.unfold4j.PixelScale;
import org.unfold4j.SlidingWindow;
import org.unfold4j.Tensor;

/**
 * Tiled inference over image DataFrames: {@link SlidingWindow#apply} in the executors, one
 * stitched output per image. Input as {@link SparkPatches#unfold} takes it ({@code image} or
 * {@code binaryFile}); each image goes to the model as float32 {@code [1, C, H, W]}, RGB channel
 * order, its values as stored (0..255, or 0..65535 for 16-bit files) or, with
 * {@link PixelScale#UNIT}, divided by 255 (or 65535) to 0..1. Output schema {@link #schema()}:
 * {@code origin} string, {@code dtype} string (float32 or float64, the model's), {@code shape}
 * array&lt;int&gt; {@code [C', H, W]}, {@code output} binary (little-endian, C order).
 * Unreadable images give no row; count them with {@link #apply(Dataset, SlidingWindow,
 * ModelFactory, LongAccumulator)}. {@link #writeFiles} writes the outputs as one {@code .npy} or
 * PNG file per image; {@code df.write().parquet(...)} writes the rows as they are.
 */
public final class SparkSlidingWindow {
    /** The models of this executor JVM, one per {@link #apply} call (its id), made on first use. */
    private static final Map<String, Function<Tensor, Tensor>> MODELS = new ConcurrentHashMap<>();

    private SparkSlidingWindow() {
    }

    /** {@return the output schema} */
    public static StructType schema() {
        return new StructType(new StructField[] {
            DataTypes.createStructField("origin", DataTypes.StringType, false),
            DataTypes.createStructField("dtype", DataTypes.StringType, false),
            DataTypes.createStructField("shape", DataTypes.createArrayType(DataTypes.IntegerType, false), false),
            DataTypes.createStructField("output", DataTypes.BinaryType, false),
        });
    }

    /**
     * The stitched model outputs, one row per readable image.
     *
     * @param images  an {@code image} or {@code binaryFile} DataFrame
     * @param sw      the 2-D tiling (tile, stride, blend, batch size, padding mode)
     * @param factory builds the model once per executor JVM
     * @return the outputs' DataFrame, lazy
     * @throws IllegalArgumentException if {@code images} has neither input's columns or the tile is not 2-D
     */
    public static Dataset<Row> apply(Dataset<Row> images, SlidingWindow sw, ModelFactory factory) {
        return apply(images, sw, factory, PixelScale.STORED, null);
    }

    /**
     * As {@link #apply(Dataset, SlidingWindow, ModelFactory)}, counting unreadable images in
     * {@code unreadable} (as {@link PatchOptions#withUnreadableCounter} says).
     *
     * @param images     an {@code image} or {@code binaryFile} DataFrame
     * @param sw         the 2-D tiling
     * @param factory    builds the model once per executor JVM
     * @param unreadable the counter, or null
     * @return the outputs' DataFrame, lazy
     */
    public static Dataset<Row> apply(Dataset<Row> images, SlidingWindow sw, ModelFactory factory,
                                     LongAccumulator unreadable) {
        return apply(images, sw, factory, PixelScale.STORED, unreadable);
    }

    /**
     * As {@link #apply(Dataset, SlidingWindow, ModelFactory, LongAccumulator)}, with the images'
     * values as stored or scaled to 0..1.
     *
     * @param images     an {@code image} or {@code binaryFile} DataFrame
     * @param sw         the 2-D tiling
     * @param factory    builds the model once per executor JVM
     * @param scale      {@link PixelScale#STORED} (0..255, 0..65535) or {@link PixelScale#UNIT} (0..1)
     * @param unreadable the counter, or null
     * @return the outputs' DataFrame, lazy
     * @throws IllegalArgumentException if {@code images} has neither input's columns or the tile is not 2-D
     */
    public static Dataset<Row> apply(Dataset<Row> images, SlidingWindow sw, ModelFactory factory, PixelScale scale,
                                     LongAccumulator unreadable) {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(sw, "sw");
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(scale, "scale");
        if (sw.tile().length != 2) {
            throw new IllegalArgumentException("SparkSlidingWindow needs a 2-D tile, but got " + sw);
        }
        boolean imageSource = SparkPatches.isImageSource(images);
        Dataset<Row> in = imageSource ? images.select("image") : images.select("path", "content");
        return in.flatMap(new Infer(imageSource, sw, factory, scale == PixelScale.UNIT, unreadable), Encoders.row(schema()));
    }

    /**
     * Writes each output row as one file under {@code outputDir} (any Hadoop file system), named
     * after its image's path below {@code inputRoot} with the format's extension appended
     * ({@code in/a/b.jpg} gives {@code outputDir/a/b.jpg.npy}; Note [output file names] in
     * {@code OutputFiles}). Runs the outputs' job: an action, as {@code df.write()} is.
     *
     * @param outputs   {@link #apply}'s result
     * @param outputDir the folder the files go to (made when missing; files of the same names are replaced)
     * @param inputRoot the images' folder, or null to keep each image's whole path
     * @param format    {@code .npy} files (exact), or 8-bit PNG pictures
     * @param scale     for PNG, the scale the images went to the model in, which the outputs are
     *                  taken to share: 0..1 ({@link PixelScale#UNIT}) or 0..255 ({@link PixelScale#STORED})
     *                  becomes 0..255
     * @return the number of files written; a task that fails (a file that cannot be written, a PNG
     *     of an output without 1 to 4 channels, which the message names) fails the job, as Spark's
     *     writers do
     */
    public static long writeFiles(Dataset<Row> outputs, String outputDir, String inputRoot, OutputFormat format,
                                  PixelScale scale) {
        Objects.requireNonNull(outputs, "outputs");
        Objects.requireNonNull(outputDir, "outputDir");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(scale, "scale");
        var sc = outputs.sparkSession().sparkContext();
        LongAccumulator written = sc.longAccumulator("unfold4j files written");
        outputs.foreachPartition(new OutputFiles(new SerializableConfiguration(sc.hadoopConfiguration()), outputDir,
                inputRoot, format, scale == PixelScale.UNIT ? 255 : 1, written));
        return written.value();
    }

    /**
     * The per-image work. The library's specs are not serializable, so the tiling travels as its
     * fields, the blend as its weights for the tile (BlendWindow.of of those weights blends alike).
     */
    private static final class Infer implements FlatMapFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final boolean imageSource;
        private final int[] tile, stride;
        private final float[] blend;
        private final int batchSize;
        private final boolean unit;
        private final String paddingMode;
        private final ModelFactory factory;
        private final String id = UUID.randomUUID().toString();
        private final LongAccumulator unreadable;
        private transient SlidingWindow sw;

        Infer(boolean imageSource, SlidingWindow sw, ModelFactory factory, boolean unit, LongAccumulator unreadable) {
            this.imageSource = imageSource;
            this.unit = unit;
            this.tile = sw.tile();
            this.stride = sw.stride();
            this.blend = sw.blend().weights(tile[0], tile[1]).toFloatArray();
            this.batchSize = sw.batchSize();
            this.paddingMode = sw.paddingMode().toString();
            this.factory = factory;
            this.unreadable = unreadable;
        }

        private SlidingWindow sliding() {
            if (sw == null) {
                sw = SlidingWindow.of(tile).withStride(stride).withBatchSize(batchSize)
                        .withPaddingMode(PaddingMode.parse(paddingMode))
                        .withBlend(BlendWindow.of(Tensor.of(blend, tile[0], tile[1])));
            }
            return sw;
        }

        @Override
        public java.util.Iterator<Row> call(Row r) {
            ImageRows.Input image = ImageRows.read(r, imageSource, 2, ImageLayout.CHANNELS_FIRST, unreadable);
            if (image == null) {
                return List.<Row>of().iterator();
            }
            Function<Tensor, Tensor> model = MODELS.computeIfAbsent(id, k -> factory.create());
            Tensor out = sliding().apply(modelInput(image, unit), model);  // [1, C', H, W]
            long[] s = out.shape();
            ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact((int) out.elementCount(), out.dtype().bytes()))
                    .order(ByteOrder.LITTLE_ENDIAN);
            out.copyTo(b);
            return List.of(RowFactory.create(image.origin(), out.dtype().toString(),
                    SparkPatches.seq(List.of((int) s[1], (int) s[2], (int) s[3])), b.array())).iterator();
        }
    }

    /**
     * An input as the model takes it, float32 {@code [1, C, H, W]}: images' {@code [(1,) H, W, C]}
     * samples moved channels first, arrays' {@code [(1,) C, H, W]} as they are; with {@code unit},
     * integer samples divided by 255 (uint8) or 65535 (int32: 16-bit files), as
     * {@link org.unfold4j.Images} scales them, and float arrays left as they are.
     */
    static Tensor modelInput(ImageRows.Input input, boolean unit) {
        Tensor t = input.pixels();
        float max = t.dtype() == DType.UINT8 ? 255f : t.dtype() == DType.INT32 ? 65535f : 1f;
        boolean divide = unit && max != 1f;
        long[] s = t.shape();
        boolean last = input.layout() == ImageLayout.CHANNELS_LAST;
        int o = s.length - 3;
        int c = (int) (last ? s[o + 2] : s[o]), h = (int) (last ? s[o] : s[o + 1]), w = (int) (last ? s[o + 1] : s[o + 2]);
        float[] v;
        if (last) {  // moved channels first in the one copy, not copied and then moved
            v = new float[Math.multiplyExact(Math.multiplyExact(h, w), c)];
            for (int p = 0, i = 0; p < h * w; p++) {
                for (int ch = 0; ch < c; ch++, i++) {
                    v[ch * h * w + p] = (float) t.getDouble(i);
                }
            }
        } else {
            v = t.toFloatArray();
        }
        if (divide) {
            for (int i = 0; i < v.length; i++) {
                v[i] /= max;
            }
        }
        return Tensor.of(v, 1, c, h, w);
    }
}
