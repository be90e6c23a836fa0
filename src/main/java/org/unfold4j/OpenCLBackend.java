package org.unfold4j;

import java.util.Arrays;
import java.util.Objects;
import org.jocl.cl_command_queue;
import org.jocl.cl_mem;
import org.unfold4j.internal.Op;
import org.unfold4j.internal.opencl.DeviceBuffer;
import org.unfold4j.internal.opencl.OpenCLConfig;
import org.unfold4j.internal.opencl.OpenCLEngine;

/**
 * Unfold and fold on one OpenCL device, through JOCL, with the kernels of {@code kernels/*.cl}.
 *
 * <p>Host tensors are uploaded, processed and downloaded per call, in chunks of the batch (or of
 * the channels of one image) when the buffers would exceed the device's largest allocation, or
 * when the device runs out of memory. On a GPU, a batch is also split so that one chunk's
 * download overlaps the next one's upload and kernel. For chains of operations, {@linkplain #upload(Tensor)
 * upload} once, apply {@link Unfold#apply(DeviceTensor)} and {@link Fold#apply(DeviceTensor)} on
 * the device, and {@linkplain DeviceTensor#download() download} at the end.
 *
 * <p>Owns a context, up to {@value #MAX_QUEUES} command queues (plus one for each
 * {@linkplain #interop interop} body running at the same time) and the compiled programs;
 * {@link #close()} releases them and every {@link DeviceTensor} still open. Use after close is an
 * {@link IllegalStateException}; closing twice is harmless.
 *
 * <p>Thread-safe without a global lock: each call takes a command queue of its own from a small
 * pool (with its own kernel objects), so calls from several threads run concurrently on the
 * device. Commands on one device tensor keep program order whatever queues they run on: a
 * command that reads a tensor waits for the last command that wrote it, and one that writes it
 * waits for that and for every read since.
 */
public final class OpenCLBackend extends Backend {
    /** The most command queues (hence concurrent calls) one backend uses. */
    public static final int MAX_QUEUES = OpenCLEngine.MAX_QUEUES;

    private final OpenCLDevice device;
    private final OpenCLEngine engine;

    private OpenCLBackend(OpenCLDevice device, boolean shared, boolean profiling) {
        this(device, new OpenCLEngine(device.facts(), shared, profiling));
    }

    private OpenCLBackend(OpenCLDevice device, OpenCLEngine engine) {
        super(engine);
        this.device = device;
        this.engine = engine;
    }

    /** A backend on the device that {@link OpenCLRuntime#select(String)} picks; the caller closes it. */
    static OpenCLBackend create(String deviceName) {
        return new OpenCLBackend(OpenCLRuntime.get().select(deviceName), false, false);
    }

    /**
     * A new backend on the given device, one of {@link OpenCLRuntime#devices()}.
     *
     * @param device the device to compute on
     * @return a new backend with its own OpenCL context; the caller closes it
     * @throws OpenCLException if the device refuses a context
     */
    public static OpenCLBackend create(OpenCLDevice device) {
        Objects.requireNonNull(device, "device");  // Note [null arguments] in Window
        return new OpenCLBackend(device, false, false);
    }

    /**
     * A new backend on the given device whose command queues record OpenCL profiling information,
     * so that {@link DeviceTensor#computeNanos()} reports how long the device spent computing a
     * result (for benchmarks; profiling costs a little per command on some devices).
     *
     * @param device the device to compute on
     * @return a new backend with its own OpenCL context; the caller closes it
     * @throws OpenCLException if the device refuses a context
     */
    public static OpenCLBackend createProfiled(OpenCLDevice device) {
        Objects.requireNonNull(device, "device");
        return new OpenCLBackend(device, false, true);
    }

    /**
     * A new backend on {@code device} built with {@code config} (tests: allocation limits, kernel
     * families, variants); {@code OpenCLConfig.defaults(device.facts())} is what the public
     * factories use.
     */
    static OpenCLBackend create(OpenCLDevice device, OpenCLConfig config) {
        Objects.requireNonNull(device, "device");
        return new OpenCLBackend(device, new OpenCLEngine(device.facts(), Objects.requireNonNull(config, "config"), false, false));
    }

    /** A backend whose {@link #close()} does nothing, for {@link Backend#defaultBackend()}. */
    static OpenCLBackend createShared(OpenCLDevice device) {
        return new OpenCLBackend(device, true, false);
    }

    /** The engine behind this backend (tests reach its configuration, counters and fault injection through it). */
    OpenCLEngine openCLEngine() {
        return engine;
    }

    /** {@return the device this backend runs on} */
    public OpenCLDevice device() {
        return device;
    }

    /** {@return the number of device tensors of this backend not yet closed} Useful to find leaks. */
    public int openTensorCount() {
        return engine.openTensorCount();
    }

    /**
     * {@return whether host calls on a batch overlap their transfers with kernels (Note
     * [overlapped host calls]): by default on GPUs and accelerators; the system property
     * {@code unfold4j.overlapTransfers} overrides it}
     */
    public boolean overlapsTransfers() {
        return engine.overlapsTransfers();
    }

    /**
     * Copies a host tensor to the device. The copy has finished when this returns, so the
     * caller may reuse the host array at once.
     *
     * @param tensor the values to copy, of any {@link DType}; not modified
     * @return a new device tensor of the same shape and type; the caller closes it
     * @throws IllegalStateException if this backend is closed
     * @throws OpenCLException if the device cannot hold it, or has no cl_khr_fp64 for a float64 tensor
     */
    public DeviceTensor upload(Tensor tensor) {
        Objects.requireNonNull(tensor, "tensor");
        long[] shape = tensor.shape();
        DeviceBuffer b = engine.upload(tensor.array(), tensor.elementCount(), tensor.dtype(),
                describe("upload", shape, tensor.dtype()));
        return new DeviceTensor(this, shape, tensor.dtype(), b);
    }

