package org.unfold4j.internal.opencl;

import static org.jocl.CL.*;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_event;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import java.util.function.BiFunction;
import org.unfold4j.DType;
import org.unfold4j.FoldMode;
import org.unfold4j.ImageLayout;
import org.unfold4j.OpenCLException;
import org.unfold4j.internal.Engine;
import org.unfold4j.internal.Op;
import org.unfold4j.internal.PlanCache;
import org.unfold4j.internal.geometry.Axis;
import org.unfold4j.internal.geometry.SharedRules;
import org.unfold4j.internal.geometry.View;

/**
 * The OpenCL backend's engine: everything behind the public {@code OpenCLBackend}, which
 * unwraps tensors into arrays and buffers and calls this. See that class for the contract.
 */
public final class OpenCLEngine implements Engine {
    /** The most command queues (hence concurrent calls) one backend uses. */
    public static final int MAX_QUEUES = 4;

    private final DeviceFacts device;
    private final cl_context context;
    private final ClCalls cl = new ClCalls();
    private final Programs programs;
    private final long maxWorkGroup;
    private final boolean shared;
    /** Whether the command queues are created with CL_QUEUE_PROFILING_ENABLE ({@link #createProfiled}). */
    private final boolean profiling;
    private final Set<DeviceBuffer> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger liveBuffers = new AtomicInteger();
    /** Guards the queue pool and the life cycle below: Note [calls, nesting and close]. */
    private final Object pool = new Object();
    /** Queues no call holds, taken first in, first out. */
    private final ArrayDeque<Lane> idle = new ArrayDeque<>();
    private final List<Lane> lanes = new ArrayList<>();
    /** Queues held by a call that is running an interop body (user code, which may block). */
    private int inBodies;
    /** Calls waiting in {@link #acquire} for a queue: only then is the pool notified (which would inflate its monitor on every call). */
    private int waiting;
    /** Calls in flight (nested ones not counted). */
    private int calls;
    private volatile boolean closed;
    /** Whether the native resources are released (by close, or by the last call in flight after it). */
    private boolean released;
    /** The queue of the call this thread is in, if any: Note [calls, nesting and close]. */
    private final ThreadLocal<Lane> current = new ThreadLocal<>();

    /** The largest buffer this backend allocates; tests lower it to force chunking. */
    public volatile long allocationLimit;
    /** Tests set this to run the 64-bit index kernels on small tensors. */
    public volatile boolean forceLongIndex;
    /**
     * Tests set it to build fold_row_classes with barriers between its phases (INTERLEAVE_ITEMS
     * in fold.cl), so that a CPU device, which otherwise runs a work-group's items one after
     * another, runs each phase for every item of the group before the next: work-items whose
     * __local scratch overlapped would then spoil each other's sums, as on a GPU.
     */
    public volatile boolean interleaveWorkItems;
    /**
     * Calls of at least this many elements get kernels built for their geometry (P_SPECIALISED
     * in the kernels): worth a build for large tensors, not for many small different ones.
     * Tests lower it to check the specialised kernels too.
     */
    public volatile long specialiseFrom = 1 << 20;
    /**
     * Whether to use the row kernels (unfold_rows, fold_rows: a run of outputs per work-item)
     * rather than the element kernels (one output per work-item). CPU devices (PoCL) want rows,
     * where index arithmetic per element costs more than the copy; GPUs want elements, whose
     * neighbouring work-items touch neighbouring addresses. Tests set it to check both.
     */
    public volatile boolean rowKernels;
    /**
     * Whether host calls of more than one image overlap transfers with kernels (Note [overlapped
     * host calls]): by default on for GPUs and accelerators, whose copy engines work beside the
     * kernels, and off for CPU devices, whose "transfers" are memory copies on the same cores as
     * the kernels; the system property {@code unfold4j.overlapTransfers} ({@code auto},
     * {@code true}, {@code false}) overrides that for benchmarks. Tests set it to check both paths.
     */
    public volatile boolean overlapTransfers;
    /** Threads for the second queue of overlapped host calls, made on first use. */
    private ExecutorService transferThreads;

    /**
     * An engine with a context of its own on {@code device}.
     *
     * @param device    the device
     * @param shared    whether close does nothing (the default backend; {@link #release()} still releases)
     * @param profiling whether the queues record profiling information
     * @throws OpenCLException if the device refuses a context
     */
    public OpenCLEngine(DeviceFacts device, boolean shared, boolean profiling) {
        this.device = device;
        this.shared = shared;
        this.profiling = profiling;
        int[] err = new int[1];
        this.context = clCreateContext(null, 1, new cl_device_id[] {device.id()}, null, null, err);
        ClCalls.require(err[0], "clCreateContext on " + device.name());
        this.programs = new Programs(context, device, cl);
        this.maxWorkGroup = device.maxWorkGroup();
        this.allocationLimit = device.maxAllocation();
        this.rowKernels = device.type().equals("CPU");
        String overlap = System.getProperty("unfold4j.overlapTransfers", "auto").trim();
        this.overlapTransfers = overlap.equalsIgnoreCase("auto") ? device.isGpuOrAccelerator() : Boolean.parseBoolean(overlap);
    }

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public String deviceName() {
        return device.name();
    }

