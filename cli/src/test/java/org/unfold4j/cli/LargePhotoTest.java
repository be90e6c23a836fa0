package org.unfold4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every command on a generated 12 MP photograph (4000 × 3000 JPEG), on both backends, in the
 * test JVM's default heap (a quarter of the machine's memory): Note [bounded pieces] at full
 * size, with patches.npy beyond 2^31 elements (2.3 G uint8 values).
 *
 * <p>{@link #eachCommandOnA12MegapixelPhoto} runs each command once and is what CI runs
 * ({@code -Dunfold4j.photoTests=true} in {@code .ci/run}); {@link #everyCommandOnA12MegapixelPhoto}
 * runs more variants, patches.npy beyond 2^31 elements (2.3 G uint8 values) among them, and is
 * opt-in with {@code -Dunfold4j.largeTests=true}: on two CPU cores with PoCL it took about eleven
 * minutes (Java 4, PoCL 7; CLBlast's SGEMM on PoCL alone about 50 s per filter).
 * BoundedPiecesTest runs the same banded code on small images in every build. Before this change
 * the filter here died of an OutOfMemoryError on Java (the 3.6 GB column matrix copied once more)
 * and patches refused the 2.3 G-element tensor.
 */
@Tag("large")
class LargePhotoTest {
    @TempDir
    static Path tmp;

    private static Path photo;

    static synchronized Path photo() throws IOException {
        if (photo == null) {
            BufferedImage img = new BufferedImage(4000, 3000, BufferedImage.TYPE_3BYTE_BGR);
            Random r = new Random(12);
            int[] row = new int[4000];
            for (int y = 0; y < 3000; y++) {
                for (int x = 0; x < 4000; x++) {
                    row[x] = ((x * 255 / 4000 + r.nextInt(16)) & 0xff) << 16 | ((y * 255 / 3000 + r.nextInt(16)) & 0xff) << 8
                            | ((x ^ y) >> 4 & 0xff);
                }
                img.setRGB(0, y, 4000, 1, row, 0, 4000);
            }
            photo = tmp.resolve("photo-12mp.jpg");
            ImageIO.write(img, "jpg", photo.toFile());
        }
        return photo;
    }

    static List<String> backends() {
        return Cli.backends().toList();
    }

    /**
     * Each command once on the 12 MP photo, on each backend: what CI runs ({@code .ci/run} sets
     * {@code -Dunfold4j.photoTests=true}), so that the full-size banded paths of every command
     * are exercised on every submission.
     */
    @ParameterizedTest
    @MethodSource("backends")
    void eachCommandOnA12MegapixelPhoto(String backend) throws IOException {
        Assumptions.assumeTrue(Boolean.getBoolean("unfold4j.photoTests") || Boolean.getBoolean("unfold4j.largeTests"),
                "a 12 MP run of each command takes minutes; run with -Dunfold4j.photoTests=true (as .ci/run does)");
        Cli.assumeBackend(backend);
        String image = photo().toString();
        runAll(backend, new String[][] {
            {"filter", image, "--kind", "sobel-x", "--size", "3"},
            {"patches", image, "--kernel", "32", "--stride", "16"},
            {"reconstruct", image, "--kernel", "64", "--stride", "32", "--mode", "sum"},
            {"demo", image},
        });
    }

    /** More of every command on the 12 MP photo, patches.npy beyond 2^31 elements among them. */
    @ParameterizedTest
    @MethodSource("backends")
    void everyCommandOnA12MegapixelPhoto(String backend) throws IOException {
        Assumptions.assumeTrue(Boolean.getBoolean("unfold4j.largeTests"),
                "12 MP runs of every command take minutes; run with -Dunfold4j.largeTests=true");
        Cli.assumeBackend(backend);
        String image = photo().toString();
        runAll(backend, new String[][] {
            {"filter", image},
            {"filter", image, "--kind", "sobel-x", "--size", "3"},
            {"patches", image, "--kernel", "32", "--stride", "16"},
            {"patches", image, "--kernel", "16", "--stride", "2", "--dtype", "uint8"},
            {"reconstruct", image, "--kernel", "64", "--stride", "32", "--mode", "sum"},
            {"reconstruct", image, "--kernel", "64", "--stride", "48", "--padding", "16", "--padding-mode",
                "reflect", "--tile-op", "blur"},
            {"demo", image},
        });
    }

    private static void runAll(String backend, String[][] runs) throws IOException {
        for (String[] run : runs) {
            Path out = tmp.resolve(backend + "-" + run[0] + "-" + System.nanoTime());
            List<String> args = new ArrayList<>(Arrays.asList(run));
            args.addAll(List.of("--backend", backend, "--out", out.toString()));
            Cli.Run r = Cli.run(args.toArray(new String[0])).expectSuccess();
            assertEquals("", r.err(), String.join(" ", run));
            if (run[0].equals("filter")) {
                assertTrue(r.out().contains("bands of image rows"), r.out());
            }
            if (Arrays.asList(run).contains("uint8")) {
                // [768, 2975549] uint8: the header, then 2,285,221,632 bytes.
                assertEquals(org.unfold4j.Npy.fileSize(org.unfold4j.DType.UINT8, new long[] {768, 2975549}),
                        Files.size(out.resolve("patches.npy")));
                assertTrue(768L * 2975549 > Integer.MAX_VALUE);
            }
            for (String name : Cli.names(out)) {
                Files.delete(out.resolve(name)); // keep the disk free for the next run
            }
        }
    }
}
