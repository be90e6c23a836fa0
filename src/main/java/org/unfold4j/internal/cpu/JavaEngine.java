package org.unfold4j.internal.cpu;

import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.unfold4j.DType;
import org.unfold4j.internal.Engine;
import org.unfold4j.internal.HalfFloats;
import org.unfold4j.internal.Op;
import org.unfold4j.internal.PlanCache;
import org.unfold4j.internal.geometry.Axis;
import org.unfold4j.internal.geometry.View;

/**
 * Unfold and fold in plain Java, parallel over independent pieces of the output.
 *
 * <p>Unfold copies runs: along the window positions of one kernel offset (each a strided run of
 * an input row, {@code System.arraycopy} where both sides are contiguous), or, for kernels wider
 * than the number of window positions (ViT patches, large tiles), along the kernel offsets of one
 * window (a contiguous input run). Taps in the padding are written as zeros or, for the other
 * padding modes, copied one by one.
 *
 * <p>Fold gathers each output image row from the windows that cover it (see {@link Axis}).
 * Note [fold summation order]: every pixel adds its contributions in ascending kernel-offset
 * order, starting from zero, exactly as {@code fold.cl} does, so both backends give the same
 * bits. The run along window positions of one kernel offset keeps that order trivially; the run
 * along kernel offsets of one window visits windows from the last to the first, so that each
 * pixel still meets its kernel offsets in ascending order.
 *
 * <p>Each geometry's pass runs one {@link JavaVariant}, chosen once when its plan is built from
 * the variants the engine's {@link JavaConfig} allows; the engine counts the calls each variant
 * ran. The passes live beside it: {@link UnfoldPass}, {@link FoldPass}, their shared unpacked
 * geometry {@link Pass}, {@link WindowGroups}, {@link AxisTables}, and {@link ElementOps} for
 * the element loops of each type.
 *
 * <p>Every output element is written (zeros included), so outputs may be reused. Thread-safe;
 * its only state is its plan caches and call counters.
 */
public final class JavaEngine implements Engine {
    /** The one Java engine with every variant allowed: every Java backend shares it. */
    public static final JavaEngine INSTANCE = new JavaEngine(JavaConfig.DEFAULTS, 0, null);

    private final JavaConfig config;
    /**
     * Note [bounded parallelism]
     * The shared engine runs a call's pieces as a parallel stream: on the common ForkJoinPool
     * plus the calling thread. An engine made by {@link #withThreads} runs them in a pool of its
     * own instead, of {@code threads} workers, while the calling thread waits (a join from outside
     * a pool only helps tasks of the common pool), so no call computes on more than
     * {@code threads} threads; with one thread nothing forks and the caller computes alone. A
     * stream's parallel tasks fork into the pool of the worker that runs the stream, so submitting
     * the stream to the own pool keeps every piece inside it; its counted completers never block
     * a worker, so the pool adds no compensating threads. Threads: 0 means the shared default.
     * An engine made by {@link #withExecutor} runs them on the caller's executor instead, with
     * the calling thread taking pieces too: Note [pieces on the caller's executor] in
     * ExecutorPieces.
     */
    private final int threads;
    /** The caller's executor of an engine made by withExecutor, null otherwise; never shut down here. */
    private final ExecutorService executor;
    /** The pool of an engine of bounded threads (2 or more), null otherwise. */
    private final ForkJoinPool pool;
    /** Calls run per variant, by ordinal: a LongAdder, so that concurrent calls do not contend on one counter. */
    private final LongAdder[] calls = new LongAdder[JavaVariant.values().length];

    /** Note [memoised plans] in PlanCache; Note [memoised passes] below. */
    private final PlanCache<View, UnfoldPass> unfoldPlans = new PlanCache<>();
    private final PlanCache<View, FoldPass> foldPlans = new PlanCache<>();

    /** Below this many elements a call runs on the calling thread: forking costs more. */
    private static final long PARALLEL_THRESHOLD = 1 << 15;

    private JavaEngine(JavaConfig config, int threads, ForkJoinPool.ForkJoinWorkerThreadFactory factory) {
        this(config, threads, factory, null);
    }

    private JavaEngine(JavaConfig config, int threads, ForkJoinPool.ForkJoinWorkerThreadFactory factory,
            ExecutorService executor) {
        this.config = config;
        this.threads = threads;
        this.executor = executor;
        this.pool = threads >= 2 ? new ForkJoinPool(threads, factory, null, false) : null;
        for (int i = 0; i < calls.length; i++) {
            calls[i] = new LongAdder();
        }
    }

