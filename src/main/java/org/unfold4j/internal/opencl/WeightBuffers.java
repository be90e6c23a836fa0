package org.unfold4j.internal.opencl;

import static org.jocl.CL.*;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_context;
import org.jocl.cl_mem;
import org.unfold4j.internal.geometry.FoldWeights;

/**
 * The weighted fold's weights on the device: one read-only buffer per weights value, uploaded on
 * first use and kept for the calls after it, freed when the engine is released. Thread-safe.
 *
 * <p>Note [weight buffers]: a weighted fold reads its weights (K floats) from a buffer of their
 * own, made with {@code CL_MEM_COPY_HOST_PTR}, so the copy has finished when the buffer exists
 * and no command needs to wait for it (Note [device ordering] in DeviceBuffer does not apply:
 * nothing writes these buffers afterwards). They are keyed by value (FoldWeights), so every
 * spec with the same weights, and every chunk of a call, shares one; tiled inference folds with
 * one window all along. At most {@link #CAPACITY} are kept, the least recently used released
 * first; each launch holds a reference of its own ({@link #acquire}) until the kernel is queued,
 * and OpenCL keeps a released buffer alive until the queued kernels that use it have run.
 */
final class WeightBuffers {
    /** The most weight buffers kept; a program that folds with ever new weights re-uploads the oldest. */
    static final int CAPACITY = 64;

    private final cl_context context;
    private final ClCalls cl;
    private final Map<FoldWeights, cl_mem> kept = new LinkedHashMap<>(16, 0.75f, true);
    private boolean closed;

    WeightBuffers(cl_context context, ClCalls cl) {
        this.context = context;
        this.cl = cl;
    }

    /**
     * The buffer of {@code weights}, uploaded if it is not kept, with a reference the caller
     * releases ({@code clReleaseMemObject}) once it has queued the kernel that reads it.
     */
    synchronized cl_mem acquire(FoldWeights weights) {
        if (closed) {
            throw new IllegalStateException("the OpenCL engine is released");
        }
        cl_mem mem = kept.get(weights);
        if (mem == null) {
            float[] values = weights.toArray();
            int[] err = new int[1];
            mem = clCreateBuffer(context, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, (long) values.length * Sizeof.cl_float,
                    Pointer.to(values), err);
            cl.check(err[0], "clCreateBuffer of the fold weights " + weights);
            kept.put(weights, mem);
            if (kept.size() > CAPACITY) {
                var eldest = kept.entrySet().iterator();
                clReleaseMemObject(eldest.next().getValue());
                eldest.remove();
            }
        }
        clRetainMemObject(mem);
        return mem;
    }

    /** {@return how many weight buffers are kept (tests)} */
    synchronized int count() {
        return kept.size();
    }

    /** Releases every kept buffer (the engine is being released); later acquires fail. */
    synchronized void close() {
        closed = true;
        for (cl_mem mem : kept.values()) {
            clReleaseMemObject(mem);
        }
        kept.clear();
    }
}
