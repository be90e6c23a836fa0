package org.unfold4j.cli;

import static org.jocl.CL.clReleaseEvent;

import org.jocl.cl_event;
import org.jocl.blast.CLBlast;
import org.jocl.blast.CLBlastKernelMode;
import org.jocl.blast.CLBlastStatusCode;
import org.unfold4j.DeviceTensor;
import org.unfold4j.OpenCLBackend;
import org.unfold4j.OpenCLException;

/** The bench's OpenCL peer: CLBlast's im2col and col2im, one call per image. */
final class ClBlastPeer {
    private ClBlastPeer() {
    }

    /**
     * CLBlast's im2col (or col2im) of shape s from {@code from} into {@code to}, one call per image
     * as its users must, waited for; each timed call's summed kernel time goes to {@code kernels}.
     */
    static BenchTiming.TimedCall call(BenchShape s, OpenCLBackend cl, boolean im2col, DeviceTensor from, DeviceTensor to,
                                     long[] kernels) {
        long fromPer = from.elementCount() / s.n(), toPer = to.elementCount() / s.n();  // one image's elements
        return (rep, timed) -> {
            long t0 = System.nanoTime();
            cl_event[] events = new cl_event[s.n()];
            onFailureRelease(events, () -> cl.interop((queue, m) -> {
                for (int i = 0; i < s.n(); i++) {
                    events[i] = new cl_event();
                    blast(im2col
                            ? CLBlast.CLBlastSim2col(CLBlastKernelMode.CLBlastKernelModeCrossCorrelation, s.c(), s.h(),
                                    s.w(), s.k(), s.kw(), s.p(), s.p(), s.s(), s.s(), s.d(), s.d(),
                                    m[0], i * fromPer, m[1], i * toPer, queue, events[i])
                            : CLBlast.CLBlastScol2im(CLBlastKernelMode.CLBlastKernelModeCrossCorrelation, s.c(), s.h(),
                                    s.w(), s.k(), s.kw(), s.p(), s.p(), s.s(), s.s(), s.d(), s.d(),
                                    m[0], i * fromPer, m[1], i * toPer, queue, events[i]));
                }
                return null;
            }, from, to));
            long t = System.nanoTime() - t0;
            BenchTiming.record(timed, kernels, rep, BenchTiming.kernelNanos(events));
            return t;
        };
    }

    private static void blast(int status) {
        if (status != CLBlastStatusCode.CLBlastSuccess) {
            throw new OpenCLException("CLBlast failed: " + CLBlastStatusCode.stringFor(status), null);
        }
    }

    /** Runs {@code body}; if it throws, releases the events it had made (a CLBlast call failed midway). */
    private static void onFailureRelease(cl_event[] events, Runnable body) {
        try {
            body.run();
        } catch (RuntimeException | Error e) {
            for (cl_event ev : events) {
                if (ev != null) {
                    clReleaseEvent(ev);
                }
            }
            throw e;
        }
    }
}
