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

    /** The number of device tensors of this backend not yet closed. */
    public int openTensorCount() {
        return open.size();
    }

    @Override
    boolean supports(DType dtype) {
        return dtype != DType.FLOAT64 || device.fp64();
    }

    /**
     * Copies a host tensor to the device. The caller closes the result.
     *
     * @throws IllegalStateException if this backend is closed
     * @throws OpenCLException if the device cannot hold it, or has no cl_khr_fp64 for a float64 tensor
     */
    public DeviceTensor upload(Tensor tensor) {
        requireSupported(tensor.dtype(), "upload");
        DeviceTensor d = allocate(tensor.shape(), tensor.dtype(), "upload");
        if (d.elementCount() > 0) {
            try {
                synchronized (this) {
                    OpenCLException.check(clEnqueueWriteBuffer(queue, d.mem(), CL_TRUE, 0,
                            d.elementCount() * tensor.dtype().bytes(), hostPointer(tensor.array()), 0, null, null),
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
        Object data = Tensor.newArray(d.dtype(), Tensor.checkedArrayLength(d.shape(), "download"));
        if (d.elementCount() > 0) {
            synchronized (this) {
                ensureOpen();
                OpenCLException.check(clEnqueueReadBuffer(queue, d.mem(), CL_TRUE, 0,
                        d.elementCount() * d.dtype().bytes(), hostPointer(data), 0, null, null), "download of " + d);
            }
        }
        return Tensor.wrap(data, d.dtype(), d.shape());
    }

    private static Pointer hostPointer(Object array) {
        if (array instanceof float[] a) {
            return Pointer.to(a);
        } else if (array instanceof double[] a) {
            return Pointer.to(a);
        } else if (array instanceof byte[] a) {
            return Pointer.to(a);
        }
        return Pointer.to((int[]) array);
    }

    private void requireSupported(DType dtype, String what) {
        if (!supports(dtype)) {
            throw new OpenCLException(what + " of " + dtype + " data: the OpenCL device " + device.name()
                    + " has no cl_khr_fp64 (double precision); use the Java backend for float64", null);
        }
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

    // Kernel arguments: the long16/long4 vectors described at the top of unfold.cl and fold.cl.

    DeviceTensor unfold(ColumnGeometry g, DeviceTensor input) {
        requireOwn(input);
        requireSupported(g.dtype(), "unfold");
        DeviceTensor out = allocate(g.columnsShape(), g.dtype(), "unfold output");
        String defines = common(g) + " -D PAD_MODE=" + g.paddingMode().ordinal() + " -D ORDER=" + order(g);
        launch(out, "unfold", defines, g, g.columnElements(), input, shapeArgument(g, g.columnElements()),
                windowArgument(g));
        return out;
    }

    DeviceTensor fold(ColumnGeometry g, DeviceTensor input) {
        requireOwn(input);
        requireSupported(g.dtype(), "fold");
        DeviceTensor out = allocate(g.imageShape(), g.dtype(), "fold output");
        String defines = common(g) + (g.imageLayout() == ImageLayout.CHANNELS_LAST ? " -D IMAGE_CL" : "")
                + (g.foldMode() == FoldMode.MEAN ? " -D FOLD_MEAN" : "");
        long[] cover = new long[16];
        for (int d = 0; d < 3; d++) {
            Axis a = g.axis(d);
            cover[d] = a.gcd();
            cover[3 + d] = a.step();
            cover[6 + d] = a.inverse();
        }
        launch(out, "fold", defines, g, g.imageElements(), input, shapeArgument(g, g.imageElements()),
                windowArgument(g), g.columnStrides(), cover);
        return out;
    }

    private String common(ColumnGeometry g) {
        return "-D T=" + g.dtype().openCLType() + " -D INDEX_T=" + (g.fitsIntIndex() && !forceLongIndex ? "int" : "long")
                + (g.dtype() == DType.FLOAT64 ? " -D USE_FP64" : "");
    }

    /** The ORDER define of unfold.cl: the column side's axis order. */
    private static int order(ColumnGeometry g) {
        int columnsFirst = g.columnLayout() == ColumnLayout.COLUMNS ? 0 : 2;
        return columnsFirst + (g.imageLayout() == ImageLayout.CHANNELS_LAST ? 1 : 0);
    }

    private static long[] shapeArgument(ColumnGeometry g, long total) {
        long[] size = g.size3(), blocks = g.blocks3();
        int[] kernel = g.kernel3();
        return new long[] {total, g.channels(), g.kernelVolume(), g.blocks(), size[0], size[1], size[2],
            blocks[0], blocks[1], blocks[2], kernel[0], kernel[1], kernel[2], 0, 0, 0};
    }

    private static long[] windowArgument(ColumnGeometry g) {
        int[] d = g.dilation3(), p = g.padding3(), s = g.stride3();
        long[] image = g.imageStrides();
        return new long[] {d[0], d[1], d[2], p[0], p[1], p[2], s[0], s[1], s[2],
            image[0], image[1], image[2], image[3], image[4], 0, 0};
    }

    private static final int[] VECTOR_SIZES = {Sizeof.cl_long, Sizeof.cl_long2, Sizeof.cl_long4, Sizeof.cl_long8, Sizeof.cl_long16};

    private void launch(DeviceTensor out, String kernelName, String defines, ColumnGeometry g, long total,
                        DeviceTensor input, long[]... vectors) {
        if (total == 0) {
            return;
        }
        try {
            synchronized (this) {
                ensureOpen();
                cl_kernel kernel = kernels.get(kernelName, defines);
                OpenCLException.check(clSetKernelArg(kernel, 0, Sizeof.cl_mem, Pointer.to(input.mem())), kernelName + " argument 0");
                OpenCLException.check(clSetKernelArg(kernel, 1, Sizeof.cl_mem, Pointer.to(out.mem())), kernelName + " argument 1");
                for (int i = 0; i < vectors.length; i++) {
                    int bytes = VECTOR_SIZES[Integer.numberOfTrailingZeros(vectors[i].length)];
                    OpenCLException.check(clSetKernelArg(kernel, 2 + i, bytes, Pointer.to(vectors[i])),
                            kernelName + " argument " + (2 + i));
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

    private DeviceTensor allocate(long[] shape, DType dtype, String what) {
        ensureOpen();
        long elements = Tensor.elementCount(shape);
        cl_mem mem = null;
        if (elements > 0) {
            long bytes;
            try {
                bytes = Math.multiplyExact(elements, (long) dtype.bytes());
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
        DeviceTensor d = new DeviceTensor(this, shape, dtype, mem);
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
