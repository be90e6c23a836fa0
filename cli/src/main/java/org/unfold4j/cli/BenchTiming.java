package org.unfold4j.cli;

import static org.jocl.CL.clReleaseEvent;

import java.util.Arrays;
import org.jocl.cl_event;
import org.unfold4j.Tensor;

/**
 * The bench's timing loop: calls measured in turn and their medians, the devices' profiling
 * times, the test data, and the check of how many cores the process really gets.
 */
final class BenchTiming {
    private BenchTiming() {
    }

    /** A tensor of the given shape with varied values (a cheap hash of the index). */
    static Tensor filled(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] data = new float[(int) n];
        for (int i = 0; i < data.length; i++) {
            data[i] = ((i * 2654435761L) >>> 16 & 0xffff) / 65536f;
        }
        return Tensor.of(data, shape);
    }

    /** One call of a measurement: its nanoseconds; {@code rep} counts the timed calls, {@code timed} is false during warm-up. */
    interface TimedCall {
        long nanos(int rep, boolean timed);
    }

    /**
     * Medians in milliseconds of calls measured in turn (A, B, C, A, B, C, ...) after
     * {@code warm} untimed rounds, so that a shared machine slowing down or speeding up during
     * the run affects each alike and the ratios between them (to the floor, to the peer) stay
     * fair; one after the other, the seed shape's PoCL comparison with CLBlast flipped between
     * runs.
     */
    static double[] interleaved(int warm, int reps, TimedCall... calls) {
        for (int i = 0; i < warm; i++) {
            for (TimedCall call : calls) {
                call.nanos(i, false);
            }
        }
        long[][] t = new long[calls.length][reps];
        for (int i = 0; i < reps; i++) {
            for (int c = 0; c < calls.length; c++) {
                t[c][i] = calls[c].nanos(i, true);
            }
        }
        double[] ms = new double[calls.length];
        for (int c = 0; c < calls.length; c++) {
            ms[c] = medianMs(t[c]);
        }
        return ms;
    }

    /** The median of nanosecond values in milliseconds; NaN if any is negative (not measured). */
    static double medianMs(long[] nanos) {
        long[] t = nanos.clone();
        Arrays.sort(t);
        if (t.length == 0 || t[0] < 0) {
            return Double.NaN;
        }
        int n = t.length;
        double m = n % 2 == 1 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2.0;
        return m / 1e6;
    }

    /** Stores a timed call's kernel nanoseconds (-1 where the device gave none). */
    static void record(boolean timed, long[] into, int rep, java.util.OptionalLong nanos) {
        if (timed) {
            into[rep] = nanos.orElse(-1);
        }
    }

    /** The summed device time of finished commands, from their profiling events, which it releases. */
    static java.util.OptionalLong kernelNanos(cl_event... events) {
        long sum = 0;
        boolean all = true;
        for (cl_event e : events) {
            java.util.OptionalLong nanos = e == null ? java.util.OptionalLong.empty() : deviceNanos(e);
            all &= nanos.isPresent();
            sum += nanos.orElse(0);
            if (e != null) {
                clReleaseEvent(e);
            }
        }
        return all ? java.util.OptionalLong.of(sum) : java.util.OptionalLong.empty();
    }

    /**
     * The device time of a finished command of the peer's own (CLBlast, a copy), from its
     * profiling event: JOCL code of the command line's, as the peers are (the library keeps its
     * own profiling internal: DeviceTensor.computeNanos is its public face).
     */
    private static java.util.OptionalLong deviceNanos(cl_event event) {
        long[] start = new long[1], end = new long[1];
        int a = org.jocl.CL.clGetEventProfilingInfo(event, org.jocl.CL.CL_PROFILING_COMMAND_START, org.jocl.Sizeof.cl_ulong,
                org.jocl.Pointer.to(start), null);
        int b = org.jocl.CL.clGetEventProfilingInfo(event, org.jocl.CL.CL_PROFILING_COMMAND_END, org.jocl.Sizeof.cl_ulong,
                org.jocl.Pointer.to(end), null);
        return a == org.jocl.CL.CL_SUCCESS && b == org.jocl.CL.CL_SUCCESS
                ? java.util.OptionalLong.of(end[0] - start[0]) : java.util.OptionalLong.empty();
    }

    /**
     * How many cores this process really gets (the development machines are shared): the
     * throughput of two threads spinning at once over that of one.
     */
    static double coresCheck() {
        long iterations = 30_000_000L;
        long one = spin(1, iterations);
        long two = spin(2, iterations);
        return 2.0 * one / two;
    }

    private static long spin(int threads, long iterations) {
        long[] sink = new long[threads];
        Thread[] ts = new Thread[threads];
        long t0 = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            int id = i;
            ts[i] = new Thread(() -> {
                long x = id + 1;
                for (long k = 0; k < iterations; k++) {
                    x = x * 6364136223846793005L + 1442695040888963407L;
                }
                sink[id] = x;
            });
            ts[i].start();
        }
        for (Thread t : ts) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long elapsed = System.nanoTime() - t0;
        return sink[0] == 42 ? elapsed + 1 : elapsed; // use the result so the loop is not removed
    }
}