    /** {@return the number of device tensors of this engine not yet closed} */
    public int openTensorCount() {
        return open.size();
    }

    /** {@return the number of OpenCL buffers this engine holds now, internal ones included} */
    public int liveBufferCount() {
        return liveBuffers.get();
    }

    /**
     * {@return whether host calls on a batch overlap their transfers with kernels (Note
     * [overlapped host calls]): by default on GPUs and accelerators; the system property
     * {@code unfold4j.overlapTransfers} overrides it}
     */
    public boolean overlapsTransfers() {
        return overlapTransfers;
    }

    /** {@return the number of command queues opened so far (tests)} */
    public int queueCount() {
        synchronized (pool) {
            return lanes.size();
        }
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
        return call(lane -> {
            DeviceBuffer d = allocate(elements, dtype, what, true);
            try {
                write(lane, d, array, 0, elements, dtype);
            } catch (RuntimeException e) {
                d.close();
                throw e;
            }
            return d;
        });
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
        call(lane -> {
            read(lane, d, array, 0, elements, dtype);
            return null;
        });
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
        long elements = op == Op.UNFOLD ? g.columnElements() : g.imageElements();
        return call(lane -> {
            DeviceBuffer out = allocate(elements, g.dtype(), what, true);
            try {
                launch(lane, g, op, input, out);  // not flushed: Note [lazy flush] in DeviceBuffer
            } catch (RuntimeException e) {
                out.close();
                throw e;
            }
            return out;
        });
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
        call(lane -> {
            launch(lane, g, op, input, output);  // not flushed: Note [lazy flush] in DeviceBuffer
            return null;
        });
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
        return call(lane -> {
            DeviceBuffer.Access[] uses = new DeviceBuffer.Access[buffers.length];
            boolean ran = false;
            try {
                cl_mem[] mems = new cl_mem[buffers.length];
                for (int i = 0; i < buffers.length; i++) {
                    uses[i] = buffers[i].write();  // the body may write any of them
                    mems[i] = uses[i].mem();
                }
                // The body's commands get no wait list, so wait here, on the host (which flushes the events' queues).
                cl_event[] wait = DeviceBuffer.Access.waitList(null, uses);
                if (wait != null) {
                    cl.check(clWaitForEvents(wait.length, wait), "waiting for the tensors of interop");
                }
                ran = true;
                boolean outermost = enterBody(lane);
                R result;
                try {
                    result = body.apply(lane.queue, mems);
                } catch (RuntimeException | Error e) {
                    clFinish(lane.queue);  // what the body enqueued before failing is done before others use the buffers
                    throw e;
                } finally {
                    if (outermost) {
                        leaveBody(lane);
                    }
                }
                cl.check(clFinish(lane.queue), "clFinish after interop");
                return result;
            } finally {
                for (DeviceBuffer.Access a : uses) {
                    if (a != null) {
                        if (ran) {
                            a.finished(lane.queue);  // the queue has finished (or failed): Note [device ordering]
                        }
                        a.close();
                    }
                }
            }
        });
    }

    // ---------------------------------------------------------------- host tensors

    @Override
    public void unfold(View g, Object input, Object output) {
        onHost(g, input, output, Op.UNFOLD);
    }

    @Override
    public void fold(View g, Object input, Object output, boolean zeroed) {
        onHost(g, input, output, Op.FOLD);
    }

    /**
     * Host in, host out, in chunks of whole images (or of single-channel planes when one image is
     * too large) that fit the allocation limit; a chunk the device cannot allocate is halved and
     * retried, so a full device slows the call down instead of failing it.
     */
    private void onHost(View g, Object in, Object out, Op op) {
        requireSupported(g.dtype(), op.label());
        if (g.imageElements() == 0) {
            return;
        }
        View units = g;
        long limit = allocationLimit;
        if (bytesPerUnit(units) > limit && g.splitsIntoPlanes()) {
            units = g.asPlanes();
        }
        long perUnit = bytesPerUnit(units);
        if (perUnit > limit) {
            throw new OpenCLException(op.label() + " of " + g + " needs " + perUnit + " bytes for one "
                    + (units.channels() == 1 ? "channel of one image" : "image") + ", more than the largest buffer "
                    + device.name() + " allows (" + limit + " bytes)", null);
        }
        View all = units;
        long count = all.batch();
        call(lane -> {
            long chunk = Math.min(count, limit / perUnit);
            if (overlapTransfers && count > 1 && overlapped(lane, all, op, in, out,
                    Math.min(chunk, (count + OVERLAP_CHUNKS - 1) / OVERLAP_CHUNKS))) {
                return null;
            }
            long done = 0;
            while (done < count) {
                long n = Math.min(chunk, count - done);
                try {
                    // The whole batch in one chunk reuses the caller's geometry and so its launch plan.
                    chunk(lane, n == count ? all : all.withBatch(n), op, in, out, done);
                    done += n;
                } catch (OpenCLException e) {
                    if (!isOutOfMemory(e) || chunk == 1) {
                        throw e;
                    }
                    lane.releaseStaging();
                    releaseIdleStaging();
                    chunk = Math.max(1, chunk / 2);
                }
            }
            return null;
        });
    }

    /** How many chunks an overlapped host call aims for: enough to keep both directions busy, few enough to stay large. */
    private static final int OVERLAP_CHUNKS = 4;

