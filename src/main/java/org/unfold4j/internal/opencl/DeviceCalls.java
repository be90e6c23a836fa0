package org.unfold4j.internal.opencl;

import static org.jocl.CL.*;

import java.util.function.BiFunction;
import org.jocl.cl_command_queue;
import org.jocl.cl_event;
import org.jocl.cl_mem;
import org.unfold4j.DType;
import org.unfold4j.internal.Op;
import org.unfold4j.internal.geometry.View;

/**
 * The calls on device tensors: upload, download, unfold and fold from buffer to buffer, and
 * interop with other JOCL code. Each runs on a queue of the pool (Note [calls, nesting and close]
 * in Lanes) and orders its commands by Note [device ordering] in DeviceBuffer. Thread-safe.
 */
final class DeviceCalls {
    private final ClCalls cl;
    private final Lanes lanes;
    private final Buffers buffers;
    private final Launcher launcher;

    DeviceCalls(ClCalls cl, Lanes lanes, Buffers buffers, Launcher launcher) {
        this.cl = cl;
        this.lanes = lanes;
        this.buffers = buffers;
        this.launcher = launcher;
    }

    /** A new buffer holding {@code elements} values of the array; the copy has finished when this returns. */
    DeviceBuffer upload(Object array, long elements, DType dtype, String what) {
        return lanes.call(lane -> filled(elements, dtype, what, d -> lane.write(d, array, 0, elements, dtype)));
    }

    /** A new caller-owned buffer that {@code fill} writes, closed again if {@code fill} fails. */
    private DeviceBuffer filled(long elements, DType dtype, String what, java.util.function.Consumer<DeviceBuffer> fill) {
        DeviceBuffer d = buffers.allocate(elements, dtype, what, true);
        try {
            fill.accept(d);
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        return d;
    }

    /** Copies a buffer back into a host array, once the command computing it has run. */
    void download(DeviceBuffer d, Object array, long elements, DType dtype) {
        lanes.call(lane -> {
            lane.read(d, array, 0, elements, dtype);
            return null;
        });
    }

    /** Unfolds or folds a buffer into a new buffer; returns once the kernel is queued. */
    DeviceBuffer onDevice(View g, Op op, DeviceBuffer input, String what) {
        long elements = op == Op.UNFOLD ? g.columnElements() : g.imageElements();
        // Not flushed: Note [lazy flush] in DeviceBuffer.
        return lanes.call(lane -> filled(elements, g.dtype(), what, out -> launcher.launch(lane, g, op, input, out)));
    }

    /** Unfolds or folds into an existing buffer, overwriting every element. */
    void intoDevice(View g, Op op, DeviceBuffer input, DeviceBuffer output) {
        lanes.call(lane -> {
            launcher.launch(lane, g, op, input, output);  // not flushed: Note [lazy flush] in DeviceBuffer
            return null;
        });
    }

    /** Runs other JOCL code on buffers: the public {@code OpenCLBackend.interop} documents it. */
    <R> R interop(BiFunction<cl_command_queue, cl_mem[], R> body, DeviceBuffer[] buffers) {
        return lanes.call(lane -> {
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
                boolean outermost = lanes.enterBody(lane);
                R result;
                try {
                    result = body.apply(lane.queue, mems);
                } catch (RuntimeException | Error e) {
                    clFinish(lane.queue);  // what the body enqueued before failing is done before others use the buffers
                    throw e;
                } finally {
                    if (outermost) {
                        lanes.leaveBody(lane);
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
}
