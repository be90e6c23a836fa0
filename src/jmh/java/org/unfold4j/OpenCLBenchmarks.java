package org.unfold4j;

import java.util.concurrent.TimeUnit;
import org.jocl.CL;
import org.jocl.blast.CLBlast;
import org.jocl.blast.CLBlastKernelMode;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The OpenCL backend (device from {@code -Dunfold4j.device}, default: the first GPU, else any)
 * on the standard shapes: device-resident (launch to completion into a preallocated device
 * tensor, the kernel plus launch overhead), host to host (upload, kernel, download), the copy floor (clEnqueueCopyBuffer of
 * the same bytes moved, read plus written), and the same-device peer CLBlast im2col / col2im,
 * one call per image as its users must. The kernels' own device times (profiling events) are in
 * {@link OpenCLKernelTimes}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx12g"})
public class OpenCLBenchmarks {
    /** Every shape of bench/shapes.tsv: JMH runs each constant of an enum {@code @Param} (-p shape=NAME for one). */
    @Param
    public BenchShape shape;

    private BenchShape s;
    private OpenCLBackend cl;
    private Tensor image, columns, imageOut, columnsOut;
    private DeviceTensor dImage, dColumns, dImageOut, dColumnsOut, dCopyFrom, dCopyTo, dBlastOut;

    @Setup
    public void setUp() {
        s = shape;
        cl = Backend.openCL();
        image = s.randomImage();
        columns = s.randomColumns();
        imageOut = Tensor.zeros(image.shape());
        columnsOut = Tensor.zeros(columns.shape());
        dImage = cl.upload(image);
        dColumns = cl.upload(columns);
        dImageOut = cl.upload(imageOut);
        dColumnsOut = cl.upload(columnsOut);
        long floats = s.bytesMoved() / 2 / 4;
        dCopyFrom = cl.upload(Tensor.zeros(floats));
        dCopyTo = cl.upload(Tensor.zeros(floats));
        dBlastOut = cl.upload(Tensor.zeros(Math.max(image.elementCount(), columns.elementCount())));
        CLBlast.setExceptionsEnabled(false);
        CL.setExceptionsEnabled(false);
    }

    @TearDown
    public void tearDown() {
        cl.close();
    }

    /** Launch to completion into a preallocated device tensor: the kernel and the launch overhead. */
    @Benchmark
    public DeviceTensor unfoldOnDevice() {
        s.unfold.apply(dImage, dColumnsOut);
        dColumnsOut.await();
        return dColumnsOut;
    }

    @Benchmark
    public DeviceTensor foldOnDevice() {
        s.fold.apply(dColumns, dImageOut);
        dImageOut.await();
        return dImageOut;
    }

    @Benchmark
    public Tensor unfoldHostToHost() {
        s.unfold.apply(image, columnsOut, cl);
        return columnsOut;
    }

    @Benchmark
    public Tensor foldHostToHost() {
        s.fold.apply(columns, imageOut, cl);
        return imageOut;
    }

    @Benchmark
    public void copyFloor() {
        long bytes = dCopyFrom.elementCount() * 4;
        cl.interop((queue, m) -> CL.clEnqueueCopyBuffer(queue, m[0], m[1], 0, 0, bytes, 0, null, null),
                dCopyFrom, dCopyTo);
    }

    @Benchmark
    public void clblastIm2col() {
        blast(true);
    }

    @Benchmark
    public void clblastCol2im() {
        blast(false);
    }

    private void blast(boolean im2col) {
        ColumnGeometry g = s.geometry();
        Window w = g.window();
        long imagePer = g.imageElements() / g.batch(), columnsPer = g.columnElements() / g.batch();
        DeviceTensor from = im2col ? dImage : dColumns;
        cl.interop((queue, m) -> {
            for (long n = 0; n < g.batch(); n++) {
                int err = im2col
                        ? CLBlast.CLBlastSim2col(CLBlastKernelMode.CLBlastKernelModeCrossCorrelation, g.channels(),
                                g.height(), g.width(), w.kernelH(), w.kernelW(), w.paddingH(), w.paddingW(),
                                w.strideH(), w.strideW(), w.dilationH(), w.dilationW(),
                                m[0], n * imagePer, m[1], n * columnsPer, queue, null)
                        : CLBlast.CLBlastScol2im(CLBlastKernelMode.CLBlastKernelModeCrossCorrelation, g.channels(),
                                g.height(), g.width(), w.kernelH(), w.kernelW(), w.paddingH(), w.paddingW(),
                                w.strideH(), w.strideW(), w.dilationH(), w.dilationW(),
                                m[0], n * columnsPer, m[1], n * imagePer, queue, null);
                if (err != 0) {
                    throw new IllegalStateException("CLBlast " + (im2col ? "im2col" : "col2im") + " failed: " + err);
                }
            }
            return null;
        }, from, dBlastOut);
    }
}
