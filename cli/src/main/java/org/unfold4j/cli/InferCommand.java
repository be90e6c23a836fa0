package org.unfold4j.cli;

import java.nio.file.Path;
import org.unfold4j.BlendWindow;
import org.unfold4j.Npy;
import org.unfold4j.PaddingMode;
import org.unfold4j.SlidingWindow;
import org.unfold4j.Tensor;
import org.unfold4j.onnx.OnnxModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code unfold4j infer}: an ONNX model over the tiles of an image, stitched with {@link SlidingWindow}. */
@Command(name = "infer", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"Run an ONNX model that takes fixed-size tiles over an image of any size and stitch its "
                + "outputs without seams (SlidingWindow: overlapping tiles, blended by a window). The model gets "
                + "[B, C, tile, tile] float32 tiles with values 0..1 and returns [B, C', tile, tile]; the result, "
                + "[C', H, W], is written as infer.png (C' = 1 or 3; values 0..1 shown as 0..255, clipped) and, "
                + "with --npy, as infer.npy. Runs ONNX Runtime on the CPU."},
        footer = {"", "Examples:", "  unfold4j infer --model edges --tile 128 --overlap 0.25 --blend gaussian",
            "  unfold4j infer photo.png --model my-model.onnx --tile 256 --batch 8 --npy --out out/infer"})
final class InferCommand extends BaseCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "IMAGE",
            description = "A PNG, JPEG, GIF, BMP or TIFF file (default: the bundled photograph).")
    Path image;

    @Option(names = "--model", defaultValue = "edges", paramLabel = "FILE|edges|gray",
            description = "An .onnx file, or a bundled model: edges (an edge map: blur, Sobel, magnitude) or gray "
                    + "(luminance, a 1x1 convolution) (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--tile", defaultValue = "128", paramLabel = "N",
            description = "Tile size in pixels, N x N (default: ${DEFAULT-VALUE}).")
    int tile;

    @Option(names = "--overlap", defaultValue = "0.25", paramLabel = "F",
            description = "Overlap of neighbouring tiles, a fraction of the tile in [0, 1) (default: ${DEFAULT-VALUE}).")
    double overlap;

    @Option(names = "--blend", defaultValue = "gaussian", paramLabel = "constant|gaussian|hann|triangular",
            description = "How overlapping tiles are weighted (default: ${DEFAULT-VALUE}; constant is their mean).")
    String blend;

    @Option(names = "--sigma-scale", defaultValue = "0.125", paramLabel = "S",
            description = "The gaussian window's sigma as a fraction of the tile (default: ${DEFAULT-VALUE}, as nnU-Net).")
    double sigmaScale;

    @Option(names = "--batch", defaultValue = "4", paramLabel = "B",
            description = "Tiles per model call (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--padding-mode", defaultValue = "reflect", paramLabel = "zeros|reflect|replicate|circular",
            description = "How tiles reaching past the image are filled (default: ${DEFAULT-VALUE}).")
    String paddingMode;

    @Option(names = "--npy", description = "Also write the raw output as infer.npy (float32 [C', H, W]).")
    boolean npy;

    @Option(names = "--out", defaultValue = "out/infer", paramLabel = "DIR",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    RunOptions run;

    @Override
    RunOptions runOptions() {
        return run;
    }

    @Override
    public Integer call() {
        SlidingWindow sw;
        try {
            sw = SlidingWindow.of(tile, tile).withOverlap(overlap).withBlend(BlendWindow.parse(blend, sigmaScale))
                    .withBatchSize(batch).withPaddingMode(PaddingMode.parse(paddingMode));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage(), e);
        }
        Picture pic = decode(image);
        try (OnnxModel m = Models.open(model); OutputFiles files = OutputFiles.open(out)) {
            Tensor input = unitInput(pic, m);
            int tiles = sw.positions(pic.height(), pic.width()).size();
            say("model: %s (ONNX Runtime, CPU)", m.name());
            say("image: %s, %s", image == null ? "bundled photograph" : display(image), pic.size());
            say("tiles: %d of %dx%d, stride %d, %s blend, %d per call", tiles, tile, tile, sw.stride()[0], blend, batch);
            long t0 = System.nanoTime();
            Tensor result;
            try (Progress.Step bar = run.progress().start("tiles", tiles)) {
                result = sw.apply(input, t -> {
                    Tensor y = m.apply(t);
                    bar.advance(t.shape()[0]);
                    return y;
                });
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage(), e);
            }
            long[] s = result.shape();
            say("output: [%d, %d, %d] in %.0f ms", s[0], s[1], s[2], millisSince(t0));
            if (s[0] == 1 || s[0] == 3) {
                files.write("infer.png", f -> ImageFiles.writePng(shown(result), f));
            } else {
                say("infer.png: not written, the output has %d channels (1 or 3 make a picture); see infer.npy", s[0]);
            }
            if (npy || (s[0] != 1 && s[0] != 3)) {
                files.write("infer.npy", f -> Npy.write(f, result));
            }
            sayWritten(files.commit());
        }
        return 0;
    }

    /** The picture as the model's input {@code [C, H, W]} in 0..1, gray repeated to 3 channels when the model asks for 3. */
    static Tensor unitInput(Picture pic, OnnxModel m) {
        int c = pic.channels();
        long want = m.channels();
        int to = want == 3 && c == 1 ? 3 : c;
        if (want > 0 && want != to) {
            throw new BadInputException("the ONNX model " + m.name() + " takes " + want + " channels, but the image has " + c);
        }
        int plane = pic.height() * pic.width();
        float[] v = new float[to * plane];
        float[] d = pic.data();
        for (int ch = 0; ch < to; ch++) {
            int from = (c == 1 ? 0 : ch) * plane;
            for (int i = 0; i < plane; i++) {
                v[ch * plane + i] = d[from + i] / 255f;
            }
        }
        return Tensor.of(v, to, pic.height(), pic.width());
    }

    /** The output as a picture: values 0..1 as 0..255, clipped. */
    static Picture shown(Tensor result) {
        float[] v = result.toFloatArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.max(0f, Math.min(255f, v[i] * 255f));
        }
        long[] s = result.shape();
        return new Picture(v, (int) s[0], (int) s[1], (int) s[2]);
    }
}
