package org.unfold4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * The one random-case generator of the tests: random {@link Case}s and their data, reproducible
 * from the seed. Two drivers draw the same kind of case and build it the same way ({@link
 * #minSize}: sizes from the smallest with one block, raised where reflect or circular padding
 * needs it, plus a random delta):
 *
 * <ul>
 *   <li>{@link #valid(Random, Case.Kind, PaddingMode, ColumnLayout, DType)} (and its 2-D
 *       float32 form {@link #valid2d}, and {@link #tiling2d} for windows that tile the image)
 *       draws valid cases from a {@link Random}, for the random agreement, semantics,
 *       adjointness and round-trip tests;</li>
 *   <li>{@link #cases} is the QuickTheories generator of the property tests, valid and invalid
 *       cases alike, built from QuickTheories' primitives so that a failure shrinks (see
 *       PropertiesTest's class comment).</li>
 * </ul>
 */
final class RandomCases {
    private RandomCases() {
    }

    /** The smallest size along a dimension with one block of the window. */
    static int minSize(int k, int d, int p) {
        return Math.max(1, d * (k - 1) + 1 - 2 * p);
    }

    /** {@link #minSize(int, int, int)}, raised so that reflect padding is below the size and circular padding at most the size. */
    static int minSize(int k, int d, int p, PaddingMode mode) {
        int min = minSize(k, d, p);
        if (mode == PaddingMode.REFLECT) {
            min = Math.max(min, p + 1);
        } else if (mode == PaddingMode.CIRCULAR) {
            min = Math.max(min, p);
        }
        return min;
    }

    // ------------------------------------------------------------------ java.util.Random driver

    /**
     * A random valid case of the given kind: kernel 1..4 (1..3 in 3-D), dilation 1..3 (1..2 in
     * 3-D), stride 1..4 (1..3 in 3-D), padding 0..2, sizes from the smallest the mode and window
     * allow (so reflect padding = size − 1 and circular padding = size occur) to 7 more (2 in
     * 3-D); batched (batch 1..3) or not, 1..3 channels.
     */
    static Case valid(Random r, Case.Kind kind, PaddingMode mode, ColumnLayout columns, DType dtype) {
        int rank = kind.rank();
        boolean small = rank == 3;
        while (true) {
            int[] k = new int[rank], d = new int[rank], p = new int[rank], s = new int[rank], size = new int[rank];
            for (int i = 0; i < rank; i++) {
                k[i] = 1 + r.nextInt(small ? 3 : 4);
                d[i] = 1 + r.nextInt(small ? 2 : 3);
                s[i] = 1 + r.nextInt(small ? 3 : 4);
                p[i] = r.nextInt(3);
                size[i] = minSize(k[i], d[i], p[i], mode) + r.nextInt(small ? 3 : 8);
            }
            boolean batched = r.nextInt(4) != 0;
            Case f = new Case(k, d, p, s, mode, kind.layout(), columns, dtype, batched, 1 + r.nextInt(3),
                    1 + r.nextInt(3), size);
            if (f.valid()) {
                return f;
            }
        }
    }

    /** A random valid 2-D float32 channels-first case in zeros mode and the columns layout. */
    static Case valid2d(Random r) {
        return valid(r, Case.KINDS.get(1), PaddingMode.ZEROS, ColumnLayout.COLUMNS, DType.FLOAT32);
    }

    /**
     * A random tiling 2-D float32 case: kernel 1..5 per dimension, stride = kernel, sizes 1..4
     * kernels, no padding, dilation 1, so that the windows tile the image exactly; batch 1..3
     * when {@code batched}, 1..4 channels.
     */
    static Case tiling2d(Random r, boolean batched) {
        int kh = 1 + r.nextInt(5), kw = 1 + r.nextInt(5);
        return Case.of2d(batched, batched ? 1 + r.nextInt(3) : 1, 1 + r.nextInt(4), kh * (1 + r.nextInt(4)),
                kw * (1 + r.nextInt(4)), kh, kw, 1, 1, 0, 0, kh, kw);
    }

    // ------------------------------------------------------------------ QuickTheories driver

    /**
     * One case of the property tests: a geometry (possibly invalid), a shape defect (0 for none)
     * and a seed for the data.
     */
    record Drawn(Case geometry, int defect, long seed) {

        /** The unfold input shape: {@code [N, C, *size]} or {@code [N, *size, C]}, without N when unbatched, then the defect. */
        long[] imageShape() {
            Case g = geometry;
            List<Long> s = new ArrayList<>();
            if (g.batched()) {
                s.add((long) g.n());
            }
            boolean last = g.imageLayout() == ImageLayout.CHANNELS_LAST;
            if (!last) {
                s.add((long) g.c());
            }
            for (long v : g.size()) {
                s.add(v);
            }
            if (last) {
                s.add((long) g.c());
            }
            if (defect == 1) {
                s.remove(s.size() - 1);   // a dimension missing
            } else if (defect == 2) {
                s.add(2L);                // a dimension too many
            }
            return s.stream().mapToLong(Long::longValue).toArray();
        }

        /**
         * The fold input shape for output size {@code size}: {@code [N, C·K, L]} or patches
         * {@code [N, L, C·K]}, then the defect; computed for invalid windows too (zero blocks).
         */
        long[] columnsShape() {
            Case g = geometry;
            int r = g.rank();
            long volume = g.kernelVolume();
            long l = 1;
            for (int d = 0; d < r; d++) {
                int stride = Math.max(1, g.stride()[d]);
                long extent = (long) g.dilation()[d] * (g.kernel()[d] - 1) + 1;
                l *= Math.max(0, Math.floorDiv(g.size()[d] + 2L * g.padding()[d] - extent, stride) + 1);
            }
            long rows = Math.max(0, g.c() * volume);
            if (defect == 1) {
                rows++;                   // not a multiple of the kernel volume (unless it is 1)
            } else if (defect == 2) {
                l++;                      // not the block count
            }
            List<Long> s = new ArrayList<>();
            if (g.batched()) {
                s.add((long) g.n());
            }
            if (g.columnLayout() == ColumnLayout.PATCHES) {
                s.add(l);
                s.add(rows);
            } else {
                s.add(rows);
                s.add(l);
            }
            if (defect == 3) {
                s.add(1L);                // a dimension too many
            }
            return s.stream().mapToLong(Long::longValue).toArray();
        }

        /** The unfold of the geometry. */
        Unfold unfold() {
            return geometry.unfold();
        }

        /** The fold of the geometry, with its padding mode, which fold must reject unless zeros. */
        Fold fold() {
            return geometry.fold().withPaddingMode(geometry.mode());
        }

        @Override
        public String toString() {
            return "Case[" + geometry + ", defect=" + defect + ", image shape " + Arrays.toString(imageShape())
                    + ", columns shape " + Arrays.toString(columnsShape()) + ", data seed " + seed + "]";
        }
    }

    /** Mostly {@code [lo, hi]}; with {@code invalid}, one draw in 40 from {@code [badLo, badHi]}. */
    private static Gen<Integer> param(int lo, int hi, int badLo, int badHi, boolean invalid) {
        Gen<Integer> good = SourceDSL.integers().between(lo, hi);
        if (!invalid) {
            return good;
        }
        // Shrinks towards the first (valid) range.
        return Generate.frequency(Pair.of(39, good), Pair.of(1, SourceDSL.integers().between(badLo, badHi)));
    }

    private static Gen<int[]> triple(int lo, int hi, int badLo, int badHi, boolean invalid) {
        return param(lo, hi, badLo, badHi, invalid).map((a, b, c) -> new int[] {a, b, c});
    }

    /** Values in proportion to their weights, {@code weighted(Pair.of(w1, v1), Pair.of(w2, v2), ...)}, shrinking towards {@code v1}. */
    @SafeVarargs
    private static <T> Gen<T> weighted(Pair<Integer, T>... choices) {
        List<Pair<Integer, Gen<T>>> gens = new ArrayList<>();
        for (Pair<Integer, T> c : choices) {
            gens.add(Pair.of(c._1, Generate.constant(c._2)));
        }
        return Generate.frequency(gens);
    }

    /** Rank, window and sizes: the first {@code rank} entries of each triple are used. */
    private record Shape(int rank, int[] k, int[] d, int[] p, int[] s, int[] delta, boolean batched, int n) {
    }

    private record Modes(PaddingMode paddingMode, ImageLayout imageLayout, ColumnLayout columnLayout,
                         FoldMode foldMode, DType dtype, int c, int defect, long seed) {
    }

    /**
     * Cases for unfold ({@code forFold} false) or fold. With {@code invalid}, parameters are
     * sometimes zero or negative, sizes sometimes too small for the window (or zero), shapes
     * sometimes of the wrong rank, channels-last sometimes not 2-D, and for fold the type
     * sometimes an integer type and the padding mode sometimes not zeros. Without it every
     * case is valid, in zeros mode unless {@code paddingModes}.
     */
    static Gen<Drawn> cases(boolean invalid, boolean forFold, boolean paddingModes, DType... dtypes) {
        Gen<Integer> rank = SourceDSL.integers().between(1, 3);
        Gen<int[]> kernel = triple(1, 4, -1, 0, invalid);
        Gen<int[]> dilation = triple(1, 3, -1, 0, invalid);
        Gen<int[]> padding = triple(0, 2, -2, -1, invalid);
        Gen<int[]> stride = triple(1, 3, -1, 0, invalid);
        Gen<int[]> delta = triple(0, 4, -3, -1, invalid);
        Gen<Boolean> batched = SourceDSL.booleans().all();
        Gen<Integer> batch = SourceDSL.integers().between(0, 2);
        Gen<Shape> shape = in -> new Shape(rank.generate(in), kernel.generate(in), dilation.generate(in),
                padding.generate(in), stride.generate(in), delta.generate(in), batched.generate(in), batch.generate(in));

        Gen<PaddingMode> paddingMode = !paddingModes ? Generate.constant(PaddingMode.ZEROS)
                : forFold ? weighted(Pair.of(27, PaddingMode.ZEROS), Pair.of(1, PaddingMode.REFLECT),
                        Pair.of(1, PaddingMode.REPLICATE), Pair.of(1, PaddingMode.CIRCULAR))
                : Generate.enumValues(PaddingMode.class);
        Gen<ImageLayout> imageLayout = weighted(Pair.of(3, ImageLayout.CHANNELS_FIRST), Pair.of(1, ImageLayout.CHANNELS_LAST));
        Gen<ColumnLayout> columnLayout = Generate.enumValues(ColumnLayout.class);
        Gen<FoldMode> foldMode = Generate.enumValues(FoldMode.class);
        Gen<DType> dtype = Generate.pick(List.of(dtypes));
        if (invalid && forFold) {
            dtype = Generate.frequency(Pair.of(19, dtype), Pair.of(1, Generate.pick(List.of(DType.UINT8, DType.INT32))));
        }
        Gen<DType> dtypeGen = dtype;
        Gen<Integer> channels = param(1, 3, 0, 0, invalid);
        Gen<Integer> defect = invalid ? weighted(Pair.of(36, 0), Pair.of(1, 1), Pair.of(1, 2), Pair.of(1, 3))
                : Generate.constant(0);
        Gen<Long> seed = SourceDSL.longs().all();
        Gen<Modes> modes = in -> new Modes(paddingMode.generate(in), imageLayout.generate(in), columnLayout.generate(in),
                foldMode.generate(in), dtypeGen.generate(in), channels.generate(in), defect.generate(in), seed.generate(in));

        return shape.zip(modes, (sh, m) -> build(sh, m, invalid));
    }

    private static Drawn build(Shape sh, Modes m, boolean invalid) {
        int r = sh.rank();
        int[] k = Arrays.copyOf(sh.k(), r), d = Arrays.copyOf(sh.d(), r), p = Arrays.copyOf(sh.p(), r),
                s = Arrays.copyOf(sh.s(), r);
        // Channels-last needs a 2-D window: invalid cases keep it for rank 1 and 3 one time in four.
        ImageLayout layout = r == 2 || invalid && (m.seed() & 3) == 0 ? m.imageLayout() : ImageLayout.CHANNELS_FIRST;
        int[] size = new int[r];
        for (int i = 0; i < r; i++) {
            // The smallest size with one block, plus a delta (negative only for invalid cases).
            size[i] = Math.max(0, minSize(k[i], d[i], p[i]) + sh.delta()[i]);
            if (!invalid) {
                size[i] = Math.max(size[i], minSize(k[i], d[i], p[i], m.paddingMode()));
            }
        }
        Case g = new Case(k, d, p, s, m.paddingMode(), layout, m.columnLayout(), m.dtype(), sh.batched(),
                sh.batched() ? sh.n() : 1, m.c(), size, m.foldMode());
        return new Drawn(g, m.defect(), m.seed());
    }

    /** Unfold inputs, valid and invalid, every padding mode and element type. */
    static Gen<Drawn> anyUnfold() {
        return cases(true, false, true, DType.values());
    }

    /** Fold inputs, valid and invalid (integer types are invalid for fold). */
    static Gen<Drawn> anyFold() {
        return cases(true, true, true, DType.FLOAT32, DType.FLOAT64);
    }

    /** Valid floating-point cases in zeros mode (where fold is defined). */
    static Gen<Drawn> validZeros() {
        return cases(false, false, false, DType.FLOAT32, DType.FLOAT64);
    }

    /** Valid floating-point cases in every padding mode. */
    static Gen<Drawn> validFloats() {
        return cases(false, false, true, DType.FLOAT32, DType.FLOAT64);
    }

    // ------------------------------------------------------------------ data

    /** Gaussian float32 values. */
    static float[] gaussian(Random random, int count) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    /** A float32 tensor of Gaussian values. */
    static Tensor tensor(Random r, long... shape) {
        return Tensor.of(gaussian(r, Math.toIntExact(Tensor.elementCount(shape))), shape);
    }

    /** Random values of the type: gaussians, every uint8 value 0..255, int32 including the extremes, 16-bit floats with some raw bit patterns. */
    static Tensor values(Random r, DType dtype, long... shape) {
        int count = Math.toIntExact(Tensor.elementCount(shape));
        switch (dtype) {
            case FLOAT32:
                return Tensor.of(gaussian(r, count), shape);
            case FLOAT64: {
                double[] v = new double[count];
                for (int i = 0; i < count; i++) {
                    v[i] = r.nextGaussian();  // not representable in float32: a float detour would show
                }
                return Tensor.of(v, shape);
            }
            case UINT8: {
                byte[] v = new byte[count];
                r.nextBytes(v);
                return Tensor.ofUint8(v, shape);
            }
            case INT32: {
                int[] extremes = {Integer.MIN_VALUE, Integer.MAX_VALUE, -1, 0, 1, Integer.MIN_VALUE + 1, 1 << 24 | 1};
                int[] v = new int[count];
                for (int i = 0; i < count; i++) {
                    v[i] = r.nextInt(4) == 0 ? extremes[r.nextInt(extremes.length)] : r.nextInt();
                }
                return Tensor.of(v, shape);
            }
            case FLOAT16:
            case BFLOAT16: {
                // Gaussians rounded to the type, and now and then a raw bit pattern (subnormals, NaN payloads, -0.0).
                float[] v = gaussian(r, count);
                Tensor rounded = dtype == DType.FLOAT16 ? Tensor.float16Of(v, shape) : Tensor.bfloat16Of(v, shape);
                short[] bits = rounded.toShortArray();
                for (int i = 0; i < count; i++) {
                    if (r.nextInt(16) == 0) {
                        bits[i] = (short) r.nextInt(1 << 16);
                    }
                }
                return dtype == DType.FLOAT16 ? Tensor.ofFloat16(bits, shape) : Tensor.ofBFloat16(bits, shape);
            }
            default:
                throw new AssertionError(dtype);
        }
    }

    /** Random values of the case's type and image shape. */
    static Tensor image(Random r, Case f) {
        return values(r, f.dtype(), f.imageShape());
    }

    /** Random values of the case's type and column shape. */
    static Tensor columns(Random r, Case f) {
        return values(r, f.dtype(), f.columnsShape());
    }
}
