package org.unfold4j.cli;

import picocli.CommandLine.Option;

/**
 * {@code --quiet}, and the hidden {@code --max-block-bytes} that caps the memory of one band
 * (see Note [bounded pieces]): shared by the commands that compute on an image.
 */
final class RunOptions {
    /** The options' defaults, for callers without a command line. */
    static final RunOptions DEFAULT = new RunOptions();

    @Option(names = {"-q", "--quiet"}, description = "No progress bars on standard error (they are drawn only "
            + "when it is a terminal, for steps longer than about a second); for several images, also no line per "
            + "image (the summary and the skipped files are still printed).")
    boolean quiet;

    /**
     * Hidden: the most bytes one band may use, instead of what the Java heap (and the OpenCL
     * device) allow; tests set it small so that the banded paths run on small images.
     */
    @Option(names = "--max-block-bytes", hidden = true, paramLabel = "BYTES")
    long maxBlockBytes;

    Progress progress() {
        return Progress.of(quiet);
    }

    /** The band budget of these options. */
    Memory memory() {
        return Memory.host(maxBlockBytes);
    }
}
