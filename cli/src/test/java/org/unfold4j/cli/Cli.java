package org.unfold4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.unfold4j.OpenCLRuntime;

/** Runs the command line in-process and captures what it prints; the backends the CLI tests run on. */
final class Cli {
    /** With {@code -Dunfold4j.requireOpenCL=true} (as .ci/run sets) a missing OpenCL runtime fails the OpenCL tests. */
    static final boolean REQUIRE_OPENCL = Boolean.getBoolean("unfold4j.requireOpenCL");

    /** The exit code and the two streams of one run. */
    record Run(int code, String out, String err) {
        Run expectSuccess() {
            if (code != 0) {
                fail("exit code " + code + "\nstdout:\n" + out + "\nstderr:\n" + err);
            }
            return this;
        }
    }

    private Cli() {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    /** The backends of the parameterised tests: java always; opencl too (skipped or failed later when missing). */
    static Stream<String> backends() {
        return Stream.of("java", "opencl");
    }

    /** Skips the calling test when the backend is OpenCL and no runtime exists, or fails it when OpenCL is required. */
    static void assumeBackend(String backend) {
        if (!backend.equals("opencl") || OpenCLRuntime.get().available()) {
            return;
        }
        String message = "OpenCL is not available, so the command line is not tested on it here: "
                + OpenCLRuntime.get().unavailableReason();
        if (REQUIRE_OPENCL) {
            fail(message + " (unfold4j.requireOpenCL=true)");
        }
        Assumptions.abort(message);
    }

    /** The names in a directory, sorted, hidden ones included. */
    static List<String> names(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Asserts a bad-input failure: exit code 2, exactly one line on stderr, no stack trace, nothing on stdout. */
    static String assertOneLineError(Run r) {
        assertEquals(2, r.code(), () -> "exit code; stderr: " + r.err() + "; stdout: " + r.out());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), () -> "stderr should be one line but was:\n" + r.err());
        if (r.err().contains("\tat ") || r.err().contains("Exception")) {
            fail("stderr shows an exception: " + r.err());
        }
        assertEquals("", r.out(), "nothing on stdout");
        return lines.get(0);
    }
}
