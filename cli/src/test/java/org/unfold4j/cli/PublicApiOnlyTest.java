package org.unfold4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The command line uses the library's public API only (issue 11): it runs from the class path,
 * where the module's boundary is not enforced, so this reads every compiled class of the command
 * line and fails on any reference to the library's internal packages (a class name in a constant
 * pool is stored as its binary name, {@code org/unfold4j/internal/...}).
 */
class PublicApiOnlyTest {
    @Test
    void noCommandLineClassNamesAnInternalPackage() throws IOException, URISyntaxException {
        Path classes = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(p -> p.toString().endsWith(".class")).toList();
        }
        assertTrue(files.size() > 20, "the command line's classes were not found under " + classes);
        List<String> offenders = files.stream().filter(p -> {
            try {
                return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1).contains("org/unfold4j/internal");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).map(p -> classes.relativize(p).toString()).toList();
        assertEquals(List.of(), offenders, "command-line classes that use the library's internals");
    }
}
