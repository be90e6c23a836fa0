package org.unfold4j.internal.cpu;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * One call's pieces on the caller's executor, Note [pieces on the caller's executor].
 */
final class ExecutorPieces implements Runnable {
    /*
     * Note [pieces on the caller's executor]
     * The pieces are claimed from one counter, in chunks, by the calling thread and by helper
     * tasks submitted to the executor; the caller claims too, and waits only for chunks already
     * claimed, which are running on some thread. So a call never waits for a task the executor
     * has not started: on a saturated executor, or on a single thread that is itself the caller,
     * the caller computes every piece alone, and a helper that starts after the call has ended
     * finds nothing to claim (the call's arrays are let go by then, so a queued helper holds no
     * memory). Helpers are as many as the executor has threads (a ForkJoinPool's parallelism,
     * a ThreadPoolExecutor's maximum size but no more than the processors, since a cached pool's
     * is unbounded; else the processors), less the caller, and never more than the chunks. A
     * rejected helper is only the executor being full (the caller takes its share; a
     * CallerRunsPolicy runs it on the caller at once, which comes to the same), unless the
     * executor is shut down: then the call fails with an IllegalStateException before or
     * instead of computing on, never hangs. The first exception of a piece stops further claims and is
     * rethrown to the caller once the claimed chunks are done. The executor is the caller's: the
     * engine never shuts it down.
     */

    /** Chunks per thread: a few, so that a slow thread (or one the executor starts late) delays the call little. */
    private static final int CHUNKS_PER_THREAD = 4;

    private final int tasks, chunk;
    /** The next piece to claim: a long, so that the claims past the end cannot wrap. */
    private final AtomicLong next = new AtomicLong();
    /** Pieces not yet done (run or skipped after a failure); the latch opens at 0. */
    private final AtomicInteger remaining;
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    /** The call's work; null once the call has ended, so that helpers queued behind it hold nothing. */
    private volatile IntConsumer body;

    private ExecutorPieces(int tasks, int chunk, IntConsumer body) {
        this.tasks = tasks;
        this.chunk = chunk;
        this.remaining = new AtomicInteger(tasks);
        this.body = body;
    }

    /** The threads the executor computes on, as far as it says. */
    static int threadsOf(ExecutorService executor) {
        if (executor instanceof ForkJoinPool p) {
            return p.getParallelism();
        }
        if (executor instanceof ThreadPoolExecutor p) {
            return Math.min(p.getMaximumPoolSize(), Runtime.getRuntime().availableProcessors());
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Runs {@code body} for 0 .. tasks - 1 on the caller and the executor, as if the executor had
     * {@code threads} threads (the caller among them); Note [pieces on the caller's executor].
     */
    static void run(ExecutorService executor, int threads, int tasks, IntConsumer body) {
        if (executor.isShutdown()) {
            throw shutDown(null);
        }
        threads = Math.max(1, threads);
        int chunk = Math.max(1, tasks / (threads * CHUNKS_PER_THREAD));
        int chunks = (tasks + chunk - 1) / chunk;
        ExecutorPieces call = new ExecutorPieces(tasks, chunk, body);
        int helpers = Math.min(threads - 1, chunks - 1);
        for (int i = 0; i < helpers; i++) {
            try {
                executor.execute(call);
            } catch (RejectedExecutionException e) {
                if (executor.isShutdown()) {
                    call.fail(shutDown(e));
                }
                break;  // a full executor: the caller and the helpers already submitted take the rest
            }
        }
        call.run();
        call.await();
        call.body = null;
        Throwable t = call.failure.get();
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    private static IllegalStateException shutDown(RejectedExecutionException cause) {
        return new IllegalStateException("the Java backend's executor is shut down, so it cannot run this call's"
                + " pieces; a backend of Backend.java(executor) needs its executor running", cause);
    }

    private void fail(Throwable t) {
        failure.compareAndSet(null, t);
    }

    /** Claims and runs chunks until none is left: the caller's loop and each helper's task. */
    @Override
    public void run() {
        IntConsumer work = body;
        if (work == null) {
            return;  // the call has ended
        }
        for (long claimed; (claimed = next.getAndAdd(chunk)) < tasks; ) {
            int start = (int) claimed, end = (int) Math.min(tasks, claimed + chunk);
            try {
                if (failure.get() == null) {
                    for (int t = start; t < end; t++) {
                        work.accept(t);
                    }
                }
            } catch (Throwable e) {
                fail(e);
            } finally {
                if (remaining.addAndGet(start - end) == 0) {
                    done.countDown();
                }
            }
        }
    }

    /** Waits for the chunks other threads claimed; an interrupt is kept for later, as the chunks are short. */
    private void await() {
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
