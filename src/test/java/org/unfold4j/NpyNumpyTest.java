package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files {@link Npy} writes, read by NumPy itself: {@code src/test/resources/npy/make.py check}
 * prints NumPy's type, order, shape and values of each, compared here with the tensors written.
 * Skips, with the reason, where no {@code python3} with numpy is found ({@code /usr/bin/python3},
 * else {@code python3} on the PATH; Debian: {@code apt-get install -y python3-numpy});
 * {@code -Dunfold4j.requireNumpy=true} makes that a failure.
 */
class NpyNumpyTest {
    @TempDir
    Path tmp;

    /** A python3 that imports numpy, or a skip (a failure with unfold4j.requireNumpy) saying why not. */
    static String python() {
        List<String> tried = new ArrayList<>();
        for (String exe : new String[] {"/usr/bin/python3", "python3"}) {
            try {
                Process p = new ProcessBuilder(exe, "-c", "import numpy").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return exe;
                }
                tried.add(exe + ": " + (out.isEmpty() ? "exit " + p.exitValue() : out.lines().reduce((a, b) -> b).orElse("")));
            } catch (IOException e) {
                tried.add(exe + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                tried.add(exe + ": interrupted");
            }
        }
        String reason = "no python3 with numpy to read the files back (" + String.join("; ", tried)
                + "); Debian: apt-get install -y python3-numpy";
        if (Boolean.getBoolean("unfold4j.requireNumpy")) {
            fail(reason + " (unfold4j.requireNumpy=true)");
        }
        Assumptions.abort(reason);
        return null;
    }

    @Test
    void numpyReadsWhatNpyWrites() throws IOException, InterruptedException, URISyntaxException {
        String python = python();
        Random r = new Random(5);
        List<Tensor> written = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        for (DType dtype : NpyTest.NPY_TYPES) {
            for (long[] shape : NpyTest.SHAPES) {
                Tensor t = NpyTest.sample(dtype, r, shape);
                Path f = tmp.resolve(dtype + "-" + files.size() + ".npy");
                Npy.write(f, t);
                written.add(t);
                files.add(f);
            }
        }
        // Streamed, several chunks long, in pieces out of order.
        double[] v = new double[300_001];
        Arrays.setAll(v, i -> i * 0.5 - 7);
        Tensor big = Tensor.of(v, 300_001);
        Path streamed = tmp.resolve("streamed.npy");
        try (Npy.Writer w = Npy.writer(streamed, DType.FLOAT64, 300_001)) {
            w.write(150_000, big, 150_000, 150_001);
            w.write(0, big, 0, 150_000);
        }
        written.add(big);
        files.add(streamed);

        Path script = Path.of(NpyNumpyTest.class.getResource("/npy/make.py").toURI());
        List<String> command = new ArrayList<>(List.of(python, script.toString(), "check"));
        files.forEach(f -> command.add(f.toString()));
        Path out = tmp.resolve("numpy.txt");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "numpy took over 2 minutes");
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join("\n", lines));
        assertEquals(files.size(), lines.size(), String.join("\n", lines));
        for (int i = 0; i < files.size(); i++) {
            Tensor t = written.get(i);
            String[] f = lines.get(i).split("\t", -1);
            assertEquals(files.get(i).getFileName().toString(), f[0]);
            assertTrue(f.length == 5, "numpy could not read " + files.get(i) + ": " + lines.get(i));
            String what = f[0] + " " + t;
            assertEquals(Npy.descr(t.dtype()), f[1], what);
            assertEquals("False", f[2], what);
            assertEquals(python(t.shape()), f[3], what);
            String[] values = f[4].isEmpty() ? new String[0] : f[4].split(" ");
            assertEquals(t.elementCount(), values.length, what);
            for (int k = 0; k < values.length; k++) {
                double expected = t.getDouble(k);
                double got = parse(values[k]);
                if (!(Double.isNaN(expected) && Double.isNaN(got)) && Double.doubleToLongBits(expected) != Double.doubleToLongBits(got)) {
                    fail(what + " element " + k + ": wrote " + expected + ", numpy read " + values[k]);
                }
            }
        }
    }

    /** Python's repr of a shape tuple. */
    private static String python(long[] shape) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return s.append(shape.length == 1 ? ",)" : ")").toString();
    }

    /** Python's repr of a float. */
    private static double parse(String repr) {
        return switch (repr) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(repr);
        };
    }
}
