package org.unfold4j;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Assumptions;
import org.unfold4j.internal.opencl.OpenCLConfig;

/**
 * The backends every contract test runs on: Java always, OpenCL where a runtime exists. Without
 * OpenCL, tests that need it are skipped with the reason, or fail when the system property
 * {@code unfold4j.requireOpenCL=true} is set (as {@code .ci/run} does), so CI cannot pass without
 * exercising the kernels.
 */
final class TestBackends {
    static final boolean REQUIRE_OPENCL = Boolean.getBoolean("unfold4j.requireOpenCL");

    private static OpenCLBackend openCL;

    private TestBackends() {
    }

    /** One OpenCL backend shared by the whole test run, or a skip (or failure) saying why there is none. */
    static synchronized OpenCLBackend openCL() {
        if (openCL == null) {
            OpenCLRuntime runtime = OpenCLRuntime.get();
            if (!runtime.available()) {
                unavailable(runtime.unavailableReason());
            }
            openCL = OpenCLBackend.create(runtime.select(System.getProperty("unfold4j.device")));
            OpenCLBackend b = openCL;
            Runtime.getRuntime().addShutdownHook(new Thread(b::close));
        }
        return openCL;
    }

    /**
     * The OpenCL buffers {@code cl} holds beyond the ones host calls keep for the next call
     * (Note [staging buffers] in {@code HostCalls}): what a leak check counts.
     */
    static int buffersBeyondTheCache(OpenCLBackend cl) {
        try {
            cl.releaseCachedBuffers();
        } catch (IllegalStateException closed) {
            // A closed backend keeps nothing.
        }
        return cl.openCLEngine().liveBufferCount();
    }

    private static OpenCLBackend otherKernelFamily;

    /** A second OpenCL backend on the same device with the other kernel family (element kernels on CPU devices, row kernels on GPUs). */
    static synchronized OpenCLBackend otherKernelFamily() {
        if (otherKernelFamily == null) {
            OpenCLBackend usual = openCL();
            boolean rows = usual.openCLEngine().config().rowKernels();
            otherKernelFamily = withConfig(c -> c.withRowKernels(!rows));
            OpenCLBackend b = otherKernelFamily;
            Runtime.getRuntime().addShutdownHook(new Thread(b::close));
        }
        return otherKernelFamily;
    }

    /**
     * A new OpenCL backend on the shared backend's device, built with what {@code change} makes of
     * the device's default configuration (a test switch, a kernel family, an allocation limit);
     * the caller closes it. Skips (or fails) as {@link #openCL()} does without OpenCL.
     */
    static OpenCLBackend withConfig(UnaryOperator<OpenCLConfig> change) {
        OpenCLDevice device = openCL().device();
        return OpenCLBackend.create(device, change.apply(OpenCLConfig.defaults(device.facts())));
    }

    /** Whether OpenCL tests can run here. */
    static boolean openCLAvailable() {
        return OpenCLRuntime.get().available();
    }

    /** Skips the calling test with the reason, or fails it when OpenCL is required. */
    static void unavailable(String reason) {
        String message = "OpenCL is not available, so the OpenCL backend is not tested here: " + reason;
        if (REQUIRE_OPENCL) {
            fail(message + " (unfold4j.requireOpenCL=true)");
        }
        Assumptions.abort(message);
    }

    /** Java, plus OpenCL when available (failing when it is required but missing). */
    static List<Backend> all() {
        List<Backend> backends = new ArrayList<>();
        backends.add(Backend.java());
        if (openCLAvailable() || REQUIRE_OPENCL) {
            backends.add(openCL());
        }
        return backends;
    }
}
