package org.unfold4j;

import java.util.List;
import org.unfold4j.internal.opencl.DeviceFacts;

/**
 * One OpenCL device as the runtime reports it: what {@code unfold4j devices} prints and what
 * device selection matches against. Obtain one from {@link OpenCLRuntime#devices()} or
 * {@link OpenCLRuntime#select(String)}. Immutable and thread-safe.
 */
public final class OpenCLDevice {
    private final DeviceFacts facts;

    private OpenCLDevice(DeviceFacts facts) {
        this.facts = facts;
    }

    /** Every device the OpenCL loader finds (OpenCLRuntime lists them once). */
    static List<OpenCLDevice> list() {
        return DeviceFacts.list().stream().map(OpenCLDevice::new).toList();
    }

    /** What the engine computes with. */
    DeviceFacts facts() {
        return facts;
    }

    /** {@return the platform's name, e.g. "Portable Computing Language"} */
    public String platformName() { return facts.platformName(); }
    /** {@return the device's name, as CL_DEVICE_NAME reports it} */
    public String name() { return facts.name(); }
    /** {@return "GPU", "accelerator", "CPU" or "other"} */
    public String type() { return facts.type(); }
    /** {@return whether this is a GPU or accelerator, a device {@code auto} would pick} */
    public boolean isGpuOrAccelerator() { return facts.isGpuOrAccelerator(); }
    /** {@return CL_DEVICE_GLOBAL_MEM_SIZE in bytes} */
    public long globalMemory() { return facts.globalMemory(); }
    /** {@return CL_DEVICE_MAX_MEM_ALLOC_SIZE in bytes: the largest single buffer} */
    public long maxAllocation() { return facts.maxAllocation(); }
    /** {@return CL_DEVICE_MAX_COMPUTE_UNITS} */
    public long computeUnits() { return facts.computeUnits(); }
    /** {@return whether the device has cl_khr_fp64, which float64 tensors need} */
    public boolean fp64() { return facts.fp64(); }
    /** {@return whether the device has cl_khr_fp16 (informational: unfold4j has no float16 type)} */
    public boolean fp16() { return facts.fp16(); }

    @Override
    public String toString() {
        return name() + " (" + type() + ", " + platformName() + ")";
    }
}
