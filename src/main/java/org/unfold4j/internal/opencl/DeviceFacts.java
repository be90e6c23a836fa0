package org.unfold4j.internal.opencl;

import static org.jocl.CL.*;

import java.util.ArrayList;
import java.util.List;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * What the backend needs to know of one OpenCL device, read once when the devices are listed:
 * the public {@code OpenCLDevice} shows these, and the backend's engine computes with them (its
 * id among them, a JOCL type that stays out of the public API). Immutable.
 */
public final class DeviceFacts {
    private final cl_device_id id;
    private final String platformName, name, type;
    private final long globalMemory, maxAllocation, computeUnits, localMemory, maxWorkGroup;
    private final boolean fp64, fp16, gpuOrAccelerator;

    private DeviceFacts(cl_device_id id, String platformName) {
        this.id = id;
        this.platformName = platformName;
        this.name = stringInfo(id, CL_DEVICE_NAME).trim();
        long typeBits = longInfo(id, CL_DEVICE_TYPE);
        this.gpuOrAccelerator = (typeBits & (CL_DEVICE_TYPE_GPU | CL_DEVICE_TYPE_ACCELERATOR)) != 0;
        this.type = (typeBits & CL_DEVICE_TYPE_GPU) != 0 ? "GPU"
                : (typeBits & CL_DEVICE_TYPE_ACCELERATOR) != 0 ? "accelerator"
                : (typeBits & CL_DEVICE_TYPE_CPU) != 0 ? "CPU" : "other";
        this.globalMemory = longInfo(id, CL_DEVICE_GLOBAL_MEM_SIZE);
        this.maxAllocation = longInfo(id, CL_DEVICE_MAX_MEM_ALLOC_SIZE);
        this.computeUnits = intInfo(id, CL_DEVICE_MAX_COMPUTE_UNITS);
        this.localMemory = longInfo(id, CL_DEVICE_LOCAL_MEM_SIZE);
        this.maxWorkGroup = sizeInfo(id, CL_DEVICE_MAX_WORK_GROUP_SIZE);
        String extensions = stringInfo(id, CL_DEVICE_EXTENSIONS);
        this.fp64 = extensions.contains("cl_khr_fp64");
        this.fp16 = extensions.contains("cl_khr_fp16");
    }

    /**
     * {@return every device of every platform the OpenCL loader finds, in platform order}
     *
     * @throws org.unfold4j.OpenCLException if listing fails (other than finding nothing)
     */
    public static List<DeviceFacts> list() {
        int[] count = new int[1];
        int err = clGetPlatformIDs(0, null, count);
        if (err == CL_PLATFORM_NOT_FOUND_KHR || count[0] == 0) {
            return List.of();
        }
        ClCalls.require(err, "clGetPlatformIDs");
        cl_platform_id[] platforms = new cl_platform_id[count[0]];
        ClCalls.require(clGetPlatformIDs(platforms.length, platforms, null), "clGetPlatformIDs");
        List<DeviceFacts> devices = new ArrayList<>();
        for (cl_platform_id platform : platforms) {
            String platformName = platformString(platform, CL_PLATFORM_NAME).trim();
            int[] n = new int[1];
            err = clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, null, n);
            if (err == CL_DEVICE_NOT_FOUND || n[0] == 0) {
                continue;
            }
            ClCalls.require(err, "clGetDeviceIDs");
            cl_device_id[] ids = new cl_device_id[n[0]];
            ClCalls.require(clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, ids.length, ids, null), "clGetDeviceIDs");
            for (cl_device_id id : ids) {
                devices.add(new DeviceFacts(id, platformName));
            }
        }
        return List.copyOf(devices);
    }

    /** {@return the device's id} */
    public cl_device_id id() { return id; }
    /** {@return the platform's name} */
    public String platformName() { return platformName; }
    /** {@return the device's name} */
    public String name() { return name; }
    /** {@return "GPU", "accelerator", "CPU" or "other"} */
    public String type() { return type; }
    /** {@return whether the device is a GPU or an accelerator} */
    public boolean isGpuOrAccelerator() { return gpuOrAccelerator; }
    /** {@return the global memory in bytes} */
    public long globalMemory() { return globalMemory; }
    /** {@return the largest single allocation in bytes} */
    public long maxAllocation() { return maxAllocation; }
    /** {@return the local memory of a compute unit in bytes} */
    public long localMemory() { return localMemory; }
    /** {@return the compute units} */
    public long computeUnits() { return computeUnits; }
    /** {@return the largest work-group} */
    public long maxWorkGroup() { return maxWorkGroup; }
    /** {@return whether the device has cl_khr_fp64} */
    public boolean fp64() { return fp64; }
    /** {@return whether the device has cl_khr_fp16} */
    public boolean fp16() { return fp16; }

    private static String stringInfo(cl_device_id device, int param) {
        long[] size = new long[1];
        ClCalls.require(clGetDeviceInfo(device, param, 0, null, size), "clGetDeviceInfo");
        byte[] buffer = new byte[(int) size[0]];
        ClCalls.require(clGetDeviceInfo(device, param, buffer.length, Pointer.to(buffer), null), "clGetDeviceInfo");
        return cString(buffer);
    }

    private static long longInfo(cl_device_id device, int param) {
        long[] value = new long[1];
        ClCalls.require(clGetDeviceInfo(device, param, Sizeof.cl_long, Pointer.to(value), null), "clGetDeviceInfo");
        return value[0];
    }

    private static long sizeInfo(cl_device_id device, int param) {
        long[] value = new long[1];
        ClCalls.require(clGetDeviceInfo(device, param, Sizeof.size_t, Pointer.to(value), null), "clGetDeviceInfo");
        return value[0];
    }

    private static long intInfo(cl_device_id device, int param) {
        int[] value = new int[1];
        ClCalls.require(clGetDeviceInfo(device, param, Sizeof.cl_int, Pointer.to(value), null), "clGetDeviceInfo");
        return value[0];
    }

    private static String platformString(cl_platform_id platform, int param) {
        long[] size = new long[1];
        ClCalls.require(clGetPlatformInfo(platform, param, 0, null, size), "clGetPlatformInfo");
        byte[] buffer = new byte[(int) size[0]];
        ClCalls.require(clGetPlatformInfo(platform, param, buffer.length, Pointer.to(buffer), null), "clGetPlatformInfo");
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
