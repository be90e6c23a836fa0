package org.unfold4j.internal.opencl;

import static org.jocl.CL.*;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_event;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.unfold4j.internal.Op;
import org.unfold4j.internal.geometry.Axis;
import org.unfold4j.internal.geometry.View;

/**
 * Launches the unfold and fold kernels: packs a geometry into the kernels' long16/long4 vector
 * arguments (described at the top of unfold.cl and fold.cl), sets only the arguments that changed
 * since the kernel object's last launch, sizes the work-groups by the tuning table, and counts
 * launches per variant. Thread-safe (each lane's kernels are used by one call at a time).
 */
final class Launcher {
    /** A kernel's arguments as last set: the launch plan (its vectors and scratch) and the buffers, compared by identity. */
    record Bound(KernelPlans.Launch plan, cl_mem input, cl_mem output, cl_mem weights) {
    }

    private static final int[] VECTOR_SIZES = {Sizeof.cl_long, Sizeof.cl_long2, Sizeof.cl_long4, Sizeof.cl_long8, Sizeof.cl_long16};

    private final ClCalls cl;
    private final DeviceFacts device;
    private final Tuning tuning;
    private final KernelPlans plans;
    private final WeightBuffers weights;
    private final Map<KernelVariant, LongAdder> launches = new EnumMap<>(KernelVariant.class);

    Launcher(ClCalls cl, DeviceFacts device, Tuning tuning, KernelPlans plans, WeightBuffers weights) {
        this.cl = cl;
        this.weights = weights;
        this.device = device;
        this.tuning = tuning;
        this.plans = plans;
        for (KernelVariant v : KernelVariant.values()) {
            launches.put(v, new LongAdder());  // all made here: the map is only read afterwards
        }
    }

    /** {@return how many kernels of {@code variant} were enqueued} */
    long launches(KernelVariant variant) {
        return launches.get(variant).sum();
    }

    /**
     * Enqueues the unfold or fold kernel on {@code lane}, ordered with the other commands on its
     * input (read) and output (written) by Note [device ordering] in DeviceBuffer; nothing when
     * there is nothing to compute.
     */
    void launch(Lane lane, View g, Op op, DeviceBuffer input, DeviceBuffer out) {
        long total = op == Op.UNFOLD ? g.columnElements() : g.imageElements();
        if (total == 0) {
            return;
        }
        KernelPlans.Launch plan = plans.planFor(g, op);
        String name = plan.variant().kernelName();
        long[][] vectors = plan.vectors();
        long items = plan.items();
        cl_kernel kernel = lane.kernel(plan.source(), name, plan.defines());
        // Note [weight buffers] in WeightBuffers: this launch's own reference, released once queued.
        cl_mem w = plan.weights() == null ? null : weights.acquire(plan.weights());
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
            if (w != null && (last == null || last.weights() != w)) {
                cl.check(clSetKernelArg(kernel, 2 + vectors.length, Sizeof.cl_mem, Pointer.to(w)), name + " weights argument");
            }
            long local = Math.min(Math.min(tuning.workGroup(), device.maxWorkGroup()), lane.workGroupLimit(kernel));
            if (plan.variant().rows() && total >= tuning.spreadFrom()) {
                // Large calls of row kernels aim for groupsPerComputeUnit groups per compute unit
                // (Note [tuning table] in Tuning); small ones stay one group.
                local = Math.max(1, Math.min(local, items / (tuning.groupsPerComputeUnit() * device.computeUnits())));
            }
            if (plan.scratchPerItem() > 0) {
                // Each work-item's scratch must fit the group's local memory; set with the plan's arguments.
                local = Math.max(1, Math.min(local, device.localMemory() / 2 / plan.scratchPerItem()));
                if (last == null || last.plan() != plan) {
                    cl.check(clSetKernelArg(kernel, 2 + vectors.length, local * plan.scratchPerItem(), null),
                            name + " scratch argument");
                }
            }
            lane.lastArguments.put(kernel, new Bound(plan, in.mem(), o.mem(), w));  // only once all are set
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
            launches.get(plan.variant()).increment();
        } finally {
            if (w != null) {
                clReleaseMemObject(w);
            }
        }
    }

    /**
     * The kernel's vector arguments after its two buffers: unfold's (shape, window), fold's
     * (shape, window, column strides, cover), as described at the top of unfold.cl and fold.cl.
     *
     * @param g     the geometry
     * @param op    unfold or fold
     * @param items the work-items (shape.s0)
     */
    static long[][] vectors(View g, Op op, long items) {
        if (op == Op.UNFOLD) {
            return new long[][] {shapeArgument(g, items), windowArgument(g)};
        }
        long[] cover = new long[16];
        for (int d = 0; d < 3; d++) {
            Axis a = g.axis(d);
            cover[d] = a.gcd();
            cover[3 + d] = a.step();
            cover[6 + d] = a.inverse();
        }
        return new long[][] {shapeArgument(g, items), windowArgument(g), g.columnStrides(), cover};
    }

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
}
