package org.unfold4j.cli;

import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of the command line's long steps (decoding, unfold, the matrix product, writing
 * files, CLBlast's first kernel build) on standard error, drawn by me.tongfei's progressbar.
 *
 * <p>Note [progress only when it helps]: a bar is drawn only when standard error is a terminal
 * (there is a {@link System#console()}, and on JDK 22+ it {@code isTerminal()}) and
 * {@code --quiet} was not given, and only for a step still running after {@link #DELAY}: short
 * steps, the bundled photograph's, print nothing, and logs and tests (no console) get no
 * carriage returns. The bar of a delayed step starts from the step's real start
 * ({@code startsFrom}), so its elapsed time and rate are right.
 */
final class Progress {
    /** How long a step runs before its bar appears. */
    static final Duration DELAY = Duration.ofMillis(800);

    /** Progress that prints nothing. */
    static final Progress QUIET = new Progress(false);

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "unfold4j-progress");
        t.setDaemon(true);
        return t;
    });

    private final boolean enabled;

    private Progress(boolean enabled) {
        this.enabled = enabled;
    }

    /** Progress drawn on standard error when it is a terminal and {@code quiet} is false. */
    static Progress of(boolean quiet) {
        return quiet || !stderrIsTerminal() ? QUIET : new Progress(true);
    }

    boolean enabled() {
        return enabled;
    }

    private static boolean stderrIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // JDK 22+ returns a console even when redirected; isTerminal() says whether it is one.
            Method m = Console.class.getMethod("isTerminal");
            return (Boolean) m.invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 17-21: a console exists only when both streams are terminals
        }
    }

    /**
     * Starts a step of {@code total} units ({@code total <= 0}: a step whose length is unknown,
     * drawn as a spinner).
     *
     * @param task what the step does, e.g. "unfold"
     */
    Step start(String task, long total) {
        return enabled ? new Step(task, total) : new Step(null, total);
    }

    /** One step; {@link #close()} ends it (and removes nothing: the last state of its bar stays). */
    static final class Step implements AutoCloseable {
        private final String task;
        private final long total;
        private final long startNanos = System.nanoTime();
        private final ScheduledFuture<?> pending;
        private ProgressBar bar;
        private long done;
        private boolean closed;

        private Step(String task, long total) {
            this.task = task;
            this.total = total;
            this.pending = task == null ? null : TIMER.schedule(this::show, DELAY.toMillis(), TimeUnit.MILLISECONDS);
        }

        private synchronized void show() {
            if (closed) {
                return;
            }
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total > 0 ? total : -1)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate()
                    .setConsumer(new ConsoleProgressBarConsumer(stderr()))
                    .startsFrom(0, Duration.ofNanos(System.nanoTime() - startNanos)).build();
            bar.stepTo(done);
        }

        private static PrintStream stderr() {
            return System.err;
        }

        /** Adds {@code units} to what is done. */
        synchronized void advance(long units) {
            done += units;
            if (bar != null) {
                bar.stepTo(done);
            }
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (pending != null) {
                pending.cancel(false);
            }
            if (bar != null) {
                if (total > 0) {
                    bar.stepTo(total);
                }
                bar.close();
            }
        }
    }
}
