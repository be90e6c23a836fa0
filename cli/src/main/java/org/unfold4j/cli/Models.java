package org.unfold4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.unfold4j.onnx.OnnxModel;

/**
 * The models {@code infer} runs: an {@code .onnx} file, or one bundled in unfold4j-onnx
 * ({@link OnnxModel#BUNDLED}); every failure to load is bad input, naming the model.
 */
final class Models {
    private Models() {
    }

    /** The model in {@code file}, or the bundled model of that name ({@code edges} or {@code gray}) when no such file exists. */
    static OnnxModel open(String fileOrBundled) {
        Path file = Path.of(fileOrBundled);
        try {
            if (Files.isRegularFile(file)) {
                return OnnxModel.load(file);
            }
            String name = fileOrBundled.endsWith(".onnx") ? fileOrBundled.substring(0, fileOrBundled.length() - 5) : fileOrBundled;
            if (!OnnxModel.BUNDLED.contains(name)) {
                throw new BadInputException("model file not found: " + fileOrBundled
                        + " (give an .onnx file, or a bundled model: " + String.join(", ", OnnxModel.BUNDLED) + ")");
            }
            return OnnxModel.bundled(name);
        } catch (IOException e) {
            throw new BadInputException("cannot read the ONNX model " + fileOrBundled + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage(), e);
        }
    }
}
