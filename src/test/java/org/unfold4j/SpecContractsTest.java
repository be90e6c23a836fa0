package org.unfold4j;

import org.unfold4j.internal.geometry.Axis;

import org.unfold4j.internal.PlanCache;
import org.unfold4j.internal.geometry.SharedRules;
import org.unfold4j.internal.geometry.View;
import org.unfold4j.internal.opencl.ClTypes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The value contracts of the specs, the geometry and the element types: equals / hashCode /
 * toString, the accessors, the names that parse back, and the geometry's derived views (batch
 * slices, planes, column order, the 32-bit index test). Each expected value is written out, not
 * computed by the code under test, so that a changed accessor or a dropped field in equals fails
 * here (PIT's mutants of these methods are killed by this class: docs/pit-survivors.md).
 */
class SpecContractsTest {

    // ---- DType and the small enums ----

    @Test
    void dtypePropertiesAreThoseOfTheirJavaAndOpenCLTypes() {
        assertEquals(4, DType.FLOAT32.bytes());
        assertEquals(8, DType.FLOAT64.bytes());
        assertEquals(1, DType.UINT8.bytes());
        assertEquals(4, DType.INT32.bytes());
        assertTrue(DType.FLOAT32.isFloatingPoint());
        assertTrue(DType.FLOAT64.isFloatingPoint());
        assertFalse(DType.UINT8.isFloatingPoint());
        assertFalse(DType.INT32.isFloatingPoint());
        assertEquals("float", ClTypes.of(DType.FLOAT32).openCLType());
        assertEquals("double", ClTypes.of(DType.FLOAT64).openCLType());
        assertEquals("uchar", ClTypes.of(DType.UINT8).openCLType());
        assertEquals("int", ClTypes.of(DType.INT32).openCLType());
        assertEquals("ushort", ClTypes.of(DType.FLOAT16).openCLType());
        assertEquals("ushort", ClTypes.of(DType.BFLOAT16).openCLType());
        assertTrue(DType.FLOAT16.isFloatingPoint() && DType.BFLOAT16.isFloatingPoint());
        assertEquals(List.of("float32", "float64", "uint8", "int32", "float16", "bfloat16"),
                List.of(DType.FLOAT32.toString(), DType.FLOAT64.toString(), DType.UINT8.toString(),
                        DType.INT32.toString(), DType.FLOAT16.toString(), DType.BFLOAT16.toString()));
        for (DType t : DType.values()) {
            assertSame(t, DType.parse(t.toString()));
            assertSame(t, DType.parse(t.toString().toUpperCase(java.util.Locale.ROOT)));
            assertSame(t, DType.parse(t.name()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DType.parse("float8"));
        assertEquals("dtype must be float32, float64, uint8, int32, float16 or bfloat16, but got 'float8'", e.getMessage());
    }

    @Test
    void layoutAndModeNamesParseBackIgnoringCase() {
        assertEquals("columns", ColumnLayout.COLUMNS.toString());
        assertEquals("patches", ColumnLayout.PATCHES.toString());
        assertSame(ColumnLayout.PATCHES, ColumnLayout.parse("Patches"));
        assertSame(ColumnLayout.COLUMNS, ColumnLayout.parse("COLUMNS"));
        assertEquals("output_layout must be columns or patches, but got 'rows'",
                assertThrows(IllegalArgumentException.class, () -> ColumnLayout.parse("rows")).getMessage());

        assertEquals("sum", FoldMode.SUM.toString());
        assertEquals("mean", FoldMode.MEAN.toString());
        assertSame(FoldMode.MEAN, FoldMode.parse("Mean"));
        assertSame(FoldMode.SUM, FoldMode.parse("SUM"));
        assertSame(FoldMode.WEIGHTED, FoldMode.parse("Weighted"));
        assertSame(FoldMode.MAX, FoldMode.parse("max"));
        assertEquals("fold mode must be sum, mean, weighted or max, but got 'median'",
                assertThrows(IllegalArgumentException.class, () -> FoldMode.parse("median")).getMessage());

        assertEquals("nchw", ImageLayout.CHANNELS_FIRST.toString());
        assertEquals("nhwc", ImageLayout.CHANNELS_LAST.toString());
        assertSame(ImageLayout.CHANNELS_LAST, ImageLayout.parse("NHWC"));
        assertSame(ImageLayout.CHANNELS_LAST, ImageLayout.parse("channels_last"));
        assertSame(ImageLayout.CHANNELS_FIRST, ImageLayout.parse("nchw"));
        assertThrows(IllegalArgumentException.class, () -> ImageLayout.parse("chw"));

        for (PaddingMode m : PaddingMode.values()) {
            assertSame(m, PaddingMode.parse(m.toString().toUpperCase(java.util.Locale.ROOT)));
        }
        assertEquals("reflect", PaddingMode.REFLECT.toString());
        assertThrows(IllegalArgumentException.class, () -> PaddingMode.parse("mirror"));
    }

    // ---- Window ----

    @Test
    void windowEqualityUsesEveryParameter() {
        Window w = new Window(3, 2, 1, 2, 1, 0, 2, 1);
        assertEquals(w, new Window(3, 2, 1, 2, 1, 0, 2, 1));
        assertEquals(w.hashCode(), new Window(3, 2, 1, 2, 1, 0, 2, 1).hashCode());
        assertNotEquals(w, new Window(3, 3, 1, 2, 1, 0, 2, 1));   // kernel
        assertNotEquals(w, new Window(3, 2, 1, 1, 1, 0, 2, 1));   // dilation
        assertNotEquals(w, new Window(3, 2, 1, 2, 0, 0, 2, 1));   // padding
        assertNotEquals(w, new Window(3, 2, 1, 2, 1, 0, 2, 2));   // stride
        assertNotEquals(w, Window.ofKernel(3, 2, 1));             // rank
        assertNotEquals(w, "Window");
        assertNotEquals(w, null);
        assertEquals("Window[kernel_size=(3, 2), dilation=(1, 2), padding=(1, 0), stride=(2, 1)]", w.toString());
    }

    @Test
    void windowAccessorsGiveEachParameterAndCopies() {
        Window w = Window.of(new int[] {2, 3, 4}, new int[] {1, 2, 3}, new int[] {0, 1, 2}, new int[] {3, 2, 1});
        assertEquals(3, w.rank());
        assertArrayEquals(new int[] {2, 3, 4}, w.kernel());
        assertArrayEquals(new int[] {1, 2, 3}, w.dilation());
        assertArrayEquals(new int[] {0, 1, 2}, w.padding());
        assertArrayEquals(new int[] {3, 2, 1}, w.stride());
        assertEquals(3, w.kernel(1));
        assertEquals(3, w.dilation(2));
        assertEquals(1, w.padding(1));
        assertEquals(3, w.stride(0));
        // H and W are the last two dimensions.
        assertEquals(List.of(3, 4, 2, 3, 1, 2, 2, 1),
                List.of(w.kernelH(), w.kernelW(), w.dilationH(), w.dilationW(), w.paddingH(), w.paddingW(),
                        w.strideH(), w.strideW()));
        assertEquals(24, w.kernelVolume());
        w.kernel()[0] = 99;
        w.stride()[0] = 99;
        assertEquals(2, w.kernel(0));
        assertEquals(3, w.stride(0));
        // A 1-D window has height 1 (kernel, dilation, stride) and no height padding.
        Window one = Window.ofKernel(5).withDilation(2).withPadding(3).withStride(4);
        assertEquals(List.of(1, 5, 1, 2, 0, 3, 1, 4),
                List.of(one.kernelH(), one.kernelW(), one.dilationH(), one.dilationW(), one.paddingH(),
                        one.paddingW(), one.strideH(), one.strideW()));
    }

    // ---- Unfold and Fold ----

    @Test
    void unfoldEqualityUsesEveryField() {
        Unfold u = Unfold.of(3, 2).withPadding(1);  // one value for every dimension
        assertEquals(u, Unfold.of(3, 2).withPadding(1));
        assertEquals(u.hashCode(), Unfold.of(3, 2).withPadding(1).hashCode());
        assertNotEquals(u, Unfold.of(3, 2));
        assertNotEquals(u, u.withPaddingMode(PaddingMode.REFLECT));
        assertNotEquals(u, u.withImageLayout(ImageLayout.CHANNELS_LAST));
        assertNotEquals(u, u.withColumnLayout(ColumnLayout.PATCHES));
        assertNotEquals(u, u.window());
        assertNotEquals(u, null);
        assertEquals(Window.ofKernel(3, 2).withPadding(1, 1), u.window());
        assertSame(PaddingMode.ZEROS, u.paddingMode());
        assertSame(ImageLayout.CHANNELS_FIRST, u.imageLayout());
        assertSame(ColumnLayout.COLUMNS, u.columnLayout());
        assertSame(PaddingMode.CIRCULAR, u.withPaddingMode(PaddingMode.CIRCULAR).paddingMode());
        assertSame(ImageLayout.CHANNELS_LAST, u.withImageLayout(ImageLayout.CHANNELS_LAST).imageLayout());
        assertSame(ColumnLayout.PATCHES, u.withColumnLayout(ColumnLayout.PATCHES).columnLayout());
        assertEquals("Unfold[kernel_size=(3, 2), dilation=(1, 1), padding=(1, 1), stride=(1, 1), "
                + "padding_mode=zeros, layout=nchw, output_layout=columns]", u.toString());
    }

    @Test
    void foldEqualityUsesEveryField() {
        Fold f = Fold.of(6, 5, 3, 2).withStride(1, 2);
        assertEquals(f, Fold.of(6, 5, 3, 2).withStride(1, 2));
        assertEquals(f.hashCode(), Fold.of(6, 5, 3, 2).withStride(1, 2).hashCode());
        assertNotEquals(f, Fold.of(6, 6, 3, 2).withStride(1, 2));  // output size
        assertNotEquals(f, Fold.of(6, 5, 3, 2));                   // window
        assertNotEquals(f, f.withMode(FoldMode.MEAN));
        assertNotEquals(f, f.withImageLayout(ImageLayout.CHANNELS_LAST));
        assertNotEquals(f, f.withColumnLayout(ColumnLayout.PATCHES));
        assertNotEquals(f, f.window());
        assertNotEquals(f, null);
        assertArrayEquals(new long[] {6, 5}, f.outputSize());
        f.outputSize()[0] = 99;
        assertArrayEquals(new long[] {6, 5}, f.outputSize());
        assertEquals(6, f.outputH());
        assertEquals(5, f.outputW());
        assertEquals(Window.ofKernel(3, 2).withStride(1, 2), f.window());
        assertSame(FoldMode.SUM, f.mode());
        assertSame(FoldMode.MEAN, f.withMode(FoldMode.MEAN).mode());
        assertSame(ImageLayout.CHANNELS_FIRST, f.imageLayout());
        assertSame(ImageLayout.CHANNELS_LAST, f.withImageLayout(ImageLayout.CHANNELS_LAST).imageLayout());
        assertSame(ColumnLayout.COLUMNS, f.columnLayout());
        assertSame(ColumnLayout.PATCHES, f.withColumnLayout(ColumnLayout.PATCHES).columnLayout());
        assertSame(f, f.withPaddingMode(PaddingMode.ZEROS));
        assertEquals("Fold[output_size=(6, 5), kernel_size=(3, 2), dilation=(1, 1), padding=(0, 0), "
                + "stride=(1, 2), mode=sum, layout=nchw, input_layout=columns]", f.toString());
        // A 1-D fold's height is 1.
        Fold line = Fold.of(new long[] {7}, Window.ofKernel(2));
        assertEquals(1, line.outputH());
        assertEquals(7, line.outputW());
    }

    // ---- Tensor ----

    @Test
    void tensorAccessorsAndToString() {
        Tensor t = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertArrayEquals(new long[] {2, 3}, t.shape());
        t.shape()[0] = 7;
        assertArrayEquals(new long[] {2, 3}, t.shape());
        assertEquals(2, t.rank());
        assertSame(DType.FLOAT64, t.dtype());
        assertEquals(6, t.elementCount());
        assertEquals("Tensor[2, 3] float64", t.toString());
        assertEquals("Tensor[4]", Tensor.zeros(4).toString());
        assertEquals("Tensor[1, 2] uint8", Tensor.ofUint8(new byte[] {1, (byte) 200}, 1, 2).toString());
        assertEquals("Tensor[] int32", Tensor.of(new int[] {5}).toString());
        assertEquals(0, Tensor.of(new int[] {5}).rank());
        assertEquals(1, Tensor.of(new int[] {5}).elementCount());
        assertEquals(0, Tensor.zeros(DType.INT32, 3, 0).elementCount());
    }

    @Test
    void tensorConversionsAreExactWhereDocumented() {
        Tensor u8 = Tensor.ofUint8(new byte[] {0, (byte) 255, 7}, 3);
        assertArrayEquals(new float[] {0, 255, 7}, u8.toFloatArray());
        assertArrayEquals(new double[] {0, 255, 7}, u8.toDoubleArray());
        assertArrayEquals(new byte[] {0, (byte) 255, 7}, u8.toByteArray());
        assertThrows(IllegalStateException.class, u8::toIntArray);
        Tensor i32 = Tensor.of(new int[] {-3, 1 << 24, 9}, 3);
        assertArrayEquals(new float[] {-3, 1 << 24, 9}, i32.toFloatArray());
        assertArrayEquals(new double[] {-3, 1 << 24, 9}, i32.toDoubleArray());
        assertArrayEquals(new int[] {-3, 1 << 24, 9}, i32.toIntArray());
        assertEquals("the tensor is int32, not uint8",
                assertThrows(IllegalStateException.class, i32::toByteArray).getMessage());
        float[] source = {1.5f, -0f};
        Tensor f32 = Tensor.of(source, 2);
        float[] copy = f32.toFloatArray();
        copy[0] = 9;
        assertEquals(1.5, f32.getDouble(0));
        assertArrayEquals(new double[] {1.5, -0.0}, f32.toDoubleArray());
        assertThrows(IndexOutOfBoundsException.class, () -> f32.getDouble(2));
        assertThrows(IndexOutOfBoundsException.class, () -> f32.getDouble(-1));
    }

    @Test
    void tensorHashCodeFollowsShapeTypeAndLeadingValues() {
        // Equal tensors hash equally (the contract); these differing ones differ in their hashes
        // with the present mixing (a constant hash would be legal but useless in a map).
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        assertEquals(a.hashCode(), Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).hashCode());
        assertNotEquals(a.hashCode(), Tensor.of(new float[] {1, 2, 3, 4}, 4).hashCode());
        assertNotEquals(a.hashCode(), Tensor.of(new double[] {1, 2, 3, 4}, 2, 2).hashCode());
        assertNotEquals(a.hashCode(), Tensor.of(new float[] {1, 2, 3, 5}, 2, 2).hashCode());
        // Only the first 64 values enter the hash: cheap for large tensors.
        float[] big = new float[100];
        float[] bigChanged = big.clone();
        bigChanged[99] = 1;
        assertEquals(Tensor.of(big, 100).hashCode(), Tensor.of(bigChanged, 100).hashCode());
        float[] bigChangedEarly = big.clone();
        bigChangedEarly[63] = 1;
        assertNotEquals(Tensor.of(big, 100).hashCode(), Tensor.of(bigChangedEarly, 100).hashCode());
        // The exact value, computed by hand from the definition: shape hash, dtype, values.
        Tensor small = Tensor.of(new int[] {2, -1}, 2);
        int h = java.util.Arrays.hashCode(new long[] {2}) * 31 + DType.INT32.hashCode();
        h = 31 * h + Double.hashCode(2.0);
        h = 31 * h + Double.hashCode(-1.0);
        assertEquals(h, small.hashCode());
    }

    // ---- ColumnGeometry ----

    @Test
    void geometryAccessorsOfABatchedUnfold() {
        Window w = Window.ofKernel(3, 2).withPadding(1, 0).withStride(2, 1);
        ColumnGeometry g = ColumnGeometry.forUnfold(new long[] {2, 3, 7, 5}, w, DType.INT32,
                ImageLayout.CHANNELS_FIRST, ColumnLayout.PATCHES, PaddingMode.REPLICATE);
        assertTrue(g.batched());
        assertEquals(2, g.batch());
        assertEquals(3, g.channels());
        assertEquals(2, g.rank());
        assertArrayEquals(new long[] {7, 5}, g.spatialSize());
        // (7 + 2 - 3) / 2 + 1 = 4 rows of windows, 5 - 2 + 1 = 4 columns.
        assertArrayEquals(new long[] {4, 4}, g.blocksPerDim());
        assertSame(w, g.window());
        assertSame(DType.INT32, g.dtype());
        assertSame(ImageLayout.CHANNELS_FIRST, g.imageLayout());
        assertSame(ColumnLayout.PATCHES, g.columnLayout());
        assertSame(PaddingMode.REPLICATE, g.paddingMode());
        assertSame(FoldMode.SUM, g.foldMode());
        assertEquals(7, g.height());
        assertEquals(5, g.width());
        assertEquals(4, g.blocksH());
        assertEquals(4, g.blocksW());
        assertEquals(16, g.blocks());
        assertEquals(6, g.kernelVolume());
        assertEquals(18, g.rows());
        assertEquals(2 * 3 * 7 * 5, g.imageElements());
        assertEquals(2 * 18 * 16, g.columnElements());
        assertArrayEquals(new long[] {2, 3, 7, 5}, g.imageShape());
        assertArrayEquals(new long[] {2, 16, 18}, g.columnsShape());
        g.spatialSize()[0] = 0;
        g.blocksPerDim()[0] = 0;
        assertArrayEquals(new long[] {7, 5}, g.spatialSize());
        assertArrayEquals(new long[] {4, 4}, g.blocksPerDim());
        assertEquals("ColumnGeometry[image=[2, 3, 7, 5] nchw, columns=[2, 16, 18] patches, int32, "
                + "kernel_size=(3, 2), dilation=(1, 1), padding=(1, 0), stride=(2, 1), padding_mode=replicate]",
                g.toString());
    }

    @Test
    void geometryOfAnUnbatchedChannelsLastMeanFold() {
        ColumnGeometry g = Fold.of(4, 6, 2, 3).withMode(FoldMode.MEAN).withImageLayout(ImageLayout.CHANNELS_LAST)
                .geometry(DType.FLOAT64, 5 * 6, 3 * 4);
        assertFalse(g.batched());
        assertEquals(1, g.batch());
        assertEquals(5, g.channels());
        assertSame(FoldMode.MEAN, g.foldMode());
        assertSame(PaddingMode.ZEROS, g.paddingMode());
        assertArrayEquals(new long[] {4, 6, 5}, g.imageShape());
        assertArrayEquals(new long[] {30, 12}, g.columnsShape());
        assertEquals("ColumnGeometry[image=[4, 6, 5] nhwc, columns=[30, 12] columns, float64, "
                + "kernel_size=(2, 3), dilation=(1, 1), padding=(0, 0), stride=(1, 1), fold_mode=mean]",
                g.toString());
        // A 1-D geometry has height 1 and one row of windows.
        ColumnGeometry line = Unfold.of(Window.ofKernel(3)).geometry(2, 8);
        assertEquals(1, line.height());
        assertEquals(8, line.width());
        assertEquals(1, line.blocksH());
        assertEquals(6, line.blocksW());
        assertEquals(1, line.rank());
        assertArrayEquals(new long[] {6, 6}, line.columnsShape());
    }

    @Test
    void batchSlicesAreValuesThatFindTheirPlans() {
        // The geometry no longer memoises its slices (Note [memoised plans] in PlanCache): a slice
        // is a value, equal (with an equal hash) to any other slice of the same size, so the
        // backends' plan caches find the plan made for it before.
        View g = Unfold.of(2).geometry(10, 3, 4, 4).view();
        View four = g.withBatch(4);
        assertEquals(4, four.batch());
        assertEquals(3, four.channels());
        assertEquals(4 * 3 * 16, four.imageElements());
        assertEquals(4 * 12 * 9, four.columnElements());
        assertArrayEquals(g.size3(), four.size3());
        assertEquals(four, g.withBatch(4));
        assertEquals(four.hashCode(), g.withBatch(4).hashCode());
        assertEquals(four, Unfold.of(2).geometry(4, 3, 4, 4).view(), "a slice equals the geometry of that batch");
        View two = g.withBatch(2);
        assertEquals(2, two.batch());
        assertNotEquals(four, two);
        assertSame(g, g.withBatch(10), "the whole batch is the view itself");
        // Every field is part of the value.
        assertNotEquals(g, Unfold.of(2).withPaddingMode(PaddingMode.REFLECT).geometry(10, 3, 4, 4).view());
        assertNotEquals(g, Unfold.of(2).geometry(DType.FLOAT64, 10, 3, 4, 4).view());
        assertNotEquals(g, Unfold.of(2).withStride(2).geometry(10, 3, 5, 5).view());
        // A plan cache keyed by views hits for a slice made again.
        PlanCache<View, Object> plans = new PlanCache<>();
        Object plan = plans.get(four, v -> new Object());
        assertSame(plan, plans.get(g.withBatch(4), v -> new Object()));
        assertNotSame(plan, plans.get(two, v -> new Object()));
        assertEquals(2, plans.size());
    }

    @Test
    void planesAreTheChannelsAsImages() {
        View g = Unfold.of(2).geometry(2, 3, 4, 5).view();
        assertTrue(g.splitsIntoPlanes());
        View p = g.asPlanes();
        assertEquals(6, p.batch());
        assertEquals(1, p.channels());
        assertArrayEquals(new long[] {1, 4, 5}, p.size3());
        assertEquals(Unfold.of(2).geometry(6, 1, 4, 5).view(), p, "the planes are N·C one-channel images");
        assertEquals(4, p.kernelVolume());
        assertEquals(12, p.blocks());
        assertEquals(g.imageElements(), p.imageElements());
        assertEquals(g.columnElements(), p.columnElements());
        for (ColumnGeometry other : List.of(
                Unfold.of(2).withColumnLayout(ColumnLayout.PATCHES).geometry(2, 3, 4, 5),
                Unfold.of(2).withImageLayout(ImageLayout.CHANNELS_LAST).geometry(2, 4, 5, 3))) {
            assertFalse(other.view().splitsIntoPlanes(), other::toString);
            assertThrows(IllegalStateException.class, other.view()::asPlanes);
        }
    }

    @Test
    void columnOrderMatchesTheColumnStrides() {
        for (ImageLayout il : ImageLayout.values()) {
            for (ColumnLayout cl : ColumnLayout.values()) {
                ColumnGeometry g = Unfold.of(2).withImageLayout(il).withColumnLayout(cl).geometry(2, 5, 5, 3);
                int[] order = g.view().columnOrder();
                long[] strides = g.view().columnStrides();  // {n, c, k, l}: axis a has stride strides[a + 1]
                for (int i = 1; i < order.length; i++) {
                    assertTrue(strides[order[i - 1] + 1] > strides[order[i] + 1], il + " " + cl);
                }
                assertEquals(1, strides[order[2] + 1], il + " " + cl);
            }
        }
        int[] columns = {View.AXIS_CHANNEL, View.AXIS_KERNEL, View.AXIS_BLOCK};
        assertArrayEquals(columns, Unfold.of(2).geometry(2, 3, 4, 5).view().columnOrder());
        assertArrayEquals(new int[] {View.AXIS_BLOCK, View.AXIS_CHANNEL, View.AXIS_KERNEL},
                Unfold.of(2).withColumnLayout(ColumnLayout.PATCHES).geometry(2, 3, 4, 5).view().columnOrder());
        assertArrayEquals(new int[] {View.AXIS_BLOCK, View.AXIS_KERNEL, View.AXIS_CHANNEL},
                Unfold.of(2).withImageLayout(ImageLayout.CHANNELS_LAST).withColumnLayout(ColumnLayout.PATCHES)
                        .geometry(2, 4, 5, 3).view().columnOrder());
    }

    @Test
    void fitsIntIndexAtEachOfItsBounds() {
        assertTrue(Unfold.of(3).geometry(2, 3, 8, 8).view().fitsIntIndex());
        long big = Integer.MAX_VALUE;
        // Image elements at the limit (one channel, 1 x 1 kernel: columns as many).
        assertFalse(Unfold.of(1).geometry(1, 1, 1, big).view().fitsIntIndex());
        // Elements below the limit, reach (size + kernel + stride · blocks) below it too.
        assertTrue(Unfold.of(1).geometry(1, 1, 1, big / 2 - 1).view().fitsIntIndex());
        // Column elements past the limit, image elements well below it: 2·K·L ≈ 2^31.
        ColumnGeometry cols = Unfold.of(Window.ofKernel(2)).geometry(1, 1, (big + 1) / 2 + 1);
        assertTrue(cols.imageElements() < big);
        assertTrue(cols.columnElements() >= big);
        assertFalse(cols.view().fitsIntIndex());
        // Every element count small, but a coordinate reaches past 2^31: a huge padding.
        Window padded = Window.ofKernel(1, 1).withPadding(0, (int) (big / 2)).withStride(1, (int) (big / 2));
        ColumnGeometry reach = Unfold.of(padded).geometry(1, 1, 1, 2);
        assertTrue(reach.imageElements() < big && reach.columnElements() < big, reach::toString);
        assertFalse(reach.view().fitsIntIndex(), reach::toString);
        // A dilated kernel's extent counts too.
        Window dilated = Window.ofKernel(1, 2).withDilation(1, (int) (big / 2));
        ColumnGeometry wide = Unfold.of(dilated).geometry(1, 1, 1, big / 2 + 2);
        assertTrue(wide.imageElements() < big && wide.columnElements() < big, wide::toString);
        assertFalse(wide.view().fitsIntIndex(), wide::toString);
    }

    // ---- the geometry's predicates and tables, each at its boundaries ----

    @Test
    void disjointWindowsAtTheDilatedExtent() {
        // Kernel 3, dilation 2: extent 5. Stride 5 is disjoint, stride 4 overlaps.
        assertTrue(SharedRules.disjoint(Unfold.of(Window.ofKernel(3).withDilation(2).withStride(5)).geometry(1, 11).view()));
        assertFalse(SharedRules.disjoint(Unfold.of(Window.ofKernel(3).withDilation(2).withStride(4)).geometry(1, 11).view()));
        assertTrue(SharedRules.disjoint(Unfold.of(Window.ofKernel(2, 2).withStride(2, 2)).geometry(1, 4, 4).view()));
        // One overlapping dimension is enough.
        assertFalse(SharedRules.disjoint(Unfold.of(Window.ofKernel(2, 2).withStride(2, 1)).geometry(1, 4, 4).view()));
    }

    @Test
    void permutesPixelsOnlyForTilingPatches() {
        assertTrue(SharedRules.permutesPixels(Fold.of(4, 6, 2, 3).withStride(2, 3).geometry(1 * 6, 2 * 2).view()));
        // The same patches on a 5-pixel-high image leave its last row uncovered.
        assertFalse(SharedRules.permutesPixels(Fold.of(5, 6, 2, 3).withStride(2, 3).geometry(1 * 6, 2 * 2).view()));
        // Padding: the border windows reach outside the image.
        assertFalse(SharedRules.permutesPixels(Fold.of(4, 4, 2, 2).withStride(2, 2).withPadding(1, 1).geometry(1 * 4, 3 * 3).view()));
        // Overlapping windows.
        assertFalse(SharedRules.permutesPixels(Fold.of(4, 4, 2, 2).geometry(4, 9).view()));
    }

    @Test
    void foldsByRowClassesForOverlappingWindowsWiderThanTheirRow() {
        // 4 x 6 image, kernel 2 x 4: 3 windows per row, narrower than the kernel.
        Fold f = Fold.of(4, 6, 2, 4);
        assertTrue(SharedRules.foldsByRowClasses(f.geometry(8, 9).view()));
        // Kernel width equal to the windows per row (width 5, kernel 3: 3 windows).
        assertFalse(SharedRules.foldsByRowClasses(Fold.of(4, 5, 2, 3).geometry(6, 9).view()));
        // Each other condition in turn.
        assertFalse(SharedRules.foldsByRowClasses(Fold.of(4, 9, 2, 4).withDilation(1, 2).geometry(8, 3 * 3).view()), "dilation");
        assertFalse(SharedRules.foldsByRowClasses(f.withDilation(2, 1).geometry(8, 2 * 3).view()), "dilation");
        assertFalse(SharedRules.foldsByRowClasses(f.withPadding(0, 1).geometry(8, 3 * 5).view()), "padding");
        assertFalse(SharedRules.foldsByRowClasses(f.withPadding(1, 0).geometry(8, 5 * 3).view()), "padding");
        assertFalse(SharedRules.foldsByRowClasses(f.withImageLayout(ImageLayout.CHANNELS_LAST).geometry(8, 9).view()), "nhwc");
        assertFalse(SharedRules.foldsByRowClasses(f.withColumnLayout(ColumnLayout.PATCHES).geometry(9, 8).view()), "patches");
        assertFalse(SharedRules.foldsByRowClasses(Fold.of(4, 8, 2, 4).withStride(2, 4).geometry(8, 2 * 2).view()), "disjoint");
        Window w3 = Window.ofKernel(1, 2, 4);
        assertTrue(SharedRules.foldsByRowClasses(Fold.of(new long[] {1, 4, 6}, w3).geometry(8, 9).view()), "one plane, 3-D");
        assertFalse(SharedRules.foldsByRowClasses(Fold.of(new long[] {2, 4, 6}, w3).geometry(8, 2 * 9).view()), "depth 2");
        assertFalse(SharedRules.foldsByRowClasses(Fold.of(new long[] {2, 4, 6}, Window.ofKernel(2, 2, 4)).geometry(16, 9).view()),
                "kernel depth 2");
        assertFalse(SharedRules.foldsByRowClasses(Fold.of(new long[] {1, 4, 6}, w3.withPadding(1, 0, 0)).geometry(8, 3 * 3 * 3).view()), "depth padding");
    }

    @Test
    void imageStridesOfBothLayouts() {
        ColumnGeometry first = Unfold.of(2).geometry(2, 3, 4, 5);
        assertArrayEquals(new long[] {60, 20, 20, 5, 1}, first.view().imageStrides());
        ColumnGeometry last = Unfold.of(2).withImageLayout(ImageLayout.CHANNELS_LAST).geometry(2, 4, 5, 3);
        assertArrayEquals(new long[] {60, 1, 60, 15, 3}, last.view().imageStrides());
        ColumnGeometry deep = Unfold.of(Window.ofKernel(1, 1, 1)).geometry(2, 3, 4, 5, 6);
        assertArrayEquals(new long[] {360, 120, 30, 6, 1}, deep.view().imageStrides());
    }

    @Test
    void geometriesAreReusedForTheSameTypeAndShapeOnly() {
        Unfold u = Unfold.of(2);
        ColumnGeometry g = u.geometry(1, 3, 4, 4);
        assertTrue(g.isFor(DType.FLOAT32, new long[] {1, 3, 4, 4}));
        assertFalse(g.isFor(DType.FLOAT64, new long[] {1, 3, 4, 4}));
        assertFalse(g.isFor(DType.FLOAT32, new long[] {1, 3, 4, 5}));
        assertSame(g, u.geometry(1, 3, 4, 4));
        ColumnGeometry other = u.geometry(1, 3, 4, 5);
        assertArrayEquals(new long[] {1, 3, 4, 5}, other.imageShape());
        assertSame(other, u.geometry(1, 3, 4, 5));
        assertSame(DType.INT32, u.geometry(DType.INT32, 1, 3, 4, 5).dtype());
        assertArrayEquals(new long[] {1, 3, 4, 4}, u.geometry(1, 3, 4, 4).imageShape());
        Fold f = Fold.of(4, 2);
        ColumnGeometry fg = f.geometry(1, 12, 9);
        assertSame(fg, f.geometry(1, 12, 9));
        assertEquals(2, f.geometry(2, 12, 9).batch());
        assertSame(DType.FLOAT64, f.geometry(DType.FLOAT64, 2, 12, 9).dtype());
        assertEquals(1, f.geometry(1, 12, 9).batch());
    }

    @Test
    void shapeValidationAtItsBoundaries() {
        // A batch of 0 is allowed, a negative one is not (nor any other dimension of 0).
        assertEquals(0, Unfold.of(2).geometry(0, 3, 4, 4).batch());
        IllegalArgumentException neg = assertThrows(IllegalArgumentException.class,
                () -> Unfold.of(2).geometry(-1, 3, 4, 4));
        assertTrue(neg.getMessage().startsWith("Expected 3D or 4D (batch mode) tensor"), neg.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Unfold.of(2).geometry(1, 0, 4, 4));
        assertThrows(IllegalArgumentException.class, () -> Fold.of(4, 2).geometry(-1, 12, 9));
        assertEquals(0, Fold.of(4, 2).geometry(0, 12, 9).batch());
        // forFold checks the output size itself (the Fold spec checks it before).
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> ColumnGeometry.forFold(new long[] {1, 4, 3}, new long[] {0, 4}, Window.ofKernel(2, 2),
                        DType.FLOAT32, ImageLayout.CHANNELS_FIRST, ColumnLayout.COLUMNS, FoldMode.SUM));
        assertTrue(zero.getMessage().endsWith("output_size must be greater than zero"), zero.getMessage());
        assertEquals(3, ColumnGeometry.forFold(new long[] {1, 4, 3}, new long[] {1, 4}, Window.ofKernel(1, 2),
                DType.FLOAT32, ImageLayout.CHANNELS_FIRST, ColumnLayout.COLUMNS, FoldMode.SUM).blocks());
        assertEquals(9, ColumnGeometry.forFold(new long[] {4, 9}, 4, 4, Window.ofKernel(2, 2)).blocks());
        // A host tensor holds up to MAX_ELEMENTS elements.
        assertEquals(Tensor.MAX_ELEMENTS, Tensor.checkedArrayLength(new long[] {Tensor.MAX_ELEMENTS}, "x"));
        assertThrows(IllegalArgumentException.class,
                () -> Tensor.checkedArrayLength(new long[] {Tensor.MAX_ELEMENTS + 1}, "x"));
    }

    @Test
    void axisCoverageArithmetic() {
        // Stride 4, dilation 6: gcd 2, consecutive covering offsets 2 apart, 3 (= 6 / 2) inverted mod 2 is 1.
        Axis a = new Axis(20, 3, 6, 0, 4, 2, PaddingMode.ZEROS);
        assertEquals(4, a.stride());
        assertEquals(6, a.dilation());
        assertEquals(2, a.gcd());
        assertEquals(2, a.step());
        assertEquals(1, a.inverse());
        // Stride 5, dilation 3: gcd 1, step 5, 3 · 2 = 6 = 1 mod 5.
        Axis b = new Axis(30, 4, 3, 0, 5, 4, PaddingMode.ZEROS);
        assertEquals(1, b.gcd());
        assertEquals(5, b.step());
        assertEquals(2, b.inverse());
        assertEquals(0, new Axis(9, 3, 1, 0, 1, 7, PaddingMode.ZEROS).inverse());
        // Kernel 2, stride 3 on 5 pixels: pixel 2 is in no window; stride 2 on 4 pixels covers all.
        assertTrue(new Axis(5, 2, 1, 0, 3, 2, PaddingMode.ZEROS).uncoveredPixels(5));
        assertFalse(new Axis(4, 2, 1, 0, 2, 2, PaddingMode.ZEROS).uncoveredPixels(4));
        // Only the last pixel uncovered (kernel 2, stride 2, 5 pixels: 2 windows).
        assertTrue(new Axis(5, 2, 1, 0, 2, 2, PaddingMode.ZEROS).uncoveredPixels(5));
        assertFalse(new Axis(5, 2, 1, 0, 2, 2, PaddingMode.ZEROS).uncoveredPixels(4));
        // The tables built from an axis: AxisTablesTest (internal.cpu).
    }

    @Test
    void hashesOfDifferentSpecsDiffer() {
        // Not the contract (a constant hash is legal), but what makes the specs usable as map
        // keys: these distinct values hash apart with the present Objects.hash mixing.
        assertNotEquals(Window.ofKernel(2, 3).hashCode(), Window.ofKernel(3, 2).hashCode());
        assertNotEquals(Window.ofKernel(2, 2).hashCode(), Window.ofKernel(2, 2).withStride(2, 2).hashCode());
        assertNotEquals(Unfold.of(2).hashCode(), Unfold.of(3).hashCode());
        assertNotEquals(Unfold.of(2).hashCode(), Unfold.of(2).withPaddingMode(PaddingMode.REFLECT).hashCode());
        assertNotEquals(Fold.of(4, 2).hashCode(), Fold.of(5, 2).hashCode());
        assertNotEquals(Fold.of(4, 2).hashCode(), Fold.of(4, 2).withMode(FoldMode.MEAN).hashCode());
    }

    @Test
    void applyWithoutABackendUsesTheDefaultOne() {
        // Small integers: every backend's sums are exact, so the default (OpenCL where it runs,
        // else Java) gives the Java backend's bits.
        float[] x = new float[2 * 3 * 4 * 5];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 17 - 8;
        }
        Tensor image = Tensor.of(x, 2, 3, 4, 5);
        Unfold unfold = Unfold.of(2, 3).withPadding(1);
        Tensor cols = unfold.apply(image);
        assertEquals(unfold.apply(image, Backend.java()), cols);
        Fold fold = Fold.of(4, 5, 2, 3).withPadding(1, 1);
        assertEquals(fold.apply(cols, Backend.java()), fold.apply(cols));
    }

    @Test
    void fitsIntIndexAtTheExactReach() {
        long big = Integer.MAX_VALUE;
        // 1 pixel, padding 2^29 - 1 each side: 2^30 - 1 windows of kernel 1, so the reach
        // size + 2·pad + dil·k + stride·blocks is exactly 2^31 - 1, while every element count is below it.
        int pad = (1 << 29) - 1;
        ColumnGeometry exact = Unfold.of(Window.ofKernel(1).withPadding(pad)).geometry(1, 1);
        assertEquals((1L << 30) - 1, exact.blocks());
        assertTrue(exact.imageElements() < big && exact.columnElements() < big);
        assertFalse(exact.view().fitsIntIndex());
        ColumnGeometry below = Unfold.of(Window.ofKernel(1).withPadding(pad - 1)).geometry(1, 1);
        assertTrue(below.view().fitsIntIndex());
        // The stride times the windows: 2^30 + 1 pixels, stride 2^30, 2 windows of 1 pixel.
        ColumnGeometry strided = Unfold.of(Window.ofKernel(1).withStride(1 << 30)).geometry(1, (1L << 30) + 1);
        assertEquals(2, strided.blocks());
        assertFalse(strided.view().fitsIntIndex());
        // Why no test puts an element count at exactly 2^31 - 1 alone: it is prime, so such a count
        // needs one factor of 2^31 - 1 (a size, a channel count, a kernel or a window count), which
        // makes another bound fail too (docs/pit-survivors.md).
    }
}
