package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jocl.cl_event;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Issue 10, item 8: every public method and constructor of the API, called with each of its
 * reference arguments null in turn (the others valid), throws a NullPointerException whose
 * message is that parameter's name (Note [null arguments] in Window), not {@code "<local3>" is
 * null} or {@code "[J.clone()"}. The methods are found by reflection and each must be in the
 * table of expected names below, so a new public method cannot go unchecked.
 *
 * <p>Fails without the fix (checked by reverting the main sources to the parent commit): 83 of
 * the 94 checks, e.g. {@code Fold.of(null, window)} gave {@code Cannot invoke "[J.clone()" because
 * "outputSize" is null}, {@code Tensor.zeros((long[]) null)} {@code Cannot read the array length
 * because "<local3>" is null}, {@code Unfold.withPaddingMode(null)} {@code paddingMode},
 * {@code Fold.withPaddingMode(null)} an IllegalArgumentException, several a validation message
 * about another argument, and {@code ColumnGeometry.forUnfold} with a null column layout or padding
 * mode, and {@code OpenCLBackend.deviceNanos(null)} (now the internal {@code Profiling.deviceNanos}, checked in
 * ProfilingTest), returned as if nothing were wrong.
 */
class NullArgumentsTest {
    /** A null-accepting parameter. */
    private static final String NULLABLE = "(nullable)";

    /**
     * The expected name of each parameter of each public method, by signature; null for a
     * primitive parameter, {@link #NULLABLE} for one documented to accept null.
     */
    private static final Map<String, String[]> NAMES = new LinkedHashMap<>();

    private static void names(String signature, String... names) {
        NAMES.put(signature, names);
    }

