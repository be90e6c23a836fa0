package org.unfold4j;

import static org.jocl.CL.*;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/**
 * Unfold and fold on one OpenCL device, through JOCL, with the kernels of {@code kernels/*.cl}.
 *
 * <p>Host tensors are uploaded, processed and downloaded per call. For chains of operations,
 * {@linkplain #upload(Tensor) upload} once, apply {@link Unfold#apply(DeviceTensor)} and
 * {@link Fold#apply(DeviceTensor)} on the device, and {@linkplain DeviceTensor#download()
 * download} at the end.
 *
 * <p>Owns a context, a command queue and the compiled programs; {@link #close()} releases them
 * and every {@link DeviceTensor} still open. Use after close is an {@link IllegalStateException};
 * closing twice is harmless. Thread-safe: launches are serialised on one in-order queue.
 */
public final class OpenCLBackend extends Backend {
    private final OpenCLDevice device;
    private final cl_context context;
    private final cl_command_queue queue;
    private final KernelCache kernels;
    private final long maxWorkGroup;
    private final boolean shared;
    private final Set<DeviceTensor> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    /** Tests set this to run the 64-bit index kernels on small tensors. */
    volatile boolean forceLongIndex;

    private OpenCLBackend(OpenCLDevice device, boolean shared) {
        this.device = device;
        this.shared = shared;
        int[] err = new int[1];
        cl_device_id[] ids = {device.deviceId};
        this.context = clCreateContext(null, 1, ids, null, null, err);
        OpenCLException.check(err[0], "clCreateContext on " + device.name());
        @SuppressWarnings("deprecation") // clCreateCommandQueueWithProperties needs OpenCL 2.0; this works on 1.2 too
        cl_command_queue q = clCreateCommandQueue(context, device.deviceId, 0, err);
        if (err[0] != CL_SUCCESS) {
            clReleaseContext(context);
            OpenCLException.check(err[0], "clCreateCommandQueue on " + device.name());
        }
        this.queue = q;
        this.kernels = new KernelCache(context, device);
        this.maxWorkGroup = OpenCLDevice.sizeInfo(device.deviceId, CL_DEVICE_MAX_WORK_GROUP_SIZE);
    }

    /** A backend on the device that {@link OpenCLRuntime#select(String)} picks; the caller closes it. */
    static OpenCLBackend create(String deviceName) {
        return new OpenCLBackend(OpenCLRuntime.get().select(deviceName), false);
    }

    /** A backend on the given device; the caller closes it. */
    public static OpenCLBackend create(OpenCLDevice device) {
        return new OpenCLBackend(device, false);
    }

    /** A backend whose {@link #close()} does nothing, for {@link Backend#defaultBackend()}. */
    static OpenCLBackend createShared(OpenCLDevice device) {
        return new OpenCLBackend(device, true);
    }

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public String deviceName() {
        return device.name();
    }

    /** The device this backend runs on. */
    public OpenCLDevice device() {
        return device;
    }

    /**
     * The OpenCL context, for interoperation with other JOCL code (buffers made in it can be used
     * with this backend's queue). The backend keeps owning it: do not release it.
     *
     * @return the context of this backend's device
     * @throws IllegalStateException if this backend is closed
     */
    public cl_context context() {
        ensureOpen();
        return context;
    }

    /**
     * The in-order command queue on which this backend enqueues its transfers and kernels, for
     * interoperation with other JOCL code: work enqueued here runs after the unfold and fold calls
     * already made, so their {@link DeviceTensor#buffer() buffers} can be read without waiting on
     * the host. The backend keeps owning the queue: do not release it. The backend enqueues while
     * holding its own monitor, so code that enqueues while other threads use the backend should
     * do so inside {@code synchronized (backend)}.
     *
     * @return the queue
     * @throws IllegalStateException if this backend is closed
     */
    public cl_command_queue commandQueue() {
        ensureOpen();
        return queue;
    }

    /** The number of device tensors of this backend not yet closed. */
    public int openTensorCount() {
        return open.size();
    }

    /**
     * Copies a host tensor to the device. The caller closes the result.
     *
     * @throws IllegalStateException if this backend is closed
     * @throws OpenCLException if the device cannot hold it
     */
    public DeviceTensor upload(Tensor tensor) {
        DeviceTensor d = allocate(tensor.shape(), "upload");
        if (d.elementCount() > 0) {
            try {
                synchronized (this) {
                    OpenCLException.check(clEnqueueWriteBuffer(queue, d.mem(), CL_TRUE, 0,
                            d.elementCount() * Sizeof.cl_float, Pointer.to(tensor.data()), 0, null, null),
                            "upload of " + tensor);
                }
            } catch (RuntimeException e) {
                d.close();
                throw e;
            }
        }
        return d;
    }

    /** Copies a device tensor back to the host. */
    Tensor download(DeviceTensor d) {
        float[] data = new float[Tensor.checkedArrayLength(d.shape(), "download")];
        if (data.length > 0) {
            synchronized (this) {
                ensureOpen();
                OpenCLException.check(clEnqueueReadBuffer(queue, d.mem(), CL_TRUE, 0,
                        (long) data.length * Sizeof.cl_float, Pointer.to(data), 0, null, null), "download of " + d);
            }
        }
        return Tensor.of(data, d.shape());
    }