    /*
     * Note [overlapped host calls]
     * A host call moves its input up and its output down; on a GPU the kernel between them takes a
     * few percent of that time, so a call done in sequence costs the two transfers one after the
     * other. Split into chunks of images and worked through by two command queues in turn (chunks
     * 0, 2, 4, ... on one, 1, 3, 5, ... on the other), the download of one chunk runs while the
     * other queue uploads the next and runs its kernel, so the copy engines of both directions and
     * the compute units are busy together. JOCL copies from Java arrays only with blocking calls (a
     * non-blocking one needs a direct buffer, and staging through one would add a host copy), so
     * each queue is driven by a thread of its own: the caller's, and one from transferThreads.
     * Each pixel is still computed by the same kernel from the same inputs, so the result is the
     * same as in one piece, bit for bit.
     * The second queue is taken only if one is free, never waited for: calls from several threads
     * that each held one queue and waited for another could otherwise deadlock. A chunk that runs
     * out of device memory stops both queues, and the call starts over on the sequential path,
     * which halves its chunks until they fit (the output is written whole again, the input is only
     * read).
     */

    /**
     * Runs a host call as {@code chunk}-image pieces over {@code lane} and a second queue; false
     * when no second queue is free or the device ran out of memory, so the caller goes on in sequence.
     */
    private boolean overlapped(Lane lane, View all, Op op, Object in, Object out, long chunk) {
        Lane second;
        try {
            second = tryAcquire();
        } catch (OpenCLException e) {
            return false;  // no second queue to be had: the call goes on in sequence
        }
        if (second == null) {
            return false;
        }
        try {
            long count = all.batch();
            // Slices made once, so both queues share their memoised launch plans.
            View full = all.withBatch(chunk);
            View last = count % chunk == 0 ? full : all.withBatch(count % chunk);
            long pieces = (count + chunk - 1) / chunk;
            AtomicBoolean stop = new AtomicBoolean();
            Runnable other = () -> everyOtherChunk(second, 1, pieces, full, last, op, in, out, stop);
            Future<?> background = transferThreads().submit(other);
            Throwable failure = null;
            try {
                everyOtherChunk(lane, 0, pieces, full, last, op, in, out, stop);
            } catch (RuntimeException | Error e) {
                stop.set(true);
                failure = e;
            }
            failure = joined(background, failure);
            if (failure == null) {
                return true;
            }
            if (onlyOutOfMemory(failure)) {
                return false;
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            throw (Error) failure;
        } finally {
            giveBack(second);
        }
    }

    /** Whether the failure and those suppressed in it (the other queue's) are all the device running out of memory. */
    private static boolean onlyOutOfMemory(Throwable failure) {
        if (!(failure instanceof OpenCLException e) || !isOutOfMemory(e)) {
            return false;
        }
        for (Throwable other : failure.getSuppressed()) {
            if (!(other instanceof OpenCLException o) || !isOutOfMemory(o)) {
                return false;
            }
        }
        return true;
    }

    /** Chunks {@code first}, {@code first + 2}, ... of an overlapped call, on one queue, until done or stopped. */
    private void everyOtherChunk(Lane lane, int first, long pieces, View full, View last,
                                 Op op, Object in, Object out, AtomicBoolean stop) {
        try {
            for (long i = first; i < pieces && !stop.get(); i += 2) {
                chunk(lane, i == pieces - 1 ? last : full, op, in, out, i * full.batch());
            }
        } catch (RuntimeException | Error e) {
            stop.set(true);
            throw e;
        }
    }

    /** Waits for the background queue's share, even if interrupted (it uses buffers this call releases); returns the first failure. */
    private static Throwable joined(Future<?> background, Throwable failure) {
        boolean interrupted = false;
        while (true) {
            try {
                background.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (failure == null) {
                    failure = cause;
                } else if (failure != cause) {
                    failure.addSuppressed(cause);
                }
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return failure;
    }

    private synchronized ExecutorService transferThreads() {
        if (transferThreads == null) {
            transferThreads = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "unfold4j-transfers-" + device.name());
                t.setDaemon(true);
                return t;
            });
        }
        return transferThreads;
    }

    private static long bytesPerUnit(View units) {
        long images = Math.max(1, units.batch());
        return Math.max(units.imageElements(), units.columnElements()) / images * units.dtype().bytes();
    }

    private static boolean isOutOfMemory(OpenCLException e) {
        return isOutOfMemory(e.errorCode());
    }

    private static boolean isOutOfMemory(int code) {
        return code == CL_MEM_OBJECT_ALLOCATION_FAILURE || code == CL_OUT_OF_RESOURCES || code == CL_OUT_OF_HOST_MEMORY;
    }

    /**
     * Units {@code [first, first + n)} of a chunked host call, on one queue, through the queue's
     * staging buffers (Note [staging buffers]; in order on that queue, they are ordered as any
     * other buffer is: Note [device ordering] in DeviceBuffer).
     */
    private void chunk(Lane lane, View g, Op op, Object in, Object out, long first) {
        long inElements = op == Op.UNFOLD ? g.imageElements() : g.columnElements();
        long outElements = op == Op.UNFOLD ? g.columnElements() : g.imageElements();
        int bytes = g.dtype().bytes();
        DeviceBuffer dIn = lane.staging(0, inElements * bytes), dOut = lane.staging(1, outElements * bytes);
        write(lane, dIn, in, first * (inElements / g.batch()), inElements, g.dtype());
        launch(lane, g, op, dIn, dOut);
        read(lane, dOut, out, first * (outElements / g.batch()), outElements, g.dtype());
    }

