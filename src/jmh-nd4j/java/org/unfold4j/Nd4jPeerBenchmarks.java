package org.unfold4j;

import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;
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
 * The JVM peer: ND4J's {@code Convolution.im2col} / {@code col2im} (native, OpenMP on every core)
 * on the standard shapes, into preallocated outputs like {@link JavaBenchmarks}. Its im2col output
 * {@code [N, C, kh, kw, oH, oW]} reshaped is exactly F.unfold's; its col2im takes the image height
 * and width in the parameters its Javadoc calls kH and kW.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx12g"})
public class Nd4jPeerBenchmarks {
    /** Every shape of bench/shapes.tsv: JMH runs each constant of an enum {@code @Param} (-p shape=NAME for one). */
    @Param
    public BenchShape shape;

    private BenchShape s;
    private INDArray image, columns, imageOut, columnsOut;
    private Window w;

    @Setup
    public void setUp() {
        s = shape;
        ColumnGeometry g = s.geometry();
        w = g.window();
        image = Nd4j.rand(DataType.FLOAT, s.n, s.c, s.h, s.w);
        long[] cols = {s.n, s.c, w.kernelH(), w.kernelW(), g.blocksH(), g.blocksW()};
        columns = Nd4j.rand(DataType.FLOAT, cols);
        columnsOut = Nd4j.create(DataType.FLOAT, cols);
        imageOut = Nd4j.create(DataType.FLOAT, s.n, s.c, s.h, s.w);
    }

    @Benchmark
    public INDArray im2col() {
        return Convolution.im2col(image, w.kernelH(), w.kernelW(), w.strideH(), w.strideW(), w.paddingH(), w.paddingW(),
                w.dilationH(), w.dilationW(), false, columnsOut);
    }

    @Benchmark
    public INDArray col2im() {
        return Convolution.col2im(columns, imageOut, w.strideH(), w.strideW(), w.paddingH(), w.paddingW(),
                (int) s.h, (int) s.w, w.dilationH(), w.dilationW());
    }
}
