package org.unfold4j;

import java.util.Arrays;
import org.jocl.cl_mem;

/**
 * A float32 tensor resident in the memory of an OpenCL device, made by
 * {@link OpenCLBackend#upload(Tensor)} or by applying {@link Unfold} / {@link Fold} to another
 * device tensor. It can exceed the size of a Java array.
 *
 * <p>Holds a device buffer until {@link #close()} (or until its backend closes). Use after close
 * is an {@link IllegalStateException}; closing twice is harmless. Thread-safe.
 */
public final class DeviceTensor implements AutoCloseable {
    private final OpenCLBackend backend;
    private final long[] shape;
    private final long elements;
    private volatile cl_mem mem;
    private volatile boolean closed;

    DeviceTensor(OpenCLBackend backend, long[] shape, cl_mem mem) {
        this.backend = backend;
        this.shape = shape.clone();
        this.elements = Tensor.elementCount(shape);
        this.mem = mem;
    }

    /** A copy of the shape. */
    public long[] shape() {
        return shape.clone();
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

    /**
     * The OpenCL buffer behind this tensor, for interoperation with other JOCL code (e.g. passing
     * it to CLBlast on {@link OpenCLBackend#commandQueue()}). The tensor keeps owning it: do not
     * release it, and do not use it after this tensor is closed. Its layout is row-major float32,
     * {@link #elementCount()} values from offset 0.
     *
     * @return the buffer, or null for a tensor with no elements
     * @throws IllegalStateException if this tensor is closed
     */
    public cl_mem buffer() {
        return mem();
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
        return "DeviceTensor" + Arrays.toString(shape);
    }
}
