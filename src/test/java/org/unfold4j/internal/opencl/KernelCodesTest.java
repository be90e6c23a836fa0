package org.unfold4j.internal.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.unfold4j.PaddingMode;

/**
 * The numbers the host passes as PAD_MODE and ORDER (Note [kernel codes] in KernelCodes) are
 * exactly those kernels/unfold.cl tests, read from the class path as the backend reads it.
 */
class KernelCodesTest {
    private static final String UNFOLD = Programs.source("unfold");

    /** The numbers {@code NAME} is compared with in #if and #elif lines of the source. */
    private static Set<Integer> tested(String name) {
        Set<Integer> codes = new TreeSet<>();
        Matcher m = Pattern.compile("^#(?:el)?if " + name + " == (\\d+)\\s*$", Pattern.MULTILINE).matcher(UNFOLD);
        while (m.find()) {
            codes.add(Integer.parseInt(m.group(1)));
        }
        return codes;
    }

    @Test
    void everyPaddingModeHasItsOwnCodeAndTheKernelTestsEach() {
        Set<Integer> codes = new TreeSet<>();
        for (PaddingMode mode : PaddingMode.values()) {
            codes.add(KernelCodes.padMode(mode));
        }
        assertEquals(PaddingMode.values().length, codes.size(), "two padding modes share a code: " + codes);
        assertEquals(codes, tested("PAD_MODE"), "PAD_MODE codes of KernelCodes against those unfold.cl tests");
        assertEquals(Set.of(0, 1, 2, 3), codes);
        assertEquals(KernelCodes.PAD_REFLECT, KernelCodes.padMode(PaddingMode.REFLECT));
        assertEquals(KernelCodes.PAD_CIRCULAR, KernelCodes.padMode(PaddingMode.CIRCULAR));
    }

    @Test
    void everyOrderCodeIsOneTheKernelTests() {
        assertEquals(new TreeSet<>(KernelCodes.ORDERS), tested("ORDER"), "ORDER codes of KernelCodes against those unfold.cl tests");
    }

    @Test
    void theKernelNamesTheTableAndRejectsOtherCodes() {
        assertTrue(UNFOLD.contains("KernelCodes"), "unfold.cl should name KernelCodes where it defines the codes");
        assertTrue(UNFOLD.contains("#error \"PAD_MODE is not one of KernelCodes"), "an unknown PAD_MODE must not build");
        assertTrue(UNFOLD.contains("#error \"ORDER is not one of KernelCodes"), "an unknown ORDER must not build");
    }
}
