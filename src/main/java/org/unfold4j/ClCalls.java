package org.unfold4j;

import java.util.concurrent.atomic.AtomicLong;
import org.jocl.CL;

/**
 * Checks the return codes of one backend's OpenCL calls, with a fault-injection seam for tests:
 * {@link #failCall(long)} makes the Nth checked call from now on fail as if the device had run out
 * of resources. Every call site releases what the call may have created when its check throws, so
 * an injected failure exercises the same clean-up as a real one.
 */
final class ClCalls {
    private final AtomicLong countdown = new AtomicLong();
    private volatile String lastInjected;

    /** Throws an {@link OpenCLException} naming {@code operation} unless {@code errorCode} is success (or a fault is due). */
    void check(int errorCode, String operation) {
        if (countdown.get() > 0 && countdown.decrementAndGet() == 0) {
            lastInjected = operation;
            throw new OpenCLException(operation + " (fault injected by a test)", CL.CL_OUT_OF_RESOURCES);
        }
        OpenCLException.check(errorCode, operation);
    }

    /** Tests only: the {@code n}th checked call from now fails (n ≥ 1); 0 disarms. */
    void failCall(long n) {
        countdown.set(n);
    }

    /** The operation the last injected fault hit, or null. */
    String lastInjected() {
        return lastInjected;
    }

    /** Whether an injected fault is still pending. */
    boolean faultPending() {
        return countdown.get() > 0;
    }
}
