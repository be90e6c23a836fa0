package org.unfold4j.internal.opencl;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jocl.CL;
import org.unfold4j.OpenCLException;

/**
 * Checks the return codes of one backend's OpenCL calls, with a fault-injection seam for tests:
 * {@link #failCall(long)} makes the Nth checked call from now on fail as if the device had run out
 * of resources. Every call site releases what the call may have created when its check throws, so
 * an injected failure exercises the same clean-up as a real one. {@link #failBuilds(int, String)}
 * makes program builds fail as a compiler would, with a given build log (Programs).
 */
public final class ClCalls {
    /** A seam with no fault armed. */
    public ClCalls() {
    }

    private final AtomicLong countdown = new AtomicLong();
    private volatile String lastInjected;
    private final AtomicInteger buildFaults = new AtomicInteger();
    private volatile String buildFaultLog;
    private volatile BuildObserver buildObserver;

    /** Throws an {@link OpenCLException} naming {@code operation} unless {@code errorCode} is success (or a fault is due). */
    void check(int errorCode, String operation) {
        if (countdown.get() > 0 && countdown.decrementAndGet() == 0) {
            lastInjected = operation;
            throw failed(operation + " (fault injected by a test)", CL.CL_OUT_OF_RESOURCES);
        }
        require(errorCode, operation);
    }

    /**
     * Throws an {@link OpenCLException} naming {@code operation} and the error unless
     * {@code errorCode} is {@code CL_SUCCESS}: for calls outside a backend (device listing,
     * waits on a tensor), which no test injects faults into.
     *
     * @param errorCode what the OpenCL call returned
     * @param operation what was called, for the message
     */
    public static void require(int errorCode, String operation) {
        if (errorCode != CL.CL_SUCCESS) {
            throw failed(operation, errorCode);
        }
    }

    private static OpenCLException failed(String operation, int errorCode) {
        return new OpenCLException(operation + " failed: " + errorName(errorCode), errorCode, null);
    }

    /**
     * {@return the OpenCL name of an error code with the code, e.g. {@code CL_OUT_OF_RESOURCES (-5)}}
     *
     * @param errorCode an OpenCL error code
     */
    public static String errorName(int errorCode) {
        try {
            return CL.stringFor_errorCode(errorCode) + " (" + errorCode + ")";
        } catch (LinkageError e) {
            return "OpenCL error " + errorCode;
        }
    }

    /** Tests only: the {@code n}th checked call from now fails (n ≥ 1); 0 disarms. */
    public void failCall(long n) {
        countdown.set(n);
    }

    /** The operation the last injected fault hit, or null. */
    public String lastInjected() {
        return lastInjected;
    }

    /** Whether an injected fault is still pending. */
    public boolean faultPending() {
        return countdown.get() > 0;
    }

    /**
     * Tests only: the next {@code n} program builds fail as if {@code clBuildProgram} had returned
     * {@code CL_BUILD_PROGRAM_FAILURE} with build log {@code log}; 0 disarms.
     */
    public void failBuilds(int n, String log) {
        buildFaultLog = log;
        buildFaults.set(n);
    }

    /** The build log of an injected build failure now due (consuming it), or null when none is. */
    public String injectedBuildFailure() {
        return buildFaults.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? buildFaultLog : null;
    }

    /** Tests only: sees each program build begin and end (inside Programs' one-build-at-a-time lock). */
    public interface BuildObserver {
        /** A build attempt begins. */
        void started();

        /** The build attempt ends, built or failed. */
        void finished();
    }

    /** Tests only: {@code observer} sees every program build from now on (null removes it). */
    public void observeBuilds(BuildObserver observer) {
        buildObserver = observer;
    }

    /** Tells the observer of {@link #observeBuilds(BuildObserver)}, if any, that a build begins. */
    void buildStarted() {
        BuildObserver o = buildObserver;
        if (o != null) {
            o.started();
        }
    }

    /** Tells the observer of {@link #observeBuilds(BuildObserver)}, if any, that a build ended. */
    void buildFinished() {
        BuildObserver o = buildObserver;
        if (o != null) {
            o.finished();
        }
    }
}