    static {
        names("Tensor.of(float[],long[])", "data", "shape");
        names("Tensor.reshape(long[])", "shape");
        names("BlendWindow.parse(String,double)", "name", null);
        names("Tensor.of(double[],long[])", "data", "shape");
        names("Tensor.of(int[],long[])", "data", "shape");
        names("Tensor.ofUint8(byte[],long[])", "data", "shape");
        names("Tensor.ofFloat16(short[],long[])", "bits", "shape");
        names("Tensor.ofBFloat16(short[],long[])", "bits", "shape");
        names("Tensor.float16Of(float[],long[])", "values", "shape");
        names("Tensor.bfloat16Of(float[],long[])", "values", "shape");
        names("Tensor.copyOf(ShortBuffer,DType,long[])", "src", "dtype", "shape");
        names("Tensor.copyTo(short[])", "dst");
        names("Tensor.copyTo(ShortBuffer)", "dst");
        names("Tensor.zeros(long[])", "shape");
        names("Tensor.zeros(DType,long[])", "dtype", "shape");
        names("Tensor.getDouble(long)", (String) null);
        names("Tensor.equals(Object)", NULLABLE);
        names("Tensor.copyOf(FloatBuffer,long[])", "src", "shape");
        names("Tensor.copyOf(DoubleBuffer,long[])", "src", "shape");
        names("Tensor.copyOf(IntBuffer,long[])", "src", "shape");
        names("Tensor.copyOf(ByteBuffer,DType,long[])", "src", "dtype", "shape");
        names("Tensor.copyTo(float[])", "dst");
        names("Tensor.copyTo(double[])", "dst");
        names("Tensor.copyTo(int[])", "dst");
        names("Tensor.copyTo(byte[])", "dst");
        names("Tensor.copyTo(FloatBuffer)", "dst");
        names("Tensor.copyTo(DoubleBuffer)", "dst");
        names("Tensor.copyTo(IntBuffer)", "dst");
        names("Tensor.copyTo(ByteBuffer)", "dst");

        names("Unfold.of(int)", (String) null);
        names("Unfold.of(int,int)", null, null);
        names("Unfold.of(Window)", "window");
        names("Unfold.withDilation(int[])", "dilation");
        names("Unfold.withPadding(int[])", "padding");
        names("Unfold.withStride(int[])", "stride");
        names("Unfold.withPaddingMode(PaddingMode)", "padding_mode");
        names("Unfold.withImageLayout(ImageLayout)", "layout");
        names("Unfold.withColumnLayout(ColumnLayout)", "output_layout");
        names("Unfold.geometry(long[])", "input_shape");
        names("Unfold.geometry(DType,long[])", "dtype", "input_shape");
        names("Unfold.apply(Tensor)", "input");
        names("Unfold.apply(Tensor,Backend)", "input", "backend");
        names("Unfold.apply(Tensor,Tensor,Backend)", "input", "output", "backend");
        names("Unfold.apply(DeviceTensor)", "input");
        names("Unfold.apply(DeviceTensor,DeviceTensor)", "input", "output");
        names("Unfold.equals(Object)", NULLABLE);

        names("Fold.of(long,int)", null, null);
        names("Fold.of(long,long,int,int)", null, null, null, null);
        names("Fold.of(long,long,Window)", null, null, "window");
        names("Fold.of(long[],Window)", "output_size", "window");
        names("Fold.withDilation(int[])", "dilation");
        names("Fold.withPadding(int[])", "padding");
        names("Fold.withStride(int[])", "stride");
        names("Fold.withMode(FoldMode)", "mode");
        names("Fold.withImageLayout(ImageLayout)", "layout");
        names("Fold.withColumnLayout(ColumnLayout)", "input_layout");
        names("Fold.withPaddingMode(PaddingMode)", "padding_mode");
        names("Fold.withBlend(BlendWindow)", "blend");
        names("Fold.withWeights(Tensor)", "weights");
        names("Fold.geometry(long[])", "input_shape");
        names("Fold.geometry(DType,long[])", "dtype", "input_shape");
        names("Fold.apply(Tensor)", "input");
        names("Fold.apply(Tensor,Backend)", "input", "backend");
        names("Fold.apply(Tensor,Tensor,Backend)", "input", "output", "backend");
        names("Fold.apply(DeviceTensor)", "input");
        names("Fold.apply(DeviceTensor,DeviceTensor)", "input", "output");
        names("Fold.equals(Object)", NULLABLE);

        names("Window(int,int,int,int,int,int,int,int)", null, null, null, null, null, null, null, null);
        names("Window.of(int[],int[],int[],int[])", "kernel_size", "dilation", "padding", "stride");
        names("Window.ofKernel(int[])", "kernel_size");
        names("Window.withDilation(int[])", "dilation");
        names("Window.withPadding(int[])", "padding");
        names("Window.withStride(int[])", "stride");
        names("Window.kernel(int)", (String) null);
        names("Window.dilation(int)", (String) null);
        names("Window.padding(int)", (String) null);
        names("Window.stride(int)", (String) null);
        names("Window.equals(Object)", NULLABLE);

        names("ColumnGeometry.forUnfold(long[],Window)", "input_shape", "window");
        names("ColumnGeometry.forUnfold(long[],Window,DType,ImageLayout,ColumnLayout,PaddingMode)",
                "input_shape", "window", "dtype", "layout", "output_layout", "padding_mode");
        names("ColumnGeometry.forFold(long[],long,long,Window)", "input_shape", null, null, "window");
        names("ColumnGeometry.forFold(long[],long[],Window,DType,ImageLayout,ColumnLayout,FoldMode)",
                "input_shape", "output_size", "window", "dtype", "layout", "input_layout", "mode");
        names("ColumnGeometry.forFold(long[],long[],Window,DType,ImageLayout,ColumnLayout,FoldMode,BlendWindow)",
                "input_shape", "output_size", "window", "dtype", "layout", "input_layout", "mode", NULLABLE);

        names("BlendWindow.gaussian(double)", (String) null);
        names("BlendWindow.of(Tensor)", "weights");
        names("BlendWindow.weights(long[])", "kernel");
        names("BlendWindow.equals(Object)", NULLABLE);

        names("Images.toTensor(BufferedImage)", "image");
        names("Images.toTensor(BufferedImage,boolean)", "image", null);
        names("Images.toBufferedImage(Tensor)", "tensor");
        names("Images.read(Path)", "file");
        names("Images.read(Path,ImageLayout,DType,PixelScale)", "file", "layout", "dtype", "scale");
        names("Images.readBatch(List,ImageLayout,DType,PixelScale)", "files", "layout", "dtype", "scale");
        names("Images.toBatch(List,ImageLayout,DType,PixelScale)", "images", "layout", "dtype", "scale");

        names("Backend.java(int)", (String) null);
        names("Backend.java(ExecutorService)", "executor");
        names("Backend.openCL(String)", NULLABLE);  // null picks the default device

        names("OpenCLBackend.create(OpenCLDevice)", "device");
        names("OpenCLBackend.createProfiled(OpenCLDevice)", "device");
        names("OpenCLBackend.upload(Tensor)", "tensor");
        names("OpenCLBackend.interop(Interop,DeviceTensor[])", "body", "tensors");

        names("OpenCLRuntime.select(String)", NULLABLE);  // null picks the default device

        names("SlidingWindow.of(int[])", "tile");
        names("SlidingWindow.withOverlap(double)", (String) null);
        names("SlidingWindow.withStride(int[])", "stride");
        names("SlidingWindow.withBlend(BlendWindow)", "blend");
        names("SlidingWindow.withBatchSize(int)", (String) null);
        names("SlidingWindow.withPaddingMode(PaddingMode)", "padding_mode");
        names("SlidingWindow.positions(long[])", "image_size");
        names("SlidingWindow.apply(Tensor,Function)", "image", "model");
        names("SlidingWindow.equals(Object)", NULLABLE);
        names("Npy.read(Path)", "file");
        names("Npy.read(byte[],String)", "npy", "name");
        names("Npy.readHeader(Path)", "file");
        names("Npy.write(Path,Tensor)", "file", "tensor");
        names("Npy.write(OutputStream,Tensor)", "out", "tensor");
        names("Npy.writer(Path,DType,long[])", "file", "dtype", "shape");
        names("Npy.descr(DType)", "dtype");
        names("Npy.fileSize(DType,long[])", "dtype", "shape");
        names("Writer.append(Tensor)", "part");
        names("Writer.write(long,Tensor)", null, "part");
        names("Writer.write(long,Tensor,long,long)", null, "part", null, null);
        names("FormatException(Path,String,String,String)", "file", "field", "value", "detail");
    }

