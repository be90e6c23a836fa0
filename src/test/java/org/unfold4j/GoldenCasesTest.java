package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every record of the golden case file (PyTorch's own results), each a separate test, on every
 * backend: unfold bit for bit, fold within 1e-5 × (1 + |expected|) of PyTorch's float64 sum,
 * and every input PyTorch rejects rejected with an {@link IllegalArgumentException} that names
 * the parameters involved.
 */
class GoldenCasesTest {
    private static final List<GoldenCase> CASES = GoldenCase.load(GoldenCase.casesFile());

    @TestFactory
    Stream<DynamicNode> java() {
        assertTrue(CASES.size() > 0, "no cases in " + GoldenCase.casesFile());
        return cases(Backend.java());
    }

    @TestFactory
    Stream<DynamicNode> opencl() {
        if (!TestBackends.openCLAvailable() && !TestBackends.REQUIRE_OPENCL) {
            return Stream.of(DynamicTest.dynamicTest("opencl backend",
                    () -> TestBackends.unavailable(OpenCLRuntime.get().unavailableReason())));
        }
        return cases(TestBackends.openCL());
    }

    private static Stream<DynamicNode> cases(Backend backend) {
        List<DynamicNode> tests = new ArrayList<>();
        for (GoldenCase c : CASES) {
            tests.add(DynamicTest.dynamicTest(c.id(), () -> run(c, backend)));
        }
        return Stream.of(DynamicContainer.dynamicContainer(backend.name() + " (" + backend.deviceName() + ")", tests));
    }

    static void run(GoldenCase c, Backend backend) {
        String unsupported = c.unsupportedFeature();
        if (unsupported != null) {
            Assumptions.abort("not implemented yet: " + unsupported + " (issue: beyond F.unfold)");
        }
        int[] k = c.kernel(), d = c.dilation(), p = c.padding(), s = c.stride();
        if (c.isError()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
                Window w = new Window(k[0], k[1], d[0], d[1], p[0], p[1], s[0], s[1]);
                Tensor input = Tensor.of(c.inputF32(), c.inputShape());
                apply(c, w, input, backend);
            }, () -> "PyTorch rejects this input (" + c.error() + ")");
            assertNamesParameters(c, e.getMessage());
            return;
        }
        Window w = new Window(k[0], k[1], d[0], d[1], p[0], p[1], s[0], s[1]);
        float[] inputData = c.inputF32();
        float[] before = inputData.clone();
        Tensor out = apply(c, w, Tensor.of(inputData, c.inputShape()), backend);
        assertArrayEquals(before, inputData, "the input was modified");
        assertArrayEquals(c.expectedShape(), out.shape(), "shape");
        float[] got = out.toFloatArray();
        if (c.hasExpectedF64()) {
            double[] expected = c.expectedF64();
            assertEquals(expected.length, got.length);
            for (int i = 0; i < got.length; i++) {
                double tolerance = 1e-5 * (1 + Math.abs(expected[i]));
                if (!(Math.abs(got[i] - expected[i]) <= tolerance)) {
                    fail("element " + i + ": expected " + expected[i] + " but got " + got[i]);
                }
            }
        } else {
            float[] expected = c.expectedF32();
            assertEquals(expected.length, got.length);
            for (int i = 0; i < got.length; i++) {
                if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(got[i])) {
                    fail("element " + i + ": expected " + expected[i] + " but got " + got[i] + " (bit-exact)");
                }
            }
        }
    }

    private static Tensor apply(GoldenCase c, Window w, Tensor input, Backend backend) {
        if (c.op().equals("unfold")) {
            return Unfold.of(w).apply(input, backend);
        }
        long[] size = c.outputSize();
        return Fold.of(size[0], size[1], w).apply(input, backend);
    }

    /**
     * The message must name what is wrong with its values: the offending parameter (or the shape,
     * for rank and zero-size errors) as PyTorch's message does.
     */
    private static void assertNamesParameters(GoldenCase c, String message) {
        String torch = c.error();
        List<String> required = new ArrayList<>();
        for (String name : new String[] {"kernel", "stride", "dilation", "padding", "output_size", "divisible"}) {
            if (torch.toLowerCase().contains(name)) {
                required.add(name);
            }
        }
        if (torch.contains("but got: [")) {
            required.add(Arrays.toString(c.inputShape()));
        }
        for (String r : required) {
            assertTrue(message.contains(r), () -> "message '" + message + "' should mention '" + r
                    + "' as PyTorch's does: " + torch);
        }
    }
}
