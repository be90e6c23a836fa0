package org.unfold4j.internal.opencl;

import static org.jocl.CL.*;

import java.util.function.BiFunction;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_mem;
import org.unfold4j.DType;
import org.unfold4j.OpenCLException;
import org.unfold4j.internal.Engine;
import org.unfold4j.internal.Op;
import org.unfold4j.internal.geometry.View;

/**
 * The OpenCL backend's engine: everything behind the public {@code OpenCLBackend}, which
 * unwraps tensors into arrays and buffers and calls this. See that class for the contract.
 *
 * <p>It owns one context and assembles the parts that do the work, one job each:
 * {@link Lanes} (the queue pool and the life cycle: Note [calls, nesting and close]),
 * {@link Lane} (one queue, its kernels, staging buffers and transfers), {@link Buffers}
 * (allocation), {@link DeviceCalls} (calls on device tensors), {@link HostCalls} (host calls:
 * chunking, overlap, staging), {@link KernelPlans} (variant and build defines per geometry) and
 * {@link Launcher} (arguments and launch). What it is built with is one immutable
 * {@link OpenCLConfig}.
 */
public final class OpenCLEngine implements Engine {
    /** The most command queues (hence concurrent calls) one backend uses. */
    public static final int MAX_QUEUES = Lanes.MAX_QUEUES;

    private final DeviceFacts device;
    private final OpenCLConfig config;
    private final cl_context context;
    private final ClCalls cl = new ClCalls();
    private final Programs programs;
    private final boolean shared;
    private final Buffers buffers;
    private final Lanes lanes;
    private final Launcher launcher;
    private final WeightBuffers weightBuffers;
    private final DeviceCalls deviceCalls;
    private final HostCalls hostCalls;

    /**
     * An engine with a context of its own on {@code device}, with the device's default configuration.
     *
     * @param device    the device
     * @param shared    whether close does nothing (the default backend; {@link #release()} still releases)
     * @param profiling whether the queues record profiling information
     * @throws OpenCLException if the device refuses a context
     */
    public OpenCLEngine(DeviceFacts device, boolean shared, boolean profiling) {
        this(device, OpenCLConfig.defaults(device), shared, profiling);
    }

    /**
     * An engine with a context of its own on {@code device}.
     *
     * @param device    the device
     * @param config    what it is built with
     * @param shared    whether close does nothing (the default backend; {@link #release()} still releases)
     * @param profiling whether the queues record profiling information
     * @throws OpenCLException if the device refuses a context
     */
    public OpenCLEngine(DeviceFacts device, OpenCLConfig config, boolean shared, boolean profiling) {
        this.device = device;
        this.config = config;
        this.shared = shared;
        int[] err = new int[1];
        this.context = clCreateContext(null, 1, new cl_device_id[] {device.id()}, null, null, err);
        ClCalls.require(err[0], "clCreateContext on " + device.name());
        this.programs = new Programs(context, device, cl);
        this.buffers = new Buffers(context, device, cl, config.allocationLimit(), this::releaseIdleStaging);
        this.lanes = new Lanes(device.name(), () -> new Lane(context, device, profiling, cl, programs, buffers), this::releaseResources);
        this.weightBuffers = new WeightBuffers(context, cl);
        this.launcher = new Launcher(cl, device, config.tuning(), new KernelPlans(config, device), weightBuffers);
        this.deviceCalls = new DeviceCalls(cl, lanes, buffers, launcher);
        this.hostCalls = new HostCalls(device, config, lanes, launcher);
    }

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public String deviceName() {
        return device.name();
    }

    /** {@return what this engine was built with} */
    public OpenCLConfig config() {
        return config;
    }

    /** {@return the number of device tensors of this engine not yet closed} */
    public int openTensorCount() {
        return buffers.openCount();
    }

    /** {@return the number of OpenCL buffers this engine holds now, internal ones included} */
    public int liveBufferCount() {
        return buffers.liveCount();
    }

    /**
     * {@return how many kernels of {@code variant} this engine has enqueued (tests)}
     *
     * @param variant the kernel variant
     */
    public long launches(KernelVariant variant) {
        return launcher.launches(variant);
    }

    /**
     * {@return whether host calls on a batch overlap their transfers with kernels (Note
     * [overlapped host calls]): by default on GPUs and accelerators; the system property
     * {@code unfold4j.overlapTransfers} overrides it}
     */
    public boolean overlapsTransfers() {
        return config.overlapTransfers();
    }

    /** {@return the number of weighted folds' weight buffers kept (tests; Note [weight buffers] in WeightBuffers)} */
    public int weightBufferCount() {
        return weightBuffers.count();
    }

    /** {@return the number of command queues opened so far (tests)} */
    public int queueCount() {
        return lanes.queueCount();
    }

    /** {@return the fault-injection seam (tests)} */
    public ClCalls calls() {
        return cl;
    }

    /** {@return the device this engine runs on} */
    public DeviceFacts device() {
        return device;
    }

    @Override
    public boolean supports(DType dtype) {
        return dtype != DType.FLOAT64 || device.fp64();
    }

