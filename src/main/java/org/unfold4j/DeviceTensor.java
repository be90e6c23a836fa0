package org.unfold4j;

import java.util.Arrays;
import org.jocl.cl_mem;

/**
 * A tensor resident in the memory of an OpenCL device, made by
 * {@link OpenCLBackend#upload(Tensor)} or by applying {@link Unfold} / {@link Fold} to another
 * device tensor. It can exceed the size of a Java array.
 *
 * <p>Holds a device buffer until {@link #close()} (or until its backend closes). Use after close
 * is an {@link IllegalStateException}; closing twice is harmless. Thread-safe.
 */
public final class DeviceTensor implements AutoCloseable {
    private final OpenCLBackend backend;
    private final long[] shape;
    private final DType dtype;
    private final long elements;
    private volatile cl_mem mem;
    private volatile boolean closed;

    DeviceTensor(OpenCLBackend backend, long[] shape, DType dtype, cl_mem mem) {
        this.backend = backend;
        this.shape = shape.clone();
        this.dtype = dtype;
        this.elements = Tensor.elementCount(shape);
        this.mem = mem;
    }

    /** A copy of the shape. */
    public long[] shape() {
        return shape.clone();
    }

    /** The element type. */
    public DType dtype() {
        return dtype;
    }

    /** The number of elements. */
    public long elementCount() {
        return elements;
    }

    /** The backend whose device holds this tensor. */
    public OpenCLBackend backend() {
        return backend;
    }

    /**
     * Copies the values to a new host tensor.
     *
     * @throws IllegalStateException if this tensor or its backend is closed
     * @throws IllegalArgumentException if the tensor is larger than a host tensor can be
     */
    public Tensor download() {
        return backend.download(this);
    }

    /** The buffer; null for a tensor with no elements. */
    cl_mem mem() {
        if (closed) {
            throw new IllegalStateException("the device tensor " + this + " is closed");
        }
        return mem;
    }

    /** Whether {@link #close()} was called (directly or by the backend's close). */
    public boolean isClosed() {
        return closed;
    }

    /** Releases the device buffer. */
    @Override
    public void close() {
        cl_mem m;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            m = mem;
            mem = null;
        }
        backend.release(this, m);
    }

    @Override
    public String toString() {
        return "DeviceTensor" + Arrays.toString(shape) + (dtype == DType.FLOAT32 ? "" : " " + dtype);
    }
}
