package org.unfold4j;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.unfold4j.internal.tiling.Grid;
import org.unfold4j.internal.tiling.Stitcher;
import org.unfold4j.internal.tiling.TileGather;

/**
 * Runs a model that takes fixed-size tiles over an image of any size, and stitches its outputs
 * into one seamless result: MONAI's {@code sliding_window_inference}, in bounded memory.
 *
 * <pre>{@code
 * SlidingWindow sw = SlidingWindow.of(256, 256)      // tile size, one per spatial dimension (1-D, 2-D, 3-D)
 *         .withOverlap(0.25)                         // fraction of the tile; or withStride(...)
 *         .withBlend(BlendWindow.gaussian(0.125))    // default: constant (the mean of the overlaps)
 *         .withBatchSize(8)                          // tiles per model call
 *         .withPaddingMode(PaddingMode.REFLECT);     // how tiles reaching past the image are filled
 * Tensor out = sw.apply(image, tiles -> model.run(tiles));
 * }</pre>
 *
 * <p>An edge-detecting model (a 3×3 filter stack: its output near a tile's border differs from
 * what it computes inside the whole image) over 128-pixel tiles that abut, then over tiles
 * overlapping by a quarter blended by {@link BlendWindow#gaussian(double)}: the seams along the
 * tile borders are gone ({@code unfold4j infer --overlap 0 --blend constant}, then
 * {@code unfold4j infer}).
 * <p><img src="doc-files/infer-no-overlap.png" alt="The edge model over abutting tiles: a seam along every tile border">
 * <img src="doc-files/infer-gaussian.png" alt="The same model over overlapping gaussian-blended tiles: no seams">
 *
 * <p><b>Tiles.</b> The image is {@code [N, C, *spatial]}, or unbatched {@code [C, *spatial]}. The
 * tiles form a regular grid ({@link #positions}): along a dimension of size {@code n}, tile
 * {@code t} and stride {@code s}, there are {@code n <= t ? 1 : ceil((n - t) / s) + 1} tiles,
 * spanning {@code (count - 1)·s + t} pixels, and the excess over {@code n} is split evenly as
 * padding before (rounded down) and after the image. Every tile is exactly the tile size and
 * every pixel is covered; pixels of a tile outside the image are read through the padding mode,
 * and an image smaller than a tile is padded the same way. The model is called with
 * {@code [B, C, *tile]} host tensors of the image's type, {@code 1 ≤ B ≤ batchSize}, in grid
 * order, image by image (the last batch of an image may be smaller).
 *
 * <p><b>Stitching.</b> The model returns {@code [B, C', *tile]} float32 or float64 (any number
 * of channels {@code C'}, the same in every call). Each output pixel is {@code Σ w[k]·y / Σ w[k]}
 * over the tiles covering it, where {@code w[k]} is the blend window's weight of the pixel's
 * offset in the tile ({@link FoldMode#WEIGHTED}); values a tile has outside the image are
 * dropped; a pixel whose weights sum to 0 is 0. The sums are kept in float64, so a model whose
 * tiles agree on a pixel (the identity, a 1×1 convolution) gives back exactly its float32 values.
 * The result is {@code [N, C', *spatial]} (or unbatched) in the model's type.
 *
 * <p><b>Memory.</b> The windows are never all materialised: one batch of tiles and its outputs at a
 * time, numerators for one tile's extent of the first spatial dimension (a band of rows), and
 * a float64 weight map of the image's spatial size. Peak memory is the image, the output, the
 * weight map and a few batches.
 *
 * <p><b>Where it runs.</b> On the calling thread, on the host: the model takes and returns host
 * tensors, so the gather of each tile (one copy) and the accumulation are done where the data
 * is; an OpenCL device would add a transfer each way per batch and save nothing.
 *
 * <p>Immutable and thread-safe; the {@code with…} methods return new specs.
 */
public final class SlidingWindow {
    private final int[] tile;
    /** The step per dimension, or null for one derived from {@link #overlap}. */
    private final int[] stride;
    private final double overlap;
    private final BlendWindow blend;
    private final int batchSize;
    private final PaddingMode paddingMode;

