package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.unfold4j.*; // the README's first line; redundant in this package, kept so that it is compiled too

/**
 * The Java code of {@code README.md}, compiled and run on small data, its results checked: on the
 * default backend as the README writes it, and on every backend of {@link TestBackends} through
 * {@code apply(..., backend)}.
 *
 * <p>Note [README in sync]: {@link #everyReadmeCodeLineIsCompiledHere()} reads the README's
 * {@code java} blocks and fails unless each of their code lines (comments and spacing aside)
 * appears in this file. Change a README snippet, and this test asks for the same line here, where
 * the compiler and the assertions see it. The snippets below keep the README's line breaks.
 *
 * <p>Note [README as one method]: a reader pastes the README's snippets one after another, so
 * {@link #readmeJavaBlocksCompileAsOneMethod()} compiles them that way, with javac on the library's
 * classes: every {@code java} block in order, in one method body, their imports hoisted above the
 * class. A name defined twice, a missing import or a call that no longer exists fails it, where
 * the line check above, which sees each snippet on its own, would pass. The inputs the README
 * leaves to the reader (its own data: {@link #README_INPUTS}) are the method's parameters; the
 * method may throw IOException, as a reader's method that reads image files would.
 */
class ReadmeExamplesTest {
    /** Relative to the repository root, Maven's working directory for tests. */
    static final Path README = Path.of("README.md");
    static final Path THIS_FILE = Path.of("src", "test", "java", "org", "unfold4j", "ReadmeExamplesTest.java");

