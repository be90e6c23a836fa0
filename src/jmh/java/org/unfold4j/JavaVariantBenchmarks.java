package org.unfold4j;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.unfold4j.internal.cpu.JavaConfig;
import org.unfold4j.internal.cpu.JavaVariant;

/**
 * One Java fold variant against the general one on a standard shape, through a Java backend
 * whose configuration allows only that variant (and the general ones): how much a variant
 * gains where it applies. {@code variant=FOLD_WINDOW_RUNS} is the general fold alone. Asks
 * Note [folding along the kernel] (SharedRules.foldsAlongKernel): tile256, which overlaps, is
 * folded along the kernel by the Java rule and across by fold.cl's once its row classes are
 * out of the way (padding, channels-last, or too little local memory); vit16's patches are
 * folded along the kernel by both rules once the patch-row and pixel-source folds are (its
 * channels-last images, for one).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx12g"})
public class JavaVariantBenchmarks {
    @Param({"vit16", "tile256"})
    public String shape;

    @Param({"FOLD_ALONG_KERNEL", "FOLD_WINDOW_RUNS"})
    public String variant;

    /** The image layout: channels-last images take neither the patch-row nor the row-class fold, so the rule decides there. */
    @Param({"CHANNELS_FIRST", "CHANNELS_LAST"})
    public String layout;

    private Fold fold;
    private Backend backend;
    private Tensor columns, imageOut;

    @Setup
    public void setUp() {
        BenchShape s = BenchShape.valueOf(shape);
        ImageLayout l = ImageLayout.valueOf(layout);
        fold = s.fold.withImageLayout(l);
        backend = Backend.java(JavaConfig.allowing(JavaVariant.valueOf(variant)));
        columns = s.randomColumns();
        imageOut = Tensor.zeros(l == ImageLayout.CHANNELS_LAST ? new long[] {s.n, s.h, s.w, s.c} : s.imageShape());
    }

    @Benchmark
    public Tensor fold() {
        fold.apply(columns, imageOut, backend);
        return imageOut;
    }
}
