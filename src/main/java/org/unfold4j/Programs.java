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
import org.jocl.cl_program;

/**
 * The programs of one context, built once per kernel source and set of {@code -D} options
 * (CLBlast's program cache): {@code kernels/NAME.cl} is read from the class path and compiled on
 * first use; a failed build is not cached (Note [transient build failures]).
 * Thread-safe.
 */
final class Programs implements AutoCloseable {
    private final cl_context context;
    private final OpenCLDevice device;
    private final ClCalls cl;
    private final Map<String, cl_program> built = new HashMap<>();
    /**
     * Fold mean divides; OpenCL's float division may be off by 2.5 ulp unless this option is
     * given, and the Java backend's is correctly rounded, so it is asked for wherever supported.
     */
    private final boolean correctlyRoundedDivision;

    Programs(cl_context context, OpenCLDevice device, ClCalls cl) {
        this.context = context;
        this.device = device;
        this.cl = cl;
        long[] config = new long[1];
        clGetDeviceInfo(device.deviceId, CL_DEVICE_SINGLE_FP_CONFIG, Sizeof.cl_ulong, Pointer.to(config), null);
        this.correctlyRoundedDivision = (config[0] & CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0;
    }

    /** The full build options for the given {@code -D} defines. */
    String options(String defines) {
        return defines + (correctlyRoundedDivision ? " -cl-fp32-correctly-rounded-divide-sqrt" : "");
    }

    /** The program of {@code kernels/name.cl} built with {@code options}. */
    synchronized cl_program get(String name, String options) {
        String key = name + " " + options;
        cl_program program = built.get(key);
        if (program != null) {
            return program;
        }
        // Note [transient build failures]: a compiler running inside the JVM's process (PoCL's
        // clang) can fail spuriously when the JVM's own signals reach it (see native-notes.md,
        // libjsig). So a failed build is tried again at once, and a failure is not remembered:
        // the next call builds afresh. A real error in the source fails each time, which costs
        // builds only on a path that fails anyway.
        OpenCLException last = null;
        for (int attempt = 0; attempt < BUILD_ATTEMPTS; attempt++) {
            try {
                program = build(name, options);
                built.put(key, program);
                return program;
            } catch (OpenCLException e) {
                last = e;
            }
        }
        throw last;
    }

    /** How often a build is tried before its failure is taken as final (Note [transient build failures]). */
    static final int BUILD_ATTEMPTS = 2;

    private cl_program build(String name, String options) {
        int[] err = new int[1];
        // common.cl (types and geometry names) comes first, as a header would.
        cl_program program = clCreateProgramWithSource(context, 2, new String[] {source("common"), source(name)}, null, err);
        try {
            cl.check(err[0], "clCreateProgramWithSource " + name + ".cl");
        } catch (OpenCLException e) {
            if (program != null && err[0] == CL_SUCCESS) {
                clReleaseProgram(program);
            }
            throw e;
        }
        int status = clBuildProgram(program, 1, new cl_device_id[] {device.deviceId}, options, null, null);
        if (status != CL_SUCCESS) {
            String message = "building kernels/" + name + ".cl with '" + options + "' on " + device.name()
                    + " failed: " + OpenCLException.errorName(status) + "\nbuild log:\n" + buildLog(program);
            clReleaseProgram(program);
            throw new OpenCLException(message, null);
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
        try (InputStream in = Programs.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("kernel source org/unfold4j/" + resource + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }

    @Override
    public synchronized void close() {
        built.values().forEach(p -> clReleaseProgram(p));
        built.clear();
    }
}