    /**
     * Refuses float64 on a device without cl_khr_fp64.
     *
     * @param dtype the type
     * @param what  the operation, for the message
     * @throws OpenCLException if the device cannot hold the type
     */
    public void requireSupported(DType dtype, String what) {
        if (!supports(dtype)) {
            throw new OpenCLException(what + " of " + dtype + " data: the OpenCL device " + device.name()
                    + " has no cl_khr_fp64 (double precision); use the Java backend for float64", null);
        }
    }

    // ---------------------------------------------------------------- device tensors

    /**
     * Copies {@code elements} values of {@code dtype} from a host array into a new buffer; the
     * copy has finished when this returns.
     *
     * @param array    the values; not modified
     * @param elements how many
     * @param dtype    their type
     * @param what     the tensor's description, for messages
     * @return a new buffer; the caller closes it
     */
    public DeviceBuffer upload(Object array, long elements, DType dtype, String what) {
        requireSupported(dtype, "upload");
        return deviceCalls.upload(array, elements, dtype, what);
    }

    /**
     * Copies a buffer back into a host array, once the command computing it has run.
     *
     * @param d        the buffer
     * @param array    where to; modified
     * @param elements how many values
     * @param dtype    their type
     */
    public void download(DeviceBuffer d, Object array, long elements, DType dtype) {
        deviceCalls.download(d, array, elements, dtype);
    }

    /**
     * Unfolds or folds a buffer into a new buffer on the device; returns once the kernel is queued.
     *
     * @param g     the validated geometry
     * @param op    which
     * @param input the input's buffer, of this engine
     * @param what  the output's description, for messages
     * @return the output's buffer; the caller closes it
     */
    public DeviceBuffer onDevice(View g, Op op, DeviceBuffer input, String what) {
        requireSupported(g.dtype(), op.label());
        return deviceCalls.onDevice(g, op, input, what);
    }

    /**
     * Unfolds or folds into an existing buffer (validated by the caller), overwriting every element.
     *
     * @param g      the validated geometry
     * @param op     which
     * @param input  the input's buffer
     * @param output the output's buffer
     */
    public void intoDevice(View g, Op op, DeviceBuffer input, DeviceBuffer output) {
        requireSupported(g.dtype(), op.label());
        deviceCalls.intoDevice(g, op, input, output);
    }

    /**
     * Runs other JOCL code on buffers: the public {@code OpenCLBackend.interop} documents it.
     *
     * @param body    gets a queue and the buffers' cl_mem (null for an empty one)
     * @param buffers the buffers, each counted as written by this call
     * @param <R>     what {@code body} returns
     * @return what {@code body} returned
     */
    public <R> R interop(BiFunction<cl_command_queue, cl_mem[], R> body, DeviceBuffer[] buffers) {
        return deviceCalls.interop(body, buffers);
    }

    // ---------------------------------------------------------------- host tensors

    @Override
    public void unfold(View g, Object input, Object output) {
        requireSupported(g.dtype(), Op.UNFOLD.label());
        hostCalls.onHost(g, input, output, Op.UNFOLD);
    }

    @Override
    public void fold(View g, Object input, Object output, boolean zeroed) {
        requireSupported(g.dtype(), Op.FOLD.label());
        hostCalls.onHost(g, input, output, Op.FOLD);
    }

    // ---------------------------------------------------------------- life cycle

    /**
     * Frees the device buffers that host calls keep for the next call (at most one input and one
     * output buffer per command queue, sized for the largest recent call), for example after a
     * large call that will not be repeated. Queues in use by a call at this moment keep theirs.
     * Calls made afterwards allocate again. {@link #close()} frees everything.
     *
     * @throws IllegalStateException if this backend is closed
     */
    public void releaseCachedBuffers() {
        lanes.enter();
        try {
            lanes.releaseIdleStaging();
        } finally {
            lanes.exit();
        }
    }

    /**
     * Releases the device tensors still open, the queues, the programs and the context; a no-op
     * for the shared default backend. Does not wait for calls in flight on other threads: they
     * finish (or fail with an {@link IllegalStateException} if not yet begun), and the last of
     * them releases the resources as it returns (Note [calls, nesting and close] in Lanes).
     *
     * @throws IllegalStateException if called from inside an {@link #interop} body of this
     *     backend, on the body's thread (the call it is in still uses its command queue)
     */
    @Override
    public void close() {
        if (lanes.inCall()) {
            throw new IllegalStateException("close() of the OpenCL backend on " + device.name() + " was called from inside "
                    + "an interop body on this backend, whose call still uses its command queue; close it after interop returns");
        }
        if (!shared) {
            release();
        }
    }

    /** Releases everything, shared or not (for a shared backend that turned out unusable). */
    public void release() {
        lanes.close();
    }

    /** Frees the staging buffers of idle queues: what Buffers tries when the device is full (Note [staging buffers] in HostCalls). */
    private void releaseIdleStaging() {
        lanes.releaseIdleStaging();
    }

    /** Frees the native resources, once, when the backend is closed and no call is in flight. */
    private void releaseResources() {
        buffers.closeOpen();
        lanes.releaseAll();
        weightBuffers.close();
        programs.close();
        clReleaseContext(context);
        hostCalls.shutdown();
    }
}
