package org.unfold4j.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.unfold4j.DType;
import org.unfold4j.Tensor;

/**
 * An ONNX model run by ONNX Runtime (CPU) as a function from float32 tile batches
 * {@code [B, C, H, W]} to its first output: what {@link org.unfold4j.SlidingWindow#apply} calls.
 *
 * <p>Each call copies the tiles once into a direct buffer (ONNX Runtime reads it in place) and
 * the output once into a tensor. {@link #apply} may be called from several threads at once
 * (ONNX Runtime's sessions are thread-safe), so one model serves every task of a JVM.
 *
 * <p>Failures are {@link IllegalArgumentException}s naming the model: one that cannot be
 * loaded, whose input is not an image {@code [N, C, H, W]}, that fails on the tiles given (a
 * wrong shape or channel count), or that returns something other than float32. ONNX Runtime runs
 * in-process, so a model that crashes the native runtime would take the JVM with it: run only
 * models you chose.
 */
public final class OnnxModel implements Function<Tensor, Tensor>, AutoCloseable {
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
            throw new IllegalArgumentException("cannot load the ONNX model " + name + ": " + e.getMessage(), e);
        }
        try {
            Map.Entry<String, NodeInfo> in = session.getInputInfo().entrySet().iterator().next();
            this.input = in.getKey();
            long[] shape = in.getValue().getInfo() instanceof TensorInfo t ? t.getShape() : new long[0];
            if (shape.length != 4) {
                close();
                throw new IllegalArgumentException("the ONNX model " + name + " must take an image [N, C, H, W], but its input '"
                        + input + "' is " + Arrays.toString(shape));
            }
            this.channels = shape[1];
        } catch (OrtException e) {
            close();
            throw new IllegalArgumentException("cannot read the inputs of the ONNX model " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@return the model serialised in {@code model}}
     *
     * @param model the bytes of an {@code .onnx} file; not kept
     * @param name  how messages name the model (a file name, say)
     * @throws IllegalArgumentException if ONNX Runtime cannot load it or its input is not {@code [N, C, H, W]}
     */
    public static OnnxModel of(byte[] model, String name) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(name, "name");
        return new OnnxModel(name, model);
    }

    /**
     * {@return the model in {@code file}, named by the file in messages}
     *
     * @param file an {@code .onnx} file
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException as {@link #of(byte[], String)}
     */
    public static OnnxModel load(Path file) throws IOException {
        return new OnnxModel(file.toString(), Files.readAllBytes(file));
    }

    /** The models bundled in this artifact (onnx/models/make_models.py makes them). */
    public static final List<String> BUNDLED = List.of("edges", "gray");

    /**
     * {@return a model bundled in this artifact} {@code edges}: luminance, a 3×3 blur, Sobel and
     * the gradient magnitude, {@code [N, 3, H, W]} to {@code [N, 1, H, W]}, a 5×5 receptive field
     * with zero padding (so tiles that abut show seams); {@code gray}: luminance (0.299, 0.587,
     * 0.114), a 1×1 convolution (so tiles give exactly the whole image's output). Both take
     * values in 0..1 and have fixed weights.
     *
     * @param name {@code edges} or {@code gray}
     * @throws IllegalArgumentException for another name
     */
    public static OnnxModel bundled(String name) {
        Objects.requireNonNull(name, "name");
        if (!BUNDLED.contains(name)) {
            throw new IllegalArgumentException("no bundled model '" + name + "'; the bundled models are " + BUNDLED);
        }
        try (InputStream in = OnnxModel.class.getResourceAsStream("models/" + name + ".onnx")) {
            if (in == null) {
                throw new IllegalStateException("the bundled model " + name + ".onnx is missing from the jar");
            }
            return new OnnxModel("bundled " + name + ".onnx", in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled model " + name + ".onnx", e);
        }
    }

    /** {@return the input channels the model asks for, or -1 when its input does not fix them} */
    public long channels() {
        return channels;
    }

    /** {@return how the model is named in messages} */
    public String name() {
        return name;
    }

    /**
     * Runs the model on a batch of tiles.
     *
     * @param tiles float32 {@code [B, C, H, W]}; not modified
     * @return the model's first output, float32, a new tensor
     * @throws IllegalArgumentException if {@code tiles} is not float32, the model fails on them, or
     *     its first output is not a float32 tensor
     */
    @Override
    public Tensor apply(Tensor tiles) {
        if (tiles.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("the ONNX model " + name + " takes float32 tiles, but got " + tiles.dtype());
        }
        FloatBuffer in = ByteBuffer.allocateDirect(Math.toIntExact(tiles.elementCount() * Float.BYTES))
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        tiles.copyTo(in);
        in.flip();
        try (OnnxTensor t = OnnxTensor.createTensor(env, in, tiles.shape());
             OrtSession.Result r = session.run(Map.of(input, t))) {
            OnnxValue v = r.get(0);
            if (!(v instanceof OnnxTensor out) || ((TensorInfo) out.getInfo()).type != OnnxJavaType.FLOAT) {
                throw new IllegalArgumentException("the ONNX model " + name + " must return a float32 tensor, but returned "
                        + v.getInfo());
            }
            return Tensor.copyOf(out.getFloatBuffer(), out.getInfo().getShape());
        } catch (OrtException e) {
            throw new IllegalArgumentException("the ONNX model " + name + " failed on tiles " + Arrays.toString(tiles.shape())
                    + ": " + e.getMessage(), e);
        }
    }

    /** Frees the model's native memory; it cannot be used afterwards. */
    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // Closing only frees native memory; nothing to report to the user.
        }
    }

    @Override
    public String toString() {
        return "OnnxModel(" + name + ")";
    }
}