    /** Small integers, so that sums and means are exact and results can be compared bit for bit. */
    private static float[] integers(int count, int modulus) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (i * 7 % modulus) - modulus / 2;
        }
        return values;
    }

    @TestFactory
    Stream<DynamicTest> quickstart() {
        return PerBackend.tests("README quickstart: unfold, fold, fold mean, vit, conv", backend -> {
            float[] pixels = new float[2 * 5 * 3 * 4];              // 2 images, 5 channels, 3 × 4 pixels
            System.arraycopy(integers(pixels.length, 251), 0, pixels, 0, pixels.length);
            Tensor image = Tensor.of(pixels, 2, 5, 3, 4);           // [N, C, H, W], row-major; wraps, no copy
            Tensor cols  = Unfold.of(2, 3).apply(image);            // [2, 30, 4]: nn.Unfold(kernel_size=(2, 3))
            Tensor back  = Fold.of(3, 4, 2, 3).apply(cols);         // [2, 5, 3, 4]: overlaps summed
            Tensor same  = Fold.of(3, 4, 2, 3).withMode(FoldMode.MEAN).apply(cols);  // overlaps averaged: the image again

            Case g = Case.of2d(true, 2, 5, 3, 4, 2, 3, 1, 1, 0, 0, 1, 1);
            assertArrayEquals(new long[] {2, 30, 4}, cols.shape(), "unfold shape");
            assertArrayEquals(Reference.unfold(g, pixels), cols.toFloatArray(), "unfold values");
            int[] coverage = Reference.coverage(g);
            float[] summed = new float[pixels.length];
            for (int i = 0; i < pixels.length; i++) {
                summed[i] = pixels[i] * coverage[i % (3 * 4)];
            }
            assertArrayEquals(new long[] {2, 5, 3, 4}, back.shape(), "fold shape");
            assertArrayEquals(summed, back.toFloatArray(), "fold: each pixel times the windows covering it");
            assertEquals(image, same, "fold mean of the unfold is the image");

            assertEquals(cols, Unfold.of(2, 3).apply(image, backend), "unfold on " + backend);
            assertEquals(back, Fold.of(3, 4, 2, 3).apply(cols, backend), "fold on " + backend);
            assertEquals(same, Fold.of(3, 4, 2, 3).withMode(FoldMode.MEAN).apply(cols, backend), "fold mean on " + backend);

            Unfold vit = Unfold.of(16).withStride(16);              // patchify: non-overlapping, exact round trip
            Unfold conv = Unfold.of(3).withPadding(1).withDilation(2).withStride(1, 2);

            float[] values = integers(3 * 32 * 48, 255);
            Tensor picture = Tensor.of(values, 1, 3, 32, 48);
            Tensor patches = vit.apply(picture, backend);
            assertArrayEquals(new long[] {1, 3 * 16 * 16, 2 * 3}, patches.shape(), "vit patches");
            assertEquals(picture, Fold.of(32, 48, 16, 16).withStride(16).apply(patches, backend), "vit round trip");
            Case cg = Case.of2d(true, 1, 3, 32, 48, 3, 3, 2, 2, 1, 1, 1, 2);
            assertArrayEquals(Reference.unfold(cg, values), conv.apply(picture, backend).toFloatArray(), "conv columns");

            // "To reuse an output buffer, pass it".
            Unfold unfold = Unfold.of(2, 3);
            Tensor input = image;
            Tensor output = Tensor.zeros(2, 30, 4);
            unfold.apply(input, output, backend);
            assertEquals(cols, output, "unfold into an output argument");
            // An output of other contents (not zeros, which a skipped write would keep) is overwritten too.
            Tensor reused = Tensor.of(new float[2 * 30 * 4], 2, 30, 4);
            unfold.apply(Tensor.of(integers(2 * 5 * 3 * 4, 7), image.shape()), reused, backend);
            unfold.apply(input, reused, backend);
            TensorAssert.assertTensorEquals(cols, reused, "unfold into a reused output");
        });
    }

    @Test
    void deviceResidentChaining() {
        TestBackends.openCL(); // skips with the reason where there is no OpenCL (fails where it is required)
        Tensor image = Tensor.of(integers(2 * 5 * 3 * 4, 251), 2, 5, 3, 4);
        Tensor expected = Fold.of(3, 4, 2, 3).apply(Unfold.of(2, 3).apply(image, Backend.java()), Backend.java());

        try (OpenCLBackend gpu = Backend.openCL();
             DeviceTensor x = gpu.upload(image);
             DeviceTensor c = Unfold.of(2, 3).apply(x);
             DeviceTensor y = Fold.of(3, 4, 2, 3).apply(c)) {
            Tensor result = y.download();
            assertEquals(expected, result, "unfold then fold on the device");

            // "gpu.interop((queue, buffers) -> ..., c, y)": the buffers of both tensors, once computed.
            int buffers = gpu.interop((queue, mems) -> mems.length, c, y);
            assertEquals(2, buffers, "interop hands over one buffer per tensor");
            assertEquals(3, gpu.openTensorCount(), "x, c and y are open until the try block ends");
        }
    }

    @Test
    void tiledInference() {
        SlidingWindow tiling = SlidingWindow.of(256, 256)    // tile size, one per spatial dimension (1-D, 2-D, 3-D)
                .withOverlap(0.25)                           // a quarter of the tile: stride 192
                .withBlend(BlendWindow.gaussian(0.125))      // nnU-Net's importance map; the default is constant (the mean)
                .withBatchSize(8)                            // at most 8 tiles per model call
                .withPaddingMode(PaddingMode.REFLECT);       // how tiles reaching past the image are filled
        float[] sceneData = new float[3 * 600 * 900];        // your image, [C, H, W] (or a batch [N, C, H, W])
        java.util.Random random = new java.util.Random(13);
        for (int i = 0; i < sceneData.length; i++) {
            sceneData[i] = random.nextFloat();
        }
        Tensor scene = Tensor.of(sceneData, 3, 600, 900);
        int[] calls = {0};
        Tensor stitched = tiling.apply(scene, tiles -> tiles);  // your model in place of the identity: [B, C, 256, 256] in, [B, C', 256, 256] out
        int tileCount = tiling.positions(600, 900).size();   // 3 × 5 tiles, origins in the order the model sees them

        assertEquals(scene, stitched, "the identity model gives the scene back, bit for bit");
        assertEquals(15, tileCount, "3 × 5 tiles");
        assertArrayEquals(new int[] {192, 192}, tiling.stride(), "overlap 0.25 of 256");
        tiling.apply(scene, tiles -> {
            assertTrue(tiles.shape()[0] <= 8, "at most 8 tiles per call");
            calls[0]++;
            return tiles;
        });
        assertEquals(2, calls[0], "15 tiles in calls of at most 8");
    }

    @TestFactory
    Stream<DynamicTest> beyondFUnfold() {
        return PerBackend.tests("README beyond F.unfold: 1-D, 3-D, reflect, mean, channels-last, uint8", backend -> {
            Tensor signal = Tensor.of(integers(2 * 3 * 20, 101), 2, 3, 20);
            Tensor volume = Tensor.of(integers(16 * 32 * 32, 13), 1, 1, 16, 32, 32);

            // 1-D and 3-D windows: one Window value per spatial dimension.
            Tensor cols1d = Unfold.of(Window.ofKernel(5)).withStride(2).apply(signal);          // [N, C, W]
            Tensor cols3d = Unfold.of(Window.ofKernel(3, 3, 3)).withPadding(1).apply(volume);   // [N, C, D, H, W]
            Tensor vol    = Fold.of(new long[] {16, 32, 32}, Window.ofKernel(3, 3, 3)).withPadding(1).apply(cols3d);

            assertArrayEquals(new long[] {2, 3 * 5, 8}, cols1d.shape(), "1-D columns");
            for (int n = 0; n < 2; n++) {
                for (int c = 0; c < 3; c++) {
                    for (int k = 0; k < 5; k++) {
                        for (int l = 0; l < 8; l++) {
                            assertEquals(signal.getDouble((n * 3 + c) * 20 + 2 * l + k),
                                    cols1d.getDouble(((n * 3 + c) * 5 + k) * 8 + l), "1-D column value");
                        }
                    }
                }
            }
            assertArrayEquals(new long[] {1, 27, 16 * 32 * 32}, cols3d.shape(), "3-D columns");
            assertArrayEquals(volume.shape(), vol.shape(), "3-D fold shape");
            for (int z = 0; z < 16; z++) {
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        int i = (z * 32 + y) * 32 + x;
                        int windows = covering(z, 16) * covering(y, 32) * covering(x, 32);
                        assertEquals(volume.getDouble(i) * windows, vol.getDouble(i), "3-D fold at " + i);
                    }
                }
            }
            assertEquals(cols3d, Unfold.of(Window.ofKernel(3, 3, 3)).withPadding(1).apply(volume, backend));
            assertEquals(vol, Fold.of(new long[] {16, 32, 32}, Window.ofKernel(3, 3, 3)).withPadding(1)
                    .apply(cols3d, backend));

            // Padding modes, read directly by the kernels (no padded copy): F.pad's zeros, reflect, replicate, circular.
            Unfold reflect = Unfold.of(3).withPadding(1).withPaddingMode(PaddingMode.REFLECT);

            Tensor grid = Tensor.of(integers(16, 16), 1, 1, 4, 4);
            Tensor reflected = reflect.apply(grid, backend);
            assertArrayEquals(new long[] {1, 9, 16}, reflected.shape(), "reflect columns");
            int[][] firstWindow = {{1, 1}, {1, 0}, {1, 1}, {0, 1}, {0, 0}, {0, 1}, {1, 1}, {1, 0}, {1, 1}};
            for (int k = 0; k < 9; k++) {
                assertEquals(grid.getDouble(firstWindow[k][0] * 4 + firstWindow[k][1]), reflected.getDouble(k * 16L),
                        "the top-left window mirrors row 1 and column 1 into the padding, offset " + k);
            }

            // Fold mean: each pixel divided by the number of windows covering it, in the same pass.
            // fold_mean(unfold(x)) gives x back wherever the windows cover x: stitching overlapping tiles.
            Fold stitch = Fold.of(512, 512, 64, 64).withStride(32).withMode(FoldMode.MEAN);

            Tensor large = Tensor.of(integers(512 * 512, 255), 1, 1, 512, 512);
            Tensor tiles = Unfold.of(64).withStride(32).apply(large, backend);
            assertEquals(large, stitch.apply(tiles, backend), "the stitched tiles are the image");

            // Channels-last input [N, H, W, C] and patch-major output [N, L, K·C] (TensorFlow's extract_patches order).
            Unfold tf = Unfold.of(16).withStride(16)
                    .withImageLayout(ImageLayout.CHANNELS_LAST).withColumnLayout(ColumnLayout.PATCHES);

            BufferedImage bufferedImage = new BufferedImage(48, 32, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 48; x++) {
                    bufferedImage.setRGB(x, y, (x * 5) << 16 | (y * 7) << 8 | ((x + y) * 3 & 0xff));
                }
            }

            // Types: unfold copies float32, float64, uint8, int32, float16 and bfloat16 exactly; fold sums the float types.
            Tensor photo   = Images.toTensor(bufferedImage);      // uint8 [H, W, 3] RGB; [H, W, 1] for gray, int32 for 16-bit
            Tensor patches = tf.apply(photo);                     // uint8 patches, no conversion to float
            BufferedImage copy = Images.toBufferedImage(photo);   // the same samples, as an image again

            assertEquals(DType.UINT8, patches.dtype(), "patches keep the type");
            assertArrayEquals(new long[] {2 * 3, 16 * 16 * 3}, patches.shape(), "[L, K·C] for an unbatched image");
            for (int l = 0; l < 6; l++) {
                for (int k = 0; k < 256; k++) {
                    int x = l % 3 * 16 + k % 16, y = l / 3 * 16 + k / 16;
                    int rgb = bufferedImage.getRGB(x, y);
                    for (int c = 0; c < 3; c++) {
                        assertEquals(rgb >> (16 - 8 * c) & 0xff, (int) patches.getDouble((l * 256L + k) * 3 + c),
                                "patch " + l + ", offset " + k + ", channel " + c);
                    }
                }
            }
            assertEquals(patches, tf.apply(photo, backend), "uint8 patches on " + backend);
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 48; x++) {
                    assertEquals(bufferedImage.getRGB(x, y), copy.getRGB(x, y), "pixel " + x + ", " + y);
                }
            }
        });
    }

    /**
     * "Data in and out": the consumer program of issue 12, run on images.npy, which NumPy wrote
     * ({@code src/test/resources/npy/make.py}), its columns.npy read back and checked.
     */
    @Test
    void npyInUnfoldNpyOut(@TempDir Path dir) throws IOException {
        Path written = dir.resolve("columns.npy");
        String[] args = {NpyTest.fixture("images.npy").toString(), written.toString()};

        Tensor images  = Npy.read(Path.of(args[0]));                // np.save(args[0], x): float32 [N, C, H, W]
        Tensor columns = Unfold.of(3).withPadding(1).apply(images); // [N, C·9, H·W]
        Npy.write(Path.of(args[1]), columns);                       // np.load(args[1]) gives the columns

        float[] values = new float[2 * 3 * 4 * 5];
        for (int i = 0; i < values.length; i++) {
            values[i] = i % 17 - 8; // what make.py saved
        }
        assertEquals(Tensor.of(values, 2, 3, 4, 5), images, "images.npy as NumPy wrote it");
        Tensor back = Npy.read(written);
        assertArrayEquals(new long[] {2, 27, 20}, back.shape(), "columns.npy's shape");
        assertArrayEquals(Reference.unfold(Case.of2d(true, 2, 3, 4, 5, 3, 3, 1, 1, 1, 1, 1, 1), values),
                back.toFloatArray(), "columns.npy's values");
        assertEquals("<f4", Npy.readHeader(written).descr());
    }

    @Test
    void dataInAndOut(@TempDir Path dir) throws Exception {
        Path photoFile = dir.resolve("photo.png");
        List<Path> frameFiles = List.of(dir.resolve("0001.png"), dir.resolve("0002.png"));
        BufferedImage[] written = new BufferedImage[3];
        for (int i = 0; i < 3; i++) {
            written[i] = new BufferedImage(20, 12, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 12; y++) {
                for (int x = 0; x < 20; x++) {
                    written[i].setRGB(x, y, (x * 11 + i) << 16 | (y * 13) << 8 | (x * y + 7 * i) & 0xff);
                }
            }
            assertTrue(javax.imageio.ImageIO.write(written[i], "png", (i == 0 ? photoFile : frameFiles.get(i - 1)).toFile()));
        }

        Tensor stored = Images.read(photoFile);                    // [C, H, W] uint8 (int32 for 16-bit files)
        Tensor frames = Images.readBatch(frameFiles, ImageLayout.CHANNELS_FIRST, DType.FLOAT32, PixelScale.UNIT);
        ExecutorService executor = Executors.newFixedThreadPool(4);
        Tensor kept = null;
        try (Backend pooled = Backend.java(executor)) {            // closing it leaves the executor running
            Tensor frameColumns = Unfold.of(3).withPadding(1).apply(frames, pooled);   // [N, C·9, H·W]
            kept = frameColumns;
        }
        assertFalse(executor.isShutdown(), "closing the backend leaves the executor running");
        executor.shutdown();

        assertArrayEquals(new long[] {3, 12, 20}, stored.shape());
        assertEquals(DType.UINT8, stored.dtype());
        assertArrayEquals(new long[] {2, 3, 12, 20}, frames.shape());
        for (int n = 0; n < 2; n++) {
            for (int y = 0; y < 12; y++) {
                for (int x = 0; x < 20; x++) {
                    int rgb = written[n + 1].getRGB(x, y);
                    for (int c = 0; c < 3; c++) {
                        assertEquals((rgb >> (16 - 8 * c) & 0xff) / 255f, (float) frames.getDouble(((n * 3 + c) * 12 + y) * 20 + x),
                                "frame " + n + ", channel " + c + " at " + x + ", " + y);
                    }
                    if (n == 0) {
                        int photo = written[0].getRGB(x, y);
                        assertEquals(photo >> 16 & 0xff, (int) stored.getDouble(y * 20 + x), "photo red at " + x + ", " + y);
                    }
                }
            }
        }
        assertEquals(Unfold.of(3).withPadding(1).apply(frames, Backend.java()), kept, "the columns of the frames");
    }

    @TestFactory
    Stream<DynamicTest> blendingTiles() {
        return PerBackend.tests("README blending tiles: gaussian, explicit weights, max", backend -> {
            Tensor picture = Tensor.of(integers(3 * 512 * 512, 255), 1, 3, 512, 512);

            // Weighted fold: a gaussian window over each 64×64 tile (σ = 0.125·64), one pass over the columns.
            Tensor tileCols = Unfold.of(64).withStride(32).apply(picture);         // [N, C·64·64, 225] overlapping tiles
            Fold gaussian = Fold.of(512, 512, 64, 64).withStride(32).withBlend(BlendWindow.gaussian(0.125));
            Tensor blended = gaussian.apply(tileCols);                             // [N, C, 512, 512]

            assertArrayEquals(new long[] {1, 3 * 64 * 64, 225}, tileCols.shape(), "tile columns");
            // Tiles that agree blend into the picture again (a weighted mean of equal values).
            Reference.assertClose(picture.toDoubleArray(), blended, 1e-5, "blended tiles");
            Reference.assertSameBits(blended, gaussian.apply(tileCols, backend), "gaussian on " + backend);

            // Weights of your own: float32, the kernel's shape, finite and non-negative.
            Tensor taps = Tensor.of(new float[] {1, 2, 1, 2, 4, 2, 1, 2, 1}, 3, 3);
            Fold weighted = Fold.of(512, 512, 3, 3).withWeights(taps);

            Tensor small = Unfold.of(3).apply(picture, backend);
            Reference.assertClose(picture.toDoubleArray(), weighted.apply(small, backend), 1e-5, "explicit weights");

            // Max: the largest value landing on each pixel (NaN propagates; uint8 and int32 too).
            Tensor brightest = Fold.of(512, 512, 64, 64).withStride(32).withMode(FoldMode.MAX).apply(tileCols);

            assertEquals(picture, brightest, "the max of agreeing tiles is the picture");
            assertEquals(brightest, Fold.of(512, 512, 64, 64).withStride(32).withMode(FoldMode.MAX).apply(tileCols, backend));
        });
    }

    @TestFactory
    Stream<DynamicTest> sixteenBitFloats() {
        return PerBackend.tests("README 16-bit floats", backend -> {
            // float16 and bfloat16: 16-bit floats as their bits in a short[].
            Tensor half = Tensor.float16Of(new float[] {0.1f, 1, 2, 3, 4, 5}, 1, 1, 2, 3);  // each rounded to nearest even
            Tensor halfCols = Unfold.of(2).apply(half);                  // float16 [1, 4, 2]: the bits copied
            Tensor halfBack = Fold.of(2, 3, 2, 2).apply(halfCols);       // summed in float32, rounded once to float16
            short[] halfBits = halfBack.toShortArray();                  // IEEE binary16 bits, as np.float16 stores them
            Tensor brain = Tensor.ofBFloat16(new short[] {0x3f80, 0x4049}, 2);  // wraps bfloat16 bits: 1.0, 3.140625

            assertEquals((short) 0x2e66, half.toShortArray()[0], "0.1 as float16 (np.float16(0.1))");
            assertArrayEquals(new long[] {1, 4, 2}, halfCols.shape());
            assertEquals(DType.FLOAT16, halfCols.dtype());
            // The middle column is covered twice: 2 × value; the corners once.
            assertArrayEquals(new float[] {(float) half.getDouble(0), 2, 2, 3, 8, 5}, halfBack.toFloatArray());
            assertEquals(6, halfBits.length);
            assertArrayEquals(new float[] {1f, 3.140625f}, brain.toFloatArray());
            assertEquals(halfCols, Unfold.of(2).apply(half, backend), "unfold on " + backend);
            assertEquals(halfBack, Fold.of(2, 3, 2, 2).apply(halfCols, backend), "fold on " + backend);
        });
    }

    /** How many windows of kernel 3, padding 1, stride 1 cover position {@code p} of {@code size}. */
    private static int covering(int p, int size) {
        return p == 0 || p == size - 1 ? 2 : 3;
    }

    @Test
    void everyReadmeCodeLineIsCompiledHere() throws IOException {
        List<List<String>> blocks = javaBlocks(Files.readAllLines(README, StandardCharsets.UTF_8));
        Set<String> here = Files.readAllLines(THIS_FILE, StandardCharsets.UTF_8).stream()
                .map(ReadmeExamplesTest::code).collect(Collectors.toSet());
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (List<String> block : blocks) {
            for (String line : block) {
                String code = code(line);
                if (!code.isEmpty()) {
                    checked++;
                    if (!here.contains(code)) {
                        missing.add(code);
                    }
                }
            }
        }
        assertTrue(blocks.size() >= 3, "README.md should have its quickstart, device-chaining and beyond-F.unfold "
                + "java blocks, found " + blocks.size());
        assertTrue(checked >= 20, "expected at least 20 code lines in README.md's java blocks, found " + checked);
        assertTrue(missing.isEmpty(), "lines of README.md's java blocks that " + THIS_FILE + " does not compile; "
                + "copy them there and check their results: " + missing);
    }

    /** What the README's snippets use but leave to the reader to make: its own data, a program's arguments. */
    static final String README_INPUTS =
            "org.unfold4j.Tensor signal, org.unfold4j.Tensor volume, java.awt.image.BufferedImage bufferedImage, "
                    + "String[] args, java.nio.file.Path photoFile, java.util.List<java.nio.file.Path> frameFiles, "
                    + "org.unfold4j.Tensor picture";

    @Test
    void readmeJavaBlocksCompileAsOneMethod(@TempDir Path classes) throws IOException {
        String source = asOneMethod(javaBlocks(Files.readAllLines(README, StandardCharsets.UTF_8)));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "compiling README.md's snippets needs a JDK's javac, not a JRE");
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///ReadmeSnippets.java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        // The tests run on the class path (surefire's useModulePath=false), which holds the library's classes.
        List<String> options = List.of("-classpath", System.getProperty("java.class.path"),
                "-d", classes.toString(), "-proc:none", "-encoding", "UTF-8");
        boolean compiled = javac.getTask(null, null, diagnostics, options, null, List.of(file)).call();
        List<String> errors = diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .map(d -> "line " + d.getLineNumber() + ": " + d.getMessage(null))
                .collect(Collectors.toList());
        assertTrue(compiled && errors.isEmpty(), "README.md's java blocks, pasted into one method, do not compile: "
                + errors + "\n" + numbered(source));
    }

    /** The blocks as one compilation unit: their imports first, the rest in order in one method body. */
    static String asOneMethod(List<List<String>> blocks) {
        Set<String> imports = new LinkedHashSet<>();
        StringBuilder body = new StringBuilder();
        for (List<String> block : blocks) {
            for (String line : block) {
                if (line.strip().startsWith("import ")) {
                    imports.add(line.strip());
                } else {
                    body.append("        ").append(line).append('\n');
                }
            }
        }
        return String.join("\n", imports) + "\n\n"
                + "class ReadmeSnippets {\n"
                + "    static void readme(" + README_INPUTS + ") throws java.io.IOException {\n"
                + body
                + "    }\n"
                + "}\n";
    }

    private static String numbered(String source) {
        String[] lines = source.split("\n", -1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            out.append(String.format("%4d  %s%n", i + 1, lines[i]));
        }
        return out.toString();
    }

    /** The lines of each {@code ```java} block. */
    static List<List<String>> javaBlocks(List<String> markdown) {
        List<List<String>> blocks = new ArrayList<>();
        List<String> current = null;
        for (String line : markdown) {
            String t = line.strip();
            if (current == null && t.equals("```java")) {
                current = new ArrayList<>();
            } else if (current != null && t.startsWith("```")) {
                blocks.add(current);
                current = null;
            } else if (current != null) {
                current.add(line);
            }
        }
        return blocks;
    }

    /** A line without its {@code //} comment, its runs of spaces collapsed. */
    static String code(String line) {
        int comment = line.indexOf("//");
        return (comment >= 0 ? line.substring(0, comment) : line).strip().replaceAll("\\s+", " ");
    }
}
