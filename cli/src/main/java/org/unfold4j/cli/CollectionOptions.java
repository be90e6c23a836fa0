package org.unfold4j.cli;

import picocli.CommandLine.Option;

/** {@code --glob} and {@code --force}: how {@code patches} and {@code reconstruct} take a collection (Note [collections]). */
final class CollectionOptions {
    @Option(names = "--glob", paramLabel = "PATTERN",
            description = "Which files of a folder to take, matched against the file name, e.g. '*.png' or "
                    + "'*.{jpg,jpeg}' (quote it); default: the image extensions (png, jpg, jpeg, gif, bmp, tif, "
                    + "tiff, either case). Files named on the command line are always taken.")
    String glob;

    @Option(names = "--force", description = "With several images: write into an output directory that is not "
            + "empty, replacing files of the same names and leaving the others. Without it a collection refuses "
            + "a non-empty --out, so that an earlier run's results never mix with this one's.")
    boolean force;
}
