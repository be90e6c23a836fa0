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
 * The Java backend's unfold of the conv3x3 shape under each padding mode, into a preallocated
 * output: the taps in the padding of reflect, replicate and circular read pixels (Note [border
 * runs] in UnfoldPass), where zeros writes zeros.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx12g"})
public class PaddingModeBenchmarks {
    @Param({"ZEROS", "REFLECT", "REPLICATE", "CIRCULAR"})
    public String mode;

    private Unfold unfold;
    private Tensor image, columnsOut;

    @Setup
    public void setUp() {
        BenchShape s = BenchShape.conv3x3;
        unfold = Unfold.of(3, 3).withPadding(1, 1).withPaddingMode(PaddingMode.valueOf(mode));
        image = s.randomImage();
        columnsOut = Tensor.zeros(unfold.geometry(image.shape()).columnsShape());
    }

    @Benchmark
    public Tensor unfold() {
        unfold.apply(image, columnsOut, Backend.java());
        return columnsOut;
    }
}
