package org.unfold4j;

import java.util.concurrent.TimeUnit;
import org.jocl.CL;
import org.jocl.cl_event;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The device's own time for unfold, fold and the copy floor on the standard shapes, from OpenCL
 * profiling events ({@link OpenCLBackend#createProfiled}, {@link DeviceTensor#computeNanos}): the
 * primary score is the host's average time per call (launch and wait included); the secondary
 * results {@code kernelNanos} and {@code kernelCalls} give the average kernel time of the same
 * calls. The kernels' average over copyFloor's is the kernel-only ratio to the floor.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx12g"})
public class OpenCLKernelTimes {
    /** Every shape of bench/shapes.tsv: JMH runs each constant of an enum {@code @Param} (-p shape=NAME for one). */
    @Param
    public BenchShape shape;

    private BenchShape s;
    private OpenCLBackend cl;
    private DeviceTensor dImage, dColumns, dImageOut, dColumnsOut, dCopyFrom, dCopyTo;

    /**
     * Kernel nanoseconds and calls, as JMH event counters: JMH sums them over the measured
     * iterations (so a ratio computed here per iteration would be summed too); their quotient,
     * kernelNanos / kernelCalls, is the average kernel time (bench/jmh_table.py computes it).
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class KernelTime {
        public long kernelNanos, kernelCalls;

        @Setup(Level.Iteration)
        public void reset() {
            kernelNanos = 0;
            kernelCalls = 0;
        }

        void add(long nanos) {
            kernelNanos += nanos;
            kernelCalls++;
        }
    }

    @Setup
    public void setUp() {
        s = shape;
        cl = OpenCLBackend.createProfiled(OpenCLRuntime.get().select(System.getProperty("unfold4j.device")));
        Tensor image = s.randomImage(), columns = s.randomColumns();
        dImage = cl.upload(image);
        dColumns = cl.upload(columns);
        dImageOut = cl.upload(Tensor.zeros(image.shape()));
        dColumnsOut = cl.upload(Tensor.zeros(columns.shape()));
        long floats = s.bytesMoved() / 2 / 4;
        dCopyFrom = cl.upload(Tensor.zeros(floats));
        dCopyTo = cl.upload(Tensor.zeros(floats));
    }

    @TearDown
    public void tearDown() {
        cl.close();
    }

    @Benchmark
    public DeviceTensor unfold(KernelTime time) {
        s.unfold.apply(dImage, dColumnsOut);
        time.add(dColumnsOut.computeNanos().orElseThrow());
        return dColumnsOut;
    }

    @Benchmark
    public DeviceTensor fold(KernelTime time) {
        s.fold.apply(dColumns, dImageOut);
        time.add(dImageOut.computeNanos().orElseThrow());
        return dImageOut;
    }

    @Benchmark
    public void copyFloor(KernelTime time) {
        long bytes = dCopyFrom.elementCount() * 4;
        cl_event copy = new cl_event();
        int status = cl.interop((queue, m) -> CL.clEnqueueCopyBuffer(queue, m[0], m[1], 0, 0, bytes, 0, null, copy),
                dCopyFrom, dCopyTo);
        org.unfold4j.internal.opencl.ClCalls.require(status, "clEnqueueCopyBuffer");
        try {
            time.add(org.unfold4j.internal.opencl.Profiling.deviceNanos(copy).orElseThrow(() -> new IllegalStateException("no profiling time for the copy")));
        } finally {
            CL.clReleaseEvent(copy);
        }
    }
}
