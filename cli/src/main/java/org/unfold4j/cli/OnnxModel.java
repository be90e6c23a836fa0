package org.unfold4j.cli;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.unfold4j.DType;
import org.unfold4j.Tensor;

/**
 * An ONNX model run by ONNX Runtime (CPU) as a function from float32 tile batches
 * {@code [B, C, H, W]} to its first output: what {@link org.unfold4j.SlidingWindow} calls.
 *
 * <p>Each call copies the tiles once into a direct buffer (ONNX Runtime reads it in place) and
 * the output once into a tensor. Model failures (a wrong input shape, a missing operator) come
 * back from the runtime as {@link OrtException}s and are reported as bad input, naming the
 * model; ONNX Runtime runs in-process, so a model that crashes the native runtime would take the
 * JVM with it: only models the user chose are run.
 */
final class OnnxModel implements Function<Tensor, Tensor>, AutoCloseable {
    /** The models bundled next to this class, by name. */
    static final String BUNDLED_DIR = "models/";

    private final String name;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String input;
    private final long channels;

    private OnnxModel(String name, byte[] bytes) {
        this.name = name;
        this.env = OrtEnvironment.getEnvironment();
        try {
            this.session = env.createSession(bytes, new OrtSession.SessionOptions());
        } catch (OrtException e) {
            throw new BadInputException("cannot load the ONNX model " + name + ": " + e.getMessage(), e);
        }
        try {
            Map.Entry<String, NodeInfo> in = session.getInputInfo().entrySet().iterator().next();
            this.input = in.getKey();
            long[] shape = in.getValue().getInfo() instanceof TensorInfo t ? t.getShape() : new long[0];
            if (shape.length != 4) {
                close();
                throw new BadInputException("the ONNX model " + name + " must take an image [N, C, H, W], but its input '"
                        + input + "' is " + java.util.Arrays.toString(shape));
            }
            this.channels = shape[1];
        } catch (OrtException e) {
            close();
            throw new BadInputException("cannot read the inputs of the ONNX model " + name + ": " + e.getMessage(), e);
        }
    }

    /** The model in {@code file}, or the bundled model of that name ({@code edges} or {@code gray}) when no such file exists. */
    static OnnxModel open(String fileOrBundled) {
        Path file = Path.of(fileOrBundled);
        if (Files.isRegularFile(file)) {
            try {
                return new OnnxModel(file.toString(), Files.readAllBytes(file));
            } catch (IOException e) {
                throw new BadInputException("cannot read the ONNX model " + file + ": " + e.getMessage(), e);
            }
        }
        String bundled = fileOrBundled.endsWith(".onnx") ? fileOrBundled : fileOrBundled + ".onnx";
        try (InputStream in = OnnxModel.class.getResourceAsStream(BUNDLED_DIR + bundled)) {
            if (in == null || bundled.contains("/")) {
                throw new BadInputException("model file not found: " + fileOrBundled
                        + " (give an .onnx file, or a bundled model: edges, gray)");
            }
            return new OnnxModel("bundled " + bundled, in.readAllBytes());
        } catch (IOException e) {
            throw new BadInputException("cannot read the bundled model " + bundled + ": " + e.getMessage(), e);
        }
    }

    /** {@return the input channels the model asks for, or -1 when its input does not fix them} */
    long channels() {
        return channels;
    }

    /** {@return how the model is named in messages} */
    String name() {
        return name;
    }

    @Override
    public Tensor apply(Tensor tiles) {
        if (tiles.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("the model takes float32 tiles, but got " + tiles.dtype());
        }
        FloatBuffer in = ByteBuffer.allocateDirect(Math.toIntExact(tiles.elementCount() * Float.BYTES))
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        tiles.copyTo(in);
        in.flip();
        try (OnnxTensor t = OnnxTensor.createTensor(env, in, tiles.shape());
             OrtSession.Result r = session.run(Map.of(input, t))) {
            OnnxValue v = r.get(0);
            if (!(v instanceof OnnxTensor out) || ((TensorInfo) out.getInfo()).type != ai.onnxruntime.OnnxJavaType.FLOAT) {
                throw new BadInputException("the ONNX model " + name + " must return a float32 tensor, but returned "
                        + v.getInfo());
            }
            return Tensor.copyOf(out.getFloatBuffer(), out.getInfo().getShape());
        } catch (OrtException e) {
            throw new BadInputException("the ONNX model " + name + " failed on tiles " + java.util.Arrays.toString(tiles.shape())
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // Closing only frees native memory; nothing to report to the user.
        }
    }
}
