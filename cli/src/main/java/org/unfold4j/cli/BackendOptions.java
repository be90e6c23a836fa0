package org.unfold4j.cli;

import java.util.Locale;
import java.util.stream.Collectors;
import org.unfold4j.OpenCLDevice;
import org.unfold4j.OpenCLException;
import org.unfold4j.OpenCLRuntime;
import picocli.CommandLine.Option;

/** The options {@code --backend} and {@code --device}, shared by every command that computes. */
final class BackendOptions {
    @Option(names = "--backend", paramLabel = "auto|java|opencl", defaultValue = "auto",
            description = "Where to compute: auto (an OpenCL GPU or accelerator if there is one, else Java), "
                    + "java, or opencl (any OpenCL device, PoCL's CPU device included). Default: ${DEFAULT-VALUE}.")
    String backend = "auto";

    @Option(names = "--device", paramLabel = "NAME",
            description = "The OpenCL device whose name contains NAME (ignoring case); see 'unfold4j devices'.")
    String device;

    /** Opens the backend these options ask for; the caller closes it. */
    ChosenBackend open() {
        return ChosenBackend.open(backend, device);
    }

    /** The backend the request picks, and why. */
    record Choice(String backend, String why) {
    }

    /**
     * What {@code auto} picks with this device request: {@code opencl} when an OpenCL GPU or
     * accelerator exists (or {@code device} names a device), otherwise {@code java}, with the reason.
     *
     * @throws BadInputException if {@code device} is given but names no device, or OpenCL is unavailable
     */
    static Choice autoChoice(String device) {
        OpenCLRuntime runtime = OpenCLRuntime.get();
        boolean deviceGiven = device != null && !device.isBlank();
        if (!runtime.available()) {
            if (deviceGiven) {
                // An explicit device is a request for OpenCL: falling back to Java would ignore it.
                throw new BadInputException("--device " + device + ": OpenCL is not available: "
                        + runtime.unavailableReason());
            }
            return new Choice("java", "no OpenCL runtime: " + runtime.unavailableReason());
        }
        if (deviceGiven) {
            OpenCLDevice d = select(device);
            return new Choice("opencl", "--device " + device + " names " + d);
        }
        OpenCLDevice d = runtime.select(null);
        if (d.isGpuOrAccelerator()) {
            return new Choice("opencl", d + " is an OpenCL " + d.type());
        }
        return new Choice("java", "no OpenCL GPU or accelerator was found, only "
                + runtime.devices().stream().map(OpenCLDevice::toString).collect(Collectors.joining(", "))
                + " (--backend opencl uses it)");
    }

    /** The device named by {@code device}, or a one-line refusal listing the devices. */
    static OpenCLDevice select(String device) {
        try {
            return OpenCLRuntime.get().select(device);
        } catch (OpenCLException e) {
            throw new BadInputException("--device " + device + ": " + e.getMessage(), e);
        }
    }

    /** A validated {@code --backend} value. */
    static String parse(String backend) {
        String b = backend == null ? "auto" : backend.trim().toLowerCase(Locale.ROOT);
        if (!b.equals("auto") && !b.equals("java") && !b.equals("opencl")) {
            throw new BadInputException("--backend must be auto, java or opencl, not '" + backend + "'");
        }
        return b;
    }
}
