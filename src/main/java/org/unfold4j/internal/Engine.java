package org.unfold4j.internal;

import org.unfold4j.DType;
import org.unfold4j.internal.geometry.View;

/**
 * What a backend computes with, behind the public {@code Backend}: host arrays in, host arrays
 * out, for a geometry that {@code ColumnGeometry} has validated. The public classes unwrap
 * tensors into their arrays ({@code float[]}, {@code double[]}, {@code int[]}, {@code byte[]},
 * one per {@code DType}) and pass the geometry's normalised {@link View}; an engine checks
 * nothing about shapes.
 *
 * <p>Note [adding a backend]: a new backend (CUDA through JCuda, Level Zero, ...) is a package
 * under {@code org.unfold4j.internal} with a class implementing this, plus one line in the
 * table of {@code org.unfold4j.BackendSelection} ({@code NAMED}: the name and how to make it,
 * e.g. {@code new EngineBackend(new CudaEngine(device), true)}); the {@code unfold4j.backend}
 * property and {@code UNFOLD4J_BACKEND} then reach it, and the standard suite runs on it once
 * {@code TestBackends.all()} lists it. Device-resident tensors are OpenCL's alone today
 * ({@code DeviceTensor}); another device API would add its own public tensor type.
 *
 * <p>Implementations are thread-safe.
 */
public interface Engine extends AutoCloseable {
    /** {@return the backend's short name, e.g. {@code "java"}} */
    String name();

    /** {@return what runs the computation, e.g. {@code "JVM, 2 threads"}} */
    String deviceName();

    /**
     * {@return whether this engine computes on tensors of type {@code dtype}}
     *
     * @param dtype the element type
     */
    boolean supports(DType dtype);

    /**
     * Unfolds {@code input} into {@code output}, writing every element of it.
     *
     * @param g      the validated geometry
     * @param input  the image's array; not modified
     * @param output the columns' array, not the input's
     */
    void unfold(View g, Object input, Object output);

    /**
     * Folds {@code input} into {@code output}, writing every element of it.
     *
     * @param g       the validated geometry
     * @param input   the columns' array; not modified
     * @param output  the image's array, not the input's
     * @param zeroed  whether {@code output} is known to hold only +0.0 (a new array), which the
     *                engine may then leave uncleared
     */
    void fold(View g, Object input, Object output, boolean zeroed);

    /** Releases what the engine holds; harmless when called again. */
    @Override
    void close();
}
