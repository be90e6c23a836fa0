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
import org.unfold4j.BlendWindow;
import org.unfold4j.PaddingMode;
import org.unfold4j.SlidingWindow;
import org.unfold4j.Tensor;

/**
 * Tiled inference over image DataFrames: {@link SlidingWindow#apply} in the executors, one
 * stitched output per image. Input as {@link SparkPatches#unfold} takes it ({@code image} or
 * {@code binaryFile}); each image goes to the model as float32 {@code [1, C, H, W]} (its values,
 * 0..255 or 0..65535, unscaled, RGB channel order). Output schema {@link #schema()}:
 * {@code origin} string, {@code dtype} string (float32 or float64, the model's), {@code shape}
 * array&lt;int&gt; {@code [C', H, W]}, {@code output} binary (little-endian, C order).
 * Unreadable images give no row; count them with {@link #apply(Dataset, SlidingWindow,
 * ModelFactory, LongAccumulator)}.
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
        return apply(images, sw, factory, null);
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
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(sw, "sw");
        Objects.requireNonNull(factory, "factory");
        if (sw.tile().length != 2) {
            throw new IllegalArgumentException("SparkSlidingWindow needs a 2-D tile, but got " + sw);
        }
        boolean imageSource = SparkPatches.isImageSource(images);
        Dataset<Row> in = imageSource ? images.select("image") : images.select("path", "content");
        return in.flatMap(new Infer(imageSource, sw, factory, unreadable), Encoders.row(schema()));
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
        private final String paddingMode;
        private final ModelFactory factory;
        private final String id = UUID.randomUUID().toString();
        private final LongAccumulator unreadable;
        private transient SlidingWindow sw;

        Infer(boolean imageSource, SlidingWindow sw, ModelFactory factory, LongAccumulator unreadable) {
            this.imageSource = imageSource;
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
            String origin;
            Tensor image;
            if (imageSource) {
                Row s = r.getStruct(0);
                origin = s == null ? "" : s.getString(s.fieldIndex("origin"));
                image = s == null ? null : ImageRows.fromImageStruct(s);
            } else {
                origin = r.getString(0);
                image = ImageRows.fromFileBytes((byte[]) r.get(1));
            }
            if (image == null) {
                if (unreadable != null) {
                    unreadable.add(1);
                }
                return List.<Row>of().iterator();
            }
            Function<Tensor, Tensor> model = MODELS.computeIfAbsent(id, k -> factory.create());
            Tensor out = sliding().apply(channelsFirst(image), model);  // [1, C', H, W]
            long[] s = out.shape();
            ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact((int) out.elementCount(), out.dtype().bytes()))
                    .order(ByteOrder.LITTLE_ENDIAN);
            out.copyTo(b);
            return List.of(RowFactory.create(origin, out.dtype().toString(),
                    SparkPatches.seq(List.of((int) s[1], (int) s[2], (int) s[3])), b.array())).iterator();
        }
    }

    /** {@code [H, W, C]} or {@code [1, H, W, C]} integer values as float32 {@code [1, C, H, W]}. */
    static Tensor channelsFirst(Tensor hwc) {
        long[] s = hwc.shape();
        int o = s.length - 3;
        int h = (int) s[o], w = (int) s[o + 1], c = (int) s[o + 2];
        float[] v = new float[Math.multiplyExact(Math.multiplyExact(h, w), c)];
        for (int y = 0, i = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int ch = 0; ch < c; ch++, i++) {
                    v[(ch * h + y) * w + x] = (float) hwc.getDouble(i);
                }
            }
        }
        return Tensor.of(v, 1, c, h, w);
    }
}
