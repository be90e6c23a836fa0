package org.unfold4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.unfold4j.ColumnGeometry;
import org.unfold4j.ColumnLayout;
import org.unfold4j.DType;
import org.unfold4j.ImageLayout;
import org.unfold4j.PaddingMode;
import org.unfold4j.Tensor;
import org.unfold4j.Unfold;
import org.unfold4j.Window;

/**
 * Patches of image DataFrames, computed by unfold4j inside the executors.
 *
 * <p>Input: a DataFrame of Spark's {@code image} source ({@code spark.read().format("image")},
 * an {@code image} struct column) or of its {@code binaryFile} source
 * ({@code spark.read().format("binaryFile")}, columns {@code path} and {@code content}, decoded
 * with {@link org.unfold4j.Images}: 16-bit files keep 16 bits). Output: one row per window kept,
 * with the schema {@link #schema(boolean)}:
 * <pre>
 * origin  string      the image's path
 * window  int         the window's index, row-major over the window grid
 * row     int         the window's row in the grid
 * col     int         the window's column in the grid
 * dtype   string      the patch's element type (uint8, int32, float32, float64; float32 for array&lt;float&gt;)
 * shape   array&lt;int&gt;  [kernelH, kernelW, C], or [C, kernelH, kernelW] with {@link PatchOptions#withLayout} CHANNELS_FIRST
 * patch   binary      little-endian elements, C order over shape (or array&lt;float&gt;)
 * </pre>
 * Images smaller than the window (after padding) give no rows; unreadable ones give no rows and
 * are counted ({@link PatchOptions#withUnreadableCounter}). Each executor JVM computes on one
 * backend (Note [one backend per executor] in {@code ExecutorBackend}).
 */
public final class SparkPatches {
    private SparkPatches() {
    }

    /**
     * {@return the output schema}
     *
     * @param floatArray whether {@code patch} is {@code array<float>} rather than binary
     */
    public static StructType schema(boolean floatArray) {
        return new StructType(new StructField[] {
            DataTypes.createStructField("origin", DataTypes.StringType, false),
            DataTypes.createStructField("window", DataTypes.IntegerType, false),
            DataTypes.createStructField("row", DataTypes.IntegerType, false),
            DataTypes.createStructField("col", DataTypes.IntegerType, false),
            DataTypes.createStructField("dtype", DataTypes.StringType, false),
            DataTypes.createStructField("shape", DataTypes.createArrayType(DataTypes.IntegerType, false), false),
            DataTypes.createStructField("patch", floatArray ? DataTypes.createArrayType(DataTypes.FloatType, false)
                    : DataTypes.BinaryType, false),
        });
    }

    /**
     * The patches of every image, one row per window, as the class description says. Lazy, as
     * Spark's transformations are: nothing runs before an action (a write, a count).
     *
     * @param images  an {@code image} or {@code binaryFile} DataFrame
     * @param spec    the 2-D window: kernel, stride, padding, dilation and padding mode are used;
     *                the spec's layouts are not (the patches' layout is an option)
     * @param options element type, layout, binary or floats, background filter, unreadable counter
     * @return the patches' DataFrame
     * @throws IllegalArgumentException if {@code images} has neither an {@code image} struct
     *     column nor {@code path} and {@code content}, or the window is not 2-D
     */
    public static Dataset<Row> unfold(Dataset<Row> images, Unfold spec, PatchOptions options) {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(options, "options");
        if (spec.window().rank() != 2) {
            throw new IllegalArgumentException("SparkPatches needs a 2-D window, but got " + spec.window());
        }
        boolean imageSource = isImageSource(images);
        Dataset<Row> in = imageSource ? images.select("image") : images.select("path", "content");
        Extract f = new Extract(imageSource, spec.window(), spec.paddingMode(), options);
        return in.flatMap(f, Encoders.row(schema(options.floatArray())));
    }

    /**
     * The per-row work, shipped to the executors: the window as plain fields (the library's
     * specs are not serializable), the spec rebuilt once per task deserialisation. Package-private
     * so that SparkPatchesBenchmarks (spark/src/jmh) times the same per-row code outside Spark.
     */
    static final class Extract implements FlatMapFunction<Row, Row> {
        private static final long serialVersionUID = 1L;
        private final boolean imageSource;
        private final int[] kernel, dilation, padding, stride;
        private final String paddingMode;
        private final PatchOptions options;
        private transient Unfold unfold;

        Extract(boolean imageSource, Window w, PaddingMode mode, PatchOptions options) {
            this.imageSource = imageSource;
            this.kernel = w.kernel();
            this.dilation = w.dilation();
            this.padding = w.padding();
            this.stride = w.stride();
            this.paddingMode = mode.toString();
            this.options = options;
        }

