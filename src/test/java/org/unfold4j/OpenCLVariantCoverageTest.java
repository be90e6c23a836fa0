package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.unfold4j.internal.Op;
import org.unfold4j.internal.opencl.KernelVariant;
import org.unfold4j.internal.opencl.OpenCLConfig;

/**
 * Every kernel variant (KernelVariant, Note [choosing a variant]) is reached and agrees with the
 * Java backend bit for bit. For each variant, a backend allowed only that variant (and the element
 * variant every geometry falls back to) runs the standard cases of its operation: the fold
 * fast-path cases of {@link FoldFastPathsTest}, random feature cases ({@link RandomCases#valid}) and
 * random 2-D cases ({@link RandomCases}), plus the wide kernels of {@link BackendAgreementTest}.
 * The variant's launch counter must have gone up and no other row variant's (EJML's numChecked
 * pattern: a suite that never reaches the code under test must not pass). Variants that a
 * device's configuration would not take by itself (row kernels on a GPU, element kernels on a CPU
 * device, fold_rows where a narrower variant applies) are reached this way too.
 */
class OpenCLVariantCoverageTest {
    /** One check: a name, the Java result and the OpenCL call. */
    private record Check(String name, Tensor expected, Function<Backend, Tensor> run) {
    }

    @TestFactory
    Stream<DynamicTest> everyVariantIsReachedAndAgreesWithJava() {
        if (!TestBackends.openCLAvailable() && !TestBackends.REQUIRE_OPENCL) {
            return Stream.of(DynamicTest.dynamicTest("opencl backend",
                    () -> TestBackends.unavailable(OpenCLRuntime.get().unavailableReason())));
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (KernelVariant variant : KernelVariant.values()) {
            tests.add(DynamicTest.dynamicTest(variant.toString(), () -> check(variant)));
        }
        tests.add(DynamicTest.dynamicTest("every variant is in the table's preference lists", () -> {
            EnumSet<KernelVariant> listed = EnumSet.noneOf(KernelVariant.class);
            listed.addAll(KernelVariant.preference(Op.UNFOLD));
            listed.addAll(KernelVariant.preference(Op.FOLD));
            assertEquals(EnumSet.allOf(KernelVariant.class), listed);
        }));
        return tests.stream();
    }

    private static void check(KernelVariant variant) {
        List<Check> checks = cases(variant.op());
        try (OpenCLBackend cl = TestBackends.withConfig(c -> c.withRowKernels(variant.rows()).withVariants(EnumSet.of(variant)))) {
            OpenCLConfig config = cl.openCLEngine().config();
            assertTrue(config.variants().contains(variant), variant + " allowed");
            int checked = 0;
            long reached = 0;
            for (Check c : checks) {
                if (!cl.supports(c.expected().dtype())) {
                    continue;  // float64 on a device without cl_khr_fp64
                }
                long before = cl.openCLEngine().launches(variant);
                Reference.assertSameBits(c.expected(), c.run().apply(cl), variant + ", " + c.name());
                checked++;
                reached += cl.openCLEngine().launches(variant) > before ? 1 : 0;
            }
            assertTrue(checked >= 50, "only " + checked + " of " + checks.size() + " cases checked for " + variant);
            assertTrue(reached > 0, variant + " was never launched by the " + checked + " cases");
            for (KernelVariant other : KernelVariant.values()) {
                if (other != variant && other.rows()) {
                    assertEquals(0, cl.openCLEngine().launches(other), other + " launched though only " + variant + " is allowed");
                }
            }
            System.out.println("unfold4j: " + variant + " reached by " + reached + " of " + checked + " cases");
        }
    }

    /** The weighted fold with a gaussian window (weights that differ per kernel offset), the other modes as they are. */
    private static Fold blended(Fold f) {
        return f.mode() == FoldMode.WEIGHTED ? f.withBlend(BlendWindow.gaussian(0.2)) : f;
    }

    /** The standard cases of one operation, each with the Java backend's result. */
    private static List<Check> cases(Op op) {
        List<Check> checks = new ArrayList<>();
        Backend java = Backend.java();
        Random r = new Random(op == Op.UNFOLD ? 0xC0_7E_12L : 0xC0_7E_F0L);
        // Random feature cases: every image kind and padding mode (unfold), both column layouts, types spread over them.
        int i = 0;
        for (Case.Kind kind : Case.KINDS) {
            for (ColumnLayout columns : ColumnLayout.values()) {
                if (op == Op.UNFOLD) {
                    for (PaddingMode mode : PaddingMode.values()) {
                        DType dtype = DType.values()[i++ % DType.values().length];
                        Case f = RandomCases.valid(r, kind, mode, columns, dtype);
                        Tensor image = RandomCases.image(r, f);
                        checks.add(new Check(f.toString(), f.unfold().apply(image, java), b -> f.unfold().apply(image, b)));
                    }
                } else {
                    for (FoldMode mode : FoldMode.values()) {
                        DType dtype = i++ % 2 == 0 ? DType.FLOAT32 : DType.FLOAT64;
                        Case f = RandomCases.valid(r, kind, PaddingMode.ZEROS, columns, dtype);
                        Tensor cols = RandomCases.columns(r, f);
                        Fold fold = blended(f.fold(mode));
                        checks.add(new Check(f + " " + mode, fold.apply(cols, java), b -> fold.apply(cols, b)));
                    }
                    // Max of the integer types (the only fold mode they have).
                    for (DType dtype : new DType[] {DType.UINT8, DType.INT32}) {
                        Case f = RandomCases.valid(r, kind, PaddingMode.ZEROS, columns, dtype);
                        Tensor cols = RandomCases.columns(r, f);
                        Fold fold = f.fold(FoldMode.MAX);
                        checks.add(new Check(f + " max", fold.apply(cols, java), b -> fold.apply(cols, b)));
                    }
                }
            }
        }
        // Random 2-D cases.
        for (int n = 0; n < 20; n++) {
            Case drawn = RandomCases.valid2d(r);
            Unfold u = drawn.unfold();
            long[] shape = drawn.imageShape();
            Tensor image = RandomCases.tensor(r, shape);
            if (op == Op.UNFOLD) {
                checks.add(new Check("random " + u + " " + Arrays.toString(shape), u.apply(image, java),
                        b -> u.apply(image, b)));
            } else {
                Tensor cols = RandomCases.tensor(r, u.geometry(shape).columnsShape());
                Fold f = drawn.fold();
                checks.add(new Check("random " + f + " " + Arrays.toString(shape), f.apply(cols, java), b -> f.apply(cols, b)));
            }
        }
        // The fold fast paths' cases (row classes, patches, tall images, the stride-1 passes).
        for (FoldFastPathsTest.Named named : FoldFastPathsTest.cases()) {
            Case c = named.geometry();
            ColumnGeometry g = c.unfold().geometry(c.imageShape());
            if (op == Op.UNFOLD) {
                Tensor image = RandomCases.tensor(r, c.imageShape());
                Unfold u = c.unfold();
                checks.add(new Check(named.name(), u.apply(image, java), b -> u.apply(image, b)));
            } else {
                Tensor cols = RandomCases.tensor(r, g.columnsShape());
                for (FoldMode mode : FoldMode.values()) {
                    Fold f = blended(c.fold(mode));
                    checks.add(new Check(named.name() + " " + mode, f.apply(cols, java), b -> f.apply(cols, b)));
                }
            }
        }
        // Kernels wider than the windows per row (BackendAgreementTest.wideKernelsRunAlongTheKernelAndStillAgree).
        for (Unfold u : new Unfold[] {
            Unfold.of(16).withStride(8), Unfold.of(16).withStride(16), Unfold.of(16).withStride(20),
            Unfold.of(9, 12).withStride(3, 5).withPadding(2, 4).withDilation(1, 2),
            Unfold.of(Window.ofKernel(5, 7)).withStride(1, 2).withPadding(0, 3).withPaddingMode(PaddingMode.REFLECT)}) {
            long[] shape = {2, 3, 40, 48};
            if (op == Op.UNFOLD) {
                Tensor image = RandomCases.tensor(r, shape);
                checks.add(new Check("wide " + u, u.apply(image, java), b -> u.apply(image, b)));
            } else {
                Tensor cols = RandomCases.tensor(r, u.geometry(shape).columnsShape());
                for (FoldMode mode : FoldMode.values()) {
                    Fold f = blended(Fold.of(40, 48, u.window()).withMode(mode));
                    checks.add(new Check("wide " + f, f.apply(cols, java), b -> f.apply(cols, b)));
                }
            }
        }
        return checks;
    }
}
