package org.unfold4j;

import java.lang.ref.Cleaner;
import java.util.Arrays;
import org.unfold4j.internal.opencl.DeviceBuffer;

/**
 * A tensor resident in the memory of an OpenCL device, made by {@link OpenCLBackend#upload(Tensor)}
 * or by applying {@link Unfold} / {@link Fold} to another device tensor. It can exceed the size of
 * a Java array.
 *
 * <p>Holds a device buffer until {@link #close()} (or until its backend closes); a tensor that
 * becomes unreachable unclosed is released by a {@link Cleaner}, which logs a warning. Use after
 * close is an {@link IllegalStateException}; closing twice is harmless. Thread-safe.
 */
public final class DeviceTensor implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final OpenCLBackend backend;
    private final long[] shape;
    private final DType dtype;
    private final long elements;
    private final DeviceBuffer buffer;
    private final Cleaner.Cleanable cleanable;

    DeviceTensor(OpenCLBackend backend, long[] shape, DType dtype, DeviceBuffer buffer) {
        this.backend = backend;
        this.shape = shape.clone();
        this.dtype = dtype;
        this.elements = Tensor.elementCount(shape);
        this.buffer = buffer;
        this.cleanable = CLEANER.register(this, buffer);
    }

    /** {@return a copy of the shape} */
    public long[] shape() {
        return shape.clone();
    }

    /** {@return the element type} */
    public DType dtype() {
        return dtype;
    }

    /** {@return the number of elements (may exceed a Java array's length)} */
    public long elementCount() {
        return elements;
    }

    /** {@return the backend whose device holds this tensor} */
    public OpenCLBackend backend() {
        return backend;
    }

    /**
     * Copies the values to a new host tensor, after the command that computes them has finished.
     * This device tensor stays open and unchanged.
     *
     * @return a new host tensor of the same shape and type
     * @throws IllegalStateException if this tensor or its backend is closed
     * @throws IllegalArgumentException if the tensor is larger than a host tensor can be
     *     ({@link Tensor#MAX_ELEMENTS})
     * @throws OpenCLException if the device fails the copy
     */
    public Tensor download() {
        return backend.download(this);
    }

    /**
     * Blocks until the command computing this tensor has finished on the device (device calls
     * return as soon as the command is queued).
     *
     * @throws IllegalStateException if this tensor is closed
     * @throws OpenCLException if the command failed on the device
     */
    public void await() {
        buffer.await(toString());
    }

    /**
     * How long the device spent on the command that computed this tensor (an unfold or fold on
     * the device), from OpenCL's profiling events: the kernel alone, without the launch and the
     * wait on the host. Waits for the command like {@link #await()}.
     *
     * @return the nanoseconds between the command's start and end on the device; empty for a
     *     tensor that was uploaded rather than computed, or whose backend does not profile
     *     ({@link OpenCLBackend#createProfiled})
     * @throws IllegalStateException if this tensor is closed
     * @throws OpenCLException if the command failed on the device
     */
    public java.util.OptionalLong computeNanos() {
        return buffer.computeNanos(toString());
    }

    DeviceBuffer buffer() {
        return buffer;
    }

    /** {@return whether this tensor was released (by {@link #close()}, by its backend's close, or by the cleaner)} */
    public boolean isClosed() {
        return buffer.isClosed();
    }

    /** Releases the device buffer. */
    @Override
    public void close() {
        buffer.close();
        cleanable.clean();  // unregisters; the action finds the buffer closed and does nothing
    }

    @Override
    public String toString() {
        return "DeviceTensor" + Arrays.toString(shape) + (dtype == DType.FLOAT32 ? "" : " " + dtype);
    }
}
