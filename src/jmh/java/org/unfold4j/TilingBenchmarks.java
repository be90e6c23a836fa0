package org.unfold4j;

import java.util.Random;
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
 * Tiled inference with an identity model on a 3 × 1024 × 1024 float32 image, 128-pixel tiles at
 * stride 64 (225 tiles, a grid that needs no padding, so both paths compute the same windows):
 * {@link SlidingWindow} (streamed, tiles gathered a batch at a time) against unfold + model + fold
 * by hand in one piece (every window materialised: 44 MiB of patches, then Fold MEAN). The issue
 * asks the streamed path to stay within 1.3× of the one-piece path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class TilingBenchmarks {
    @Param({"8"})
    public int batch;

    private Tensor image;
    private SlidingWindow sliding;
    private Unfold unfold;
    private Fold fold;

    @Setup
    public void setUp() {
        float[] v = new float[3 * 1024 * 1024];
        Random r = new Random(1);
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat();
        }
        image = Tensor.of(v, 1, 3, 1024, 1024);
        sliding = SlidingWindow.of(128, 128).withStride(64).withBatchSize(batch);
        unfold = Unfold.of(128, 128).withStride(64).withColumnLayout(ColumnLayout.PATCHES);
        fold = Fold.of(1024, 1024, 128, 128).withStride(64).withColumnLayout(ColumnLayout.PATCHES).withMode(FoldMode.MEAN);
    }

    @Benchmark
    public Tensor slidingWindow() {
        return sliding.apply(image, t -> t);
    }

    @Benchmark
    public Tensor unfoldModelFoldInOnePiece() {
        Tensor patches = unfold.apply(image, Backend.java());
        return fold.apply(patches, Backend.java());
    }
}
