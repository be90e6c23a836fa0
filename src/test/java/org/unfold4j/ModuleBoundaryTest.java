package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The library's module boundary (issue 11): module {@code org.unfold4j} exports the API package
 * and nothing else, and holds no command-line classes. Reads the compiled {@code module-info}
 * (the tests run on the class path, so the descriptor is checked rather than enforced here;
 * {@code jar --describe-module} on the jar shows the same).
 */
class ModuleBoundaryTest {
    private static ModuleDescriptor descriptor() throws IOException {
        // The library's own module-info.class, beside its classes (a class-path lookup of
        // "/module-info.class" could find another module's).
        Path classes;
        try {
            classes = Path.of(Tensor.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {  // surefire: target/classes
            return ModuleDescriptor.read(in);
        }
    }

    @Test
    void exportsOnlyTheApiPackage() throws IOException {
        ModuleDescriptor d = descriptor();
        assertEquals("org.unfold4j", d.name());
        Set<String> exported = d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertEquals(Set.of("org.unfold4j"), exported);
        for (ModuleDescriptor.Exports e : d.exports()) {
            assertFalse(e.isQualified(), "no qualified export: " + e);
        }
        assertTrue(d.opens().isEmpty(), "no package is opened: " + d.opens());
    }

    @Test
    void theInternalPackagesAreInTheModuleButNotExported() throws IOException {
        // ModuleDescriptor.read of a bare module-info lists only the packages it names; the engines
        // themselves must be loadable from the class path beside it.
        for (String internal : new String[] {"org.unfold4j.internal.cpu.JavaEngine",
            "org.unfold4j.internal.opencl.OpenCLEngine", "org.unfold4j.internal.geometry.View"}) {
            assertTrue(Tensor.class.getClassLoader().getResource(internal.replace('.', '/') + ".class") != null, internal);
        }
        Set<String> exported = descriptor().exports().stream().map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toSet());
        assertFalse(exported.stream().anyMatch(p -> p.contains("internal") || p.contains("cli")), exported::toString);
    }

    @Test
    void theLibraryHoldsNoCommandLine() {
        assertEquals(null, Tensor.class.getClassLoader().getResource("org/unfold4j/cli/Main.class"),
                "the command line is its own artifact (unfold4j-cli)");
    }

    @Test
    void requiresOnlyJoclAndTheDesktopModule() throws IOException {
        Set<String> requires = descriptor().requires().stream().map(ModuleDescriptor.Requires::name)
                .filter(n -> !n.equals("java.base")).collect(Collectors.toSet());
        assertEquals(Set.of("jocl", "java.desktop"), requires);
    }
}
