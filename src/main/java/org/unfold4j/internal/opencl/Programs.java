package org.unfold4j.internal.opencl;

import static org.jocl.CL.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_program;
import org.unfold4j.OpenCLException;

/**
 * The programs of one context, built once per kernel source and set of {@code -D} options
 * (CLBlast's program cache): {@code kernels/NAME.cl} is read from the class path and compiled on
 * first use; a failed build is not cached (Note [transient build failures]). Builds run one at a
 * time in the process (Note [signals in kernel builds]), and a program built from source once on
 * a device is built from its binary by later instances (Note [program binaries]).
 * Thread-safe.
 */
public final class Programs implements AutoCloseable {
    private final cl_context context;
    private final DeviceFacts device;
    private final ClCalls cl;
    private final Map<String, cl_program> built = new HashMap<>();
    /** The programs this instance built from source, by binary key, whose binaries close() keeps (Note [program binaries]). */
    private final Map<String, cl_program> fromSource = new HashMap<>();
    /**
     * Fold mean divides; OpenCL's float division may be off by 2.5 ulp unless this option is
     * given, and the Java backend's is correctly rounded, so it is asked for wherever supported.
     */
    private final boolean correctlyRoundedDivision;

    public Programs(cl_context context, DeviceFacts device, ClCalls cl) {
        this.context = context;
        this.device = device;
        this.cl = cl;
        long[] config = new long[1];
        clGetDeviceInfo(device.id(), CL_DEVICE_SINGLE_FP_CONFIG, Sizeof.cl_ulong, Pointer.to(config), null);
        this.correctlyRoundedDivision = (config[0] & CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0;
    }

    /** The full build options for the given {@code -D} defines. */
    public String options(String defines) {
        return defines + (correctlyRoundedDivision ? " -cl-fp32-correctly-rounded-divide-sqrt" : "");
    }

    /** The program of {@code kernels/name.cl} built with {@code options}. */
    public synchronized cl_program get(String name, String options) {
        String key = name + " " + options;
        cl_program program = built.get(key);
        if (program != null) {
            return program;
        }
        // Note [transient build failures]: a compiler running inside the JVM's process (PoCL's
        // clang) can fail spuriously when the JVM's own signals reach it (Note [signals in
        // kernel builds]). So a failed build is tried again, and a failure is not remembered: the
        // next call builds afresh. A failure that carries the signals' mark is tried up to
        // SIGNAL_ATTEMPTS times with growing pauses (each attempt is another chance to fall
        // between the JVM's safepoints, and a burst of them, e.g. a collection storm, may pass);
        // any other is tried once more at once. A real error in the source fails each time,
        // which costs builds only on a path that fails anyway.
        for (int attempt = 1; ; attempt++) {
            try {
                program = build(name, options, attempt);
                built.put(key, program);
                return program;
            } catch (OpenCLException e) {
                boolean signals = damagedBySignals(e.getMessage());
                if (attempt >= (signals ? SIGNAL_ATTEMPTS : BUILD_ATTEMPTS)) {
                    throw e;
                }
                if (signals) {
                    try {
                        Thread.sleep(SIGNAL_PAUSE_MS << (attempt - 1));
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                }
            }
        }
    }

    /** How often a build is tried before its failure is taken as final (Note [transient build failures]). */
    public static final int BUILD_ATTEMPTS = 2;

    /** How often a build that failed from the JVM's signals is tried (Note [transient build failures]). */
    public static final int SIGNAL_ATTEMPTS = 5;

    /** The pause after the first failure from signals, doubled after each further one (50, 100, 200, 400 ms). */
    static final long SIGNAL_PAUSE_MS = 50;

    /*
     * Note [signals in kernel builds]
     * PoCL compiles a program with clang inside this process, and every clBuildProgram from
     * source runs clang's preprocessor into a temporary file first (PoCL hashes its output to
     * look up its kernel cache, so a cache hit runs it too). clang registers the file with LLVM's
     * RemoveFileOnSignal, which installs LLVM's handlers for SIGSEGV and friends over the JVM's.
     * The JVM raises SIGSEGV itself all the time (a thread in compiled Java code reaching an
     * armed safepoint poll); when one arrives while the file exists, LLVM's handler deletes it,
     * hands the signal back to the JVM, and the build fails with "unable to rename temporary
     * ...". The JDK's signal chaining library (LD_PRELOAD=$JAVA_HOME/lib/libjsig.so) keeps the
     * JVM's handlers in front, so LLVM never sees the JVM's signals: that is the fix, and only
     * the user's command line can apply it. The library lowers the odds without it: one build
     * at a time in the whole process (BUILD_LOCK: a signal deletes the temporary files of every
     * build under way, in every context), retries with pauses (Note [transient build
     * failures]), one source build per program and device per process (Note [program
     * binaries]), and a message that says what to do (signalChainingAdvice). native-notes.md,
     * "PoCL and the JVM", has the measurements.
     */

    /** One program build at a time in this process, across all backends (Note [signals in kernel builds]). */
    private static final Object BUILD_LOCK = new Object();

    /** What clang says when a signal handler deleted its temporary output (Note [signals in kernel builds]). */
    static final String SIGNAL_DAMAGE = "unable to rename temporary";

    /** Whether a build failure's message (with its log) bears the mark of Note [signals in kernel builds]. */
    public static boolean damagedBySignals(String message) {
        return message != null && message.contains(SIGNAL_DAMAGE);
    }

    private cl_program build(String name, String options, int attempt) {
        synchronized (BUILD_LOCK) {
            cl.buildStarted();
            try {
                return buildAlone(name, options, attempt);
            } finally {
                cl.buildFinished();
            }
        }
    }

    /*
     * Note [program binaries]
     * Each backend has its own context, so its own programs; a program of one context cannot
     * serve another, but its binary can. So a backend that built a program from source keeps its
     * binary when it closes (BINARIES), and every later backend on that device builds from it:
     * no compiler front end, so nothing for the JVM's signals to break (Note [signals in kernel
     * builds]; PoCL's binary holds the compiled bitcode), and faster. A program that opens a
     * backend per request compiles from source once per process, not once per request. The
     * binary is taken at close, not after the build, because PoCL compiles every kernel of the
     * program to give it (most are never used by one backend): the first close in a process
     * pays that, once, and PoCL's kernel cache keeps the result for later processes. A binary
     * the driver refuses is dropped and the next attempt builds from source (Note [transient
     * build failures]).
     */

    /** Binaries of the programs built from source in this process, by device, source and options (Note [program binaries]). */
    private static final Map<String, byte[]> BINARIES = new ConcurrentHashMap<>();

    /** Tests only: forgets the kept binaries, so that the next builds compile from source again. */
    public static void forgetBinaries() {
        BINARIES.clear();
    }

    /** How many builds in this process were made from a kept binary (for tests). */
    public static final AtomicLong BUILDS_FROM_BINARY = new AtomicLong();

    private cl_program buildAlone(String name, String options, int attempt) {
        String binaryKey = binaryKey(name, options);
        byte[] binary = BINARIES.get(binaryKey);
        if (binary != null) {
            try {
                cl_program program = fromBinary(name, options, binary, attempt);
                BUILDS_FROM_BINARY.incrementAndGet();
                return program;
            } catch (OpenCLException e) {
                BINARIES.remove(binaryKey, binary);
                throw e;
            }
        }
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
        buildOrThrow(program, name, options, attempt);
        fromSource.put(binaryKey, program);
        return program;
    }

    private String binaryKey(String name, String options) {
        return device.id().getNativePointer() + " " + name + " " + options;
    }

    private cl_program fromBinary(String name, String options, byte[] binary, int attempt) {
        int[] err = new int[1], binaryStatus = new int[1];
        cl_program program = clCreateProgramWithBinary(context, 1, new cl_device_id[] {device.id()},
                new long[] {binary.length}, new byte[][] {binary}, binaryStatus, err);
        try {
            cl.check(err[0], "clCreateProgramWithBinary " + name + ".cl");
            cl.check(binaryStatus[0], "clCreateProgramWithBinary " + name + ".cl (binary status)");
        } catch (OpenCLException e) {
            if (program != null && err[0] == CL_SUCCESS) {
                clReleaseProgram(program);
            }
            throw e;
        }
        buildOrThrow(program, name, options, attempt);
        return program;
    }

    /** Builds {@code program}, or releases it and throws with the build log. */
    private void buildOrThrow(cl_program program, String name, String options, int attempt) {
        int status = clBuildProgram(program, 1, new cl_device_id[] {device.id()}, options, null, null);
        String injected = cl.injectedBuildFailure();
        if (status != CL_SUCCESS || injected != null) {
            String log = injected != null ? injected + "\n(fault injected by a test)" : buildLog(program);
            int code = injected != null ? CL_BUILD_PROGRAM_FAILURE : status;
            clReleaseProgram(program);
            throw new OpenCLException(failureMessage(name, options, device.name(), code, log, attempt,
                    System.getenv("LD_PRELOAD"), System.getProperty("java.home"), System.getProperty("os.name")),
                    code, null);
        }
    }

    /** The binary of a program built for this one device, or null when the driver gives none. */
    private static byte[] binaryOf(cl_program program) {
        // The size and pointer arrays below have one entry: a program of several devices would
        // make the driver write past them.
        int[] devices = new int[1];
        long[] size = new long[1];
        if (clGetProgramInfo(program, CL_PROGRAM_NUM_DEVICES, Sizeof.cl_uint, Pointer.to(devices), null) != CL_SUCCESS
                || devices[0] != 1
                || clGetProgramInfo(program, CL_PROGRAM_BINARY_SIZES, Sizeof.size_t, Pointer.to(size), null) != CL_SUCCESS
                || size[0] <= 0 || size[0] > Integer.MAX_VALUE - 8) {
            return null;
        }
        byte[] binary = new byte[(int) size[0]];
        if (clGetProgramInfo(program, CL_PROGRAM_BINARIES, Sizeof.POINTER, Pointer.to(Pointer.to(binary)), null) != CL_SUCCESS) {
            return null;
        }
        return binary;
    }

    /**
     * The message of a failed build: what was built where, the error, what to do when the log
     * shows Note [signals in kernel builds] and the JVM runs without libjsig, then the build log.
     *
     * @param attempt   which attempt this was (1 for the first)
     * @param ldPreload the process's LD_PRELOAD, or null
     * @param javaHome  the running JVM's java.home
     * @param osName    the os.name property
     */
    public static String failureMessage(String name, String options, String deviceName, int status, String log,
            int attempt, String ldPreload, String javaHome, String osName) {
        StringBuilder message = new StringBuilder("building kernels/").append(name).append(".cl with '")
                .append(options).append("' on ").append(deviceName).append(" failed: ")
                .append(ClCalls.errorName(status));
        if (attempt > 1) {
            message.append(" (attempt ").append(attempt).append(')');
        }
        String advice = signalChainingAdvice(log, ldPreload, javaHome, osName);
        if (advice != null) {
            message.append('\n').append(advice);
        }
        return message.append("\nbuild log:\n").append(log).toString();
    }

    /** Where the README says how to run unfold4j's OpenCL backend on PoCL in one's own JVM. */
    public static final String README_POCL = "https://github.com/unfold4j/unfold4j#pocl-in-your-own-jvm";

    /** native-notes.md at the project's URL: messages name a link that works from the jar, where no such file is. */
    public static final String NATIVE_NOTES = "https://github.com/unfold4j/unfold4j/blob/main/native-notes.md";

    /** Its section "PoCL and the JVM: signal chaining (libjsig)". */
    public static final String NATIVE_NOTES_POCL = NATIVE_NOTES + "#pocl-and-the-jvm-signal-chaining-libjsig";

    /**
     * What to do about a build failure that {@code log} shows to come from the JVM's signals
     * (Note [signals in kernel builds]), or null when the log does not show that or the JDK's
     * signal chaining library is preloaded already.
     */
    public static String signalChainingAdvice(String log, String ldPreload, String javaHome, String osName) {
        if (!damagedBySignals(log) || (ldPreload != null && ldPreload.contains("libjsig"))) {
            return null;
        }
        boolean mac = osName != null && osName.toLowerCase(java.util.Locale.ROOT).contains("mac");
        String variable = mac ? "DYLD_INSERT_LIBRARIES" : "LD_PRELOAD";
        String library = java.nio.file.Path.of(javaHome, "lib", mac ? "libjsig.dylib" : "libjsig.so").toString();
        String existing = mac ? null : ldPreload;
        return "This is not an error in the kernel: the OpenCL compiler runs inside this JVM's process (PoCL's clang), "
                + "and the JVM's own signals (safepoints, while other threads ran Java code) made it delete its "
                + "temporary files. unfold4j tries such a build up to " + SIGNAL_ATTEMPTS + " times, but only the JVM's "
                + "command line can rule this out: start it with the JDK's signal chaining library preloaded,\n    "
                + variable + "=" + library + (existing == null || existing.isBlank() ? "" : ":" + existing)
                + " java ...\n(README, \"PoCL in your own JVM\": " + README_POCL
                + "; native-notes.md, \"PoCL and the JVM\": " + NATIVE_NOTES_POCL + ")";
    }

    private String buildLog(cl_program program) {
        long[] size = new long[1];
        clGetProgramBuildInfo(program, device.id(), CL_PROGRAM_BUILD_LOG, 0, null, size);
        byte[] log = new byte[(int) Math.max(1, size[0])];
        clGetProgramBuildInfo(program, device.id(), CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
        return new String(log, StandardCharsets.UTF_8).trim();
    }

    /** The text of {@code kernels/name.cl}, packaged in the jar under {@code org/unfold4j/kernels/}. */
    public static String source(String name) {
        String resource = "/org/unfold4j/kernels/" + name + ".cl";
        try (InputStream in = Programs.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("kernel source " + resource + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }

    @Override
    public synchronized void close() {
        fromSource.forEach((binaryKey, program) -> {
            if (!BINARIES.containsKey(binaryKey)) {
                byte[] binary = binaryOf(program);
                if (binary != null) {
                    BINARIES.putIfAbsent(binaryKey, binary);
                }
            }
        });
        fromSource.clear();
        built.values().forEach(p -> clReleaseProgram(p));
        built.clear();
    }
}
