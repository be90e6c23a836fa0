package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.ThrowingConsumer;

/**
 * Turns one check into one dynamic test per backend of {@link TestBackends#all()}.
 *
 * <p>Where OpenCL is missing, an extra "opencl" test is reported as skipped with the reason (or
 * fails when {@code unfold4j.requireOpenCL=true}), so a run without OpenCL is visibly partial
 * instead of silently green. A last test asserts how many backends actually passed the check,
 * at least one (EJML's CheckMultiThreadAgainstSingleThread asserts how many variants it found, for
 * the same reason: a loop over nothing must not pass).
 */
final class PerBackend {
    private PerBackend() {
    }

    static Stream<DynamicTest> tests(String what, ThrowingConsumer<Backend> check) {
        List<Backend> backends = TestBackends.all();
        assertFalse(backends.isEmpty(), "TestBackends.all() returned no backend");
        assertEquals("java", backends.get(0).name(), "the Java backend must always be under test");
        AtomicInteger passed = new AtomicInteger();
        List<DynamicTest> tests = new ArrayList<>();
        for (Backend backend : backends) {
            tests.add(dynamicTest(what + " [" + backend.name() + "]", () -> {
                check.accept(backend);
                passed.incrementAndGet();
            }));
        }
        if (backends.stream().noneMatch(b -> b.name().equals("opencl"))) {
            tests.add(dynamicTest(what + " [opencl]",
                    () -> TestBackends.unavailable(OpenCLRuntime.get().unavailableReason())));
        }
        tests.add(dynamicTest(what + " [backends that passed]", () -> assertTrue(passed.get() >= 1,
                "expected the check to pass on at least one backend, passed on " + passed.get() + " of "
                        + backends.size() + " (" + backends + "); see the failures above")));
        return tests.stream();
    }
}