    /*
     * Note [staging buffers]
     * A host call needs a device buffer for its input and one for its output. Made afresh for each
     * call, they cost more than the call's own work on some devices: PoCL's buffers are host memory
     * that each call faults in page by page (measured: a conv3x3 host unfold 97 ms with fresh
     * buffers, against 21.6 ms for the transfers themselves), and a GPU driver maps new memory on
     * first use. So each command queue keeps the two buffers of its last host call and reuses
     * them while they are large enough (only the bytes a call needs are transferred), growing
     * them when a call needs more, as PyTorch's caching allocator keeps freed blocks. At most
     * MAX_QUEUES pairs are kept; releaseCachedBuffers() frees those of idle queues, close() frees
     * all, and a chunk that runs out of device memory frees them before it is halved and retried.
     */

    // ---------------------------------------------------------------- commands

    /** Uploads {@code elements} values of {@code bytes} bytes from the array into the start of the tensor's buffer. */
    private void write(Lane lane, DeviceBuffer d, Object array, long elementOffset, long elements, DType dtype) {
        if (elements == 0) {
            return;
        }
        int bytes = dtype.bytes();
        try (DeviceBuffer.Access a = d.write()) {
            cl_event[] wait = DeviceBuffer.Access.waitList(lane.queue, a);
            cl.check(clEnqueueWriteBuffer(lane.queue, a.mem(), CL_TRUE, 0, elements * bytes,
                    ClTypes.of(dtype).pointer(array).withByteOffset(elementOffset * bytes), wait == null ? 0 : wait.length, wait, null),
                    "upload of " + d);
            a.finished(lane.queue);  // a blocking write: Note [device ordering] in DeviceBuffer
        }
    }

    /** Downloads {@code elements} values of {@code bytes} bytes from the start of the tensor's buffer into the array. */
    private void read(Lane lane, DeviceBuffer d, Object array, long elementOffset, long elements, DType dtype) {
        if (elements == 0) {
            return;
        }
        int bytes = dtype.bytes();
        try (DeviceBuffer.Access a = d.read()) {
            cl_event[] wait = DeviceBuffer.Access.waitList(lane.queue, a);
            cl.check(clEnqueueReadBuffer(lane.queue, a.mem(), CL_TRUE, 0, elements * bytes,
                    ClTypes.of(dtype).pointer(array).withByteOffset(elementOffset * bytes), wait == null ? 0 : wait.length, wait, null),
                    "download of " + d);
            a.finished(lane.queue);  // a blocking read: Note [device ordering] in DeviceBuffer
        }
    }

    private static final int[] VECTOR_SIZES = {Sizeof.cl_long, Sizeof.cl_long2, Sizeof.cl_long4, Sizeof.cl_long8, Sizeof.cl_long16};

    /**
     * Enqueues the unfold or fold kernel, ordered with the other commands on its input (read) and
     * output (written) by Note [device ordering] in DeviceBuffer; nothing when there is nothing
     * to compute.
     */
    private void launch(Lane lane, View g, Op op, DeviceBuffer input, DeviceBuffer out) {
        long total = op == Op.UNFOLD ? g.columnElements() : g.imageElements();
        if (total == 0) {
            return;
        }
        Launch plan = planFor(g, op);
        String name = plan.name;
        long[][] vectors = plan.vectors;
        long items = plan.items;
        cl_kernel kernel = lane.kernel(plan.source, name, plan.defines);
        try (DeviceBuffer.Access in = input.read(); DeviceBuffer.Access o = out.write()) {
            // Kernel arguments persist between launches, and this kernel object is the lane's
            // own: set only those that changed (a repeated small call, e.g. the seed shape on
            // PoCL, otherwise spends a fair part of its time in these calls).
            Bound last = lane.lastArguments.remove(kernel);
            if (last == null || last.input() != in.mem()) {
                cl.check(clSetKernelArg(kernel, 0, Sizeof.cl_mem, Pointer.to(in.mem())), name + " argument 0");
            }
            if (last == null || last.output() != o.mem()) {
                cl.check(clSetKernelArg(kernel, 1, Sizeof.cl_mem, Pointer.to(o.mem())), name + " argument 1");
            }
            if (last == null || last.plan() != plan) {
                for (int i = 0; i < vectors.length; i++) {
                    int bytes = VECTOR_SIZES[Integer.numberOfTrailingZeros(vectors[i].length)];
                    cl.check(clSetKernelArg(kernel, 2 + i, bytes, Pointer.to(vectors[i])), name + " argument " + (2 + i));
                }
            }
            long local = Math.min(Math.min(256, maxWorkGroup), lane.workGroupLimit(kernel));
            if (plan.rows && total >= 1 << 18) {
                // A CPU device runs whole work-groups per core: with few, long work-items (row
                // classes, a handful of images) groups of 256 would leave cores idle, so large
                // calls aim for at least 8 groups per compute unit. Small ones stay one group:
                // each group costs PoCL a scheduling round (seed shape: 2.6 -> 3.8 µs kernels).
                local = Math.max(1, Math.min(local, items / (8 * device.computeUnits())));
            }
            if (plan.scratchPerItem > 0) {
                // Each work-item's scratch must fit the group's local memory; set with the plan's arguments.
                local = Math.max(1, Math.min(local, device.localMemory() / 2 / plan.scratchPerItem));
                if (last == null || last.plan() != plan) {
                    cl.check(clSetKernelArg(kernel, 2 + vectors.length, local * plan.scratchPerItem, null),
                            name + " scratch argument");
                }
            }
            lane.lastArguments.put(kernel, new Bound(plan, in.mem(), o.mem()));  // only once all are set
            long global = (items + local - 1) / local * local;
            cl_event[] wait = DeviceBuffer.Access.waitList(lane.queue, in, o);
            cl_event event = new cl_event();
            int err = clEnqueueNDRangeKernel(lane.queue, kernel, 1, null, new long[] {global}, new long[] {local},
                    wait == null ? 0 : wait.length, wait, event);
            try {
                cl.check(err, name + " launch for " + g);
                in.enqueued(event, lane.queue);
                o.enqueued(event, lane.queue);
            } finally {
                if (err == CL_SUCCESS) {
                    clReleaseEvent(event);  // the buffers hold their own references
                }
            }
        }
    }

