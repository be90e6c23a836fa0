package org.unfold4j;

import java.util.List;
import org.jocl.CL;

/**
 * Whether an OpenCL runtime is usable in this process, and its devices. Probed once: loading
 * JOCL's native library and the system's {@code libOpenCL.so} happens at most once per JVM.
 *
 * <p>Immutable and thread-safe.
 */
public final class OpenCLRuntime {
    private static final String NOTES = "see native-notes.md, " + org.unfold4j.internal.opencl.Programs.NATIVE_NOTES;

    private static volatile OpenCLRuntime probed;

    private final List<OpenCLDevice> devices;
    private final String unavailableReason;

    private OpenCLRuntime(List<OpenCLDevice> devices, String unavailableReason) {
        this.devices = devices;
        this.unavailableReason = unavailableReason;
    }

    /**
     * {@return the runtime as found by the first call in this JVM} Never throws: a missing
     * runtime is reported by {@link #available()} and {@link #unavailableReason()}.
     */
    public static OpenCLRuntime get() {
        OpenCLRuntime r = probed;
        if (r == null) {
            synchronized (OpenCLRuntime.class) {
                r = probed;
                if (r == null) {
                    r = probe();
                    probed = r;
                }
            }
        }
        return r;
    }

    private static OpenCLRuntime probe() {
        try {
            // unfold4j checks every return code itself; JOCL's own exceptions stay off.
            CL.setExceptionsEnabled(false);
            List<OpenCLDevice> devices = OpenCLDevice.list();
            if (devices.isEmpty()) {
                return new OpenCLRuntime(List.of(), "the OpenCL loader found no platform with a device: no ICD is "
                        + "installed (e.g. Debian's pocl-opencl-icd, or a GPU driver's /etc/OpenCL/vendors/*.icd); "
                        + NOTES);
            }
            return new OpenCLRuntime(devices, null);
        } catch (LinkageError e) {
            return new OpenCLRuntime(List.of(), "the OpenCL library could not be loaded (" + e.getMessage()
                    + "); JOCL needs the unversioned libOpenCL.so, which Debian ships in ocl-icd-opencl-dev; " + NOTES);
        } catch (OpenCLException e) {
            return new OpenCLRuntime(List.of(), "listing OpenCL devices failed: " + e.getMessage() + "; " + NOTES);
        }
    }

    /** {@return whether at least one OpenCL device is usable} */
    public boolean available() {
        return unavailableReason == null;
    }

    /** {@return why OpenCL is not usable (with what to install), or null when it is} */
    public String unavailableReason() {
        return unavailableReason;
    }

    /** {@return every device of every platform, an immutable list; empty when unavailable} */
    public List<OpenCLDevice> devices() {
        return devices;
    }

    /**
     * The device to use: the first whose name contains {@code nameContains} (ignoring case) when
     * given, else the first GPU or accelerator, else the first device.
     *
     * @param nameContains a substring of the device's name, or null or blank for no preference
     * @return the device
     * @throws OpenCLException when OpenCL is unavailable or no device matches
     */
    public OpenCLDevice select(String nameContains) {
        if (!available()) {
            throw new OpenCLException("OpenCL is not available: " + unavailableReason, null);
        }
        if (nameContains != null && !nameContains.isBlank()) {
            String wanted = nameContains.toLowerCase(java.util.Locale.ROOT);
            return devices.stream()
                    .filter(d -> d.name().toLowerCase(java.util.Locale.ROOT).contains(wanted))
                    .findFirst()
                    .orElseThrow(() -> new OpenCLException("no OpenCL device name contains '" + nameContains
                            + "'; devices: " + devices, null));
        }
        return devices.stream().filter(OpenCLDevice::isGpuOrAccelerator).findFirst().orElse(devices.get(0));
    }
}
