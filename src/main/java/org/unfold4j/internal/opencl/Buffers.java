package org.unfold4j.internal.opencl;

import static org.jocl.CL.*;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jocl.cl_context;
import org.jocl.cl_mem;
import org.unfold4j.DType;
import org.unfold4j.OpenCLException;

/**
 * The buffers of one engine: allocation within the configured limit, the count of live ones, and
 * the device tensors not yet closed (which close releases). Thread-safe.
 */
final class Buffers {
    private final cl_context context;
    private final DeviceFacts device;
    private final ClCalls cl;
    private final long allocationLimit;
    /** Frees the staging buffers of idle queues (Note [staging buffers] in HostCalls), tried once when the device is full. */
    private final Runnable releaseIdleStaging;
    private final Set<DeviceBuffer> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger liveBuffers = new AtomicInteger();

    Buffers(cl_context context, DeviceFacts device, ClCalls cl, long allocationLimit, Runnable releaseIdleStaging) {
        this.context = context;
        this.device = device;
        this.cl = cl;
        this.allocationLimit = allocationLimit;
        this.releaseIdleStaging = releaseIdleStaging;
    }

    /** {@return the number of user buffers (device tensors) not yet closed} */
    int openCount() {
        return open.size();
    }

    /** {@return the number of OpenCL buffers held now, internal ones included} */
    int liveCount() {
        return liveBuffers.get();
    }

    /** The largest buffer allocated, in bytes. */
    long allocationLimit() {
        return allocationLimit;
    }

    /** A new buffer; {@code user} ones count in {@link #openCount()}, internal ones (staging) do not. */
    DeviceBuffer allocate(long elements, DType dtype, String what, boolean user) {
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
                // Host calls' kept buffers (Note [staging buffers] in HostCalls) must not cost a caller's tensor its memory.
                releaseIdleStaging.run();
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

    /** Closes the device tensors still open (the engine is being released). */
    void closeOpen() {
        for (DeviceBuffer b : open.toArray(new DeviceBuffer[0])) {
            b.close();
        }
    }

    static boolean isOutOfMemory(OpenCLException e) {
        return isOutOfMemory(e.errorCode());
    }

    static boolean isOutOfMemory(int code) {
        return code == CL_MEM_OBJECT_ALLOCATION_FAILURE || code == CL_OUT_OF_RESOURCES || code == CL_OUT_OF_HOST_MEMORY;
    }
}