    /** The geometry as -D constants (P_SPECIALISED in unfold.cl and fold.cl); the batch size stays an argument. */
    private static String constants(View g) {
        long[] size = g.size3(), blocks = g.blocks3(), image = g.imageStrides(), columns = g.columnStrides();
        int[] kernel = g.kernel3(), dilation = g.dilation3(), padding = g.padding3(), stride = g.stride3();
        StringBuilder d = new StringBuilder(" -D P_SPECIALISED");
        define(d, "C", g.channels());
        define(d, "K", g.kernelVolume());
        define(d, "L", g.blocks());
        String[] dims = {"D", "H", "W"};
        for (int i = 0; i < 3; i++) {
            Axis a = g.axis(i);
            define(d, "SIZE_" + dims[i], size[i]);
            define(d, "BLOCKS_" + dims[i], blocks[i]);
            define(d, "KERNEL_" + dims[i], kernel[i]);
            define(d, "DIL_" + dims[i], dilation[i]);
            define(d, "PAD_" + dims[i], padding[i]);
            define(d, "STRIDE_" + dims[i], stride[i]);
            define(d, "GCD_" + dims[i], a.gcd());
            define(d, "STEP_" + dims[i], a.step());
            define(d, "INV_" + dims[i], a.inverse());
            define(d, "IN_" + dims[i], image[2 + i]);
        }
        define(d, "IN_N", image[0]);
        define(d, "IN_C", image[1]);
        String[] col = {"N", "C", "K", "L"};
        for (int i = 0; i < 4; i++) {
            define(d, "COL_" + col[i], columns[i]);
        }
        return d.toString();
    }

    private static void define(StringBuilder d, String name, long value) {
        d.append(" -D P_").append(name).append('=').append(value).append('L');
    }

    /**
     * How to launch one geometry: kernel, build options and arguments. Memoised on the geometry
     * (which {@link Unfold} and {@link Fold} reuse for repeated shapes), so a loop of small calls
     * does not rebuild strings and vectors each time; the settings it was made under are part of
     * the memo, so tests that change them get a fresh plan.
     */
    /** scratchPerItem: bytes of __local scratch each work-item needs (fold_row_classes), or 0. */
    private record Launch(OpenCLEngine owner, Op op, boolean rowKernels, boolean forceLongIndex,
                          boolean interleaveWorkItems, boolean rows,
                          long specialiseFrom, String source, String name, String defines, long items, long[][] vectors,
                          long scratchPerItem) {
        boolean fits(OpenCLEngine b, Op u) {
            return owner == b && op == u && rowKernels == b.rowKernels && forceLongIndex == b.forceLongIndex
                    && interleaveWorkItems == b.interleaveWorkItems
                    && specialiseFrom == b.specialiseFrom;
        }
    }

    private Launch planFor(View g, Op op) {
        PlanKey key = new PlanKey(g, op);
        Launch memo = plans.get(key, k -> plan(k.g(), k.op()));
        if (memo.fits(this, op)) {
            return memo;
        }
        Launch fresh = plan(g, op);  // the settings changed since (tests): Note [memoised plans] in PlanCache
        plans.put(key, fresh);
        return fresh;
    }

    /** Which plan: a geometry and an operation. */
    private record PlanKey(View g, Op op) {
    }

    /** This engine's launch plans: Note [memoised plans] in PlanCache. */
    private final PlanCache<PlanKey, Launch> plans = new PlanCache<>();

