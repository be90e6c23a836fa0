package org.unfold4j.internal.opencl;

import static org.jocl.CL.clReleaseEvent;
import static org.jocl.CL.clReleaseMemObject;
import static org.jocl.CL.clRetainEvent;
import static org.jocl.CL.clRetainMemObject;

import java.util.ArrayList;
import java.util.List;
import org.jocl.cl_command_queue;
import org.jocl.cl_event;
import org.jocl.cl_mem;

/**
 * The native state behind a {@link DeviceTensor}: its buffer and the events of the commands
 * that use it (Note [device ordering]). Kept apart from the tensor so that a
 * {@link java.lang.ref.Cleaner} can release the buffer of a tensor nobody closed (this object
 * must not refer back to the tensor).
 *
 * <p>Thread-safe: {@link #read()} and {@link #write()} retain the buffer and the events to wait
 * for under the lock, so a tensor closed on one thread while another enqueues a command on it
 * either fails cleanly with an {@link IllegalStateException} or keeps the buffer alive until
 * that command has run.
 */
public final class DeviceBuffer implements Runnable {
    private static final System.Logger LOG = System.getLogger("org.unfold4j");

    /*
     * Note [device ordering]
     * The commands of one call run on that call's command queue, and a backend has several
     * queues (calls from several threads, the second queue of an overlapped host call), which
     * the device may run at the same time. Calls made one after another on one buffer must still
     * behave as if run in that order, whatever queues they land on. So each buffer keeps the
     * events of the commands that use it, as CUDA streams with events and SYCL accessors do:
     *
     *   - its writes: the last write (more than one only when writes were made concurrently
     *     from several threads, none waiting for the other);
     *   - its reads since then: at most one per queue, a queue being in order.
     *
     * A command that READS the buffer waits for its writes; a command that WRITES it (all or
     * part) waits for its writes AND every read since. Recording a command's event then
     * supersedes what it waited for: a write replaces the events it waited for and those on its
     * own queue (which precede it), a read replaces the earlier read on its queue. Superseded
     * events are released at once, so a buffer holds at most two events per queue however many
     * commands use it (400,000 calls of ResourcesTest's loop level off as before). A command
     * that has finished when it is recorded (a blocking transfer, an interop body after
     * clFinish) records no event, only the superseding.
     *
     * What counts: a kernel reads its input and writes its output; upload writes and download
     * reads; an interop body may do anything to the buffers it is handed, so it counts as a
     * write of every one (it waits for their writes and reads since, on the host, and has
     * finished when interop returns). Staging buffers of host calls follow the same rules,
     * though they never leave their queue.
     *
     * The rule is applied here only: the engine's commands (Lane's transfers, Launcher's kernels,
     * DeviceCalls' interop) ask for read() or write() access, wait on Access.waitList(...)
     * (which flushes the queues of the events waited for: Note [lazy flush]), and record their
     * command with Access.enqueued or Access.finished while they still hold the queue.
     * Recording happens before the call returns, so calls ordered by the program (one thread,
     * or threads that synchronise between calls) are ordered on the device. Calls on one buffer
     * made concurrently from several threads with nothing ordering them are ordered either way,
     * but each still waits for everything recorded before it began, and no event is lost (a
     * write keeps the reads recorded while it was being enqueued).
     */

    /** The allocator, told when this buffer is released. */
    private final Buffers backend;
    private final String description;
    /** The buffer's size in bytes (0 for an empty tensor, which has no cl_mem). */
    private final long bytes;
    private cl_mem mem;
    /** The last write (or concurrent writes), oldest first: Note [device ordering]. */
    private final List<Entry> writes = new ArrayList<>(1);
    /** The reads since the writes, one per queue: Note [device ordering]. */
    private final List<Entry> reads = new ArrayList<>(2);
    private boolean closed;

    DeviceBuffer(Buffers backend, cl_mem mem, long bytes, String description) {
        this.backend = backend;
        this.mem = mem;
        this.bytes = bytes;
        this.description = description;
    }

    /** {@return the buffer's size in bytes} */
    long bytes() {
        return bytes;
    }

    /**
     * Blocks until the last command writing this buffer has finished (a host wait flushes itself).
     *
     * @param what the tensor, for the message
     * @throws IllegalStateException if the buffer is closed
     * @throws org.unfold4j.OpenCLException if the command failed
     */
    public void await(String what) {
        try (Access a = read()) {
            cl_event[] wait = Access.waitList(null, a);
            if (wait != null) {
                ClCalls.require(org.jocl.CL.clWaitForEvents(wait.length, wait), "waiting for " + what);
            }
        }
    }

    /**
     * The device time of the command that last wrote this buffer, from its profiling event,
     * after waiting for it.
     *
     * @param what the tensor, for the message
     * @return the nanoseconds; empty when no command computed it (an upload) or its queue does not profile
     * @throws IllegalStateException if the buffer is closed
     */
    public java.util.OptionalLong computeNanos(String what) {
        try (Access a = read()) {
            cl_event last = a.lastWrite();
            if (last == null) {
                return java.util.OptionalLong.empty();
            }
            ClCalls.require(org.jocl.CL.clWaitForEvents(1, new cl_event[] {last}), "waiting for " + what);
            return Profiling.deviceNanos(last);
        }
    }

    /** An event of a command on this buffer, owned by the buffer, and the queue it was enqueued on (maybe not flushed). */
    private record Entry(cl_event event, cl_command_queue queue) {
    }