    /** The classes whose public methods are the API checked here (enums and OpenCLException aside). */
    private static final List<Class<?>> API = List.of(Tensor.class, Unfold.class, Fold.class, Window.class,
            ColumnGeometry.class, Images.class, Backend.class, OpenCLBackend.class, DeviceTensor.class,
            OpenCLRuntime.class, OpenCLDevice.class, BlendWindow.class, SlidingWindow.class, Npy.class,
            Npy.Writer.class, Npy.Header.class, Npy.FormatException.class);

    private static String signature(Executable e) {
        String params = Arrays.stream(e.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(","));
        String owner = e.getDeclaringClass().getSimpleName();
        return (e instanceof Constructor<?> ? owner : owner + "." + e.getName()) + "(" + params + ")";
    }

    /** The public methods and constructors of the API that take at least one argument. */
    private static List<Executable> publicExecutables() {
        List<Executable> all = new ArrayList<>();
        for (Class<?> c : API) {
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (Modifier.isPublic(k.getModifiers()) && k.getParameterCount() > 0) {
                    all.add(k);
                }
            }
            for (Method m : c.getDeclaredMethods()) {
                if (Modifier.isPublic(m.getModifiers()) && !m.isSynthetic() && m.getParameterCount() > 0) {
                    all.add(m);
                }
            }
        }
        return all;
    }

    @Test
    void everyPublicMethodIsInTheTable() {
        Set<String> found = new HashSet<>();
        for (Executable e : publicExecutables()) {
            String s = signature(e);
            found.add(s);
            assertTrue(NAMES.containsKey(s), "public " + s + " has no entry in NullArgumentsTest's table");
            assertEquals(e.getParameterCount(), NAMES.get(s).length, "names for " + s);
        }
        for (String s : NAMES.keySet()) {
            assertTrue(found.contains(s), s + " is in the table but not a public method");
        }
    }

    private static final Set<Class<?>> ON_A_DEVICE = Set.of(OpenCLBackend.class, DeviceTensor.class, DeviceTensor[].class,
            OpenCLDevice.class);

    /** Whether calling this method with argument {@code nullIndex} null needs an OpenCL device (for its receiver or another argument). */
    private static boolean needsOpenCL(Executable e, int nullIndex) {
        if (e instanceof Method m && !Modifier.isStatic(m.getModifiers()) && ON_A_DEVICE.contains(m.getDeclaringClass())) {
            return true;
        }
        Class<?>[] types = e.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            if (i != nullIndex && ON_A_DEVICE.contains(types[i])) {
                return true;
            }
        }
        return false;
    }

    @TestFactory
    Stream<DynamicTest> eachNullArgumentIsNamed() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Executable e : publicExecutables()) {
            String[] names = NAMES.get(signature(e));
            if (names == null) {
                continue;  // everyPublicMethodIsInTheTable fails for it
            }
            Class<?>[] types = e.getParameterTypes();
            for (int i = 0; i < types.length; i++) {
                if (types[i].isPrimitive() || names[i] == null) {
                    continue;
                }
                int nullIndex = i;
                String name = names[i];
                tests.add(DynamicTest.dynamicTest(signature(e) + " with " + (name.equals(NULLABLE) ? "argument " + i : name)
                        + " null", () -> {
                    if (needsOpenCL(e, nullIndex) && !TestBackends.openCLAvailable()) {
                        TestBackends.unavailable(OpenCLRuntime.get().unavailableReason());
                    }
                    Object[] args = new Object[types.length];
                    for (int j = 0; j < types.length; j++) {
                        args[j] = j == nullIndex ? null : sample(types[j]);
                    }
                    Throwable thrown;
                    try {
                        thrown = call(e, args);
                    } finally {
                        for (Object a : args) {
                            if (a instanceof DeviceTensor t) {
                                t.close();
                            } else if (a instanceof DeviceTensor[] ts) {
                                Arrays.stream(ts).forEach(DeviceTensor::close);
                            }
                        }
                    }
                    if (name.equals(NULLABLE)) {
                        assertFalse(thrown instanceof NullPointerException, () -> signature(e) + " accepts null but threw " + thrown);
                        return;
                    }
                    if (!(thrown instanceof NullPointerException) || !name.equals(thrown.getMessage())) {
                        fail(signature(e) + " with " + name + " null should throw NullPointerException(\"" + name
                                + "\"), but " + (thrown == null ? "returned" : "threw " + thrown), thrown);
                    }
                }));
            }
        }
        assertTrue(tests.size() > 60, "found " + tests.size() + " null arguments to check");
        return tests.stream();
    }

    /** Calls {@code e} (on a sample receiver for an instance method); what it threw, or null. */
    private static Throwable call(Executable e, Object[] args) throws Exception {
        try {
            Object result;
            Object receiver = null;
            if (e instanceof Constructor<?> k) {
                result = k.newInstance(args);
            } else {
                Method m = (Method) e;
                receiver = Modifier.isStatic(m.getModifiers()) ? null : sample(m.getDeclaringClass());
                try {
                    result = m.invoke(receiver, args);
                } finally {
                    if (receiver instanceof DeviceTensor t) {
                        t.close();
                    } else if (receiver instanceof Npy.Writer w) {
                        try {
                            w.close();
                        } catch (IllegalStateException incomplete) {
                            // expected: nothing was written; the writer deletes its file
                        }
                    }
                }
            }
            if (result instanceof AutoCloseable c && result != Backend.java()) {
                c.close();  // a backend or device tensor the call made although it should have thrown
            }
            return null;
        } catch (InvocationTargetException ite) {
            return ite.getCause();
        }
    }

    private static final Map<Class<?>, Supplier<Object>> SAMPLES = new LinkedHashMap<>();

    static {
        SAMPLES.put(int.class, () -> 2);
        SAMPLES.put(long.class, () -> 4L);
        SAMPLES.put(double.class, () -> 0.125);
        SAMPLES.put(boolean.class, () -> false);
        SAMPLES.put(float[].class, () -> new float[16]);
        SAMPLES.put(double[].class, () -> new double[16]);
        SAMPLES.put(int[].class, () -> new int[] {2, 2});
        SAMPLES.put(byte[].class, () -> new byte[16]);
        SAMPLES.put(short[].class, () -> new short[16]);
        SAMPLES.put(long[].class, () -> new long[] {1, 1, 4, 4});
        SAMPLES.put(DType.class, () -> DType.FLOAT32);
        SAMPLES.put(java.nio.FloatBuffer.class, () -> java.nio.FloatBuffer.allocate(16));
        SAMPLES.put(java.nio.DoubleBuffer.class, () -> java.nio.DoubleBuffer.allocate(16));
        SAMPLES.put(java.nio.IntBuffer.class, () -> java.nio.IntBuffer.allocate(16));
        SAMPLES.put(java.nio.ShortBuffer.class, () -> java.nio.ShortBuffer.allocate(16));
        SAMPLES.put(java.nio.ByteBuffer.class, () -> java.nio.ByteBuffer.allocate(64));
        SAMPLES.put(PaddingMode.class, () -> PaddingMode.ZEROS);
        SAMPLES.put(ImageLayout.class, () -> ImageLayout.CHANNELS_FIRST);
        SAMPLES.put(ColumnLayout.class, () -> ColumnLayout.COLUMNS);
        SAMPLES.put(FoldMode.class, () -> FoldMode.SUM);
        SAMPLES.put(Window.class, () -> Window.ofKernel(2, 2));
        SAMPLES.put(Unfold.class, () -> Unfold.of(2));
        SAMPLES.put(Fold.class, () -> Fold.of(4, 2));
        SAMPLES.put(BlendWindow.class, BlendWindow::hann);
        SAMPLES.put(Tensor.class, () -> Tensor.zeros(1, 1, 4, 4));
        SAMPLES.put(Backend.class, Backend::java);
        SAMPLES.put(SlidingWindow.class, () -> SlidingWindow.of(2, 2));
        SAMPLES.put(java.util.function.Function.class, () -> (java.util.function.Function<Tensor, Tensor>) t -> t);
        SAMPLES.put(Object.class, () -> "an object");
        SAMPLES.put(String.class, () -> "");
        SAMPLES.put(java.nio.file.Path.class, NullArgumentsTest::samplePath);
        SAMPLES.put(java.io.OutputStream.class, java.io.ByteArrayOutputStream::new);
        SAMPLES.put(Npy.Writer.class, () -> {
            try {
                return Npy.writer(samplePath(), DType.FLOAT32, 16);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        SAMPLES.put(PixelScale.class, () -> PixelScale.STORED);
        SAMPLES.put(List.class, List::of);
        SAMPLES.put(BufferedImage.class, () -> new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB));
        SAMPLES.put(cl_event.class, cl_event::new);
        SAMPLES.put(OpenCLBackend.Interop.class, () -> (OpenCLBackend.Interop<Object>) (queue, mems) -> null);
        SAMPLES.put(OpenCLBackend.class, TestBackends::openCL);
        SAMPLES.put(OpenCLDevice.class, () -> TestBackends.openCL().device());
        SAMPLES.put(OpenCLRuntime.class, OpenCLRuntime::get);
        SAMPLES.put(DeviceTensor.class, () -> TestBackends.openCL().upload(Tensor.zeros(1, 1, 4, 4)));
        SAMPLES.put(DeviceTensor[].class, () -> new DeviceTensor[] {TestBackends.openCL().upload(Tensor.zeros(1, 1, 4, 4))});
    }

    /** A file to write in a new temporary folder, deleted at exit if empty (a refused call writes nothing). */
    private static java.nio.file.Path samplePath() {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("unfold4j-null-arguments");
            dir.toFile().deleteOnExit();
            return dir.resolve("sample.npy");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Object sample(Class<?> type) {
        Supplier<Object> s = SAMPLES.get(type);
        if (s == null) {
            throw new AssertionError("no sample value of " + type.getName() + " in NullArgumentsTest");
        }
        return s.get();
    }

    /** An element of a vararg of references: interop's tensors. */
    @Test
    void aNullTensorAmongInteropsTensorsIsNamed() {
        OpenCLBackend cl = TestBackends.openCL();
        try (DeviceTensor t = cl.upload(Tensor.zeros(1, 2))) {
            NullPointerException e = org.junit.jupiter.api.Assertions.assertThrows(NullPointerException.class,
                    () -> cl.interop((q, m) -> null, t, null));
            assertEquals("tensors[1]", e.getMessage());
        }
    }
}
