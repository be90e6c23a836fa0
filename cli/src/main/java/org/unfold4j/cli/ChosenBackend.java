package org.unfold4j.cli;

import org.unfold4j.Backend;
import org.unfold4j.DType;
import org.unfold4j.DeviceTensor;
import org.unfold4j.Fold;
import org.unfold4j.OpenCLBackend;
import org.unfold4j.OpenCLException;
import org.unfold4j.OpenCLRuntime;
import org.unfold4j.Tensor;
import org.unfold4j.Unfold;

/**
 * The backend a command runs on, opened from {@code --backend} / {@code --device}, and why it was
 * chosen. Closing it closes an OpenCL backend (the Java backend needs nothing).
 */
final class ChosenBackend implements AutoCloseable {
    private final Backend backend;
    private final String why;

    private ChosenBackend(Backend backend, String why) {
        this.backend = backend;
        this.why = why;
    }

    /**
     * Opens the requested backend.
     *
     * @throws BadInputException if OpenCL was requested but is unavailable, {@code --device}
     *     names no device, or {@code --device} is given with {@code --backend java}
     */
    static ChosenBackend open(String request, String device) {
        String b = BackendOptions.parse(request);
        boolean deviceGiven = device != null && !device.isBlank();
        switch (b) {
            case "java":
                if (deviceGiven) {
                    throw new BadInputException("--device selects an OpenCL device; it cannot be used with --backend java");
                }
                return new ChosenBackend(Backend.java(), "requested with --backend java");
            case "opencl":
                if (!OpenCLRuntime.get().available()) {
                    throw new BadInputException("--backend opencl: OpenCL is not available: "
                            + OpenCLRuntime.get().unavailableReason());
                }
                return new ChosenBackend(openCL(device), "requested with --backend opencl");
            default:
                BackendOptions.Choice choice = BackendOptions.autoChoice(device);
                if (choice.backend().equals("opencl")) {
                    try {
                        return new ChosenBackend(OpenCLBackend.create(BackendOptions.select(device)), "auto: " + choice.why());
                    } catch (OpenCLException e) {
                        return new ChosenBackend(Backend.java(), "auto: the OpenCL device could not be used: "
                                + e.getMessage());
                    }
                }
                return new ChosenBackend(Backend.java(), "auto: " + choice.why());
        }
    }

    private static OpenCLBackend openCL(String device) {
        return OpenCLBackend.create(BackendOptions.select(device));
    }

    Backend backend() {
        return backend;
    }

    /** The OpenCL backend, or null on Java. */
    OpenCLBackend openCLOrNull() {
        return backend instanceof OpenCLBackend o ? o : null;
    }

    /**
     * Checks that this backend can compute on {@code dtype}, before any output is written.
     *
     * @throws BadInputException for float64 on an OpenCL device without {@code cl_khr_fp64}
     */
    void requireSupports(DType dtype) {
        OpenCLBackend cl = openCLOrNull();
        if (dtype == DType.FLOAT64 && cl != null && !cl.device().fp64()) {
            throw new BadInputException("--dtype float64: the OpenCL device " + cl.deviceName() + " has no "
                    + "cl_khr_fp64 (double precision); use --dtype float32 or --backend java");
        }
    }

    /**
     * Rows of windows per band on this backend: {@code rows} on Java; on OpenCL at most as many
     * as keep the largest buffer of a band within 90% of the device's largest allocation
     * ({@code CL_DEVICE_MAX_MEM_ALLOC_SIZE}) and all of a band's buffers within 40% of its global
     * memory (the library keeps buffers of its own; the margin leaves them room).
     *
     * @param rows          the rows the host allows
     * @param largestPerRow bytes per row of the band's largest buffer
     * @param totalPerRow   bytes per row of all the band's buffers together
     * @throws BadInputException if not even one row fits on the device
     */
    int deviceRowsPerBand(int rows, long largestPerRow, long totalPerRow, String what) {
        OpenCLBackend cl = openCLOrNull();
        if (cl == null) {
            return rows;
        }
        long maxAlloc = (long) (cl.device().maxAllocation() * 0.9);
        long global = (long) (cl.device().globalMemory() * 0.4);
        if (largestPerRow > maxAlloc || totalPerRow > global) {
            boolean alloc = largestPerRow > maxAlloc;
            throw new BadInputException(what + " needs "
                    + Memory.bytes(alloc ? largestPerRow : totalPerRow) + (alloc ? " in one buffer" : "")
                    + " on the OpenCL device " + cl.deviceName() + ", more than " + (alloc ? "90% of its largest "
                    + "allocation (" + Memory.bytes(cl.device().maxAllocation()) + ")" : "40% of its global memory ("
                    + Memory.bytes(cl.device().globalMemory()) + ")") + "; use --backend java");
        }
        long n = Math.min(maxAlloc / Math.max(1, largestPerRow), global / Math.max(1, totalPerRow));
        return (int) Math.max(1, Math.min(rows, n));
    }

    /** "opencl on pthread-… (requested with --backend opencl)". */
    String describe() {
        return backend.name() + " on " + backend.deviceName() + " (" + why + ")";
    }

    /**
     * Runs a tiny unfold and fold so that one-time costs (OpenCL program builds, JIT warm-up of
     * the Java loops) do not land in the timings printed afterwards.
     *
     * @return the milliseconds it took
     */
    double warmUp() {
        long t0 = System.nanoTime();
        Tensor x = Tensor.zeros(1, 2, 5, 6);
        Tensor cols = Unfold.of(2, 3).apply(x, backend);
        Fold.of(5, 6, 2, 3).apply(cols, backend);
        OpenCLBackend cl = openCLOrNull();
        if (cl != null) {
            try (DeviceTensor d = cl.upload(x); DeviceTensor c = Unfold.of(2, 3).apply(d);
                 DeviceTensor y = Fold.of(5, 6, 2, 3).apply(c)) {
                y.download();
            }
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    @Override
    public void close() {
        backend.close();
    }
}
