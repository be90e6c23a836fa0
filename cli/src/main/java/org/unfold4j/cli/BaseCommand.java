package org.unfold4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** What every subcommand shares: its output stream and number and path formatting. */
abstract class BaseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** {@code --quiet} and the band budget; commands that compute on images override this with their mixin. */
    RunOptions runOptions() {
        return RunOptions.DEFAULT;
    }

    /** The image at {@code file} (or the bundled photograph), with a progress spinner while a large one decodes. */
    Picture decode(Path file) {
        Progress.Step step = runOptions().progress().start("decoding " + (file == null ? "the photograph"
                : file.getFileName()), 0);
        try {
            return ImageFiles.readOrBundled(file);
        } finally {
            step.close();
        }
    }

    /** Where the command prints its report (the command line's standard output). */
    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** While true, {@link #say} prints nothing: a collection reports one line per image instead (Batch). */
    boolean muted;

    /** Prints a formatted line (Locale.ROOT, so decimals always use a point), unless {@link #muted}. */
    void say(String format, Object... args) {
        if (muted) {
            return;
        }
        out().println(String.format(Locale.ROOT, format, args));
        out().flush();
    }

    /** Prints where the files went. */
    void sayWritten(List<Path> files) {
        say("wrote:");
        for (Path p : files) {
            say("  %s", display(p));
        }
    }

    /** "[3, 288, 448]". */
    static String shape(long[] s) {
        return java.util.Arrays.toString(s);
    }

    /** {@code p} relative to the working directory when it is inside it. */
    static String display(Path p) {
        Path cwd = Path.of("").toAbsolutePath();
        Path abs = p.toAbsolutePath().normalize();
        return abs.startsWith(cwd) && !abs.equals(cwd) ? cwd.relativize(abs).toString() : abs.toString();
    }

    static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    /** What a host-to-host timing on this backend includes. */
    static String timingNote(ChosenBackend b) {
        return b.openCLOrNull() == null ? "" : " (host to host: upload, kernel, download)";
    }
}
