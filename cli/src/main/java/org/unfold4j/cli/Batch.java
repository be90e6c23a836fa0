package org.unfold4j.cli;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A collection of images for {@code patches} and {@code reconstruct}: several files and folders
 * (walked recursively, filtered by {@code --glob}), processed one image at a time into one output
 * folder.
 *
 * <p>Note [collections]: each image's results are named after its path relative to the inputs'
 * common folder, extension kept ({@code sub/a.png} gives {@code sub/a.png.patches.npy}), so that
 * two {@code a.png} in different folders, or {@code a.png} beside {@code a.jpg}, never collide. An
 * image that cannot be read or used (corrupt, not an image, smaller than the kernel) is reported
 * once at the end, with the reason, and its files are dropped; the others go on. Exit code 0 when
 * every image was processed, {@link Main#EXIT_PARTIAL} when some were skipped, {@link
 * Main#EXIT_USAGE} (and no files) when none could be.
 *
 * <p>Note [collections refuse a used folder]: a collection writes into an empty (or missing)
 * output folder only, unless {@code --force}, so that a rerun never leaves an earlier run's
 * results for images that have since gone or failed beside the new ones; with {@code --force}
 * files of the same names are replaced and other files are left alone.
 */
final class Batch {
    /** The file names a folder contributes without {@code --glob}: the image formats ImageIO reads. */
    static final String DEFAULT_GLOB = "*.{png,PNG,jpg,JPG,jpeg,JPEG,gif,GIF,bmp,BMP,tif,TIF,tiff,TIFF}";

    /** One image of the collection: its file and its name relative to the inputs' common folder. */
    record Item(Path file, String name) {
    }

    /** What one image does: its files, written through {@code files} under names starting with {@code prefix}. */
    interface Work {
        /**
         * @throws BadInputException or IllegalArgumentException when this image cannot be used
         *     (it is then skipped and reported)
         */
        String process(Item item, Picture pic, OutputFiles files, String prefix);
    }

    private Batch() {
    }

    /** Whether {@code inputs} make a collection: more than one, or a folder (one file keeps the single-image output). */
    static boolean isCollection(List<Path> inputs) {
        return inputs != null && (inputs.size() > 1 || inputs.size() == 1 && Files.isDirectory(inputs.get(0)));
    }

    /** The images of {@code inputs}, and the inputs that do not exist (into {@code failures}). */
    static List<Item> expand(List<Path> inputs, String glob, Map<String, String> failures) {
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + (glob == null ? DEFAULT_GLOB : glob));
        List<Path> files = new ArrayList<>();
        List<Path> roots = new ArrayList<>();
        for (Path input : inputs) {
            Path abs = input.toAbsolutePath().normalize();
            if (Files.isDirectory(abs)) {
                roots.add(abs);
                try (Stream<Path> walk = Files.walk(abs)) {
                    walk.filter(Files::isRegularFile).filter(p -> matcher.matches(p.getFileName())).sorted()
                            .forEach(files::add);
                } catch (IOException | java.io.UncheckedIOException e) {
                    failures.put(input.toString(), "cannot list the folder: " + e.getMessage());
                }
            } else if (Files.exists(abs)) {
                roots.add(abs.getParent());
                files.add(abs); // named on the command line: tried whatever its name
            } else {
                failures.put(input.toString(), "no such file or folder");
            }
        }
        Path base = common(roots);
        Map<Path, Item> items = new LinkedHashMap<>(); // a file given twice is processed once
        for (Path f : files) {
            items.putIfAbsent(f, new Item(f, base.relativize(f).toString().replace('\\', '/')));
        }
        return new ArrayList<>(items.values());
    }

    /** The deepest folder that contains every one of {@code roots}. */
    private static Path common(List<Path> roots) {
        Path base = roots.isEmpty() ? Path.of("").toAbsolutePath() : roots.get(0);
        for (Path r : roots) {
            while (!r.startsWith(base)) {
                base = base.getParent();
            }
        }
        return base;
    }

    /** The images of a collection and the inputs already known to fail (missing), with their reasons. */
    record Items(List<Item> items, Map<String, String> failures) {
    }

    /**
     * The images of {@code inputs}, found before anything is printed or opened.
     *
     * @throws BadInputException if {@code out} is in use without {@code force}, or nothing matched
     */
    static Items collect(List<Path> inputs, String glob, Path out, boolean force) {
        if (!force && !OutputFiles.isMissingOrEmpty(out)) {
            throw new BadInputException("output directory " + out + " is not empty; a collection writes into an "
                    + "empty one (so that an earlier run's results never mix with this one's): choose another --out, "
                    + "or pass --force to replace the files of the same names");
        }
        Map<String, String> failures = new LinkedHashMap<>();
        List<Item> items = expand(inputs, glob, failures);
        if (items.isEmpty() && failures.isEmpty()) {
            String what = glob == null ? "the image extensions (see --glob)" : "--glob '" + glob + "'";
            throw new BadInputException(inputs.size() == 1 ? inputs.get(0) + " is a directory, not an image file, and "
                    + "no file in it matched " + what : "no file matched " + what + " in " + inputs);
        }
        return new Items(items, failures);
    }

    /**
     * Runs {@code work} on every image of {@code collected} into {@code out} and reports: a line per
     * image (unless {@code quiet}), the skipped files once each on standard error, a summary;
     * {@code finish} writes what comes after the last image (the stacked files) before the commit.
     *
     * @return 0 or {@link Main#EXIT_PARTIAL}
     * @throws BadInputException if no image could be processed
     */
    static int run(BaseCommand cmd, Items collected, Path out, boolean quiet, Work work,
                   java.util.function.Consumer<OutputFiles> finish) {
        List<Item> items = collected.items();
        Map<String, String> failures = new LinkedHashMap<>(collected.failures());
        int done = 0;
        try (OutputFiles files = OutputFiles.open(out);
             Progress.Step bar = cmd.runOptions().progress().start("images", items.size())) {
            for (Item item : items) {
                int mark = files.mark();
                try {
                    Picture pic = ImageFiles.read(item.file());
                    String line;
                    cmd.muted = true; // the commands' own report, one image's worth of lines, becomes this one line
                    try {
                        line = work.process(item, pic, files, item.name() + ".");
                    } finally {
                        cmd.muted = false;
                    }
                    done++;
                    if (!quiet) {
                        cmd.say("%s: %s", item.name(), line);
                    }
                } catch (BadInputException | IllegalArgumentException e) {
                    files.discardFrom(mark);
                    // The reason without the file's path: the report names the file once, first.
                    String path = item.file().toString();
                    String why = Main.oneLine(e.getMessage()).replace("image " + path + ": ", "image: ")
                            .replace(path, "the file");
                    failures.put(item.name(), why);
                }
                bar.advance(1);
            }
            if (done == 0) {
                reportFailures(cmd, failures, items.size());
                throw new BadInputException("no image could be processed (" + failures.size() + " failed)");
            }
            finish.accept(files);
            List<Path> written = files.commit();
            cmd.say("%d of %d images processed; %d files written in %s", done, items.size() + countMissing(failures,
                    items), written.size(), BaseCommand.display(files.dir()));
        }
        reportFailures(cmd, failures, items.size());
        return failures.isEmpty() ? 0 : Main.EXIT_PARTIAL;
    }

    private static int countMissing(Map<String, String> failures, List<Item> items) {
        int n = 0;
        for (String name : failures.keySet()) {
            if (items.stream().noneMatch(i -> i.name().equals(name))) {
                n++;
            }
        }
        return n;
    }

    /** Each skipped input once, with its reason, on standard error. */
    private static void reportFailures(BaseCommand cmd, Map<String, String> failures, int total) {
        if (failures.isEmpty()) {
            return;
        }
        var err = cmd.spec.commandLine().getErr();
        err.println(cmd.spec.qualifiedName() + ": skipped " + failures.size() + " file" + (failures.size() == 1 ? ""
                : "s") + ":");
        failures.forEach((name, why) -> err.println("  " + name + ": " + why));
        err.flush();
    }
}