    private Launch plan(View g, Op op) {
        long total = op == Op.UNFOLD ? g.columnElements() : g.imageElements();
        // Rows: unfold only in PyTorch's column order, where a window row is contiguous.
        boolean rows = rowKernels && (op != Op.UNFOLD || g.columnOrder()[0] == View.AXIS_CHANNEL);
        // fold_row_classes sums each class of rows in __local scratch (Note in fold.cl); too large a
        // class for the device's local memory takes fold_rows instead.
        long scratchPerItem = (g.size3()[1] + g.stride3()[1] - 1) / g.stride3()[1] * (g.size3()[2] + SharedRules.ROW_CLASS_PAD) * g.dtype().bytes();
        boolean rowClasses = rows && op != Op.UNFOLD && SharedRules.foldsByRowClasses(g) && scratchPerItem <= device.localMemory() / 2;
        boolean patches = rows && op != Op.UNFOLD && !rowClasses && SharedRules.permutesPixels(g);
        String name = op.label() + (rowClasses ? "_row_classes" : patches ? "_patches" : rows ? "_rows" : "");
        long items = rowClasses ? g.batch() * g.channels() * Math.min(g.stride3()[1], g.size3()[1])
                : patches ? g.batch() * g.channels() * g.kernelVolume()
                : !rows ? total : op == Op.UNFOLD ? total / g.blocks() : total / g.width();
        String defines = "-D T=" + ClTypes.of(g.dtype()).openCLType() + " -D INDEX_T=" + (g.fitsIntIndex() && !forceLongIndex ? "int" : "long")
                + (g.dtype() == DType.FLOAT64 ? " -D USE_FP64" : "");
        long[][] vectors;
        if (op == Op.UNFOLD) {
            defines += " -D PAD_MODE=" + g.paddingMode().ordinal() + " -D ORDER=" + order(g);
            vectors = new long[][] {shapeArgument(g, items), windowArgument(g)};
        } else {
            defines += " -D ROW_PAD=" + SharedRules.ROW_CLASS_PAD
                    + (g.imageLayout() == ImageLayout.CHANNELS_LAST ? " -D IMAGE_CL" : "")
                    // Along the kernel only for patches: measured on PoCL, vit16 fold 6-7 ms along
                    // against 11-13 ms across, but tile256 (overlapping) 92 ms along against 59 across.
                    + (rows && SharedRules.disjoint(g) && g.kernel3()[2] > g.blocksW() ? " -D ALONG_KERNEL" : "")
                    + (rows && SharedRules.disjoint(g) ? " -D DISJOINT" + (g.axis(2).uncoveredPixels(g.width()) ? " -D GAPS_W" : "") : "")
                    + (g.foldMode() == FoldMode.MEAN ? " -D FOLD_MEAN" : "")
                    + (rowClasses && interleaveWorkItems ? " -D INTERLEAVE_ITEMS" : "");
            long[] cover = new long[16];
            for (int d = 0; d < 3; d++) {
                Axis a = g.axis(d);
                cover[d] = a.gcd();
                cover[3 + d] = a.step();
                cover[6 + d] = a.inverse();
            }
            vectors = new long[][] {shapeArgument(g, items), windowArgument(g), g.columnStrides(), cover};
        }
        if (total >= specialiseFrom) {
            defines += constants(g);
        }
        Launch plan = new Launch(this, op, rowKernels, forceLongIndex, interleaveWorkItems, rows, specialiseFrom, op.label(),
                name, defines, items, vectors, rowClasses ? scratchPerItem : 0);
        return plan;
    }

    /** The ORDER define of unfold.cl: the column side's axis order (View.columnOrder). */
    private static int order(View g) {
        int[] o = g.columnOrder();
        if (o[0] == View.AXIS_CHANNEL) {
            return 0;
        }
        return o[1] == View.AXIS_CHANNEL ? 2 : 3;
    }

    // Kernel arguments: the long16/long4 vectors described at the top of unfold.cl and fold.cl.

    private static long[] shapeArgument(View g, long total) {
        long[] size = g.size3(), blocks = g.blocks3();
        int[] kernel = g.kernel3();
        return new long[] {total, g.channels(), g.kernelVolume(), g.blocks(), size[0], size[1], size[2],
            blocks[0], blocks[1], blocks[2], kernel[0], kernel[1], kernel[2], 0, 0, 0};
    }

    private static long[] windowArgument(View g) {
        int[] d = g.dilation3(), p = g.padding3(), s = g.stride3();
        long[] image = g.imageStrides();
        return new long[] {d[0], d[1], d[2], p[0], p[1], p[2], s[0], s[1], s[2],
            image[0], image[1], image[2], image[3], image[4], 0, 0};
    }

    // ---------------------------------------------------------------- resources

    /** A new device tensor; {@code user} ones count in {@link #openTensorCount()}, internal ones (staging) do not. */
    private DeviceBuffer allocate(long elements, DType dtype, String what, boolean user) {
        cl_mem mem = null;
        long bytes = 0;
        if (elements > 0) {
            try {
                bytes = Math.multiplyExact(elements, (long) dtype.bytes());
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(what + " of " + elements + " elements overflows a byte count");
            }
            if (bytes > allocationLimit) {
                throw new OpenCLException(what + " needs a buffer of " + bytes + " bytes, more than the largest "
                        + "allocation " + device.name() + " allows (" + allocationLimit + " bytes)", null);
            }
            int[] err = new int[1];
            mem = clCreateBuffer(context, CL_MEM_READ_WRITE, bytes, null, err);
            if (user && isOutOfMemory(err[0])) {
                // Host calls' kept buffers (Note [staging buffers]) must not cost a caller's tensor its memory.
                releaseIdleStaging();
                mem = clCreateBuffer(context, CL_MEM_READ_WRITE, bytes, null, err);
            }
            try {
                cl.check(err[0], "clCreateBuffer of " + bytes + " bytes for " + what);
            } catch (OpenCLException e) {
                if (mem != null && err[0] == CL_SUCCESS) {
                    clReleaseMemObject(mem);
                }
                throw e;
            }
            liveBuffers.incrementAndGet();
        }
        DeviceBuffer buffer = new DeviceBuffer(this, mem, bytes, what);
        if (user) {
            open.add(buffer);
        }
        return buffer;
    }

