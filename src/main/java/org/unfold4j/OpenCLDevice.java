package org.unfold4j;

import static org.jocl.CL.*;

import java.util.ArrayList;
import java.util.List;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * One OpenCL device as the runtime reports it: what {@code unfold4j devices} prints and what
 * device selection matches against. Obtain one from {@link OpenCLRuntime#devices()} or
 * {@link OpenCLRuntime#select(String)}. Immutable and thread-safe.
 */
public final class OpenCLDevice {
    final cl_platform_id platformId;
    final cl_device_id deviceId;
    private final String platformName, name, type;
    private final long globalMemory, maxAllocation, computeUnits, localMemory;
    private final boolean fp64, fp16;
    private final boolean gpuOrAccelerator;

    private OpenCLDevice(cl_platform_id platformId, cl_device_id deviceId, String platformName) {
        this.platformId = platformId;
        this.deviceId = deviceId;
        this.platformName = platformName;
        this.name = stringInfo(deviceId, CL_DEVICE_NAME).trim();
        long typeBits = longInfo(deviceId, CL_DEVICE_TYPE);
        this.gpuOrAccelerator = (typeBits & (CL_DEVICE_TYPE_GPU | CL_DEVICE_TYPE_ACCELERATOR)) != 0;
        this.type = (typeBits & CL_DEVICE_TYPE_GPU) != 0 ? "GPU"
                : (typeBits & CL_DEVICE_TYPE_ACCELERATOR) != 0 ? "accelerator"
                : (typeBits & CL_DEVICE_TYPE_CPU) != 0 ? "CPU" : "other";
        this.globalMemory = longInfo(deviceId, CL_DEVICE_GLOBAL_MEM_SIZE);
        this.maxAllocation = longInfo(deviceId, CL_DEVICE_MAX_MEM_ALLOC_SIZE);
        this.computeUnits = intInfo(deviceId, CL_DEVICE_MAX_COMPUTE_UNITS);
        this.localMemory = longInfo(deviceId, CL_DEVICE_LOCAL_MEM_SIZE);
        String extensions = stringInfo(deviceId, CL_DEVICE_EXTENSIONS);
        this.fp64 = extensions.contains("cl_khr_fp64");
        this.fp16 = extensions.contains("cl_khr_fp16");
    }

    /** Every device of every platform, in the runtime's order. */
    static List<OpenCLDevice> list() {
        int[] count = new int[1];
        int err = clGetPlatformIDs(0, null, count);
        if (err == CL_PLATFORM_NOT_FOUND_KHR || count[0] == 0) {
            return List.of();
        }
        OpenCLException.check(err, "clGetPlatformIDs");
        cl_platform_id[] platforms = new cl_platform_id[count[0]];
        OpenCLException.check(clGetPlatformIDs(platforms.length, platforms, null), "clGetPlatformIDs");
        List<OpenCLDevice> devices = new ArrayList<>();
        for (cl_platform_id platform : platforms) {
            String platformName = platformString(platform, CL_PLATFORM_NAME).trim();
            int[] n = new int[1];
            err = clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, null, n);
            if (err == CL_DEVICE_NOT_FOUND || n[0] == 0) {
                continue;
            }
            OpenCLException.check(err, "clGetDeviceIDs");
            cl_device_id[] ids = new cl_device_id[n[0]];
            OpenCLException.check(clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, ids.length, ids, null), "clGetDeviceIDs");
            for (cl_device_id id : ids) {
                devices.add(new OpenCLDevice(platform, id, platformName));
            }
        }
        return List.copyOf(devices);
    }

    /** {@return the platform's name, e.g. "Portable Computing Language"} */
    public String platformName() { return platformName; }
    /** {@return the device's name, as CL_DEVICE_NAME reports it} */
    public String name() { return name; }
    /** {@return "GPU", "accelerator", "CPU" or "other"} */
    public String type() { return type; }
    /** {@return whether this is a GPU or accelerator, a device {@code auto} would pick} */
    public boolean isGpuOrAccelerator() { return gpuOrAccelerator; }
    /** {@return CL_DEVICE_GLOBAL_MEM_SIZE in bytes} */
    public long globalMemory() { return globalMemory; }
    /** {@return CL_DEVICE_MAX_MEM_ALLOC_SIZE in bytes: the largest single buffer} */
    public long maxAllocation() { return maxAllocation; }
    /** CL_DEVICE_LOCAL_MEM_SIZE in bytes: the __local memory one work-group may use. */
    long localMemory() { return localMemory; }
    /** {@return CL_DEVICE_MAX_COMPUTE_UNITS} */
    public long computeUnits() { return computeUnits; }
    /** {@return whether the device has cl_khr_fp64, which float64 tensors need} */
    public boolean fp64() { return fp64; }
    /** {@return whether the device has cl_khr_fp16 (informational: unfold4j has no float16 type)} */
    public boolean fp16() { return fp16; }

    @Override
    public String toString() {
        return name + " (" + type + ", " + platformName + ")";
    }

    static String stringInfo(cl_device_id device, int param) {
        long[] size = new long[1];
        OpenCLException.check(clGetDeviceInfo(device, param, 0, null, size), "clGetDeviceInfo");
        byte[] buffer = new byte[(int) size[0]];
        OpenCLException.check(clGetDeviceInfo(device, param, buffer.length, Pointer.to(buffer), null), "clGetDeviceInfo");
        return cString(buffer);
    }

    static long longInfo(cl_device_id device, int param) {
        long[] value = new long[1];
        OpenCLException.check(clGetDeviceInfo(device, param, Sizeof.cl_long, Pointer.to(value), null), "clGetDeviceInfo");
        return value[0];
    }

    static long sizeInfo(cl_device_id device, int param) {
        long[] value = new long[1];
        OpenCLException.check(clGetDeviceInfo(device, param, Sizeof.size_t, Pointer.to(value), null), "clGetDeviceInfo");
        return value[0];
    }

    private static long intInfo(cl_device_id device, int param) {
        int[] value = new int[1];
        OpenCLException.check(clGetDeviceInfo(device, param, Sizeof.cl_int, Pointer.to(value), null), "clGetDeviceInfo");
        return value[0];
    }

    private static String platformString(cl_platform_id platform, int param) {
        long[] size = new long[1];
        OpenCLException.check(clGetPlatformInfo(platform, param, 0, null, size), "clGetPlatformInfo");
        byte[] buffer = new byte[(int) size[0]];
        OpenCLException.check(clGetPlatformInfo(platform, param, buffer.length, Pointer.to(buffer), null), "clGetPlatformInfo");
        return cString(buffer);
    }

    private static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    }
}
