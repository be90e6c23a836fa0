package org.unfold4j.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files one command writes into its output directory, all or none: each file is written
 * under a hidden temporary name ({@code .NAME.partial}) and renamed to its real name only by
 * {@link #commit()}, after every file was written. {@link #close()} without a commit deletes the
 * temporary files and the directories this object created, so a failed command leaves nothing
 * behind.
 *
 * <p>Note [output checked before computing]: {@link #open(Path)} creates the directory and
 * writes a probe file in it before any computation starts, so an output directory that cannot be
 * written is reported at once, not after a long unfold.
 */
final class OutputFiles implements AutoCloseable {
    /** Writes one file. */
    interface Writer {
        void write(Path file) throws IOException;
    }

    private final Path dir;
    private final List<Path> createdDirs;
    private final Map<Path, Path> staged = new LinkedHashMap<>();
    private final List<Path> stale = new ArrayList<>();
    private boolean committed;

    private OutputFiles(Path dir, List<Path> createdDirs) {
        this.dir = dir;
        this.createdDirs = createdDirs;
    }

    /**
     * Creates {@code dir} if needed and checks that files can be written in it.
     *
     * @throws BadInputException if it is a file, cannot be created, or cannot be written
     */
    static OutputFiles open(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new BadInputException("output directory " + dir + " is a file, not a directory");
        }
        List<Path> missing = new ArrayList<>();
        for (Path p = abs; p != null && !Files.exists(p); p = p.getParent()) {
            missing.add(p);
        }
        OutputFiles files = new OutputFiles(abs, missing);
        try {
            Files.createDirectories(abs);
            Path probe = Files.createTempFile(abs, ".unfold4j-probe", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            files.close();
            throw new BadInputException("cannot write to output directory " + dir + ": " + reason(e), e);
        }
        return files;
    }

    private static String reason(IOException e) {
        if (e instanceof FileAlreadyExistsException f) {
            return (f.getFile() == null ? "a file" : f.getFile()) + " exists and is not a directory";
        }
        if (e instanceof NotDirectoryException f) {
            return f.getFile() + " is not a directory";
        }
        if (e instanceof AccessDeniedException f) {
            return "permission denied (" + f.getFile() + ")";
        }
        if (e instanceof DirectoryNotEmptyException f) {
            return f.getFile() + " is a directory that is not empty";
        }
        if (e instanceof NoSuchFileException f) {
            return f.getFile() + " does not exist";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason() + (f.getFile() == null ? "" : " (" + f.getFile() + ")");
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** The bytes free for this user on the disk of {@code dir} (Long.MAX_VALUE when the system cannot say). */
    static long usableSpace(Path dir) {
        try {
            long free = Files.getFileStore(dir).getUsableSpace();
            return free <= 0 ? Long.MAX_VALUE : free;
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    /** The output directory, absolute. */
    Path dir() {
        return dir;
    }

    /**
     * Writes {@code name} in the output directory under its temporary name.
     *
     * @throws BadInputException if writing fails (e.g. the disk is full)
     */
    void write(String name, Writer writer) {
        Path target = dir.resolve(name).normalize();
        if (!target.startsWith(dir) || target.equals(dir)) {
            throw new IllegalArgumentException("not a file name inside the output directory: " + name);
        }
        Path temp = target.resolveSibling("." + target.getFileName() + ".partial");
        staged.put(temp, target);
        try {
            makeParents(target.getParent());
            writer.write(temp);
        } catch (IOException e) {
            throw new BadInputException("cannot write " + target + ": " + reason(e), e);
        }
    }

    /**
     * Creates the folders of a name with {@code /} in it (a collection's results keep the inputs'
     * folders), remembering those created so that {@link #close()} removes them again.
     */
    private void makeParents(Path parent) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = parent; p != null && p.startsWith(dir) && !Files.exists(p); p = p.getParent()) {
            missing.add(p);
        }
        Files.createDirectories(parent);
        createdDirs.addAll(0, missing); // deepest first, before the shallower ones created earlier
    }

    /**
     * Deletes {@code name} from the output directory at {@link #commit()} unless this run wrote it:
     * a file an earlier run with other options wrote there (a contact sheet that --no-sheet does
     * not write, the other --mode's reconstruction), so that the folder holds this run's results
     * only and never a mix.
     */
    void dropAtCommit(String name) {
        stale.add(dir.resolve(name).normalize());
    }

    /** How many files are staged: a mark for {@link #discardFrom}. */
    int mark() {
        return staged.size();
    }

    /**
     * Deletes the files staged since {@code mark} and forgets them: a collection drops what it
     * wrote for an image that then failed, and goes on with the next.
     */
    void discardFrom(int mark) {
        List<Path> temps = new ArrayList<>(staged.keySet());
        for (Path temp : temps.subList(mark, temps.size())) {
            staged.remove(temp);
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // Best effort, as in close().
            }
        }
        for (Path d : createdDirs) { // deepest first; a folder that holds another image's files stays
            try {
                Files.deleteIfExists(d);
            } catch (IOException ignored) {
                // Not empty: leave it.
            }
        }
    }

    /**
     * Whether {@code dir} is missing or an empty folder: a collection refuses a folder with files
     * in it unless {@code --force} (Note [collections refuse a used folder]).
     */
    static boolean isMissingOrEmpty(Path dir) {
        if (!Files.isDirectory(dir)) {
            return !Files.exists(dir);
        }
        try (java.util.stream.Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Renames every written file to its real name, replacing older files of that name, all or
     * none: an older file is first set aside under a hidden name, and if any rename fails, the
     * files already renamed are deleted and the older ones put back, so a failure leaves the
     * directory as it was.
     *
     * @return the files, in the order they were written
     */
    List<Path> commit() {
        List<Path> done = new ArrayList<>();
        Map<Path, Path> asideOf = new LinkedHashMap<>();
        try {
            for (Map.Entry<Path, Path> e : staged.entrySet()) {
                Path target = e.getValue();
                if (Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(target)) {
                    Path aside = target.resolveSibling("." + target.getFileName() + ".old");
                    move(target, aside);
                    asideOf.put(target, aside);
                }
                move(e.getKey(), target);
                done.add(target);
            }
        } catch (IOException e) {
            for (Path p : done) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // Best effort, as in close().
                }
            }
            for (Map.Entry<Path, Path> a : asideOf.entrySet()) {
                try {
                    move(a.getValue(), a.getKey());
                } catch (IOException ignored) {
                    // Best effort: the older file stays under its hidden .old name.
                }
            }
            throw new BadInputException("cannot write to output directory " + dir + ": " + reason(e), e);
        }
        for (Path aside : asideOf.values()) {
            try {
                Files.deleteIfExists(aside);
            } catch (IOException ignored) {
                // Best effort: a hidden .old file.
            }
        }
        for (Path old : stale) {
            if (!done.contains(old)) {
                try {
                    Files.deleteIfExists(old);
                } catch (IOException ignored) {
                    // Best effort: an earlier run's file stays.
                }
            }
        }
        committed = true;
        return done;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Without a commit: deletes the temporary files and the directories {@link #open} created. */
    @Override
    public void close() {
        if (committed) {
            return;
        }
        for (Path temp : staged.keySet()) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // Best effort: the file is hidden and named .partial.
            }
        }
        for (Path d : createdDirs) { // deepest first
            try {
                Files.deleteIfExists(d);
            } catch (IOException ignored) {
                // Not empty or not ours any more: leave it.
            }
        }
    }
}
