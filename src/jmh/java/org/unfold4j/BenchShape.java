package org.unfold4j;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The standard benchmark shapes of the performance issue: (N, C, H, W, kernel, stride, padding,
 * dilation), read from bench/shapes.tsv (Note [one list of shapes] there), which the bench profile
 * puts on the class path. An enum so that a JMH {@code @Param} of this type runs every shape
 * without listing their names again; each constant takes its geometry from the file's row of
 * its name, and loading the class fails unless the file's names and the constants are the same.
 * Public: JMH's generated code (another package) sets the {@code @Param} fields.
 */
public enum BenchShape {
    conv3x3, vit16, tile256, dilated, seed;

    /** The resource the bench profile copies from bench/shapes.tsv. */
    static final String RESOURCE = "/org/unfold4j/bench/shapes.tsv";

    final long n, c, h, w;
    final Unfold unfold;
    final Fold fold;

    BenchShape() {
        String[] f = Table.ROWS.get(name());
        if (f == null) {
            throw new IllegalStateException(RESOURCE + " has no shape named " + name());
        }
        this.n = Long.parseLong(f[1]);
        this.c = Long.parseLong(f[2]);
        this.h = Long.parseLong(f[3]);
        this.w = Long.parseLong(f[4]);
        String[] kernel = f[5].split(",");
        int kh = Integer.parseInt(kernel[0].trim()), kw = Integer.parseInt(kernel[kernel.length - 1].trim());
        int stride = Integer.parseInt(f[6]), padding = Integer.parseInt(f[7]), dilation = Integer.parseInt(f[8]);
        Window window = Window.ofKernel(kh, kw).withStride(stride, stride).withPadding(padding, padding)
                .withDilation(dilation, dilation);
        this.unfold = Unfold.of(window);
        this.fold = Fold.of(h, w, window);
    }

    static {
        if (Table.ROWS.size() != values().length) {
            throw new IllegalStateException(RESOURCE + " lists " + Table.ROWS.keySet() + " but BenchShape has "
                    + Arrays.toString(values()) + ": add the new shape's constant here");
        }
    }

    long[] imageShape() {
        return new long[] {n, c, h, w};
    }

    ColumnGeometry geometry() {
        return unfold.geometry(imageShape());
    }

    /** Bytes read plus written by one unfold (or fold: the same two tensors). */
    long bytesMoved() {
        ColumnGeometry g = geometry();
        return 4 * (g.imageElements() + g.columnElements());
    }

    Tensor randomImage() {
        return random(imageShape());
    }

    Tensor randomColumns() {
        return random(geometry().columnsShape());
    }

    private static Tensor random(long[] shape) {
        float[] data = new float[(int) Tensor.elementCount(shape)];
        Random r = new Random(Arrays.hashCode(shape));
        for (int i = 0; i < data.length; i++) {
            data[i] = r.nextFloat();
        }
        return Tensor.of(data, shape);
    }

    /** The file's rows by name (the tab-separated fields), read when the first constant is made. */
    private static final class Table {
        static final Map<String, String[]> ROWS = read();

        private static Map<String, String[]> read() {
            Map<String, String[]> rows = new LinkedHashMap<>();
            try (InputStream in = BenchShape.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(RESOURCE + " (bench/shapes.tsv) is not on the class path");
                }
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                boolean header = true;
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.isBlank() || line.startsWith("#")) {
                        continue;
                    }
                    if (header) {
                        header = false; // name N C H W kernel stride padding dilation quick what
                        continue;
                    }
                    String[] f = line.split("\t");
                    if (f.length != 11) {
                        throw new IllegalStateException(RESOURCE + ": expected 11 tab-separated columns, got: " + line);
                    }
                    rows.put(f[0], f);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return rows;
        }
    }
}
