package org.unfold4j;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The fixed cost of a Java backend call: the seed shape ([2, 5, 3, 4], kernel (2, 3), 240 column
 * values), whose work is a few hundred loads and stores, so what is timed is the spec checks, the
 * geometry lookup, the plan (Note [memoised passes]) and the dispatch (a call this small runs on
 * the calling thread). Average time per call, into a preallocated output and allocating.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1)
public class JavaCallCost {
    private BenchShape s;
    private Tensor image, columns, imageOut, columnsOut;

    @Setup
    public void setUp() {
        s = BenchShape.seed;
        image = s.randomImage();
        columns = s.randomColumns();
        imageOut = Tensor.zeros(image.shape());
        columnsOut = Tensor.zeros(columns.shape());
    }

    @Benchmark
    public Tensor unfoldInto() {
        s.unfold.apply(image, columnsOut, Backend.java());
        return columnsOut;
    }

    @Benchmark
    public Tensor foldInto() {
        s.fold.apply(columns, imageOut, Backend.java());
        return imageOut;
    }

    @Benchmark
    public Tensor unfoldAllocating() {
        return s.unfold.apply(image, Backend.java());
    }

    @Benchmark
    public Tensor foldAllocating() {
        return s.fold.apply(columns, Backend.java());
    }
}