    @Override
    Tensor unfold(ColumnGeometry g, Tensor input) {
        Tensor.checkedArrayLength(g.columnsShape(), "unfold output");
        try (DeviceTensor in = upload(input); DeviceTensor out = unfold(g, in)) {
            return out.download();
        }
    }

    @Override
    Tensor fold(ColumnGeometry g, Tensor input) {
        Tensor.checkedArrayLength(g.imageShape(), "fold output");
        try (DeviceTensor in = upload(input); DeviceTensor out = fold(g, in)) {
            return out.download();
        }
    }

    DeviceTensor unfold(ColumnGeometry g, DeviceTensor input) {
        requireOwn(input);
        DeviceTensor out = allocate(g.columnsShape(), "unfold output");
        launch(out, "unfold", g, g.columnElements(), input, packed(g, g.columnElements()), null);
        return out;
    }

    DeviceTensor fold(ColumnGeometry g, DeviceTensor input) {
        requireOwn(input);
        DeviceTensor out = allocate(g.imageShape(), "fold output");
        Covering h = g.coveringH(), w = g.coveringW();
        long[] cover = {h.gcd(), h.step(), h.inverse(), w.gcd(), w.step(), w.inverse(), 0, 0};
        launch(out, "fold", g, g.imageElements(), input, packed(g, g.imageElements()), cover);
        return out;
    }

    /** The long16 geometry vector of unfold.cl and fold.cl. */
    private static long[] packed(ColumnGeometry g, long total) {
        Window w = g.window();
        return new long[] {total, g.channels(), g.height(), g.width(), w.kernelH(), w.kernelW(),
            w.dilationH(), w.dilationW(), w.paddingH(), w.paddingW(), w.strideH(), w.strideW(),
            g.blocksH(), g.blocksW(), 0, 0};
    }

    private void launch(DeviceTensor out, String kernelName, ColumnGeometry g, long total, DeviceTensor input,
                        long[] geometry, long[] cover) {
        if (total == 0) {
            return;
        }
        try {
            synchronized (this) {
                ensureOpen();
                cl_kernel kernel = kernels.get(kernelName, g.fitsIntIndex() && !forceLongIndex);
                cl_mem inMem = input.mem();
                OpenCLException.check(clSetKernelArg(kernel, 0, Sizeof.cl_mem, Pointer.to(inMem)), kernelName + " argument 0");
                OpenCLException.check(clSetKernelArg(kernel, 1, Sizeof.cl_mem, Pointer.to(out.mem())), kernelName + " argument 1");
                OpenCLException.check(clSetKernelArg(kernel, 2, Sizeof.cl_long16, Pointer.to(geometry)), kernelName + " argument 2");
                if (cover != null) {
                    OpenCLException.check(clSetKernelArg(kernel, 3, Sizeof.cl_long8, Pointer.to(cover)), kernelName + " argument 3");
                }
                long local = Math.min(Math.min(256, maxWorkGroup), kernels.workGroupLimit(kernel));
                long global = (total + local - 1) / local * local;
                OpenCLException.check(clEnqueueNDRangeKernel(queue, kernel, 1, null, new long[] {global},
                        new long[] {local}, 0, null, null), kernelName + " launch for " + g);
            }
        } catch (RuntimeException e) {
            out.close();
            throw e;
        }
    }

    private DeviceTensor allocate(long[] shape, String what) {
        ensureOpen();
        long elements = Tensor.elementCount(shape);
        cl_mem mem = null;
        if (elements > 0) {
            long bytes;
            try {
                bytes = Math.multiplyExact(elements, (long) Sizeof.cl_float);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(what + " of " + elements + " elements overflows a byte count");
            }
            if (bytes > device.maxAllocation()) {
                throw new OpenCLException(what + " needs a buffer of " + bytes + " bytes, more than the largest "
                        + "allocation " + device.name() + " allows (" + device.maxAllocation() + " bytes)", null);
            }
            int[] err = new int[1];
            mem = clCreateBuffer(context, CL_MEM_READ_WRITE, bytes, null, err);
            OpenCLException.check(err[0], "clCreateBuffer of " + bytes + " bytes for " + what);
        }
        DeviceTensor d = new DeviceTensor(this, shape, mem);
        open.add(d);
        return d;
    }

    /** Called by {@link DeviceTensor#close()}. */
    void release(DeviceTensor d, cl_mem mem) {
        open.remove(d);
        if (mem != null) {
            clReleaseMemObject(mem);
        }
    }

    private void requireOwn(DeviceTensor input) {
        if (input.backend() != this) {
            throw new IllegalArgumentException("the device tensor belongs to another backend (" + input.backend()
                    + ") than this one (" + this + ")");
        }
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the OpenCL backend on " + device.name() + " is closed");
        }
    }

    /** Releases the device tensors still open, the programs, the queue and the context; a no-op for the shared default backend. */
    @Override
    public void close() {
        if (shared) {
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (DeviceTensor d : open.toArray(new DeviceTensor[0])) {
            d.close();
        }
        kernels.close();
        clReleaseCommandQueue(queue);
        clReleaseContext(context);
    }
}
