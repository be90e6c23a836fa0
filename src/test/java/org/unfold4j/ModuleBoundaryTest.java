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
            "org.unfold4j.internal.opencl.OpenCLEngine", "org.unfold4j.internal.geometry.View",
            "org.unfold4j.internal.npy.Header"}) {
            assertTrue(Tensor.class.getClassLoader().getResource(internal.replace('.', '/') + ".class") != null, internal);
        }
        Set<String> exported = descriptor().exports().stream().map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toSet());
        assertFalse(exported.stream().anyMatch(p -> p.contains("internal") || p.contains("cli")), exported::toString);
    }

    /**
     * A consumer module compiled against the library's classes (an exploded module) and JOCL: it
     * may use the API and may not see an internal package, as a user's modular project would.
     */
    @Test
    void aConsumerModuleSeesTheApiAndNotTheInternals() throws Exception {
        Path lib = Path.of(Tensor.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path jocl = Path.of(org.jocl.CL.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path dir = Files.createTempDirectory("consumer");
        try {
            Path src = Files.createDirectories(dir.resolve("src/demo"));
            Files.writeString(dir.resolve("src/module-info.java"), "module demo { requires org.unfold4j; }");
            Files.writeString(src.resolve("App.java"), "package demo; class App { org.unfold4j.Tensor t = "
                    + "org.unfold4j.Unfold.of(2).apply(org.unfold4j.Tensor.zeros(1, 1, 3, 3), org.unfold4j.Backend.java()); }");
            assertEquals("", compile(dir, lib, jocl), "the API compiles from a consumer module");
            Files.writeString(src.resolve("Bad.java"), "package demo; class Bad { Object o = "
                    + "org.unfold4j.internal.cpu.JavaEngine.INSTANCE; }");
            String errors = compile(dir, lib, jocl);
            assertTrue(errors.contains("package org.unfold4j.internal.cpu is not visible"), errors);
        } finally {
            try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Compiles every source under {@code dir/src} with the module path given; returns the diagnostics ("" when clean). */
    private static String compile(Path dir, Path... modulePath) throws IOException {
        javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("-d", dir.resolve("out").toString(),
                "--module-path", String.join(java.io.File.pathSeparator,
                        java.util.Arrays.stream(modulePath).map(Path::toString).toList())));
        try (java.util.stream.Stream<Path> walk = Files.walk(dir.resolve("src"))) {
            walk.filter(p -> p.toString().endsWith(".java")).forEach(p -> args.add(p.toString()));
        }
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        javac.run(null, null, err, args.toArray(new String[0]));
        return err.toString(java.nio.charset.StandardCharsets.UTF_8);
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
