package org.unfold4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.unfold4j.BlendWindow;
import org.unfold4j.PaddingMode;
import org.unfold4j.SlidingWindow;
import org.unfold4j.Tensor;
import org.unfold4j.onnx.OnnxModel;

/**
 * {@code infer} and the bundled ONNX models (onnx/models/make_models.py): tiled against whole-image
 * inference, exact for the 1×1 model, and seams measured for the 3×3 stack.
 */
class InferCommandTest {
    /** The bundled photograph as the models' input, [1, 3, 288, 448] in 0..1. */
    private static Tensor photo(OnnxModel m) {
        Tensor t = InferCommand.unitInput(ImageFiles.bundled(), m);
        long[] s = t.shape();
        return Tensor.of(t.toFloatArray(), 1, s[0], s[1], s[2]);
    }

    @Test
    void theOneByOneModelTiledIsExactlyTheModelOnTheWholeImage() {
        try (OnnxModel gray = Models.open("gray")) {
            Tensor image = photo(gray);
            Tensor whole = gray.apply(image);
            for (BlendWindow blend : new BlendWindow[] {BlendWindow.constant(), BlendWindow.gaussian(0.125), BlendWindow.hann()}) {
                Tensor tiled = SlidingWindow.of(96, 96).withOverlap(0.25).withBlend(blend).withBatchSize(3).apply(image, gray);
                assertEquals(whole, tiled, blend.toString());
            }
        }
    }

    /** Largest |tiled − whole| over the pixels at least 2 from the image's border (the model's own zero padding). */
    private static double interiorError(Tensor tiled, Tensor whole, int h, int w) {
        float[] a = tiled.toFloatArray(), b = whole.toFloatArray();
        double max = 0;
        for (int y = 2; y < h - 2; y++) {
            for (int x = 2; x < w - 2; x++) {
                max = Math.max(max, Math.abs(a[y * w + x] - b[y * w + x]));
            }
        }
        return max;
    }

    /**
     * The 3×3 stack (5×5 receptive field, zero padding in the model) is wrong within 2 pixels of a
     * tile's edge; overlapping tiles hide that, and a gaussian window, whose weight at a tile's edge
     * is exp(−8) of its centre's, hides it far better than the mean. Measured here (largest error,
     * 96-pixel tiles, overlap 0.25): no overlap 2.84, constant 2.04, gaussian 0.018, where a pixel
     * 2 pixels inside one tile's edge is 22 inside its neighbour's, whose weight is 150 times larger.
     */
    @Test
    void blendingHidesTheSeamsOfTheThreeByThreeStack() {
        try (OnnxModel edges = Models.open("edges")) {
            Tensor image = photo(edges);
            Tensor whole = edges.apply(image);
            SlidingWindow sw = SlidingWindow.of(96, 96).withBatchSize(4).withPaddingMode(PaddingMode.REFLECT);
            double side = interiorError(sw.withOverlap(0).apply(image, edges), whole, 288, 448);
            double constant = interiorError(sw.withOverlap(0.25).withBlend(BlendWindow.constant()).apply(image, edges), whole, 288, 448);
            double gaussian = interiorError(sw.withOverlap(0.25).withBlend(BlendWindow.gaussian(0.125)).apply(image, edges), whole, 288, 448);
            System.out.printf("edges interior error: no overlap %.4g, constant %.4g, gaussian %.4g%n", side, constant, gaussian);
            assertTrue(side > 0.1, "tiles side by side show seams: " + side);
            assertTrue(constant < side, "overlap reduces them: " + constant + " vs " + side);
            assertTrue(gaussian < constant / 50, "gaussian blending hides them: " + gaussian + " vs " + constant);
            assertTrue(gaussian < 0.03, "interior error bounded: " + gaussian);
        }
    }

    @Test
    void inferRunsTheBundledModelOnTheBundledPhotograph(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Cli.Run r = Cli.run("infer", "--out", out.toString(), "--tile", "100", "--blend", "hann", "--npy", "-q").expectSuccess();
        assertTrue(r.out().contains("bundled edges.onnx") && r.out().contains("tiles: "), r.out());
        BufferedImage png = ImageIO.read(out.resolve("infer.png").toFile());
        assertEquals(448, png.getWidth());
        assertEquals(288, png.getHeight());
        assertTrue(Files.size(out.resolve("infer.npy")) > 288 * 448 * 4);
    }

    @Test
    void badModelsAndOptionsAreUsageErrors(@TempDir Path dir) throws Exception {
        Cli.Run r = Cli.run("infer", "--model", dir.resolve("missing.onnx").toString(), "--out", dir.resolve("o").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("missing.onnx"), r.err());
        Path junk = Files.writeString(dir.resolve("junk.onnx"), "not a model");
        r = Cli.run("infer", "--model", junk.toString(), "--out", dir.resolve("o").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("junk.onnx"), r.err());
        r = Cli.run("infer", "--blend", "cosine", "--out", dir.resolve("o").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("cosine"), r.err());
        r = Cli.run("infer", "--overlap", "1.5", "--out", dir.resolve("o").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("overlap=1.5"), r.err());
        assertTrue(!Files.exists(dir.resolve("o")), "no output folder is left behind");
    }
}
