package org.unfold4j.internal.opencl;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.unfold4j.OpenCLException;
import org.unfold4j.internal.Op;
import org.unfold4j.internal.geometry.View;

/**
 * Host tensor in, host tensor out: chunking by the allocation limit, halving on out-of-memory,
 * overlapped transfers on two queues (Note [overlapped host calls]) and the queues' staging
 * buffers (Note [staging buffers]). Thread-safe.
 */
final class HostCalls {
    private final DeviceFacts device;
    private final Lanes lanes;
    private final Launcher launcher;
    private final long allocationLimit;
    private final boolean overlapTransfers;
    /** How many chunks an overlapped host call aims for: Tuning.overlapChunks. */
    private final int overlapChunks;
    /** Threads for the second queue of overlapped host calls, made on first use. */
    private ExecutorService transferThreads;

    HostCalls(DeviceFacts device, OpenCLConfig config, Lanes lanes, Launcher launcher) {
        this.device = device;
        this.lanes = lanes;
        this.launcher = launcher;
        this.allocationLimit = config.allocationLimit();
        this.overlapTransfers = config.overlapTransfers();
        this.overlapChunks = config.tuning().overlapChunks();
    }

    /**
     * Host in, host out, in chunks of whole images (or of single-channel planes when one image is
     * too large) that fit the allocation limit; a chunk the device cannot allocate is halved and
     * retried, so a full device slows the call down instead of failing it.
     */
    void onHost(View g, Object in, Object out, Op op) {
        if (g.imageElements() == 0) {
            return;
        }
        View units = g;
        long limit = allocationLimit;
        if (bytesPerUnit(units) > limit && g.splitsIntoPlanes()) {
            units = g.asPlanes();
        }
        long perUnit = bytesPerUnit(units);
        if (perUnit > limit) {
            throw new OpenCLException(op.label() + " of " + g + " needs " + perUnit + " bytes for one "
                    + (units.channels() == 1 ? "channel of one image" : "image") + ", more than the largest buffer "
                    + device.name() + " allows (" + limit + " bytes)", null);
        }
        View all = units;
        long count = all.batch();
        lanes.call(lane -> {
            long chunk = Math.min(count, limit / perUnit);
            if (overlapTransfers && count > 1 && overlapped(lane, all, op, in, out,
                    Math.min(chunk, (count + overlapChunks - 1) / overlapChunks))) {
                return null;
            }
            long done = 0;
            while (done < count) {
                long n = Math.min(chunk, count - done);
                try {
                    // The whole batch in one chunk reuses the caller's geometry and so its launch plan.
                    chunk(lane, n == count ? all : all.withBatch(n), op, in, out, done);
                    done += n;
                } catch (OpenCLException e) {
                    if (!Buffers.isOutOfMemory(e) || chunk == 1) {
                        throw e;
                    }
                    lane.releaseStaging();
                    lanes.releaseIdleStaging();
                    chunk = Math.max(1, chunk / 2);
                }
            }
            return null;
        });
    }

    /*
     * Note [overlapped host calls]
     * A host call moves its input up and its output down; on a GPU the kernel between them takes a
     * few percent of that time, so a call done in sequence costs the two transfers one after the
     * other. Split into chunks of images and worked through by two command queues in turn (chunks
     * 0, 2, 4, ... on one, 1, 3, 5, ... on the other), the download of one chunk runs while the
     * other queue uploads the next and runs its kernel, so the copy engines of both directions and
     * the compute units are busy together. JOCL copies from Java arrays only with blocking calls (a
     * non-blocking one needs a direct buffer, and staging through one would add a host copy), so
     * each queue is driven by a thread of its own: the caller's, and one from transferThreads.
     * Each pixel is still computed by the same kernel from the same inputs, so the result is the
     * same as in one piece, bit for bit.
     * The second queue is taken only if one is free, never waited for: calls from several threads
     * that each held one queue and waited for another could otherwise deadlock. A chunk that runs
     * out of device memory stops both queues, and the call starts over on the sequential path,
     * which halves its chunks until they fit (the output is written whole again, the input is only
     * read).
     */

