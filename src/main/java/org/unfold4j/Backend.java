package org.unfold4j;

import java.util.concurrent.ExecutorService;
import org.unfold4j.internal.Engine;
import org.unfold4j.internal.cpu.JavaConfig;
import org.unfold4j.internal.cpu.JavaEngine;

/**
 * Where unfold and fold run: the {@linkplain #java() Java backend}, available everywhere, or an
 * {@linkplain OpenCLBackend OpenCL backend} on one device.
 *
 * <p>Backends only compute: shapes are validated by {@link ColumnGeometry} before a backend sees
 * them. Obtain one with {@link #java()}, {@link #openCL()}, {@link #openCL(String)} or
 * {@link #defaultBackend()}.
 *
 * <p>Thread safety: every backend may be called from several threads at once.
 */
public abstract class Backend implements AutoCloseable {
    /** The engine that computes: Note [adding a backend] in org.unfold4j.internal.Engine. */
    private final Engine engine;

    /** Only this package makes backends: the public ones are this class's factories and OpenCLBackend. */
    Backend(Engine engine) {
        this.engine = engine;
    }

    /** {@return {@code "java"} or {@code "opencl"}} */
    public String name() {
        return engine.name();
    }

    /** {@return what runs the computation, e.g. {@code "JVM, 2 threads"} or the OpenCL device's name} */
    public String deviceName() {
        return engine.deviceName();
    }

    /** Whether this backend can compute on tensors of type {@code dtype}. */
    boolean supports(DType dtype) {
        return engine.supports(dtype);
    }

    /** The engine behind this backend. */
    Engine engine() {
        return engine;
    }

    /**
     * Unfolds a host tensor whose shape {@code geometry} has validated into {@code output} (of
     * the columns' shape and type, not sharing the input's array), writing every element.
     */
    void unfold(ColumnGeometry geometry, Tensor input, Tensor output) {
        engine.unfold(geometry.view(), input.array(), output.array());
    }

    /** Folds a host tensor whose shape {@code geometry} has validated into {@code output}, writing every element. */
    void fold(ColumnGeometry geometry, Tensor input, Tensor output) {
        engine.fold(geometry.view(), input.array(), output.array(), false);
    }

    /** Rejects an output argument of the wrong shape or type, or one aliasing the input. */
    static void checkOutput(Tensor output, long[] shape, Tensor input) {
        if (!java.util.Arrays.equals(output.shape(), shape) || output.dtype() != input.dtype()) {
            throw new IllegalArgumentException("output must be " + input.dtype() + " " + java.util.Arrays.toString(shape)
                    + ", but got " + output.dtype() + " " + java.util.Arrays.toString(output.shape()));
        }
        if (output.array() == input.array()) {
            throw new IllegalArgumentException("output must not share its array with the input");
        }
    }

    /** Unfolds into a new tensor. */
    final Tensor unfold(ColumnGeometry geometry, Tensor input) {
        Tensor out = Tensor.zeros(geometry.dtype(), geometry.columnsShape());
        unfold(geometry, input, out);
        return out;
    }

    /** Folds into a new tensor. */
    final Tensor fold(ColumnGeometry geometry, Tensor input) {
        Tensor out = Tensor.zeros(geometry.dtype(), geometry.imageShape());
        foldIntoZeros(geometry, input, out);
        return out;
    }

    /**
     * {@link #fold(ColumnGeometry, Tensor, Tensor)} into an output known to hold only +0.0 (a
     * new array), which a backend may then leave uncleared: the JVM has zeroed it once already.
     */
    void foldIntoZeros(ColumnGeometry geometry, Tensor input, Tensor output) {
        engine.fold(geometry.view(), input.array(), output.array(), true);
    }

    /** Releases what the backend holds; harmless when called again, and a no-op for shared backends. */
    @Override
    public abstract void close();

    /** The shared Java backend. */
    private static final Backend JAVA = new EngineBackend(JavaEngine.INSTANCE, true);

    /**
     * {@return the Java backend} It is shared, available on every JVM, and closing it does nothing.
     * A large call runs its pieces as a parallel stream, on the common {@code ForkJoinPool} and
     * the calling thread ({@code ForkJoinPool.getCommonPoolParallelism() + 1} threads at most;
     * set the pool's size with {@code -Djava.util.concurrent.ForkJoinPool.common.parallelism=n}).
     * Calls under 32,768 elements run on the calling thread alone. For a bound of its own, use
     * {@link #java(int)}; to compute on an executor of your own, {@link #java(ExecutorService)}.
     */
    public static Backend java() {
        return JAVA;
    }

    /**
     * A new Java backend whose calls compute on at most {@code threads} threads: for one thread,
     * the calling thread alone; otherwise a pool of {@code threads} daemon threads of its own
     * (named {@code unfold4j-java-i}, started when first needed), while the calling thread waits.
     * Calls from several threads at once share that pool, so the bound holds for the backend as
     * a whole. It computes exactly what {@link #java()} computes, with plan caches of its own.
     * The caller owns it: {@link #close()} ends the pool's threads (a call still running
     * finishes first; later large calls are refused with a
     * {@link java.util.concurrent.RejectedExecutionException}).
     *
     * @param threads the most threads a call computes on, at least 1
     * @return a new backend, owned by the caller
     * @throws IllegalArgumentException if {@code threads} is below 1
     */
    public static Backend java(int threads) {
        return new EngineBackend(JavaEngine.withThreads(threads, null), false);
    }

