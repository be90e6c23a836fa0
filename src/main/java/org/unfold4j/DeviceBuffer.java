package org.unfold4j;

import static org.jocl.CL.clReleaseEvent;
import static org.jocl.CL.clReleaseMemObject;
import static org.jocl.CL.clRetainEvent;
import static org.jocl.CL.clRetainMemObject;

import org.jocl.cl_command_queue;
import org.jocl.cl_event;
import org.jocl.cl_mem;

/**
 * The native state behind a {@link DeviceTensor}: its buffer and the event of the command that
 * fills it. Kept apart from the tensor so that a {@link java.lang.ref.Cleaner} can release the
 * buffer of a tensor nobody closed (this object must not refer back to the tensor).
 *
 * <p>Thread-safe: {@link #use()} retains the buffer and event under the lock, so a tensor closed
 * on one thread while another enqueues a command on it either fails cleanly with an
 * {@link IllegalStateException} or keeps the buffer alive until that command has run.
 */
final class DeviceBuffer implements Runnable {
    private static final System.Logger LOG = System.getLogger("org.unfold4j");

    private final OpenCLBackend backend;
    private final String description;
    private cl_mem mem;
    private cl_event ready;
    /** The queue of the command behind {@link #ready}, which a command on another queue must flush first. */
    private cl_command_queue producer;
    private boolean closed;

    DeviceBuffer(OpenCLBackend backend, cl_mem mem, String description) {
        this.backend = backend;
        this.mem = mem;
        this.description = description;
    }

    /** The buffer and event retained for one command; close the result once the command is enqueued. */
    synchronized Use use() {
        if (closed) {
            throw new IllegalStateException("the device tensor " + description + " is closed");
        }
        if (mem != null) {
            clRetainMemObject(mem);
        }
        if (ready != null) {
            clRetainEvent(ready);
        }
        return new Use(mem, ready, ready == null ? null : producer);
    }

    /**
     * Records the event after which the buffer holds its values (taking ownership of it), and the
     * queue it was enqueued on (not flushed yet: see {@link Use#flushFor}).
     */
    synchronized void setReady(cl_event event, cl_command_queue queue) {
        if (ready != null) {
            clReleaseEvent(ready);
        }
        ready = event;
        producer = queue;
        if (closed) {
            clReleaseEvent(ready);
            ready = null;
        }
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** Releases the buffer; harmless when called again. */
    void close() {
        release(false);
    }

    /** The cleaning action: the tensor became unreachable without being closed. */
    @Override
    public void run() {
        release(true);
    }

    private void release(boolean leaked) {
        cl_mem m;
        cl_event e;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            m = mem;
            e = ready;
            mem = null;
            ready = null;
        }
        if (leaked) {
            LOG.log(System.Logger.Level.WARNING, "unfold4j: released " + description
                    + ", which was never closed; close device tensors (try-with-resources) to free device memory promptly");
        }
        if (e != null) {
            clReleaseEvent(e);
        }
        backend.released(this, m);
    }

    /** A retained buffer and event for one command. */
    record Use(cl_mem mem, cl_event ready, cl_command_queue producer) implements AutoCloseable {
        /**
         * Note [lazy flush]: a kernel is enqueued without clFlush (which costs tens of
         * microseconds per call on some runtimes); a command on another queue that waits for it
         * must flush the producing queue first, as the OpenCL spec requires for cross-queue
         * waits. Waiting on the host (clWaitForEvents, blocking reads) flushes implicitly.
         */
        void flushFor(cl_command_queue consumer) {
            if (producer != null && producer != consumer) {
                org.jocl.CL.clFlush(producer);
            }
        }

        /** The event list a command waits on: empty when the buffer is ready already. */
        cl_event[] waitList() {
            return ready == null ? null : new cl_event[] {ready};
        }

        @Override
        public void close() {
            if (mem != null) {
                clReleaseMemObject(mem);
            }
            if (ready != null) {
                clReleaseEvent(ready);
            }
        }
    }
}
