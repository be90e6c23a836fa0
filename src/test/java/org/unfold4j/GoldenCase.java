package org.unfold4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** One record of a golden case file (the format: src/test/resources/golden/README.md). */
record GoldenCase(JsonNode json) {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The vendored case files, relative to the repository root (Maven's working directory for tests). */
    static final Path VENDORED = Path.of("src", "test", "resources", "golden");

    /**
     * The case files: the system property {@code unfold4j.cases} (one path, or several separated
     * by commas), else the public files vendored under {@link #VENDORED} (copied from the
     * project's supply of PyTorch cases, so that a clone tests itself with nothing beside it).
     */
    static List<Path> casesFiles() {
        String p = System.getProperty("unfold4j.cases");
        if (p == null || p.isBlank()) {
            return List.of(VENDORED.resolve("cases-public.jsonl"), VENDORED.resolve("cases-ext-public.jsonl"),
                    VENDORED.resolve("cases-blend-public.jsonl"));
        }
        return java.util.Arrays.stream(p.split(",")).map(String::trim).map(Path::of).toList();
    }

    static List<GoldenCase> load(Path file) {
        List<GoldenCase> cases = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    cases.add(new GoldenCase(MAPPER.readTree(line)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading golden cases " + file.toAbsolutePath(), e);
        }
        return cases;
    }

    String id() { return json.get("id").asText(); }
    String op() { return json.get("op").asText(); }
    boolean isError() { return json.has("error"); }
    String error() { return json.get("error").asText(); }
    long[] inputShape() { return longs("input_shape"); }
    long[] expectedShape() { return longs("expected_shape"); }
    int[] kernel() { return ints("kernel_size"); }
    int[] dilation() { return ints("dilation"); }
    int[] padding() { return ints("padding"); }
    int[] stride() { return ints("stride"); }
    long[] outputSize() { return longs("output_size"); }

    PaddingMode paddingMode() { return PaddingMode.parse(textOr("padding_mode", "zeros")); }
    FoldMode foldMode() { return FoldMode.parse(textOr("fold_mode", "sum")); }
    ImageLayout layout() { return ImageLayout.parse(textOr("layout", "nchw")); }
    ColumnLayout outputLayout() { return ColumnLayout.parse(textOr("output_layout", "columns")); }

    /** The record's {@code dtype} field ({@code float32} when absent). */
    String dtypeName() { return textOr("dtype", "float32"); }

    /** Whether the record is of a 16-bit float type, which this branch does not have (their records are skipped). */
    boolean half() { return dtypeName().equals("float16") || dtypeName().equals("bfloat16"); }

    /** The explicit fold weights ({@code fold_weights_f32} of shape {@code fold_weights_shape}), or null. */
    Tensor foldWeights() {
        return json.has("fold_weights_f32") ? Tensor.of(floats(bytes("fold_weights_f32")), longs("fold_weights_shape")) : null;
    }

    /** The named blend window of {@code fold_window}, or null: gaussian (with its sigma_scale), hann or triangular. */
    BlendWindow foldWindow() {
        if (!json.has("fold_window")) {
            return null;
        }
        JsonNode w = json.get("fold_window");
        return switch (w.get("window").asText()) {
            case "gaussian" -> BlendWindow.gaussian(w.get("sigma_scale").asDouble());
            case "hann" -> BlendWindow.hann();
            case "triangular" -> BlendWindow.triangular();
            default -> throw new IllegalStateException("case " + id() + ": unknown fold_window " + w);
        };
    }

    private String textOr(String field, String fallback) {
        return json.has(field) ? json.get(field).asText() : fallback;
    }

    /** The input tensor, of the type its field's suffix names. */
    Tensor input() {
        return tensor("input", inputShape());
    }

    /** The expected result: float32 for unfold results, float64 for fold sums (see {@link #foldTolerance}), else exact. */
    Tensor expected() {
        return tensor("expected", expectedShape());
    }

    /**
     * Fold results are PyTorch's float64 sums of float32 (or 16-bit) values; they match within
     * {@link #tolerance}. So do weighted folds (PyTorch's loops sum in another order); max folds
     * are exact.
     */
    boolean foldTolerance() {
        if (!op().equals("fold") || !json.has("expected_f64") || foldMode() == FoldMode.MAX) {
            return false;
        }
        return !json.has("input_f64") || foldMode() == FoldMode.WEIGHTED;
    }

    /** How far a fold result may be from PyTorch's float64 value {@code expected}: 1e-5, 2^-10 (float16) or 2^-7 (bfloat16), times 1 + |expected|. */
    double tolerance(double expected) {
        double relative = json.has("input_f16") ? 0x1p-10 : json.has("input_bf16") ? 0x1p-7 : 1e-5;
        return relative * (1 + Math.abs(expected));
    }

    /** The {@code dtype} field, float32 when absent. */
    String dtype() { return textOr("dtype", "float32"); }

    /** The {@code feature} field, "" when absent. */
    String feature() { return textOr("feature", ""); }

    /** The {@code fold_mode} field as written (the other fields: {@link #foldMode}), "sum" when absent. */
    String foldModeName() { return textOr("fold_mode", "sum"); }

    private Tensor tensor(String prefix, long[] shape) {
        if (json.has(prefix + "_f32")) return Tensor.of(floats(bytes(prefix + "_f32")), shape);
        if (json.has(prefix + "_f64")) return Tensor.of(doubles(bytes(prefix + "_f64")), shape);
        if (json.has(prefix + "_i32")) return Tensor.of(ints(bytes(prefix + "_i32")), shape);
        if (json.has(prefix + "_u8")) return Tensor.ofUint8(Base64.getDecoder().decode(json.get(prefix + "_u8").asText()), shape);
        if (json.has(prefix + "_f16")) return Tensor.ofFloat16(shorts(bytes(prefix + "_f16")), shape);
        if (json.has(prefix + "_bf16")) return Tensor.ofBFloat16(shorts(bytes(prefix + "_bf16")), shape);
        throw new IllegalStateException("case " + id() + " has no " + prefix + " values");
    }

    private ByteBuffer bytes(String field) {
        return ByteBuffer.wrap(Base64.getDecoder().decode(json.get(field).asText())).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static float[] floats(ByteBuffer b) {
        float[] r = new float[b.remaining() / 4];
        b.asFloatBuffer().get(r);
        return r;
    }

    private static double[] doubles(ByteBuffer b) {
        double[] r = new double[b.remaining() / 8];
        b.asDoubleBuffer().get(r);
        return r;
    }

    private static short[] shorts(ByteBuffer b) {
        short[] r = new short[b.remaining() / 2];
        b.asShortBuffer().get(r);
        return r;
    }

    private static int[] ints(ByteBuffer b) {
        int[] r = new int[b.remaining() / 4];
        b.asIntBuffer().get(r);
        return r;
    }

    private long[] longs(String field) {
        JsonNode a = json.get(field);
        long[] r = new long[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).asLong();
        return r;
    }

    private int[] ints(String field) {
        JsonNode a = json.get(field);
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).asInt();
        return r;
    }

    @Override
    public String toString() {
        return id();
    }
}
