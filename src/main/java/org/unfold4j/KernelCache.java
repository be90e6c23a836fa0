package org.unfold4j;

import static org.jocl.CL.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_program;

/**
 * The kernels of one context, built once per kernel and variant (CLBlast's program cache): the
 * source {@code kernels/NAME.cl} is read from the class path and compiled with its variant's
 * {@code -D} defines on first use. Not thread-safe; {@link OpenCLBackend} calls it under its lock.
 */
final class KernelCache implements AutoCloseable {
    private final cl_context context;
    private final OpenCLDevice device;
    private final Map<String, cl_program> programs = new HashMap<>();
    private final Map<String, cl_kernel> kernels = new HashMap<>();
    private final Map<cl_kernel, Long> workGroupLimits = new HashMap<>();

    /**
     * Fold mean divides; OpenCL's float division may be off by 2.5 ulp unless this option is
     * given, and the Java backend's is correctly rounded, so it is asked for wherever supported.
     */
    private final boolean correctlyRoundedDivision;

    KernelCache(cl_context context, OpenCLDevice device) {
        this.context = context;
        this.device = device;
        long[] config = new long[1];
        clGetDeviceInfo(device.deviceId, CL_DEVICE_SINGLE_FP_CONFIG, Sizeof.cl_ulong, Pointer.to(config), null);
        this.correctlyRoundedDivision = (config[0] & CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0;
    }

    /** The kernel {@code name} of {@code kernels/name.cl}, specialised by the {@code -D} options {@code defines}. */
    cl_kernel get(String name, String defines) {
        String options = defines + (correctlyRoundedDivision ? " -cl-fp32-correctly-rounded-divide-sqrt" : "");
        String key = name + " " + options;
        cl_kernel kernel = kernels.get(key);
        if (kernel == null) {
            cl_program program = programs.computeIfAbsent(key, k -> build(name, options));
            int[] err = new int[1];
            kernel = clCreateKernel(program, name, err);
            OpenCLException.check(err[0], "clCreateKernel " + name);
            kernels.put(key, kernel);
            long[] limit = new long[1];
            OpenCLException.check(clGetKernelWorkGroupInfo(kernel, device.deviceId, CL_KERNEL_WORK_GROUP_SIZE,
                    Sizeof.size_t, Pointer.to(limit), null), "clGetKernelWorkGroupInfo " + name);
            workGroupLimits.put(kernel, limit[0]);
        }
        return kernel;
    }

    /** CL_KERNEL_WORK_GROUP_SIZE of a kernel returned by {@link #get}. */
    long workGroupLimit(cl_kernel kernel) {
        return workGroupLimits.get(kernel);
    }

    private cl_program build(String name, String options) {
        String source = source(name);
        int[] err = new int[1];
        cl_program program = clCreateProgramWithSource(context, 1, new String[] {source}, null, err);
        OpenCLException.check(err[0], "clCreateProgramWithSource " + name + ".cl");
        int status = clBuildProgram(program, 1, new cl_device_id[] {device.deviceId}, options, null, null);
        if (status != CL_SUCCESS) {
            String log = buildLog(program);
            clReleaseProgram(program);
            throw new OpenCLException("building kernels/" + name + ".cl with '" + options + "' on " + device.name()
                    + " failed: " + OpenCLException.errorName(status) + "\nbuild log:\n" + log, null);
        }
        return program;
    }

    private String buildLog(cl_program program) {
        long[] size = new long[1];
        clGetProgramBuildInfo(program, device.deviceId, CL_PROGRAM_BUILD_LOG, 0, null, size);
        byte[] log = new byte[(int) Math.max(1, size[0])];
        clGetProgramBuildInfo(program, device.deviceId, CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
        return new String(log, StandardCharsets.UTF_8).trim();
    }

    /** The text of {@code kernels/name.cl}, packaged in the jar under {@code org/unfold4j/kernels/}. */
    static String source(String name) {
        String resource = "kernels/" + name + ".cl";
        try (InputStream in = KernelCache.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("kernel source org/unfold4j/" + resource + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }

    @Override
    public void close() {
        kernels.values().forEach(k -> clReleaseKernel(k));
        programs.values().forEach(p -> clReleaseProgram(p));
        kernels.clear();
        programs.clear();
        workGroupLimits.clear();
    }
}
