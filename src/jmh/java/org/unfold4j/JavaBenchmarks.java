package org.unfold4j;

import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
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
 * The Java backend on the standard shapes, writing into preallocated outputs (the
 * output-argument API, so allocation and page faults of a fresh 231 MB array are not what is
 * timed), against the copy floor: System.arraycopy of the same number of bytes moved (read plus
 * written), split over every core as the backend is. The allocating calls are timed too, as
 * PyTorch's F.unfold / F.fold (which have no out=) are.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx12g"})
public class JavaBenchmarks {
    /** Every shape of bench/shapes.tsv: JMH runs each constant of an enum {@code @Param} (-p shape=NAME for one). */
    @Param
    public BenchShape shape;

    private BenchShape s;
    private Tensor image, columns, imageOut, columnsOut;
    private float[] copyFrom, copyTo;

    @Setup
    public void setUp() {
        s = shape;
        image = s.randomImage();
        columns = s.randomColumns();
        imageOut = Tensor.zeros(image.shape());
        columnsOut = Tensor.zeros(columns.shape());
        int floats = (int) (s.bytesMoved() / 2 / 4);  // a copy of B bytes moves 2B
        copyFrom = new float[floats];
        copyTo = new float[floats];
    }

    @Benchmark
    public Tensor unfold() {
        s.unfold.apply(image, columnsOut, Backend.java());
        return columnsOut;
    }

    @Benchmark
    public Tensor fold() {
        s.fold.apply(columns, imageOut, Backend.java());
        return imageOut;
    }

    /** Allocating, as {@code F.unfold} does: the new array's zeroing (and any GC it causes) included. */
    @Benchmark
    public Tensor unfoldAllocating() {
        return s.unfold.apply(image, Backend.java());
    }

    /** Allocating, as {@code F.fold} does. */
    @Benchmark
    public Tensor foldAllocating() {
        return s.fold.apply(columns, Backend.java());
    }

    /** What an allocating unfold pays before its work: a new zeroed array of the columns' size (and its GC share). */
    @Benchmark
    public float[] newColumnsArray() {
        return new float[(int) columns.elementCount()];
    }

    /** The same for fold's image. */
    @Benchmark
    public float[] newImageArray() {
        return new float[(int) image.elementCount()];
    }

    @Benchmark
    public float[] copyFloor() {
        int parts = Runtime.getRuntime().availableProcessors();
        int per = (copyFrom.length + parts - 1) / parts;
        IntStream.range(0, parts).parallel().forEach(p -> {
            int from = p * per, len = Math.min(per, copyFrom.length - from);
            if (len > 0) {
                System.arraycopy(copyFrom, from, copyTo, from, len);
            }
        });
        return copyTo;
    }
}
