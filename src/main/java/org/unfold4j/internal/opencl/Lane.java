package org.unfold4j.internal.opencl;

import static org.jocl.CL.*;

import java.util.HashMap;
import java.util.Map;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_event;
import org.jocl.cl_kernel;
import org.unfold4j.DType;
import org.unfold4j.OpenCLException;

/**
 * A command queue with its own kernel objects (a cl_kernel's arguments are not thread-safe), the
 * staging buffers of its last host call (Note [staging buffers] in HostCalls), and the blocking
 * transfers between host arrays and buffers. Used by one call at a time: Note [calls, nesting and
 * close] in Lanes.
 */
final class Lane {
    final cl_command_queue queue;
    private final DeviceFacts device;
    private final ClCalls cl;
    private final Programs programs;
    private final Buffers buffers;
    private final Map<String, cl_kernel> kernels = new HashMap<>();
    private final Map<cl_kernel, Long> workGroupLimits = new HashMap<>();
    /** Per kernel: what its arguments were last set to (Launcher). */
    final Map<cl_kernel, Launcher.Bound> lastArguments = new HashMap<>();
    /** Whether a call on this queue is running an interop body (guarded by the pool of Lanes). */
    boolean inBody;
    /** The input and output buffers of this queue's last host call: Note [staging buffers] in HostCalls. */
    private final DeviceBuffer[] staging = new DeviceBuffer[2];

    Lane(cl_context context, DeviceFacts device, boolean profiling, ClCalls cl, Programs programs, Buffers buffers) {
        this.device = device;
        this.cl = cl;
        this.programs = programs;
        this.buffers = buffers;
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

    /** Uploads {@code elements} values from the array, from element {@code elementOffset}, into the start of the buffer. */
    void write(DeviceBuffer d, Object array, long elementOffset, long elements, DType dtype) {
        if (elements == 0) {
            return;
        }
        int bytes = dtype.bytes();
        try (DeviceBuffer.Access a = d.write()) {
            cl_event[] wait = DeviceBuffer.Access.waitList(queue, a);
            cl.check(clEnqueueWriteBuffer(queue, a.mem(), CL_TRUE, 0, elements * bytes,
                    ClTypes.of(dtype).pointer(array).withByteOffset(elementOffset * bytes), wait == null ? 0 : wait.length, wait, null),
                    "upload of " + d);
            a.finished(queue);  // a blocking write: Note [device ordering] in DeviceBuffer
        }
    }

    /** Downloads {@code elements} values from the start of the buffer into the array, from element {@code elementOffset}. */
    void read(DeviceBuffer d, Object array, long elementOffset, long elements, DType dtype) {
        if (elements == 0) {
            return;
        }
        int bytes = dtype.bytes();
        try (DeviceBuffer.Access a = d.read()) {
            cl_event[] wait = DeviceBuffer.Access.waitList(queue, a);
            cl.check(clEnqueueReadBuffer(queue, a.mem(), CL_TRUE, 0, elements * bytes,
                    ClTypes.of(dtype).pointer(array).withByteOffset(elementOffset * bytes), wait == null ? 0 : wait.length, wait, null),
                    "download of " + d);
            a.finished(queue);  // a blocking read: Note [device ordering] in DeviceBuffer
        }
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
        DeviceBuffer fresh = buffers.allocate(bytes, DType.UINT8, (which == 0 ? "input chunk [" : "output chunk [") + bytes + "] uint8", false);
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

    void release() {
        clFinish(queue);
        releaseStaging();
        kernels.values().forEach(k -> clReleaseKernel(k));
        kernels.clear();
        clReleaseCommandQueue(queue);
    }
}