    /** Called once per buffer, by its close or by the cleaner. */
    void released(DeviceBuffer buffer, cl_mem mem) {
        open.remove(buffer);
        if (mem != null) {
            clReleaseMemObject(mem);
            liveBuffers.decrementAndGet();
        }
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

    /*
     * Note [calls, nesting and close]
     * Each call takes a command queue of its own from the pool (a Lane), so that calls from
     * several threads run concurrently, and gives it back when it returns. Two things could make
     * a call wait for ever, and neither may:
     *   - Nesting. A call that runs user code (an interop body) may make calls on this backend
     *     itself. On the same thread, such a nested call runs on the queue the body holds (the
     *     thread-local current lane), in order after what the body enqueued there, and never
     *     waits for another queue (a nested overlapped host call takes a second one only if
     *     it can have one at once, as any overlapped call does).
     *     On other threads that the body waits for, a call takes a free queue; when none is
     *     free, it waits only while MAX_QUEUES queues are held by calls that run no user code
     *     (which finish by themselves); otherwise it opens one more queue. So the pool holds up
     *     to MAX_QUEUES queues plus one per interop body running at the same time.
     *   - Closing. close() never waits: it marks the backend closed, so that every call not yet
     *     begun (nested ones included) fails at once with an IllegalStateException, and the
     *     native resources are released by whichever finishes last, close() itself when no call
     *     is in flight, else the last call in flight on its way out. So a body that waits for a
     *     thread calling close(), or for calls on other threads after it, does not hang.
     *     close() from inside a body, on the body's thread, fails with an IllegalStateException
     *     instead: the call it is in still uses the queue.
     */

    /** Runs {@code body} on a command queue of its own (or, nested, on the current one), while this backend is open. */
    private <R> R call(LaneCall<R> body) {
        Lane nested = current.get();
        if (nested != null) {
            requireOpen();
            return body.run(nested);
        }
        enter();
        Lane lane = null;
        try {
            lane = acquire(true);
            current.set(lane);
            try {
                return body.run(lane);
            } finally {
                current.remove();
            }
        } finally {
            if (lane != null) {
                giveBack(lane);
            }
            exit();
        }
    }

    private interface LaneCall<R> {
        R run(Lane lane);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the OpenCL backend on " + device.name() + " is closed");
        }
    }

    /** Counts a call in flight, unless this backend is closed. */
    private void enter() {
        synchronized (pool) {
            requireOpen();
            calls++;
        }
    }

    /** Ends a call; the last one out of a closed backend releases it. */
    private void exit() {
        boolean last;
        synchronized (pool) {
            calls--;
            last = closed && calls == 0 && !released;
            released |= last;
        }
        if (last) {
            releaseResources();
        }
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
        enter();
        try {
            releaseIdleStaging();
        } finally {
            exit();
        }
    }

    /** Frees the staging buffers of the queues no call holds now. */
    private void releaseIdleStaging() {
        List<Lane> taken;
        synchronized (pool) {
            taken = new ArrayList<>(idle);
            idle.clear();
        }
        try {
            taken.forEach(Lane::releaseStaging);
        } finally {
            taken.forEach(this::giveBack);
        }
    }

    /**
     * A free queue, or a new one while fewer than MAX_QUEUES are held outside interop bodies;
     * otherwise waits for one to come back when {@code mayWait}, or returns null (Note [calls,
     * nesting and close]).
     */
    private Lane acquire(boolean mayWait) {
        synchronized (pool) {
            while (true) {
                if (!mayWait && closed) {
                    return null;  // the second queue of a call begun before close: it goes on in sequence
                }
                requireOpen();
                Lane lane = idle.pollFirst();
                if (lane != null) {
                    return lane;
                }
                if (lanes.size() - inBodies < MAX_QUEUES) {
                    lane = new Lane();
                    lanes.add(lane);
                    return lane;
                }
                if (!mayWait) {
                    return null;
                }
                waiting++;
                try {
                    pool.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for an OpenCL command queue", e);
                } finally {
                    waiting--;
                }
            }
        }
    }

    /** A free queue or a new one, never waiting: null when MAX_QUEUES are busy outside interop bodies. */
    private Lane tryAcquire() {
        return acquire(false);
    }

    private void giveBack(Lane lane) {
        synchronized (pool) {
            idle.addLast(lane);
            wake();
        }
    }

    /** Wakes the calls waiting for a queue, if any (holding the pool's lock). */
    private void wake() {
        if (waiting > 0) {
            pool.notifyAll();
        }
    }

