package org.unfold4j.spark;

import java.io.Serializable;
import java.util.function.Function;
import org.unfold4j.Tensor;

/**
 * Builds the model {@link SparkSlidingWindow} runs over tiles: serializable, so it travels to the
 * executors, where {@link #create()} is called once per executor JVM (as users build an ONNX
 * Runtime session once) and the model is then shared by that JVM's tasks, so it must be
 * thread-safe.
 */
@FunctionalInterface
public interface ModelFactory extends Serializable {
    /**
     * {@return the model} It takes {@code [B, C, *tile]} tensors and returns
     * {@code [B, C', *tile]} float32 or float64, as {@link org.unfold4j.SlidingWindow#apply} says.
     */
    Function<Tensor, Tensor> create();
}
