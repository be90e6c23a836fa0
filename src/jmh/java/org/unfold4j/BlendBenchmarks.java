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

/**
 * The blending folds on the Java backend against the plain (sum) fold, on the standard shapes,
 * into preallocated outputs as JavaBenchmarks times them: the weighted fold with a gaussian
 * window (the target: within 1.2× of the sum), the mean, and the max. The max fold runs
 * in the general fold variant only (Note [blending folds take the general variant] in
 * SharedRules); the weighted fold also in the patch-row, row-class and fused-tap variants (Note
 * [weighted sums in the fast variants] in FoldPass), so on every standard shape it takes the
 * sum's variant, with a multiply per value and a division per pixel more.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx12g"})
public class BlendBenchmarks {
    /** Every shape of bench/shapes.tsv (-p shape=NAME for one). */
    @Param
    public BenchShape shape;

    private Tensor columns, imageOut;
    private Fold sum, mean, weighted, max;

    @Setup
    public void setUp() {
        columns = shape.randomColumns();
        sum = shape.fold.withMode(FoldMode.SUM);
        mean = shape.fold.withMode(FoldMode.MEAN);
        weighted = shape.fold.withBlend(BlendWindow.gaussian(0.125));
        max = shape.fold.withMode(FoldMode.MAX);
        imageOut = Tensor.zeros(sum.geometry(columns.shape()).imageShape());
    }

    @Benchmark
    public Tensor foldSum() {
        sum.apply(columns, imageOut, Backend.java());
        return imageOut;
    }

    @Benchmark
    public Tensor foldMean() {
        mean.apply(columns, imageOut, Backend.java());
        return imageOut;
    }

    @Benchmark
    public Tensor foldWeighted() {
        weighted.apply(columns, imageOut, Backend.java());
        return imageOut;
    }

    @Benchmark
    public Tensor foldMax() {
        max.apply(columns, imageOut, Backend.java());
        return imageOut;
    }
}
