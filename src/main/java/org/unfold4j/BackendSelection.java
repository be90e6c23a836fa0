package org.unfold4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** Chooses {@link Backend#defaultBackend()} from {@code unfold4j.backend} / {@code UNFOLD4J_BACKEND}. */
final class BackendSelection {
    private static final System.Logger LOG = System.getLogger("org.unfold4j");

    private static volatile Backend chosen;
    private static volatile boolean chosenByAuto;

    private BackendSelection() {
    }

    static Backend defaultBackend() {
        Backend b = chosen;
        if (b == null) {
            synchronized (BackendSelection.class) {
                b = chosen;
                if (b == null) {
                    String request = requested();
                    b = choose(request, deviceProperty());
                    chosenByAuto = request.equals("auto");
                    chosen = b;
                }
            }
        }
        return b;
    }

    /**
     * The default backend for tensors of {@code dtype}: where {@code auto} chose an OpenCL device
     * that cannot hold the type (float64 without cl_khr_fp64), the Java backend; an explicit
     * {@code opencl} request keeps the device, which then refuses with a clear error.
     */
    static Backend defaultFor(DType dtype) {
        Backend b = defaultBackend();
        if (chosenByAuto && !b.supports(dtype)) {
            LOG.log(System.Logger.Level.DEBUG, "unfold4j: " + dtype + " runs on the Java backend: " + b.deviceName()
                    + " has no cl_khr_fp64");
            return Backend.java();
        }
        return b;
    }

    /** The requested backend: the system property, else the environment variable, else "auto". */
    static String requested() {
        String value = System.getProperty("unfold4j.backend");
        if (value == null || value.isBlank()) {
            value = System.getenv("UNFOLD4J_BACKEND");
        }
        return value == null || value.isBlank() ? "auto" : value.trim().toLowerCase(Locale.ROOT);
    }

    static String deviceProperty() {
        return System.getProperty("unfold4j.device");
    }

    /**
     * The backends a request can name, each made from the device property (null or a substring of
     * a device name): Note [adding a backend] in {@code org.unfold4j.internal.Engine}. An OpenCL
     * backend made here is shared, so closing it does nothing.
     */
    private static final Map<String, Function<String, Backend>> NAMED = new LinkedHashMap<>();

    static {
        NAMED.put("java", device -> Backend.java());
        NAMED.put("opencl", device -> OpenCLBackend.createShared(OpenCLRuntime.get().select(device)));
    }

    /** The backend for a request: {@code auto} or one of {@link #NAMED}. */
    static Backend choose(String request, String device) {
        if (request.equals("auto")) {
            return auto(device);
        }
        Function<String, Backend> make = NAMED.get(request);
        if (make == null) {
            List<String> names = new ArrayList<>(NAMED.keySet());
            String last = names.remove(names.size() - 1);
            throw new IllegalArgumentException("unfold4j.backend (or UNFOLD4J_BACKEND) must be auto, "
                    + String.join(", ", names) + " or " + last + ", but got '" + request + "'");
        }
        return make.apply(device);
    }

    private static Backend auto(String device) {
        String why = autoFallbackReason(device);
        if (why == null) {
            OpenCLDevice d = OpenCLRuntime.get().select(device);
            OpenCLBackend b = null;
            try {
                b = OpenCLBackend.createShared(d);
                // Build and run both kernels once, so that a device whose compiler rejects them
                // (a missing extension, a driver bug) falls back here rather than failing later.
                Tensor probe = Unfold.of(1).apply(Tensor.zeros(1, 1, 1, 1), b);
                Fold.of(1, 1, 1, 1).apply(probe, b);
                return b;
            } catch (OpenCLException e) {
                if (b != null) {
                    b.release();
                }
                LOG.log(System.Logger.Level.WARNING, "unfold4j: using the Java backend because the OpenCL device "
                        + d.name() + " could not run unfold4j's kernels: " + e.getMessage());
                return Backend.java();
            }
        }
        LOG.log(System.Logger.Level.INFO, "unfold4j: using the Java backend because " + why);
        return Backend.java();
    }

    /** Why {@code auto} would not use OpenCL, or null when it would. */
    static String autoFallbackReason(String device) {
        OpenCLRuntime runtime = OpenCLRuntime.get();
        if (!runtime.available()) {
            return runtime.unavailableReason();
        }
        if (device != null && !device.isBlank()) {
            try {
                runtime.select(device);
                return null;
            } catch (OpenCLException e) {
                return e.getMessage();
            }
        }
        if (runtime.devices().stream().noneMatch(OpenCLDevice::isGpuOrAccelerator)) {
            return "no OpenCL GPU or accelerator was found (devices: " + runtime.devices() + ")";
        }
        return null;
    }
}