    /**
     * Runs a host call as {@code chunk}-image pieces over {@code lane} and a second queue; false
     * when no second queue is free or the device ran out of memory, so the caller goes on in sequence.
     */
    private boolean overlapped(Lane lane, View all, Op op, Object in, Object out, long chunk) {
        Lane second;
        try {
            second = lanes.tryAcquire();
        } catch (OpenCLException e) {
            return false;  // no second queue to be had: the call goes on in sequence
        }
        if (second == null) {
            return false;
        }
        try {
            long count = all.batch();
            // Slices made once, so both queues share their memoised launch plans.
            View full = all.withBatch(chunk);
            View last = count % chunk == 0 ? full : all.withBatch(count % chunk);
            long pieces = (count + chunk - 1) / chunk;
            AtomicBoolean stop = new AtomicBoolean();
            Runnable other = () -> everyOtherChunk(second, 1, pieces, full, last, op, in, out, stop);
            Future<?> background = transferThreads().submit(other);
            Throwable failure = null;
            try {
                everyOtherChunk(lane, 0, pieces, full, last, op, in, out, stop);
            } catch (RuntimeException | Error e) {
                stop.set(true);
                failure = e;
            }
            failure = joined(background, failure);
            if (failure == null) {
                return true;
            }
            if (onlyOutOfMemory(failure)) {
                return false;
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            throw (Error) failure;
        } finally {
            lanes.giveBack(second);
        }
    }

    /** Whether the failure and those suppressed in it (the other queue's) are all the device running out of memory. */
    private static boolean onlyOutOfMemory(Throwable failure) {
        if (!(failure instanceof OpenCLException e) || !Buffers.isOutOfMemory(e)) {
            return false;
        }
        for (Throwable other : failure.getSuppressed()) {
            if (!(other instanceof OpenCLException o) || !Buffers.isOutOfMemory(o)) {
                return false;
            }
        }
        return true;
    }

    /** Chunks {@code first}, {@code first + 2}, ... of an overlapped call, on one queue, until done or stopped. */
    private void everyOtherChunk(Lane lane, int first, long pieces, View full, View last,
                                 Op op, Object in, Object out, AtomicBoolean stop) {
        try {
            for (long i = first; i < pieces && !stop.get(); i += 2) {
                chunk(lane, i == pieces - 1 ? last : full, op, in, out, i * full.batch());
            }
        } catch (RuntimeException | Error e) {
            stop.set(true);
            throw e;
        }
    }

    /** Waits for the background queue's share, even if interrupted (it uses buffers this call releases); returns the first failure. */
    private static Throwable joined(Future<?> background, Throwable failure) {
        boolean interrupted = false;
        while (true) {
            try {
                background.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (failure == null) {
                    failure = cause;
                } else if (failure != cause) {
                    failure.addSuppressed(cause);
                }
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return failure;
    }

    private synchronized ExecutorService transferThreads() {
        if (transferThreads == null) {
            transferThreads = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "unfold4j-transfers-" + device.name());
                t.setDaemon(true);
                return t;
            });
        }
        return transferThreads;
    }

    /** Stops the transfer threads (the engine is being released). */
    synchronized void shutdown() {
        if (transferThreads != null) {
            transferThreads.shutdown();
        }
    }

    private static long bytesPerUnit(View units) {
        long images = Math.max(1, units.batch());
        return Math.max(units.imageElements(), units.columnElements()) / images * units.dtype().bytes();
    }

    /**
     * Units {@code [first, first + n)} of a chunked host call, on one queue, through the queue's
     * staging buffers (Note [staging buffers]; in order on that queue, they are ordered as any
     * other buffer is: Note [device ordering] in DeviceBuffer).
     */
    private void chunk(Lane lane, View g, Op op, Object in, Object out, long first) {
        long inElements = op == Op.UNFOLD ? g.imageElements() : g.columnElements();
        long outElements = op == Op.UNFOLD ? g.columnElements() : g.imageElements();
        int bytes = g.dtype().bytes();
        DeviceBuffer dIn = lane.staging(0, inElements * bytes), dOut = lane.staging(1, outElements * bytes);
        lane.write(dIn, in, first * (inElements / g.batch()), inElements, g.dtype());
        launcher.launch(lane, g, op, dIn, dOut);
        lane.read(dOut, out, first * (outElements / g.batch()), outElements, g.dtype());
    }

    /*
     * Note [staging buffers]
     * A host call needs a device buffer for its input and one for its output. Made afresh for each
     * call, they cost more than the call's own work on some devices: PoCL's buffers are host memory
     * that each call faults in page by page (bench/RESULTS.md, "Staging buffers"), and a GPU driver
     * maps new memory on first use. So each command queue keeps the two buffers of its last host
     * call and reuses them while they are large enough (only the bytes a call needs are
     * transferred), growing them when a call needs more, as PyTorch's caching allocator keeps freed
     * blocks. At most MAX_QUEUES pairs are kept; releaseCachedBuffers() frees those of idle queues,
     * close() frees all, and a chunk that runs out of device memory frees them before it is halved
     * and retried.
     */
}