    /**
     * A new Java backend whose calls run their parallel pieces as tasks on {@code executor}, the
     * caller's, and on the calling thread, which takes pieces too and waits only for pieces
     * already running. So a call never waits for a task the executor has not started: on a
     * saturated executor, or from a thread of a single-thread executor, it completes on the
     * calling thread alone. A call uses at most as many of the executor's threads as it has (a
     * {@code ForkJoinPool}'s parallelism; a {@code ThreadPoolExecutor}'s maximum size, but no
     * more than the processors; else the processors), less one for the caller. Calls under
     * 32,768 elements run on the calling thread alone, as on {@link #java()}, which is the
     * default: the common {@code ForkJoinPool} plus the calling thread.
     *
     * <p>It computes exactly what {@link #java()} computes, with plan caches of its own. The
     * executor stays the caller's: {@link #close()} does not shut it down (and does nothing else).
     * A call that would run in parallel on an executor that is shut down fails with an
     * {@link IllegalStateException} saying so; a piece's exception reaches the caller.
     *
     * @param executor where the pieces run; not shut down by the backend
     * @return a new backend
     * @throws NullPointerException if {@code executor} is null
     */
    public static Backend java(ExecutorService executor) {
        return new EngineBackend(JavaEngine.withExecutor(executor), false);
    }

    /** As {@link #java(int)}, with the pool's workers made by {@code factory} (tests count them). */
    static Backend java(int threads, java.util.concurrent.ForkJoinPool.ForkJoinWorkerThreadFactory factory) {
        return new EngineBackend(JavaEngine.withThreads(threads, factory), false);
    }

    /** A Java backend of its own on an engine restricted to {@code config}'s variants (tests: JavaVariantCoverageTest). */
    static Backend java(JavaConfig config) {
        return new EngineBackend(JavaEngine.with(config), false);
    }

    /**
     * A new OpenCL backend on the device named by the system property {@code unfold4j.device}
     * (a substring of the device name), or else the first GPU, accelerator or other device found.
     * The caller owns it and closes it.
     *
     * <p>Kernels are compiled on an operation's first use, not here. On PoCL (OpenCL on the
     * CPU), and any driver whose compiler runs inside the application's process, start the JVM
     * with the JDK's signal chaining library preloaded,
     * {@code LD_PRELOAD=$JAVA_HOME/lib/libjsig.so java ...}: without it, the JVM's own signals
     * (safepoints, while other threads run Java code) can break a kernel build, which then
     * fails with an {@link OpenCLException} ({@code CL_BUILD_PROGRAM_FAILURE}, build log
     * "unable to rename temporary ..."). unfold4j builds one program at a time per process,
     * compiles each program from source once per process (later backends on the device build
     * from its binary), and retries such a build a few times with growing pauses, which makes
     * the failure rare but cannot rule it out; its message gives the line to use for the running
     * JVM. See the README, "PoCL in your own JVM", and
     * <a href="https://github.com/unfold4j/unfold4j/blob/main/native-notes.md#pocl-and-the-jvm-signal-chaining-libjsig">native-notes.md,
     * "PoCL and the JVM"</a>.
     *
     * @return a new backend, owned by the caller
     * @throws OpenCLException if no OpenCL runtime or matching device is available; the message
     *     says what is missing and points to
     *     <a href="https://github.com/unfold4j/unfold4j/blob/main/native-notes.md">native-notes.md</a>
     */
    public static OpenCLBackend openCL() {
        return OpenCLBackend.create(BackendSelection.deviceProperty());
    }

    /**
     * A new OpenCL backend on the first device whose name contains {@code deviceName}
     * (ignoring case). The caller owns it and closes it.
     *
     * <p>Kernel builds on PoCL need the JVM started with {@code libjsig} preloaded, as
     * {@link #openCL()} says.
     *
     * @param deviceName a substring of the device's name, e.g. {@code "RTX"} or {@code "cpu"};
     *     null or blank picks as {@link #openCL()} does without the property
     * @return a new backend, owned by the caller
     * @throws OpenCLException if no OpenCL runtime or matching device is available
     */
    public static OpenCLBackend openCL(String deviceName) {
        return OpenCLBackend.create(deviceName);
    }

    /**
     * The backend that {@link Unfold#apply(Tensor)} and {@link Fold#apply(Tensor)} use, chosen once
     * per JVM by the system property {@code unfold4j.backend} or else the environment variable
     * {@code UNFOLD4J_BACKEND}: {@code java}, {@code opencl}, or {@code auto} (the default: an
     * OpenCL GPU or accelerator when one exists, otherwise Java, with one logged line saying why).
     * The instance is shared; closing it does nothing.
     *
     * @return the shared default backend, the same instance on every call
     * @throws OpenCLException if {@code opencl} was requested and none is available
     * @throws IllegalArgumentException if the property or variable has another value
     */
    public static Backend defaultBackend() {
        return BackendSelection.defaultBackend();
    }

    @Override
    public String toString() {
        return name() + " (" + deviceName() + ")";
    }
}
