package org.unfold4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
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
 * ({@code spark.read().format("binaryFile")}, columns {@code path} and {@code content}): image
 * files decoded with {@link org.unfold4j.Images} (16-bit files keep 16 bits), and {@code .npy}
 * arrays of any type and channel count, 2-D or, for 3-D windows, volumes (Note [arrays as
 * inputs] in {@code ImageRows}). Output: one row per window kept, with the schema
 * {@link #schema(int, boolean)}:
 * <pre>
 * origin  string      the image's path
 * window  int         the window's index, row-major over the window grid
 * depth   int         3-D windows only: the window's depth in the grid
 * row     int         the window's row in the grid
 * col     int         the window's column in the grid
 * dtype   string      the patch's element type (the input's, or the option's; float32 for array&lt;float&gt;)
 * shape   array&lt;int&gt;  [(kernelD,) kernelH, kernelW, C], or [C, (kernelD,) kernelH, kernelW] with
 *                     {@link PatchOptions#withLayout} CHANNELS_FIRST
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
     * {@return the output schema of 2-D windows}
     *
     * @param floatArray whether {@code patch} is {@code array<float>} rather than binary
     */
    public static StructType schema(boolean floatArray) {
        return schema(2, floatArray);
    }

    /**
     * {@return the output schema of windows of {@code rank} dimensions}: 3-D windows add {@code depth}
     *
     * @param rank       2 or 3
     * @param floatArray whether {@code patch} is {@code array<float>} rather than binary
     * @throws IllegalArgumentException for another rank
     */
    public static StructType schema(int rank, boolean floatArray) {
        if (rank != 2 && rank != 3) {
            throw new IllegalArgumentException("SparkPatches takes 2-D and 3-D windows, but rank is " + rank);
        }
        List<StructField> fields = new ArrayList<>(List.of(
            DataTypes.createStructField("origin", DataTypes.StringType, false),
            DataTypes.createStructField("window", DataTypes.IntegerType, false)));
        if (rank == 3) {
            fields.add(DataTypes.createStructField("depth", DataTypes.IntegerType, false));
        }
        fields.addAll(List.of(
            DataTypes.createStructField("row", DataTypes.IntegerType, false),
            DataTypes.createStructField("col", DataTypes.IntegerType, false),
            DataTypes.createStructField("dtype", DataTypes.StringType, false),
            DataTypes.createStructField("shape", DataTypes.createArrayType(DataTypes.IntegerType, false), false),
            DataTypes.createStructField("patch", floatArray ? DataTypes.createArrayType(DataTypes.FloatType, false)
                    : DataTypes.BinaryType, false)));
        return new StructType(fields.toArray(StructField[]::new));
    }

    /**
     * The patches of every image, one row per window, as the class description says. Lazy, as
     * Spark's transformations are: nothing runs before an action (a write, a count).
     *
     * @param images  an {@code image} or {@code binaryFile} DataFrame
     * @param spec    the 2-D or 3-D window: kernel, stride, padding, dilation and padding mode are
     *                used; the spec's layouts are not (the patches' layout is an option)
     * @param options element type, layouts, binary or floats, background filter, unreadable counter
     * @return the patches' DataFrame
     * @throws IllegalArgumentException if {@code images} has neither an {@code image} struct
     *     column nor {@code path} and {@code content}; if the window is neither 2-D nor 3-D; if it
     *     is 3-D over the image source (2-D images) or over channels-last arrays
     */
    public static Dataset<Row> unfold(Dataset<Row> images, Unfold spec, PatchOptions options) {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(options, "options");
        int rank = spec.window().rank();
        if (rank != 2 && rank != 3) {
            throw new IllegalArgumentException("SparkPatches needs a 2-D or 3-D window, but got " + spec.window());
        }
        boolean imageSource = isImageSource(images);
        if (rank == 3 && imageSource) {
            throw new IllegalArgumentException("a 3-D window " + spec.window() + " needs volumes, .npy files read with "
                    + "binaryFile; Spark's image source holds 2-D images");
        }
        if (rank == 3 && options.arrayLayout() == ImageLayout.CHANNELS_LAST) {
            throw new IllegalArgumentException("a 3-D window " + spec.window() + " needs channels-first volumes "
                    + "[C, D, H, W] (or [D, H, W]), but the options say arrays are channels last");
        }
        Dataset<Row> in = imageSource ? images.select("image") : images.select("path", "content");
        Extract f = new Extract(imageSource, spec.window(), spec.paddingMode(), options);
        return in.flatMap(f, Encoders.row(schema(rank, options.floatArray())));
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
        /** The unfold of each input layout (images are channels last, arrays either), made once per deserialisation. */
        private transient Map<ImageLayout, Unfold> unfolds;

        Extract(boolean imageSource, Window w, PaddingMode mode, PatchOptions options) {
            this.imageSource = imageSource;
            this.kernel = w.kernel();
            this.dilation = w.dilation();
            this.padding = w.padding();
            this.stride = w.stride();
            this.paddingMode = mode.toString();
            this.options = options;
        }

        private Unfold unfold(ImageLayout layout) {
            if (unfolds == null) {
                unfolds = new EnumMap<>(ImageLayout.class);
            }
            return unfolds.computeIfAbsent(layout, l -> Unfold.of(Window.of(kernel, dilation, padding, stride))
                    .withPaddingMode(PaddingMode.parse(paddingMode))
                    .withImageLayout(l)
                    .withColumnLayout(ColumnLayout.PATCHES));
        }

        @Override
        public Iterator<Row> call(Row r) {
            ImageRows.Input input = ImageRows.read(r, imageSource, kernel.length, options.arrayLayout(),
                    options.unreadableCounter());
            return input == null ? List.<Row>of().iterator() : patches(input).iterator();
        }

        private List<Row> patches(ImageRows.Input input) {
            String origin = input.origin();
            // [1, H, W, C] from the image source, unbatched [H, W, C] from Images and [C, *spatial]
            // from arrays: unfold takes each as it is, so none is copied to add a batch dimension.
            Tensor pixels = input.pixels();
            int rank = kernel.length, c = input.channels(rank);
            ColumnGeometry g;
            try {
                g = unfold(input.layout()).geometry(pixels.dtype(), pixels.shape());
            } catch (IllegalArgumentException tooSmall) {
                return List.of();  // smaller than the window: no window fits (documented: no rows)
            }
            Tensor cols = unfold(input.layout()).apply(pixels, ExecutorBackend.get());  // [(1,) L, K]
            Object values = PatchEncoder.array(cols);
            int k = (int) g.rows(), taps = k / c;
            int blocksW = (int) g.blocksW(), blocksHW = (int) (g.blocksH() * g.blocksW());
            // Each window comes as the input's layout orders it ([taps, C] channels last, [C, taps]
            // first) and goes out as the options say: reordered here, per window, when they differ.
            boolean outFirst = options.layout() == ImageLayout.CHANNELS_FIRST;
            boolean transpose = outFirst != (input.layout() == ImageLayout.CHANNELS_FIRST);
            List<Integer> dims = new ArrayList<>();
            for (int d : kernel) {
                dims.add(d);
            }
            dims.add(outFirst ? 0 : dims.size(), c);
            Object shape = seq(dims);
            DType type = options.floatArray() ? DType.FLOAT32 : PatchEncoder.binaryType(options.dtype(), pixels.dtype());
            double[] in = new double[k], reordered = transpose ? new double[k] : in;
            List<Row> out = new ArrayList<>();
            for (int l = 0; l < g.blocks(); l++) {
                PatchEncoder.read(values, l * k, k, in);
                if (!kept(in, k)) {
                    continue;
                }
                if (transpose) {
                    // [a, b] to [b, a]: channels last [taps, C] to first [C, taps], or the reverse.
                    int rows = input.layout() == ImageLayout.CHANNELS_FIRST ? c : taps, cols2 = k / rows;
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < cols2; j++) {
                            reordered[j * rows + i] = in[i * cols2 + j];
                        }
                    }
                }
                Object patch = options.floatArray() ? seq(PatchEncoder.floatList(reordered, k))
                        : PatchEncoder.encode(reordered, k, type, pixels.dtype());
                int row = (l / blocksW) % (int) g.blocksH(), col = l % blocksW;
                out.add(rank == 3
                        ? RowFactory.create(origin, l, l / blocksHW, row, col, type.toString(), shape, patch)
                        : RowFactory.create(origin, l, row, col, type.toString(), shape, patch));
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
