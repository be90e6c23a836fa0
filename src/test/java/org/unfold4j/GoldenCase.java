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

/** One record of a golden case file (see ../shared/golden/README.md). */
record GoldenCase(JsonNode json) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The case file: the system property {@code unfold4j.cases}, else the public cases of ../shared. */
    static Path casesFile() {
        String p = System.getProperty("unfold4j.cases");
        return p == null || p.isBlank() ? Path.of("..", "shared", "golden", "cases-public.jsonl") : Path.of(p);
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

    /**
     * Why this record needs a feature not implemented yet (the cases-ext fields: another
     * padding mode, fold mean, a layout, a dtype, 1-D or 3-D windows), or null when it does not.
     */
    String unsupportedFeature() {
        if (!textOr("padding_mode", "zeros").equals("zeros")) return "padding_mode=" + textOr("padding_mode", "");
        if (!textOr("fold_mode", "sum").equals("sum")) return "fold_mode=" + textOr("fold_mode", "");
        if (!textOr("layout", "nchw").equals("nchw")) return "layout=" + textOr("layout", "");
        if (!textOr("output_layout", "columns").equals("columns")) return "output_layout=" + textOr("output_layout", "");
        if (!textOr("dtype", "float32").equals("float32")) return "dtype=" + textOr("dtype", "");
        if (json.get("kernel_size").size() != 2) return json.get("kernel_size").size() + "-D windows";
        if (!json.has("input_f32")) return "input type other than float32";
        return null;
    }

    private String textOr(String field, String fallback) {
        return json.has(field) ? json.get(field).asText() : fallback;
    }

    float[] inputF32() { return floats(json.get("input_f32").asText()); }
    float[] expectedF32() { return floats(json.get("expected_f32").asText()); }
    boolean hasExpectedF64() { return json.has("expected_f64"); }
    double[] expectedF64() { return doubles(json.get("expected_f64").asText()); }

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

    private static float[] floats(String base64) {
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        float[] r = new float[b.remaining() / 4];
        b.asFloatBuffer().get(r);
        return r;
    }

    private static double[] doubles(String base64) {
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        double[] r = new double[b.remaining() / 8];
        b.asDoubleBuffer().get(r);
        return r;
    }

    @Override
    public String toString() {
        return id();
    }
}
