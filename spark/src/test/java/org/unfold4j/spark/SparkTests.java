package org.unfold4j.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;

/** What the Spark test classes share: a local session and image files of random samples. */
final class SparkTests {
    private SparkTests() {
    }

    /** A {@code local[2]} session without the web UI, bound to the loopback address (no network needed). */
    static SparkSession session(String name) {
        return SparkSession.builder().master("local[2]").appName(name)
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
    }

    /** An image of {@code type} whose every sample is drawn from {@code r} (0..65535 for 16-bit gray, else 0..255). */
    static BufferedImage random(int type, int w, int h, Random r) {
        BufferedImage img = new BufferedImage(w, h, type);
        var raster = img.getRaster();
        int max = type == BufferedImage.TYPE_USHORT_GRAY ? 65535 : 255;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int b = 0; b < raster.getNumBands(); b++) {
                    raster.setSample(x, y, b, r.nextInt(max + 1));
                }
            }
        }
        return img;
    }

    /** Writes {@code img} as {@code dir/name} in {@code format}, which ImageIO must know. */
    static void write(BufferedImage img, String format, Path dir, String name) throws IOException {
        assertTrue(ImageIO.write(img, format, dir.resolve(name).toFile()), name);
    }
}