    /** Copies a device tensor back to the host, once the command computing it has run. */
    Tensor download(DeviceTensor d) {
        Object data = Tensor.newArray(d.dtype(), Tensor.checkedArrayLength(d.shape(), "download"));
        engine.download(d.buffer(), data, d.elementCount(), d.dtype());
        return Tensor.wrap(data, d.dtype(), d.shape());
    }

    DeviceTensor unfold(ColumnGeometry g, DeviceTensor input) {
        return onDevice(g, Op.UNFOLD, input);
    }

    DeviceTensor fold(ColumnGeometry g, DeviceTensor input) {
        return onDevice(g, Op.FOLD, input);
    }

    private DeviceTensor onDevice(ColumnGeometry g, Op op, DeviceTensor input) {
        requireOwn(input);
        long[] shape = op == Op.UNFOLD ? g.columnsShape() : g.imageShape();
        DeviceBuffer out = engine.onDevice(g.view(), op, input.buffer(), describe(op.label() + " output", shape, g.dtype()));
        return new DeviceTensor(this, shape, g.dtype(), out);
    }

    /** Unfold or fold into an existing device tensor (validated by the caller), overwriting every element. */
    void intoDevice(ColumnGeometry g, DeviceTensor input, DeviceTensor output, Op op) {
        requireOwn(input);
        requireOwn(output);
        engine.intoDevice(g.view(), op, input.buffer(), output.buffer());
    }

    private static String describe(String what, long[] shape, DType dtype) {
        return what + " " + Arrays.toString(shape) + " " + dtype;
    }

    private void requireOwn(DeviceTensor input) {
        if (input.backend() != this) {
            throw new IllegalArgumentException("the device tensor belongs to another backend (" + input.backend()
                    + ") than this one (" + this + ")");
        }
    }

    /**
     * Code that enqueues its own OpenCL commands on device tensors, through
     * {@link #interop(Interop, DeviceTensor...)}.
     *
     * @param <R> what the code returns
     */
    @FunctionalInterface
    public interface Interop<R> {
        /**
         * Enqueues commands on {@code queue} using {@code buffers}.
         *
         * @param queue   one of the backend's command queues (in order); do not release it
         * @param buffers the buffers of the tensors, in the order given (null for an empty tensor);
         *                row-major, {@code elementCount} values from offset 0; do not release them
         * @return anything
         */
        R run(cl_command_queue queue, cl_mem[] buffers);
    }

    /**
     * Runs other JOCL code on device tensors (CLBlast, a kernel of your own, a copy): after every
     * command on {@code tensors} made before this call has finished (their computation and any
     * reads of them), {@code body} gets one of this backend's command queues and the tensors'
     * buffers, and enqueues what it likes on that queue; this call then waits for the queue to
     * finish. The body may read and write any of the buffers: each tensor counts as written
     * by this call, so later unfold, fold, interop and download calls see what the body wrote
     * (the ordering the class description gives). The buffers stay retained while
     * {@code body} runs, and the queue is this call's alone until it returns.
     *
     * <p>Nesting: calls on this backend made by {@code body} on its own thread (an unfold, a
     * host call, another interop) run on the body's queue, in order after what the body has
     * enqueued there; calls made meanwhile from other threads, including threads the body
     * waits for, take another queue (one more is opened if all are held by interop bodies), so
     * neither waits for this call. {@link #close()} from inside {@code body}, on its thread,
     * throws an {@link IllegalStateException}; from another thread it returns at once, calls on
     * this backend not yet begun then fail with an {@link IllegalStateException}, and the
     * backend is released when this call returns.
     *
     * @param body    the code; it must not release the queue or the buffers
     * @param tensors device tensors of this backend; their contents are what {@code body} leaves
     * @param <R>     what {@code body} returns
     * @return what {@code body} returned
     * @throws IllegalArgumentException if a tensor belongs to another backend
     * @throws IllegalStateException if this backend or a tensor is closed
     * @throws OpenCLException if waiting for the tensors or the queue fails
     */
    public <R> R interop(Interop<R> body, DeviceTensor... tensors) {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(tensors, "tensors");
        for (int i = 0; i < tensors.length; i++) {
            Objects.requireNonNull(tensors[i], "tensors[" + i + "]");
        }
        DeviceBuffer[] buffers = new DeviceBuffer[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            requireOwn(tensors[i]);
            buffers[i] = tensors[i].buffer();
        }
        return engine.interop(body::run, buffers);
    }

    /**
     * Frees the device buffers that host calls keep for the next call (at most one input and one
     * output buffer per command queue, sized for the largest recent call), for example after a
     * large call that will not be repeated. Queues in use by a call at this moment keep theirs.
     * Calls made afterwards allocate again. {@link #close()} frees everything.
     *
     * @throws IllegalStateException if this backend is closed
     */
    public void releaseCachedBuffers() {
        engine.releaseCachedBuffers();
    }

    /**
     * Releases the device tensors still open, the queues, the programs and the context; a no-op
     * for the shared default backend. Does not wait for calls in flight on other threads: they
     * finish (or fail with an {@link IllegalStateException} if not yet begun), and the last of
     * them releases the resources as it returns.
     *
     * @throws IllegalStateException if called from inside an {@link #interop} body of this
     *     backend, on the body's thread (the call it is in still uses its command queue)
     */
    @Override
    public void close() {
        engine.close();
    }

    /** Releases everything, shared or not (for a shared backend that turned out unusable). */
    void release() {
        engine.release();
    }
}
