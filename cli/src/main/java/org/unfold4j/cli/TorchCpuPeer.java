package org.unfold4j.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PyTorch on the CPU as a bench peer: a Python process ({@code bench/torch_cpu_peer.py}) that
 * answers one timed {@code F.unfold} or {@code F.fold} call per request, so that the bench can
 * put its calls between the Java backend's in one interleaved loop (Note [the PyTorch CPU peer]
 * in BenchRuns). Each call is timed inside Python; the pipe's round trip is not counted.
 */
final class TorchCpuPeer implements AutoCloseable {
    private final Process process;
    private final Writer to;
    private final BufferedReader from;
    private final String info;

    /** Starts {@code command} (split on blanks, e.g. "/usr/bin/python3 bench/torch_cpu_peer.py"). */
    TorchCpuPeer(String command) {
        List<String> words = Arrays.asList(command.trim().split("\\s+"));
        try {
            process = new ProcessBuilder(words).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new BadInputException("--torch-cpu: cannot start '" + command + "': " + e.getMessage());
        }
        to = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        from = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        info = ask("info");
    }

    /** The peer's own description (PyTorch version, threads). */
    String info() {
        return info;
    }

    /** Makes the peer's input and columns for this shape. */
    void shape(BenchShape s) {
        String answer = ask("shape " + s.n() + " " + s.c() + " " + s.h() + " " + s.w() + " " + s.k() + " " + s.kw()
                + " " + s.s() + " " + s.p() + " " + s.d());
        if (!answer.equals("ok")) {
            throw new IllegalStateException("--torch-cpu peer: " + answer);
        }
    }

    /** Nanoseconds of one allocating call of {@code op} ("unfold" or "fold") on the current shape. */
    long nanos(String op) {
        String answer = ask(op);
        try {
            return Long.parseLong(answer);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("--torch-cpu peer: " + answer, e);
        }
    }

    private String ask(String request) {
        try {
            to.write(request + "\n");
            to.flush();
            String line = from.readLine();
            if (line == null) {
                throw new IllegalStateException("--torch-cpu peer ended (see its messages above); is PyTorch "
                        + "installed? apt-get install -y python3-torch python3-numpy, then /usr/bin/python3");
            }
            return line.trim();
        } catch (IOException e) {
            throw new IllegalStateException("--torch-cpu peer: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            to.write("quit\n");
            to.flush();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroy();
            }
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
        }
    }
}