    /** Marks the lane as running an interop body (so that other threads may open a queue beside it); false if it was already. */
    private boolean enterBody(Lane lane) {
        synchronized (pool) {
            if (lane.inBody) {
                return false;
            }
            lane.inBody = true;
            inBodies++;
            wake();  // a call waiting for a queue may now open one
            return true;
        }
    }

    private void leaveBody(Lane lane) {
        synchronized (pool) {
            lane.inBody = false;
            inBodies--;
        }
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
        if (current.get() != null) {
            throw new IllegalStateException("close() of the OpenCL backend on " + device.name() + " was called from inside "
                    + "an interop body on this backend, whose call still uses its command queue; close it after interop returns");
        }
        if (!shared) {
            release();
        }
    }

    /** Releases everything, shared or not (for a shared backend that turned out unusable). */
    public void release() {
        boolean now;
        synchronized (pool) {
            if (closed) {
                return;
            }
            closed = true;
            now = calls == 0 && !released;
            released |= now;
            wake();  // calls waiting for a queue fail now
        }
        if (now) {
            releaseResources();
        }
    }

    /** Frees the native resources, once, when the backend is closed and no call is in flight. */
    private void releaseResources() {
        for (DeviceBuffer b : open.toArray(new DeviceBuffer[0])) {
            b.close();
        }
        List<Lane> all;
        synchronized (pool) {
            all = new ArrayList<>(lanes);
            lanes.clear();
            idle.clear();
        }
        all.forEach(Lane::release);
        programs.close();
        clReleaseContext(context);
        synchronized (this) {
            if (transferThreads != null) {
                transferThreads.shutdown();
            }
        }
    }

    /** A kernel's arguments as last set: the launch plan (its vectors and scratch) and the buffers, compared by identity. */
    private record Bound(Launch plan, cl_mem input, cl_mem output) {
    }

    /** A command queue with its own kernel objects (a cl_kernel's arguments are not thread-safe). */
    private final class Lane {
        final cl_command_queue queue;
        private final Map<String, cl_kernel> kernels = new HashMap<>();
        private final Map<cl_kernel, Long> workGroupLimits = new HashMap<>();
        /** Per kernel: what its arguments were last set to. */
        final Map<cl_kernel, Bound> lastArguments = new HashMap<>();
        /** Whether a call on this queue is running an interop body (guarded by the pool). */
        boolean inBody;
        /** The input and output buffers of this queue's last host call: Note [staging buffers]. */
        private final DeviceBuffer[] staging = new DeviceBuffer[2];

        Lane() {
            int[] err = new int[1];
            @SuppressWarnings("deprecation") // clCreateCommandQueueWithProperties needs OpenCL 2.0; this works on 1.2 too
            cl_command_queue q = clCreateCommandQueue(context, device.id(), profiling ? CL_QUEUE_PROFILING_ENABLE : 0, err);
            try {
                cl.check(err[0], "clCreateCommandQueue on " + device.name());
            } catch (OpenCLException e) {
                if (q != null && err[0] == CL_SUCCESS) {
                    clReleaseCommandQueue(q);
                }
                throw e;
            }
            this.queue = q;
        }

        /** The kernel {@code name} of {@code kernels/source.cl} built with {@code defines}. */
        cl_kernel kernel(String source, String name, String defines) {
            String options = programs.options(defines);
            String key = name + " " + options;
            cl_kernel kernel = kernels.get(key);
            if (kernel == null) {
                int[] err = new int[1];
                kernel = clCreateKernel(programs.get(source, options), name, err);
                try {
                    cl.check(err[0], "clCreateKernel " + name);
                    long[] limit = new long[1];
                    cl.check(clGetKernelWorkGroupInfo(kernel, device.id(), CL_KERNEL_WORK_GROUP_SIZE,
                            Sizeof.size_t, Pointer.to(limit), null), "clGetKernelWorkGroupInfo " + name);
                    workGroupLimits.put(kernel, limit[0]);
                } catch (OpenCLException e) {
                    if (kernel != null && err[0] == CL_SUCCESS) {
                        clReleaseKernel(kernel);
                    }
                    throw e;
                }
                kernels.put(key, kernel);
            }
            return kernel;
        }

        long workGroupLimit(cl_kernel kernel) {
            return workGroupLimits.get(kernel);
        }

        /** Staging buffer {@code which} (0 input, 1 output) of at least {@code bytes}: the kept one, or a larger one in its place. */
        DeviceBuffer staging(int which, long bytes) {
            DeviceBuffer kept = staging[which];
            if (kept != null && kept.bytes() >= bytes) {
                return kept;
            }
            staging[which] = null;
            if (kept != null) {
                kept.close();  // before allocating its successor, so that both need not fit at once
            }
            DeviceBuffer fresh = allocate(bytes, DType.UINT8, (which == 0 ? "input chunk [" : "output chunk [") + bytes + "] uint8", false);
            staging[which] = fresh;
            return fresh;
        }

        void releaseStaging() {
            for (int i = 0; i < staging.length; i++) {
                if (staging[i] != null) {
                    staging[i].close();
                    staging[i] = null;
                }
            }
        }

        public void release() {
            clFinish(queue);
            releaseStaging();
            kernels.values().forEach(k -> clReleaseKernel(k));
            kernels.clear();
            clReleaseCommandQueue(queue);
        }
    }
}