    /** Access for one command that reads the buffer: it waits for the writes. Close it once the command is recorded. */
    synchronized Access read() {
        return access(false);
    }

    /** Access for one command that writes the buffer: it waits for the writes and the reads since. */
    synchronized Access write() {
        return access(true);
    }

    private Access access(boolean write) {
        if (closed) {
            throw new IllegalStateException("the device tensor " + description + " is closed");
        }
        List<Entry> waits = new ArrayList<>(writes.size() + (write ? reads.size() : 0));
        waits.addAll(writes);
        if (write) {
            waits.addAll(reads);
        }
        if (mem != null) {
            clRetainMemObject(mem);
        }
        for (Entry e : waits) {
            clRetainEvent(e.event());
        }
        return new Access(this, write, mem, waits.toArray(new Entry[0]));
    }

    /** Records a command enqueued (event non-null, retained here) or finished (null) under {@code access}. */
    private synchronized void record(Access access, cl_event event, cl_command_queue queue) {
        if (closed) {
            return;
        }
        if (access.write) {
            dropIf(writes, access, queue);
            dropIf(reads, access, queue);
            if (event != null) {
                clRetainEvent(event);
                writes.add(new Entry(event, queue));
            }
        } else if (event != null) {
            for (int i = reads.size() - 1; i >= 0; i--) {
                if (reads.get(i).queue() == queue) {
                    clReleaseEvent(reads.remove(i).event());
                }
            }
            clRetainEvent(event);
            reads.add(new Entry(event, queue));
        }
    }

    /** Releases the entries a write supersedes: those it waited for, and those on its own (in-order) queue. */
    private static void dropIf(List<Entry> entries, Access access, cl_command_queue queue) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            Entry e = entries.get(i);
            if (e.queue() == queue || access.waitedFor(e.event())) {
                clReleaseEvent(entries.remove(i).event());
            }
        }
    }

    /** {@return whether the buffer was released} */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** Releases the buffer; harmless when called again. */
    /** Releases the buffer and its events; harmless when called again. */
    public void close() {
        release(false);
    }

    /** The cleaning action: the tensor became unreachable without being closed. */
    @Override
    public void run() {
        release(true);
    }

    private void release(boolean leaked) {
        cl_mem m;
        List<Entry> events = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            m = mem;
            mem = null;
            events.addAll(writes);
            events.addAll(reads);
            writes.clear();
            reads.clear();
        }
        if (leaked) {
            LOG.log(System.Logger.Level.WARNING, "unfold4j: released " + description
                    + ", which was never closed; close device tensors (try-with-resources) to free device memory promptly");
        }
        for (Entry e : events) {
            clReleaseEvent(e.event());
        }
        backend.released(this, m);
    }

    /**
     * The buffer and the events one command must wait for, retained until {@link #close()}:
     * Note [device ordering]. Used by one thread.
     */
    static final class Access implements AutoCloseable {
        private final DeviceBuffer buffer;
        private final boolean write;
        private final cl_mem mem;
        private final Entry[] waits;

        private Access(DeviceBuffer buffer, boolean write, cl_mem mem, Entry[] waits) {
            this.buffer = buffer;
            this.write = write;
            this.mem = mem;
            this.waits = waits;
        }

        /** {@return the buffer (null for an empty tensor)} */
        cl_mem mem() {
            return mem;
        }

        private boolean waitedFor(cl_event event) {
            for (Entry e : waits) {
                if (e.event() == event) {
                    return true;
                }
            }
            return false;
        }

        /** {@return the latest write waited for, or null: for a read, the command that computed the buffer} */
        cl_event lastWrite() {
            return waits.length == 0 || write ? null : waits[waits.length - 1].event();
        }

        /**
         * The events a command on {@code consumer} must wait for under all these accesses (null
         * when none), after flushing the other queues they were enqueued on.
         *
         * Note [lazy flush]: a kernel is enqueued without clFlush (which costs tens of
         * microseconds per call on some runtimes); a command on another queue that waits for it
         * must flush the producing queue first, as the OpenCL spec requires for cross-queue
         * waits. So every event waited for has its queue flushed here, unless it is the
         * consumer's own (in order). A null consumer is a wait on the host (clWaitForEvents),
         * which flushes the events' queues itself, so nothing is flushed here: DeviceTensor's
         * await may run while its backend closes, when the queues may be gone.
         */
        static cl_event[] waitList(cl_command_queue consumer, Access... accesses) {
            List<cl_event> events = new ArrayList<>();
            List<cl_command_queue> flushed = new ArrayList<>();
            for (Access a : accesses) {
                for (Entry e : a.waits) {
                    if (!events.contains(e.event())) {
                        events.add(e.event());
                    }
                    if (consumer != null && e.queue() != consumer && !flushed.contains(e.queue())) {
                        org.jocl.CL.clFlush(e.queue());
                        flushed.add(e.queue());
                    }
                }
            }
            return events.isEmpty() ? null : events.toArray(new cl_event[0]);
        }

        /** Records the command enqueued on {@code queue} under this access; the caller keeps its own reference to {@code event}. */
        void enqueued(cl_event event, cl_command_queue queue) {
            buffer.record(this, event, queue);
        }

        /** Records a command under this access that has finished (a blocking transfer, a queue after clFinish). */
        void finished(cl_command_queue queue) {
            buffer.record(this, null, queue);
        }

        @Override
        public void close() {
            if (mem != null) {
                clReleaseMemObject(mem);
            }
            for (Entry e : waits) {
                clReleaseEvent(e.event());
            }
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