        private Unfold unfold() {
            if (unfold == null) {
                unfold = Unfold.of(Window.of(kernel, dilation, padding, stride))
                        .withPaddingMode(PaddingMode.parse(paddingMode))
                        .withImageLayout(ImageLayout.CHANNELS_LAST)
                        .withColumnLayout(ColumnLayout.PATCHES);
            }
            return unfold;
        }

        @Override
        public Iterator<Row> call(Row r) {
            String origin;
            Tensor image;
            if (imageSource) {
                Row s = r.getStruct(0);
                origin = s == null ? null : s.getString(s.fieldIndex("origin"));
                image = s == null ? null : ImageRows.fromImageStruct(s);
            } else {
                origin = r.getString(0);
                image = ImageRows.fromFileBytes((byte[]) r.get(1));
            }
            if (image == null) {
                LongAccumulator counter = options.unreadableCounter();
                if (counter != null) {
                    counter.add(1);
                }
                System.getLogger("org.unfold4j.spark").log(System.Logger.Level.WARNING,
                        "unfold4j-spark: skipping unreadable image " + origin);
                return List.<Row>of().iterator();
            }
            return patches(origin == null ? "" : origin, image).iterator();
        }

        private List<Row> patches(String origin, Tensor image) {
            // [1, H, W, C] from the image source, unbatched [H, W, C] from Images: unfold takes both,
            // so neither is copied to add a batch dimension.
            long[] full = image.shape();
            long[] s = full.length == 4 ? Arrays.copyOfRange(full, 1, 4) : full;
            ColumnGeometry g;
            try {
                g = unfold().geometry(image.dtype(), full);
            } catch (IllegalArgumentException tooSmall) {
                return List.of();  // smaller than the window: no window fits (documented: no rows)
            }
            Tensor cols = unfold().apply(image, ExecutorBackend.get());  // [(1,) L, kh·kw·C]
            Object values = PatchEncoder.array(cols);
            int k = (int) g.rows();
            int blocksW = (int) g.blocksW();
            int c = (int) s[2];
            boolean channelsFirst = options.layout() == ImageLayout.CHANNELS_FIRST;
            Object shape = seq(channelsFirst ? List.of(c, kernel[0], kernel[1]) : List.of(kernel[0], kernel[1], c));
            DType type = options.floatArray() ? DType.FLOAT32 : PatchEncoder.binaryType(options.dtype(), image.dtype());
            double[] hwc = new double[k], chw = channelsFirst ? new double[k] : hwc;
            List<Row> out = new ArrayList<>();
            for (int l = 0; l < g.blocks(); l++) {
                PatchEncoder.read(values, l * k, k, hwc);
                if (!kept(hwc, k)) {
                    continue;
                }
                if (channelsFirst) {
                    // The unfold of channels-last pixels gives [kH, kW, C]; reordering the window here
                    // costs no copy of the image, where a channels-first unfold would need one.
                    for (int p = 0, i = 0, taps = kernel[0] * kernel[1]; p < taps; p++) {
                        for (int ch = 0; ch < c; ch++, i++) {
                            chw[ch * taps + p] = hwc[i];
                        }
                    }
                }
                double[] v = chw;
                Object patch = options.floatArray() ? seq(PatchEncoder.floatList(v, k))
                        : PatchEncoder.encode(v, k, type, image.dtype());
                out.add(RowFactory.create(origin, l, l / blocksW, l % blocksW, type.toString(), shape, patch));
            }
            return out;
        }

        private boolean kept(double[] v, int k) {
            if (options.minMean() == Double.NEGATIVE_INFINITY && options.minVariance() == Double.NEGATIVE_INFINITY) {
                return true;
            }
            double sum = 0, sq = 0;
            for (int i = 0; i < k; i++) {
                sum += v[i];
                sq += v[i] * v[i];
            }
            double mean = sum / k, var = Math.max(0, sq / k - mean * mean);
            return mean >= options.minMean() && var >= options.minVariance();
        }
    }

    /** Whether {@code images} is of the image source (else binaryFile); rejects other frames. */
    static boolean isImageSource(Dataset<Row> images) {
        List<String> names = Arrays.asList(images.schema().fieldNames());
        boolean imageSource = names.contains("image");
        if (!imageSource && !(names.contains("path") && names.contains("content"))) {
            throw new IllegalArgumentException("images must be a DataFrame of Spark's image source (an 'image' column) "
                    + "or of binaryFile ('path' and 'content'), but its columns are " + names);
        }
        return imageSource;
    }

    /** A Scala {@code Seq}: the external type Spark's row encoder takes for an array column. */
    static Object seq(List<?> list) {
        return scala.jdk.javaapi.CollectionConverters.asScala(list).toSeq();
    }
}
