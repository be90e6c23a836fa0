package org.unfold4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.unfold4j.onnx.OnnxModel;

/**
 * The models {@code infer} runs: an {@code .onnx} file, or one bundled with the command line
 * (cli/models/make_models.py makes them), loaded by unfold4j-onnx; every failure to load is bad
 * input, naming the model.
 */
final class Models {
    /** The models bundled next to this class, by name. */
    static final String BUNDLED_DIR = "models/";

    private Models() {
    }

    /** The model in {@code file}, or the bundled model of that name ({@code edges} or {@code gray}) when no such file exists. */
    static OnnxModel open(String fileOrBundled) {
        Path file = Path.of(fileOrBundled);
        try {
            if (Files.isRegularFile(file)) {
                return OnnxModel.load(file);
            }
            String bundled = fileOrBundled.endsWith(".onnx") ? fileOrBundled : fileOrBundled + ".onnx";
            try (InputStream in = Models.class.getResourceAsStream(BUNDLED_DIR + bundled)) {
                if (in == null || bundled.contains("/")) {
                    throw new BadInputException("model file not found: " + fileOrBundled
                            + " (give an .onnx file, or a bundled model: edges, gray)");
                }
                return OnnxModel.of(in.readAllBytes(), "bundled " + bundled);
            }
        } catch (IOException e) {
            throw new BadInputException("cannot read the ONNX model " + fileOrBundled + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage(), e);
        }
    }
}