    private SlidingWindow(int[] tile, int[] stride, double overlap, BlendWindow blend, int batchSize,
            PaddingMode paddingMode) {
        this.tile = tile;
        this.stride = stride;
        this.overlap = overlap;
        this.blend = blend;
        this.batchSize = batchSize;
        this.paddingMode = paddingMode;
    }

    /**
     * A sliding window of the given tile size: overlap 0.25, constant blend, one tile per model
     * call, zero padding.
     *
     * @param tile the tile size, one per spatial dimension (1 to 3 of them), each at least 1
     * @return the spec
     * @throws IllegalArgumentException if there are no sizes, more than 3, or one below 1
     */
    public static SlidingWindow of(int... tile) {
        Objects.requireNonNull(tile, "tile");
        if (tile.length < 1 || tile.length > Window.MAX_RANK || Arrays.stream(tile).anyMatch(t -> t < 1)) {
            throw new IllegalArgumentException("tile must have 1 to " + Window.MAX_RANK
                    + " sizes of at least 1, but got tile=" + Arrays.toString(tile));
        }
        return new SlidingWindow(tile.clone(), null, 0.25, BlendWindow.constant(), 1, PaddingMode.ZEROS);
    }

    /**
     * Tiles overlapping by a fraction of the tile: the stride along each dimension is
     * {@code max(1, floor(tile · (1 - overlap)))}, as MONAI derives it.
     *
     * @param overlap the fraction, from 0 (tiles side by side) to below 1
     * @return a new spec; this one is unchanged
     * @throws IllegalArgumentException if {@code overlap} is not in {@code [0, 1)}
     */
    public SlidingWindow withOverlap(double overlap) {
        if (!(overlap >= 0 && overlap < 1)) {
            throw new IllegalArgumentException("overlap must be in [0, 1), but got overlap=" + overlap);
        }
        return new SlidingWindow(tile, null, overlap, blend, batchSize, paddingMode);
    }

    /**
     * Tiles a given step apart, instead of an overlap.
     *
     * @param stride one step per tile dimension, or one for all; each from 1 to the tile size
     *     (a larger step would leave pixels uncovered)
     * @return a new spec; this one is unchanged
     * @throws IllegalArgumentException if a step is below 1 or above its tile size, or the count
     *     matches neither 1 nor the tile's dimensions
     */
    public SlidingWindow withStride(int... stride) {
        Objects.requireNonNull(stride, "stride");
        int[] s = stride.length == 1 ? filled(tile.length, stride[0]) : stride.clone();
        boolean ok = s.length == tile.length;
        for (int d = 0; ok && d < s.length; d++) {
            ok = s[d] >= 1 && s[d] <= tile[d];
        }
        if (!ok) {
            throw new IllegalArgumentException("stride must have 1 or " + tile.length + " steps, each from 1 to its"
                    + " tile size, but got stride=" + Arrays.toString(stride) + " with tile=" + Arrays.toString(tile));
        }
        return new SlidingWindow(tile, s, overlap, blend, batchSize, paddingMode);
    }

    /**
     * How the overlaps are weighted ({@link BlendWindow#constant()}, the default, is their mean).
     *
     * @param blend the window
     * @return a new spec; this one is unchanged
     * @throws IllegalArgumentException if {@code blend} holds explicit weights of another shape than the tile
     */
    public SlidingWindow withBlend(BlendWindow blend) {
        Objects.requireNonNull(blend, "blend");
        blend.weights(Arrays.stream(tile).asLongStream().toArray()); // checks explicit weights' shape now
        return new SlidingWindow(tile, stride, overlap, blend, batchSize, paddingMode);
    }