    /**
     * {@return a new engine (plan caches and counters of its own) that uses only the variants {@code config} allows}
     *
     * @param config the variants allowed
     */
    public static JavaEngine with(JavaConfig config) {
        return new JavaEngine(config, 0, null);
    }

    /**
     * {@return a new engine (every variant; plan caches, counters and a pool of its own) whose calls compute on at most {@code threads} threads}
     * Note [bounded parallelism].
     *
     * @param threads the bound, at least 1
     * @param factory makes the pool's workers (daemon threads when null; unused for one thread)
     * @throws IllegalArgumentException if {@code threads} is below 1
     */
    public static JavaEngine withThreads(int threads, ForkJoinPool.ForkJoinWorkerThreadFactory factory) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, but got " + threads);
        }
        return new JavaEngine(JavaConfig.DEFAULTS, threads, factory != null ? factory : JavaEngine::daemonWorker);
    }

    /**
     * {@return a new engine (every variant; plan caches and counters of its own) whose calls run their pieces on {@code executor} and the calling thread}
     * Note [pieces on the caller's executor] in ExecutorPieces; the engine never shuts the executor down.
     *
     * @param executor the caller's executor
     * @throws NullPointerException if {@code executor} is null
     */
    public static JavaEngine withExecutor(ExecutorService executor) {
        Objects.requireNonNull(executor, "executor");
        return new JavaEngine(JavaConfig.DEFAULTS, 0, null, executor);
    }

    /** A pool worker that does not keep the JVM alive (a backend nobody closes must not block exit). */
    private static ForkJoinWorkerThread daemonWorker(ForkJoinPool pool) {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setDaemon(true);
        t.setName("unfold4j-java-" + t.getPoolIndex());
        return t;
    }

    /** {@return the bound on threads per call, or 0 for the shared default (the common pool plus the caller) and for an engine on an executor} */
    public int threads() {
        return threads;
    }

    /** {@return what this engine may use} */
    public JavaConfig config() {
        return config;
    }

    /**
     * {@return how many calls with a non-empty batch ran the variant on this engine}
     *
     * @param v the variant
     */
    public long calls(JavaVariant v) {
        return calls[v.ordinal()].sum();
    }

    @Override
    public String name() {
        return "java";
    }

    @Override
    public String deviceName() {
        if (executor != null) {
            return "JVM, an executor of " + ExecutorPieces.threadsOf(executor) + " threads and the caller";
        }
        // Note [bounded parallelism]: the common pool plus the calling thread, or the bound.
        int n = threads > 0 ? threads : ForkJoinPool.getCommonPoolParallelism() + 1;
        return "JVM, " + n + (n == 1 ? " thread" : " threads");
    }

    @Override
    public boolean supports(DType dtype) {
        return true;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();  // its idle workers end; a call still running finishes first
        }
    }

    /*
     * Note [empty batches]
     * A batch of 0 images has nothing to compute whatever its geometry, and a valid geometry may
     * then be far beyond what a host array can index (PyTorch folds torch.empty(0, 1, 2**31) into
     * an image of 2^31 pixels): the passes below cast sizes to int and build per-axis tables, so
     * they are not even set up. Both element counts are 0 exactly when the batch is (every other
     * dimension is at least 1).
     */

    @Override
    public void unfold(View g, Object input, Object output) {
        if (g.columnElements() == 0) {
            return;  // Note [empty batches]
        }
        UnfoldPass plan = unfoldPlans.get(g, v -> new UnfoldPass(v, JavaVariant.choose(Op.UNFOLD, v, config)));
        calls[plan.variant.ordinal()].increment();
        plan.<UnfoldPass>on(this, input, output).run();  // Note [memoised passes]
    }

    /** Fold; {@code zeroed}: the output holds only +0.0 already, so rows are not cleared before summing. */
    @Override
    public void fold(View g, Object input, Object output, boolean zeroed) {
        if (g.imageElements() == 0) {
            return;  // Note [empty batches]
        }
        if (g.dtype().isHalf()) {
            foldHalf(g, (short[]) input, (short[]) output);
            return;
        }
        FoldPass plan = foldPlans.get(g, v -> new FoldPass(v, JavaVariant.choose(Op.FOLD, v, config)));
        calls[plan.variant.ordinal()].increment();
        FoldPass pass = plan.on(this, input, output);  // Note [memoised passes]
        pass.zeroed = zeroed;
        pass.run();
    }

    /*
     * Note [16-bit folds]
     * float16 and bfloat16 have no arithmetic of their own, and a sum kept in 16 bits would round
     * at every addition. So a 16-bit fold widens its columns to float32 (exactly), runs the
     * float32 fold of the same geometry (its plan, its variant, its summation order: Note [fold
     * summation order]), and rounds each pixel once to the 16-bit type, to nearest even
     * (HalfFloats). The sums are then the float32 fold's bits, which fold.cl's 16-bit kernels
     * reproduce (they add in float and round once, at the store), so both backends agree bit for
     * bit; mean divides in float32 before the rounding. The batch goes through in chunks of whole
     * images of at most HALF_CHUNK column elements (one image at least), so the float32 copies
     * cost one chunk's columns and image beside the tensors, not a widened copy of both.
     */

    /** The most column elements one chunk of a 16-bit fold widens at a time (Note [16-bit folds]): 4 MB of float32. */
    private static final long HALF_CHUNK = 1 << 20;

    /** Elements per task of the widening and rounding loops. */
    private static final int CONVERT_BLOCK = 1 << 14;

    private void foldHalf(View g, short[] input, short[] output) {
        boolean bf = g.dtype() == DType.BFLOAT16;
        long columnsPerImage = g.columnElements() / g.batch(), pixelsPerImage = g.imageElements() / g.batch();
        long images = Math.max(1, Math.min(g.batch(), HALF_CHUNK / Math.max(1, columnsPerImage)));
        float[] columns = null, image = null;
        for (long n0 = 0; n0 < g.batch(); n0 += images) {
            long n = Math.min(images, g.batch() - n0);
            View chunk = g.withDType(DType.FLOAT32).withBatch(n);
            int columnCount = (int) (n * columnsPerImage), pixelCount = (int) (n * pixelsPerImage);
            boolean fresh = columns == null || columns.length != columnCount;
            if (fresh) {
                columns = new float[columnCount];
                image = new float[pixelCount];
            }
            int columnFrom = (int) (n0 * columnsPerImage), pixelFrom = (int) (n0 * pixelsPerImage);
            float[] c = columns, im = image;
            forEach((columnCount + CONVERT_BLOCK - 1) / CONVERT_BLOCK, columnCount, t -> {
                int from = t * CONVERT_BLOCK, count = Math.min(CONVERT_BLOCK, columnCount - from);
                if (bf) {
                    HalfFloats.bfloat16ToFloat(input, columnFrom + from, c, from, count);
                } else {
                    HalfFloats.float16ToFloat(input, columnFrom + from, c, from, count);
                }
            });
            fold(chunk, c, im, fresh);  // a reused image is cleared by the fold, which writes every pixel
            forEach((pixelCount + CONVERT_BLOCK - 1) / CONVERT_BLOCK, pixelCount, t -> {
                int from = t * CONVERT_BLOCK, count = Math.min(CONVERT_BLOCK, pixelCount - from);
                if (bf) {
                    HalfFloats.floatToBFloat16(im, from, output, pixelFrom + from, count);
                } else {
                    HalfFloats.floatToFloat16(im, from, output, pixelFrom + from, count);
                }
            });
        }
    }

    /*
     * Note [memoised passes]
     * A pass's tables depend on the geometry alone, and building them (three AxisTables, fold's
     * per-pixel counts, the window groups, the geometry's padded arrays) was most of a small
     * call's time, more than the work of the seed shape's calls. So the pass built for a
     * geometry is kept (Note [memoised plans] in PlanCache), and each call
     * runs a shallow copy of it holding that call's arrays (Pass.on), so that concurrent calls
     * on one geometry share only immutable tables.
     */

    /** Runs body for tasks 0 .. tasks - 1, in parallel where the call moves at least PARALLEL_THRESHOLD elements. */
    void forEach(long tasks, long work, IntConsumer body) {
        if (work < PARALLEL_THRESHOLD || tasks < 2 || threads == 1) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
        } else if (executor != null) {
            ExecutorPieces.run(executor, ExecutorPieces.threadsOf(executor), (int) tasks, body);  // Note [pieces on the caller's executor]
        } else if (pool == null) {
            IntStream.range(0, (int) tasks).parallel().forEach(body);
        } else {
            // Note [bounded parallelism]: the stream's tasks stay in the pool that runs it.
            pool.submit(() -> IntStream.range(0, (int) tasks).parallel().forEach(body)).join();
        }
    }
}
