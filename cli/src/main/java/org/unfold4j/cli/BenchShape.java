package org.unfold4j.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.unfold4j.Window;

/**
 * One benchmark geometry: an [N, C, H, W] input and a window (square stride, padding and
 * dilation; the kernel {@code k × kw}). The standard shapes are read from bench/shapes.tsv,
 * packed into the jar as a resource (Note [one list of shapes] in that file).
 */
record BenchShape(String name, int n, int c, int h, int w, int k, int s, int p, int d, int kw) {
    /** The resource that cli/pom.xml copies from bench/shapes.tsv. */
    static final String RESOURCE = "/org/unfold4j/bench/shapes.tsv";

    Window window() {
        return new Window(k, kw, d, d, p, p, s, s);
    }

    long[] input() {
        return new long[] {n, c, h, w};
    }

    String describe() {
        return String.format(Locale.ROOT, "[%d, %d, %d, %d] k%s s%d p%d d%d", n, c, h, w,
                k == kw ? String.valueOf(k) : "(" + k + ", " + kw + ")", s, p, d);
    }

    /** The standard shapes (the performance issue's), in the file's order. */
    static List<BenchShape> standard() {
        return Table.TABLE.standard;
    }

    /** {@code --quick}: the same windows on the file's smaller batches or images, so a run takes seconds. */
    static List<BenchShape> quick() {
        return Table.TABLE.quick;
    }

    /** What the shape named {@code name} stands for (shapes.tsv's last column), or "" for another name. */
    static String what(String name) {
        return Table.TABLE.what.getOrDefault(name, "");
    }

    /** The shapes' names, for {@code --shapes}: its completion candidates and its message. */
    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return standard().stream().map(BenchShape::name).iterator();
        }

        @Override
        public String toString() {
            return String.join(", ", this);
        }
    }

    /** shapes.tsv, read once. */
    private static final class Table {
        static final Table TABLE = read();

        final List<BenchShape> standard = new ArrayList<>();
        final List<BenchShape> quick = new ArrayList<>();
        final java.util.Map<String, String> what = new java.util.LinkedHashMap<>();

        private static Table read() {
            Table t = new Table();
            try (InputStream in = BenchShape.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the resource " + RESOURCE + " (bench/shapes.tsv) is missing");
                }
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                String line;
                boolean header = true;
                while ((line = r.readLine()) != null) {
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
                    t.what.put(f[0], f[10].strip());
                    int[] kernel = ints(f[5], 1, 2);
                    int kh = kernel[0], kw = kernel[kernel.length - 1];
                    int s = Integer.parseInt(f[6]), p = Integer.parseInt(f[7]), d = Integer.parseInt(f[8]);
                    int[] q = ints(f[9], 4, 4);
                    t.standard.add(new BenchShape(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]),
                            Integer.parseInt(f[3]), Integer.parseInt(f[4]), kh, s, p, d, kw));
                    t.quick.add(new BenchShape(f[0], q[0], q[1], q[2], q[3], kh, s, p, d, kw));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return t;
        }

        /** A comma-separated list of {@code min} to {@code max} whole numbers. */
        private static int[] ints(String field, int min, int max) {
            String[] parts = field.split(",");
            if (parts.length < min || parts.length > max) {
                throw new IllegalStateException(RESOURCE + ": '" + field + "' should have " + min
                        + (min == max ? "" : " to " + max) + " comma-separated numbers");
            }
            int[] v = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                v[i] = Integer.parseInt(parts[i].trim());
            }
            return v;
        }
    }
}