    /**
     * The most tiles per model call.
     *
     * @param batchSize at least 1
     * @return a new spec; this one is unchanged
     * @throws IllegalArgumentException if {@code batchSize} is below 1
     */
    public SlidingWindow withBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch_size must be at least 1, but got batch_size=" + batchSize);
        }
        return new SlidingWindow(tile, stride, overlap, blend, batchSize, paddingMode);
    }

    /**
     * How pixels of tiles reaching past the image are filled (default {@link PaddingMode#ZEROS}).
     *
     * @param paddingMode the mode
     * @return a new spec; this one is unchanged
     */
    public SlidingWindow withPaddingMode(PaddingMode paddingMode) {
        Objects.requireNonNull(paddingMode, "padding_mode");
        return new SlidingWindow(tile, stride, overlap, blend, batchSize, paddingMode);
    }

    /** {@return the tile size} */
    public int[] tile() {
        return tile.clone();
    }

    /** {@return the step between tiles per dimension, derived from the overlap unless given} */
    public int[] stride() {
        if (stride != null) {
            return stride.clone();
        }
        int[] s = new int[tile.length];
        for (int d = 0; d < s.length; d++) {
            s[d] = (int) Math.max(1, Math.floor(tile[d] * (1 - overlap)));
        }
        return s;
    }

    /** {@return the blend window} */
    public BlendWindow blend() {
        return blend;
    }

    /** {@return the most tiles per model call} */
    public int batchSize() {
        return batchSize;
    }

    /** {@return how tiles reaching past the image are filled} */
    public PaddingMode paddingMode() {
        return paddingMode;
    }

    /**
     * The origins of the tiles over an image of the given spatial size, in the order the model sees
     * them (row-major over the grid the class description states); an origin is negative, or a
     * tile reaches past the size, where the grid pads.
     *
     * @param imageSize the spatial sizes, one per tile dimension, each at least 1
     * @return a new list of new arrays, one entry per dimension each
     * @throws IllegalArgumentException if {@code imageSize} does not match the tile's dimensions,
     *     or a size is below 1
     */
    public List<long[]> positions(long... imageSize) {
        Objects.requireNonNull(imageSize, "image_size");
        return grid(imageSize).origins();
    }

    private Grid grid(long[] spatial) {
        if (spatial.length != tile.length || Arrays.stream(spatial).anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException("the image's spatial size must have " + tile.length
                    + " entries of at least 1 (one per tile dimension), but got " + Arrays.toString(spatial)
                    + " with tile=" + Arrays.toString(tile));
        }
        return new Grid(spatial, tile, stride());
    }

    /**
     * Runs {@code model} over the tiles of {@code image} and stitches its outputs, as the class
     * description says.
     *
     * @param image the image, {@code [N, C, *spatial]} or {@code [C, *spatial]}, any type; not modified
     * @param model called with {@code [B, C, *tile]} tensors (new ones each call, which it may keep),
     *     returns {@code [B, C', *tile]} float32 or float64
     * @return a new tensor {@code [N, C', *spatial]} (or {@code [C', *spatial]}) of the model's type
     * @throws IllegalArgumentException if the image's rank does not fit the tile, a size is 0, the
     *     padding the grid needs exceeds what the padding mode allows, or the model returns a
     *     tensor of another shape or type (naming both shapes)
     * @throws RuntimeException whatever {@code model} throws, unchanged
     */
    public Tensor apply(Tensor image, Function<Tensor, Tensor> model) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(model, "model");
        long[] shape = image.shape();
        int r = tile.length;
        boolean batched = shape.length == r + 2;
        if (!batched && shape.length != r + 1) {
            throw new IllegalArgumentException("image must be [N, C, *spatial] or [C, *spatial] with " + r
                    + " spatial dimensions (one per tile dimension), but got " + Arrays.toString(shape)
                    + " with tile=" + Arrays.toString(tile));
        }
        int lead = batched ? 2 : 1;
        long n = batched ? shape[0] : 1, c = shape[lead - 1];
        long[] spatial = Arrays.copyOfRange(shape, lead, shape.length);
        if (n < 1 || c < 1) {
            throw new IllegalArgumentException("image must have at least one image and one channel, but got "
                    + Arrays.toString(shape));
        }
        Grid grid = grid(spatial);
        checkPadding(grid, spatial);
        float[] w = blend.weights(Arrays.stream(tile).asLongStream().toArray()).data();
        int k = grid.tileElements();
        long[] batchShape = new long[r + 2];
        batchShape[1] = c;
        for (int d = 0; d < r; d++) {
            batchShape[d + 2] = tile[d];
        }
        TileGather gather = new TileGather(grid, paddingMode, (int) c);
        Stitcher stitcher = null;
        Tensor result = null;
        long[] expected = batchShape.clone();
        for (int img = 0; img < n; img++) {
            if (stitcher != null) {
                stitcher.startImage(img);
            }
            for (long first = 0; first < grid.tiles(); first += batchSize) {
                int count = (int) Math.min(batchSize, grid.tiles() - first);
                batchShape[0] = count;
                Object tiles = Tensor.newArray(image.dtype(), Tensor.checkedArrayLength(batchShape, "tile batch"));
                gather.gather(image.array(), img, first, count, tiles);
                Tensor y = Objects.requireNonNull(model.apply(Tensor.wrap(tiles, image.dtype(), batchShape.clone())),
                        "the model's result");
                if (result == null) {
                    result = newResult(y, batched, n, spatial, grid);
                    expected[1] = y.shape()[1];
                    stitcher = new Stitcher(grid, w, (int) expected[1], result.array());
                    stitcher.startImage(img);
                }
                expected[0] = count;
                if (!Arrays.equals(y.shape(), expected) || y.dtype() != result.dtype()) {
                    throw new IllegalArgumentException("the model must return " + result.dtype() + " "
                            + Arrays.toString(expected) + " for tiles " + Arrays.toString(batchShape) + ", but returned "
                            + y.dtype() + " " + Arrays.toString(y.shape()));
                }
                stitcher.add(first, count, y.array());
            }
            stitcher.finishImage();
        }
        return result;
    }

    /** The result tensor for the model's first output {@code y}, after checking its type and channels. */
    private Tensor newResult(Tensor y, boolean batched, long n, long[] spatial, Grid grid) {
        if (y.dtype() != DType.FLOAT32 && y.dtype() != DType.FLOAT64 || y.rank() != tile.length + 2 || y.shape()[1] < 1) {
            throw new IllegalArgumentException("the model must return float32 or float64 [B, C', *tile] with C' ≥ 1,"
                    + " but returned " + y.dtype() + " " + Arrays.toString(y.shape()));
        }
        long[] out = new long[spatial.length + (batched ? 2 : 1)];
        int lead = batched ? 2 : 1;
        if (batched) {
            out[0] = n;
        }
        out[lead - 1] = y.shape()[1];
        System.arraycopy(spatial, 0, out, lead, spatial.length);
        if (grid.imageElements() > Tensor.MAX_ELEMENTS) {
            throw new IllegalArgumentException("the image's spatial size " + Arrays.toString(spatial)
                    + " is larger than a host tensor can hold (" + Tensor.MAX_ELEMENTS + " elements)");
        }
        return Tensor.zeros(y.dtype(), out);
    }

    /** Rejects padding the grid needs beyond the padding mode's limit (as {@link Unfold} would). */
    private void checkPadding(Grid grid, long[] spatial) {
        for (int d = 0; d < spatial.length; d++) {
            long pad = Math.max(grid.paddingBefore(d), grid.paddingAfter(d));
            boolean ok = paddingMode == PaddingMode.REFLECT ? pad < spatial[d]
                    : paddingMode != PaddingMode.CIRCULAR || pad <= spatial[d];
            if (!ok) {
                throw new IllegalArgumentException("the tile grid pads dimension " + d + " by " + pad + " pixels, more than"
                        + " padding_mode=" + paddingMode + " allows for its size " + spatial[d] + " (reflect: below the size,"
                        + " circular: at most the size); use zeros or replicate, or a smaller tile");
            }
        }
    }

    private static int[] filled(int n, int v) {
        int[] a = new int[n];
        Arrays.fill(a, v);
        return a;
    }

    /** Equal specs: the same tile, stride, blend, batch size and padding mode. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SlidingWindow)) {
            return false;
        }
        SlidingWindow other = (SlidingWindow) o;
        return Arrays.equals(tile, other.tile) && Arrays.equals(stride(), other.stride()) && blend.equals(other.blend)
                && batchSize == other.batchSize && paddingMode == other.paddingMode;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(tile), Arrays.hashCode(stride()), blend, batchSize, paddingMode);
    }

    @Override
    public String toString() {
        return "SlidingWindow(tile=" + Arrays.toString(tile) + ", stride=" + Arrays.toString(stride()) + ", blend=" + blend
                + ", batch_size=" + batchSize + ", padding_mode=" + paddingMode + ")";
    }
}
