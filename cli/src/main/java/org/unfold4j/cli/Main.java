package org.unfold4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Properties;
import org.unfold4j.OpenCLException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code unfold4j} command line: {@code demo}, {@code devices}, {@code patches},
 * {@code reconstruct}, {@code filter} and {@code bench}; {@code unfold4j --help} and
 * {@code unfold4j COMMAND --help} describe them.
 *
 * <p>Exit codes: 0 on success; 2 for a usage error or bad input (a missing or unreadable file, a
 * file that is not an image, a kernel larger than the padded image, a zero or negative size, an
 * output directory that cannot be written), reported as one line on standard error with no stack
 * trace and no output files left behind; 1 when the OpenCL runtime or device fails, or for an
 * unexpected error (with its stack trace, as that is a bug); 3 ({@link #EXIT_PARTIAL}) when
 * {@code patches} or {@code reconstruct} on several images skipped some of them.
 *
 * <p>Run it with the {@code ./unfold4j} script at the repository root, which builds the jar when
 * needed, or with {@code java -cp "target/unfold4j-VERSION.jar:target/lib/*" org.unfold4j.cli.Main}.
 *
 * <p>Thread safety: {@link #run(PrintWriter, PrintWriter, String...)} keeps no state between calls
 * (each builds its own parser and commands), so calls from several threads are independent apart
 * from the files they write.
 */
@Command(name = "unfold4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Unfold (im2col) and fold (col2im) images, as PyTorch's nn.Unfold / nn.Fold, in Java or "
                + "on an OpenCL device."},
        subcommands = {DemoCommand.class, DevicesCommand.class, PatchesCommand.class, ReconstructCommand.class, InferCommand.class,
            FilterCommand.class, BenchCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:Success.",
            "1:The OpenCL runtime or device failed, or an unexpected error (a bug; with its stack trace).",
            "2:A usage error or bad input (for several images: none could be used); one line, no files left.",
            "3:Several images: some were skipped (listed once each, with the reason, on standard error), the "
                    + "others written."},
        footer = {"", "Start with:  unfold4j demo"})
public final class Main implements Runnable {
    /** Exit code of a usage error or bad input. */
    public static final int EXIT_USAGE = 2;
    /** Exit code of a device failure or an unexpected error. */
    public static final int EXIT_FAILURE = 1;
    /**
     * Exit code of a collection ({@code patches} or {@code reconstruct} on several images) in which
     * some images were skipped (listed on standard error, each once with its reason) and the
     * others written.
     */
    public static final int EXIT_PARTIAL = 3;



    @Spec
    CommandSpec spec;

    /** Picocli instantiates this; use {@link #run(PrintWriter, PrintWriter, String...)} to run the command line. */
    public Main() {
    }

    /**
     * Runs the command line and exits the JVM with its exit code.
     *
     * @param args the command-line arguments
     */
    public static void main(String... args) {
        PrintWriter out = new PrintWriter(System.out, true, Charset.defaultCharset());
        PrintWriter err = new PrintWriter(System.err, true, Charset.defaultCharset());
        int code = run(out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Runs the command line in this JVM, without exiting: what {@link #main} does, for tests and
     * for embedding.
     *
     * @param out  where reports and help go; flushed, not closed
     * @param err  where errors and the bench progress bar go; flushed, not closed
     * @param args the command-line arguments; not modified
     * @return the exit code: 0, {@link #EXIT_USAGE} or {@link #EXIT_FAILURE}
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        CommandSpec bench = cl.getSubcommands().get("bench").getCommandSpec();
        bench.usageMessage().footer(BenchCommand.footerWithShapes(bench.usageMessage().footer()));
        for (String name : new String[] {"patches", "reconstruct"}) { // the same list, from one place
            cl.getSubcommands().get(name).getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n")
                    .exitCodeList(cl.getCommandSpec().usageMessage().exitCodeList());
        }
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            // A mistyped option is the error to show, with its suggestion, even when picocli found
            // another first (--kernal leaves the required --kernel missing, which it reports first).
            ParameterException e = ex instanceof UnmatchedArgumentException || c.getUnmatchedArguments().isEmpty()
                    ? ex : new UnmatchedArgumentException(c, c.getUnmatchedArguments());
            err.println(c.getCommandSpec().qualifiedName() + ": " + oneLine(e.getMessage()) + suggestion(e)
                    + " (see '" + c.getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((e, c, parsed) -> {
            String name = c.getCommandSpec().qualifiedName();
            if (e instanceof BadInputException || e instanceof IllegalArgumentException) {
                // IllegalArgumentException: the library's own validation, when the command's checks let
                // something through; its message names the parameter and values.
                err.println(name + ": " + oneLine(e.getMessage()));
                err.flush();
                return EXIT_USAGE;
            }
            if (e instanceof OpenCLException) {
                err.println(name + ": OpenCL failed: " + oneLine(e.getMessage()));
                err.flush();
                return EXIT_FAILURE;
            }
            err.println(name + ": unexpected error (a bug in unfold4j, please report it):");
            e.printStackTrace(err);
            err.flush();
            return EXIT_FAILURE;
        });
        int code;
        try {
            code = cl.execute(args);
        } catch (OutOfMemoryError e) {
            // Note [bounded pieces] keeps the working memory small; what is left (the image itself and one
            // result of its size) can still exceed a small heap. The command's output files were deleted
            // as the error passed through it (OutputFiles.close), so one line and exit 2 are all there is.
            long max = Runtime.getRuntime().maxMemory();
            err.println("unfold4j: out of memory: the image and its result need more than the Java heap ("
                    + Memory.bytes(max) + ", -Xmx); run with a larger one, e.g. UNFOLD4J_JAVA_OPTS=-Xmx"
                    + Math.max(2, 2 * (max >> 30)) + "g");
            err.flush();
            code = EXIT_USAGE;
        }
        out.flush();
        err.flush();
        return code;
    }

    /**
     * "; did you mean --kernel?" for a mistyped option or command: picocli's own suggestions
     * (UnmatchedArgumentException.getSuggestions, options and subcommands close to the unmatched
     * word), kept on the error's one line; "" when it has none.
     */
    static String suggestion(ParameterException e) {
        if (!(e instanceof UnmatchedArgumentException u)) {
            return "";
        }
        java.util.List<String> s = u.getSuggestions();
        if (s.isEmpty()) {
            return "";
        }
        java.util.List<String> first = s.subList(0, Math.min(3, s.size()));
        return "; did you mean " + (first.size() == 1 ? first.get(0)
                : String.join(", ", first.subList(0, first.size() - 1)) + " or " + first.get(first.size() - 1)) + "?";
    }

    /** The first line of a message, so that every error stays one line. */
    static String oneLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        String first = message.strip().lines().findFirst().orElse("");
        return message.strip().lines().count() > 1 ? first + " ..." : first;
    }

    /** With no subcommand: a usage error. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(),
                "missing command: one of demo, devices, patches, reconstruct, filter, bench");
    }

    /** {@code --version}: unfold4j's version and the Java runtime. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"unfold4j " + version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + "), "
                        + System.getProperty("os.name") + " " + System.getProperty("os.arch")};
        }

        /** The project version, filtered into version.properties by the build. */
        static String version() {
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in == null) {
                    return "(unknown version)";
                }
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "(unknown version)");
            } catch (IOException e) {
                return "(unknown version)";
            }
        }
    }
}
