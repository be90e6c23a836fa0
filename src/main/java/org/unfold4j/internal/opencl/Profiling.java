package org.unfold4j.internal.opencl;

import static org.jocl.CL.CL_PROFILING_COMMAND_END;
import static org.jocl.CL.CL_PROFILING_COMMAND_START;
import static org.jocl.CL.CL_SUCCESS;
import static org.jocl.CL.clGetEventProfilingInfo;

import java.util.Objects;
import java.util.OptionalLong;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_event;

/**
 * Device times from OpenCL profiling events: for {@code DeviceTensor.computeNanos()}, and for
 * the benchmarks that time their own commands enqueued through {@code interop} (a JOCL type in
 * the signature, so not public API).
 */
public final class Profiling {
    private Profiling() {
    }

    /**
     * The device time of a finished command.
     *
     * @param event the command's event; the caller still owns it
     * @return the nanoseconds between the command's start and end on the device; empty where its
     *     queue does not profile or the command has not finished
     */
    public static OptionalLong deviceNanos(cl_event event) {
        Objects.requireNonNull(event, "event");
        long[] start = new long[1], end = new long[1];
        int a = clGetEventProfilingInfo(event, CL_PROFILING_COMMAND_START, Sizeof.cl_ulong, Pointer.to(start), null);
        int b = clGetEventProfilingInfo(event, CL_PROFILING_COMMAND_END, Sizeof.cl_ulong, Pointer.to(end), null);
        return a == CL_SUCCESS && b == CL_SUCCESS ? OptionalLong.of(end[0] - start[0]) : OptionalLong.empty();
    }
}
