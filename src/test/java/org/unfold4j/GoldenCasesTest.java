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
 * backend: unfold bit for bit, fold within 1e-5 × (1 + |expected|) of PyTorch's float64 sum
 * (2^-10 for float16, 2^-7 for bfloat16: {@link GoldenCase#tolerance}),
 * and every input PyTorch rejects rejected with an {@link IllegalArgumentException} that names
 * the parameters involved. The blend file's weighted folds match within the same tolerance (for
 * float64 too: PyTorch's loops sum in another order), its max folds exactly, in every type
 * (float16 and bfloat16 included).
 */
class GoldenCasesTest {
    private static final List<GoldenCase> CASES = GoldenCase.casesFiles().stream()
            .flatMap(f -> GoldenCase.load(f).stream()).toList();

    @TestFactory
    Stream<DynamicNode> java() {
        assertTrue(CASES.size() > 0, "no cases in " + GoldenCase.casesFiles());
        return cases(CASES, Backend.java(), "", GoldenCasesTest::run);
    }

    /**
     * On the OpenCL device, with both kernel families: the one the device uses by default (row
     * kernels on CPU devices, element kernels on GPUs) and, on a second backend, the other.
     */
    @TestFactory
    Stream<DynamicNode> opencl() {
        return openCLCases(CASES, GoldenCasesTest::run);
    }

    /** How one case is checked on one backend. */
    interface Check {
        void run(GoldenCase c, Backend backend) throws Throwable;
    }

    /** {@code cases} on the OpenCL device with both kernel families (skipped, with the reason, without OpenCL). */
    static Stream<DynamicNode> openCLCases(List<GoldenCase> cases, Check check) {
        if (!TestBackends.openCLAvailable() && !TestBackends.REQUIRE_OPENCL) {
            return Stream.of(DynamicTest.dynamicTest("opencl backend",
                    () -> TestBackends.unavailable(OpenCLRuntime.get().unavailableReason())));
        }
        OpenCLBackend usual = TestBackends.openCL(), other = TestBackends.otherKernelFamily();
        return Stream.concat(cases(cases, usual, kernels(usual), check), cases(cases, other, kernels(other), check));
    }

    private static String kernels(OpenCLBackend b) {
        return b.openCLEngine().config().rowKernels() ? ", row kernels" : ", element kernels";
    }

    /** One test per case on {@code backend}, in a container named by the backend. */
    static Stream<DynamicNode> cases(List<GoldenCase> cases, Backend backend, String variant, Check check) {
        List<DynamicNode> tests = new ArrayList<>();
        for (GoldenCase c : cases) {
            tests.add(DynamicTest.dynamicTest(c.id(), () -> check.run(c, backend)));
        }
        return Stream.of(DynamicContainer.dynamicContainer(backend.name() + " (" + backend.deviceName() + variant + ")", tests));
    }

    static void run(GoldenCase c, Backend backend) {
        if (c.isError()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> apply(c, window(c), c.input(), backend),
                    () -> "PyTorch rejects this input (" + c.error() + ")");
            assertNamesParameters(c, e.getMessage());
            return;
        }
        Tensor input = c.input();
        Tensor before = Tensor.wrap(copy(input), input.dtype(), input.shape());
        Tensor out = apply(c, window(c), input, backend);
        TensorAssert.assertTensorEquals(before, input, "the input was modified");
        Tensor expected = c.expected();
        assertArrayEquals(expected.shape(), out.shape(), "shape");
        if (c.foldTolerance()) {
            assertEquals(input.dtype(), out.dtype(), "a fold's result has its input's type");
            double[] want = expected.toDoubleArray(), got = out.toDoubleArray();
            for (int i = 0; i < got.length; i++) {
                double tolerance = c.tolerance(want[i]);
                if (!(Math.abs(got[i] - want[i]) <= tolerance)) {
                    fail("element " + i + ": expected " + want[i] + " but got " + got[i]);
                }
            }
        } else if (c.foldMode() == FoldMode.MAX) {
            // The largest value (PyTorch's float64 copy of it for float32): exact, NaN where NaN,
            // and -0.0 equal to +0.0 (which of two zeros is the larger is not defined).
            double[] want = expected.toDoubleArray(), got = out.toDoubleArray();
            for (int i = 0; i < got.length; i++) {
                if (Double.compare(want[i], got[i]) != 0 && !(want[i] == got[i])) {
                    fail("element " + i + ": expected " + want[i] + " but got " + got[i] + " (max is exact)");
                }
            }
        } else {
            // Compared through TensorAssert, which checks the bits itself: with Tensor.equals
            // broken (its value comparison removed) these cases must still fail.
            TensorAssert.assertTensorEquals(expected, out, c.id() + " (bit-exact)");
        }
    }

    private static Object copy(Tensor t) {
        Object a = t.array();
        Object r = java.lang.reflect.Array.newInstance(a.getClass().getComponentType(), (int) t.elementCount());
        System.arraycopy(a, 0, r, 0, (int) t.elementCount());
        return r;
    }

    static Window window(GoldenCase c) {
        return Window.of(c.kernel(), c.dilation(), c.padding(), c.stride());
    }

    static Tensor apply(GoldenCase c, Window w, Tensor input, Backend backend) {
        if (c.op().equals("unfold")) {
            return Unfold.of(w).withPaddingMode(c.paddingMode()).withImageLayout(c.layout())
                    .withColumnLayout(c.outputLayout()).apply(input, backend);
        }
        Fold fold = Fold.of(c.outputSize(), w).withMode(c.foldMode());
        if (c.foldWeights() != null) {
            fold = fold.withWeights(c.foldWeights());
        } else if (c.foldWindow() != null) {
            fold = fold.withBlend(c.foldWindow());
        }
        return fold.withImageLayout(c.layout()).withColumnLayout(c.outputLayout()).apply(input, backend);
    }

    /**
     * The message must name what is wrong with its values: the offending parameter (or the shape,
     * for rank and zero-size errors) as PyTorch's message does.
     */
    private static void assertNamesParameters(GoldenCase c, String message) {
        String torch = c.error();
        List<String> required = new ArrayList<>();
        for (String name : new String[] {"kernel", "stride", "dilation", "padding", "output_size", "divisible", "weights"}) {
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
