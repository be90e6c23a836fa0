package org.unfold4j.internal.opencl;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The pool of command queues of one engine and the engine's life cycle: which call holds which
 * queue, nesting, and close (Note [calls, nesting and close]). Thread-safe.
 */
final class Lanes {
    /** The most command queues (hence concurrent calls) one backend uses outside interop bodies. */
    static final int MAX_QUEUES = 4;

    /*
     * Note [calls, nesting and close]
     * Each call takes a command queue of its own from the pool (a Lane), so that calls from
     * several threads run concurrently, and gives it back when it returns. Two things could make
     * a call wait for ever, and neither may:
     *   - Nesting. A call that runs user code (an interop body) may make calls on this backend
     *     itself. On the same thread, such a nested call runs on the queue the body holds (the
     *     thread-local current lane), in order after what the body enqueued there, and never
     *     waits for another queue (a nested overlapped host call takes a second one only if
     *     it can have one at once, as any overlapped call does).
     *     On other threads that the body waits for, a call takes a free queue; when none is
     *     free, it waits only while MAX_QUEUES queues are held by calls that run no user code
     *     (which finish by themselves); otherwise it opens one more queue. So the pool holds up
     *     to MAX_QUEUES queues plus one per interop body running at the same time.
     *   - Closing. close() never waits: it marks the backend closed, so that every call not yet
     *     begun (nested ones included) fails at once with an IllegalStateException, and the
     *     native resources are released by whichever finishes last, close() itself when no call
     *     is in flight, else the last call in flight on its way out. So a body that waits for a
     *     thread calling close(), or for calls on other threads after it, does not hang.
     *     close() from inside a body, on the body's thread, fails with an IllegalStateException
     *     instead: the call it is in still uses the queue.
     */

    private final String deviceName;
    private final Supplier<Lane> newLane;
    /** Frees the native resources, once, when closed with no call in flight. */
    private final Runnable releaseResources;
    /** Guards the queue pool and the life cycle below. */
    private final Object pool = new Object();
    /** Queues no call holds, taken first in, first out. */
    private final ArrayDeque<Lane> idle = new ArrayDeque<>();
    private final List<Lane> lanes = new ArrayList<>();
    /** Queues held by a call that is running an interop body (user code, which may block). */
    private int inBodies;
    /** Calls waiting in {@link #acquire} for a queue: only then is the pool notified (which would inflate its monitor on every call). */
    private int waiting;
    /** Calls in flight (nested ones not counted). */
    private int calls;
    private volatile boolean closed;
    /** Whether the native resources are released (by close, or by the last call in flight after it). */
    private boolean released;
    /** The queue of the call this thread is in, if any. */
    private final ThreadLocal<Lane> current = new ThreadLocal<>();

    Lanes(String deviceName, Supplier<Lane> newLane, Runnable releaseResources) {
        this.deviceName = deviceName;
        this.newLane = newLane;
        this.releaseResources = releaseResources;
    }

    /** Work on a queue, returning a value. */
    interface LaneCall<R> {
        R run(Lane lane);
    }

    /** Runs {@code body} on a command queue of its own (or, nested, on the current one), while the engine is open. */
    <R> R call(LaneCall<R> body) {
        Lane nested = current.get();
        if (nested != null) {
            requireOpen();
            return body.run(nested);
        }
        enter();
        Lane lane = null;
        try {
            lane = acquire(true);
            current.set(lane);
            try {
                return body.run(lane);
            } finally {
                current.remove();
            }
        } finally {
            if (lane != null) {
                giveBack(lane);
            }
            exit();
        }
    }

    /** Whether this thread is in a call (an interop body's, when it asks). */
    boolean inCall() {
        return current.get() != null;
    }

    /** {@return the number of command queues opened so far} */
    int queueCount() {
        synchronized (pool) {
            return lanes.size();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the OpenCL backend on " + deviceName + " is closed");
        }
    }

    /** Counts a call in flight, unless the engine is closed. */
    void enter() {
        synchronized (pool) {
            requireOpen();
            calls++;
        }
    }

    /** Ends a call; the last one out of a closed engine releases it. */
    void exit() {
        boolean last;
        synchronized (pool) {
            calls--;
            last = closed && calls == 0 && !released;
            released |= last;
        }
        if (last) {
            releaseResources.run();
        }
    }

    /** Frees the staging buffers of the queues no call holds now. */
    void releaseIdleStaging() {
        List<Lane> taken;
        synchronized (pool) {
            taken = new ArrayList<>(idle);
            idle.clear();
        }
        try {
            taken.forEach(Lane::releaseStaging);
        } finally {
            taken.forEach(this::giveBack);
        }
    }

    /**
     * A free queue, or a new one while fewer than MAX_QUEUES are held outside interop bodies;
     * otherwise waits for one to come back when {@code mayWait}, or returns null.
     */
    private Lane acquire(boolean mayWait) {
        synchronized (pool) {
            while (true) {
                if (!mayWait && closed) {
                    return null;  // the second queue of a call begun before close: it goes on in sequence
                }
                requireOpen();
                Lane lane = idle.pollFirst();
                if (lane != null) {
                    return lane;
                }
                if (lanes.size() - inBodies < MAX_QUEUES) {
                    lane = newLane.get();
                    lanes.add(lane);
                    return lane;
                }
                if (!mayWait) {
                    return null;
                }
                waiting++;
                try {
                    pool.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for an OpenCL command queue", e);
                } finally {
                    waiting--;
                }
            }
        }
    }

    /** A free queue or a new one, never waiting: null when MAX_QUEUES are busy outside interop bodies. */
    Lane tryAcquire() {
        return acquire(false);
    }

    void giveBack(Lane lane) {
        synchronized (pool) {
            idle.addLast(lane);
            wake();
        }
    }

    /** Wakes the calls waiting for a queue, if any (holding the pool's lock). */
    private void wake() {
        if (waiting > 0) {
            pool.notifyAll();
        }
    }

    /** Marks the lane as running an interop body (so that other threads may open a queue beside it); false if it was already. */
    boolean enterBody(Lane lane) {
        synchronized (pool) {
            if (lane.inBody) {
                return false;
            }
            lane.inBody = true;
            inBodies++;
            wake();  // a call waiting for a queue may now open one
            return true;
        }
    }

    void leaveBody(Lane lane) {
        synchronized (pool) {
            lane.inBody = false;
            inBodies--;
        }
    }

    /** Marks the engine closed; releases its resources now if no call is in flight, else the last call out does. */
    void close() {
        boolean now;
        synchronized (pool) {
            if (closed) {
                return;
            }
            closed = true;
            now = calls == 0 && !released;
            released |= now;
            wake();  // calls waiting for a queue fail now
        }
        if (now) {
            releaseResources.run();
        }
    }

    /** Releases every queue (part of releasing the engine's resources). */
    void releaseAll() {
        List<Lane> all;
        synchronized (pool) {
            all = new ArrayList<>(lanes);
            lanes.clear();
            idle.clear();
        }
        all.forEach(Lane::release);
    }
}
