// fold (col2im): a gather with one work-item per output pixel; work-item idx writes output[idx]
// (coalesced for either image layout); no atomics.
//
// Each pixel visits only the windows that cover it: along each dimension the covering kernel
// offsets k solve o*stride + k*dilation = y + padding, an arithmetic progression with step
// stride/gcd(stride, dilation) starting at a residue computed with a modular inverse (Note [fold
// visits only covering windows] in Axis.java, which this mirrors). Offsets are summed in
// ascending order starting from 0, exactly as the Java backend does, so both give the same bits.
// The geometry and its names come from common.cl, which the host prepends; T is float or double
// (the sum is kept in T, as PyTorch does), or ushort holding float16 / bfloat16 bits, read with
// LOAD, summed in ACC_T (float) and rounded once with STORE (Note [16-bit storage] in
// ClTypes.java; the row kernels that sum in the output itself do not take them).
//
// Specialisation (prepended #defines, besides those of common.cl):
//   IMAGE_CL   defined for channels-last images ([N, H, W, C]); else channels-first
//   ROW_PAD    fold_row_classes' scratch row padding, in elements (always set by the host)
//   FOLD_MEAN  defined to divide each pixel by the number of windows covering it
//   FOLD_WEIGHTED  fold only: the weighted mean, sum(w[k] * x) / sum(w[k]) with the weights in a
//              seventh argument, one float per flat kernel offset (Note [weighted fold order] in
//              internal/geometry/FoldWeights.java); FOLD_MAX: the largest value, from MAX_LOWEST
//              (the type's lowest), NaN propagating (MAX_FLOAT: the float types). Only fold takes them (Note [blending folds
//              take the general variant] in internal/geometry/SharedRules.java).
//   Two entry points: fold (one work-item per output pixel, for GPUs) and fold_rows (one
//   work-item per output image row, for CPU devices: it zeroes its row, then adds the covering
//   windows' runs in ascending kernel-offset order, the Java backend's algorithm, so the sums are
//   the same bits as fold's).
//   ALONG_KERNEL  fold_rows runs along kernel offsets (set for patches wider than the windows per row)
//   DISJOINT   fold_rows: no two windows overlap in any dimension, so values are set, not summed;
//              GAPS_W: some pixels of a row have no window (cleared first)
//   Two more entry points for CPU devices, see below: fold_row_classes when
//   ColumnGeometry.foldsByRowClasses() (tile256: the Java backend's rowClass), and fold_patches
//   when ColumnGeometry.permutesPixels() (vit16: the Java backend's patchRow).
// Products are rounded before they are added, as in Java, where a fused multiply-add would
// round once: the weighted fold's bits must match the Java backend's.
#pragma OPENCL FP_CONTRACT OFF

// The smallest kernel offset covering padded coordinate p, or size if none; *last gets the
// inclusive upper bound. step and inverse come from the host (Axis.java).
inline INDEX_T first_covering(const INDEX_T p, const INDEX_T size, const INDEX_T dilation,
                              const INDEX_T stride, const INDEX_T blocks, const INDEX_T gcd,
                              const INDEX_T step, const long inverse, INDEX_T* last)
{
    *last = min(size - 1, p / dilation);
    if (p % gcd != 0) {
        return size;
    }
    const INDEX_T low = p - (blocks - 1) * stride;
    const INDEX_T kLow = low <= 0 ? 0 : (low + dilation - 1) / dilation;
    // In 64 bits: both factors are below step, which may be close to 2^31.
    const INDEX_T residue = (INDEX_T) ((((long) (p / gcd) % step) * inverse) % step);
    return kLow + (((residue - kLow) % step) + step) % step;
}

// first_covering along dimension D, H or W of the geometry.
#define FIRST_COVERING(dim, p, last) first_covering((p), V(P_KERNEL_##dim), V(P_DIL_##dim), V(P_STRIDE_##dim), \
        V(P_BLOCKS_##dim), V(P_GCD_##dim), V(P_STEP_##dim), (long) (P_INV_##dim), (last))

// Fold mean of the row kernels: divides the sum `target` at pixel x of an image row that
// countZY windows cover in depth and height by its number of covering windows (0 where none).
#define MEAN_OVER_WINDOWS(target, countZY, x) do { \
        INDEX_T last_; \
        const INDEX_T first_ = FIRST_COVERING(W, (x) + V(P_PAD_W), &last_); \
        const long count_ = (long) (countZY) * count_covering(first_, last_, V(P_STEP_W)); \
        (target) = count_ > 0 ? (target) / (T) count_ : (T) 0; \
    } while (0)

inline INDEX_T floor_div(const INDEX_T a, const INDEX_T b)
{
    return (a >= 0 ? a : a - b + 1) / b;  // b > 0
}

inline INDEX_T count_covering(const INDEX_T first, const INDEX_T last, const INDEX_T step)
{
    return first > last ? 0 : (last - first) / step + 1;
}

__kernel void fold(__global const T* restrict input,
                   __global T* restrict output,
                   const long16 shape,
                   const long16 window,
                   const long4 columns,
                   const long16 cover
#ifdef FOLD_WEIGHTED
                   , __global const float* restrict weights
#endif
                   )
{
    const INDEX_T idx = (INDEX_T) get_global_id(0);
    if (idx >= (INDEX_T) shape.s0) {
        return;  // the global size is rounded up to whole work-groups
    }
    const INDEX_T depth = V(P_SIZE_D), height = V(P_SIZE_H), width = V(P_SIZE_W), channels = V(P_C);
#ifdef IMAGE_CL
    const INDEX_T c = idx % channels, x = idx / channels % width, y = idx / channels / width % height;
    const INDEX_T z = idx / channels / width / height % depth, n = idx / channels / width / height / depth;
#else
    const INDEX_T x = idx % width, y = idx / width % height, z = idx / width / height % depth;
    const INDEX_T c = idx / width / height / depth % channels, n = idx / width / height / depth / channels;
#endif
    const INDEX_T pz = z + V(P_PAD_D), py = y + V(P_PAD_H), px = x + V(P_PAD_W);

    INDEX_T lastZ, lastY, lastX;
    const INDEX_T firstZ = FIRST_COVERING(D, pz, &lastZ);
    const INDEX_T firstY = FIRST_COVERING(H, py, &lastY);
    const INDEX_T firstX = FIRST_COVERING(W, px, &lastX);
    const INDEX_T base = n * V(P_COL_N) + c * V(P_COL_C);

    ACC_T sum = (ACC_T) 0;  // float for the 16-bit types (Note [16-bit storage] in ClTypes)
#if defined(FOLD_WEIGHTED)
    ACC_T den = (ACC_T) 0;
#elif defined(FOLD_MAX)
    sum = MAX_LOWEST;
#endif
    for (INDEX_T kz = firstZ; kz <= lastZ; kz += V(P_STEP_D)) {
        const INDEX_T oz = (pz - kz * V(P_DIL_D)) / V(P_STRIDE_D);
        for (INDEX_T ky = firstY; ky <= lastY; ky += V(P_STEP_H)) {
            const INDEX_T oy = (py - ky * V(P_DIL_H)) / V(P_STRIDE_H);
            const INDEX_T kBase = (kz * V(P_KERNEL_H) + ky) * V(P_KERNEL_W);
            const INDEX_T lBase = (oz * V(P_BLOCKS_H) + oy) * V(P_BLOCKS_W);
            for (INDEX_T kx = firstX; kx <= lastX; kx += V(P_STEP_W)) {
                const INDEX_T ox = (px - kx * V(P_DIL_W)) / V(P_STRIDE_W);
                const ACC_T v = LOAD(input[base + (kBase + kx) * V(P_COL_K) + (lBase + ox) * V(P_COL_L)]);
#if defined(FOLD_WEIGHTED)
                const ACC_T w = (ACC_T) weights[kBase + kx];
                sum += w * v;
                den += w;
#elif defined(FOLD_MAX)
#ifdef MAX_FLOAT
                // Java's Math.max (Note [max of floats] in internal/cpu/BlendRows.java): the first
                // NaN stays, +0.0 is above -0.0.
                sum = sum != sum ? sum : (v != v || v > sum || (v == sum && signbit(sum))) ? v : sum;
#else
                sum = max(sum, v);
#endif
#else
                sum += v;
#endif
            }
        }
    }
#if defined(FOLD_WEIGHTED)
    sum = den > (ACC_T) 0 ? sum / den : (ACC_T) 0;
#elif defined(FOLD_MAX)
    if (firstZ > lastZ || firstY > lastY || firstX > lastX) {
        sum = (ACC_T) 0;  // no window covers the pixel
    }
#endif
#ifdef FOLD_MEAN
    const long count = (long) count_covering(firstZ, lastZ, V(P_STEP_D)) * count_covering(firstY, lastY, V(P_STEP_H))
            * count_covering(firstX, lastX, V(P_STEP_W));
    sum = count > 0 ? sum / (ACC_T) count : (ACC_T) 0;
#endif
    output[idx] = STORE(sum);
}

// One work-item per output image row (n, c, z, y); shape.s0 holds the number of rows.
__kernel void fold_rows(__global const T* restrict input,
                        __global T* restrict output,
                        const long16 shape,
                        const long16 window,
                        const long4 columns,
                        const long16 cover)
{
    const INDEX_T row = (INDEX_T) get_global_id(0);
    if (row >= (INDEX_T) shape.s0) {
        return;
    }
    const INDEX_T y = row % V(P_SIZE_H), z = row / V(P_SIZE_H) % V(P_SIZE_D);
    const INDEX_T plane = row / V(P_SIZE_H) / V(P_SIZE_D);
    const INDEX_T c = plane % V(P_C), n = plane / V(P_C);
    __global T* out = output + n * V(P_IN_N) + c * V(P_IN_C) + z * V(P_IN_D) + y * V(P_IN_H);
    const INDEX_T pz = z + V(P_PAD_D), py = y + V(P_PAD_H);
    INDEX_T lastZ, lastY;
    const INDEX_T firstZ = FIRST_COVERING(D, pz, &lastZ);
    const INDEX_T firstY = FIRST_COVERING(H, py, &lastY);
    __global const T* in = input + n * V(P_COL_N) + c * V(P_COL_C);
#ifdef DISJOINT
    // Windows that do not overlap (patches): each pixel has at most one value, so it is set, not
    // accumulated; 0 + v keeps the bits of the sum (-0.0 becomes +0.0 as there). The row is
    // cleared first only where some pixels have no window.
    const bool whole = firstZ <= lastZ && firstY <= lastY;
#ifndef GAPS_W
    if (!whole)
#endif
    for (INDEX_T x = 0; x < V(P_SIZE_W); x++) {
        out[x * V(P_IN_W)] = (T) 0;
    }
    #define ACCUMULATE(target, value) (target) = (T) 0 + (value)
#else
    for (INDEX_T x = 0; x < V(P_SIZE_W); x++) {
        out[x * V(P_IN_W)] = (T) 0;
    }
    #define ACCUMULATE(target, value) (target) += (value)
#endif
    for (INDEX_T kz = firstZ; kz <= lastZ; kz += V(P_STEP_D)) {
        const INDEX_T oz = (pz - kz * V(P_DIL_D)) / V(P_STRIDE_D);
        for (INDEX_T ky = firstY; ky <= lastY; ky += V(P_STEP_H)) {
            const INDEX_T oy = (py - ky * V(P_DIL_H)) / V(P_STRIDE_H);
            const INDEX_T kBase = (kz * V(P_KERNEL_H) + ky) * V(P_KERNEL_W);
            const INDEX_T lBase = (oz * V(P_BLOCKS_H) + oy) * V(P_BLOCKS_W);
#ifdef ALONG_KERNEL
            // Kernels wider than the windows per row: runs along the kernel offsets of each window,
            // windows from last to first so that each pixel still adds its offsets in ascending
            // order (Note [fold summation order] in internal/cpu/JavaEngine.java).
            for (INDEX_T ox = V(P_BLOCKS_W) - 1; ox >= 0; ox--) {
                const INDEX_T start = ox * V(P_STRIDE_W) - V(P_PAD_W);
                const INDEX_T lo = max((INDEX_T) 0, -floor_div(start, V(P_DIL_W)));
                const INDEX_T hi = min(V(P_KERNEL_W) - 1, floor_div(V(P_SIZE_W) - 1 - start, V(P_DIL_W)));
                __global const T* col = in + kBase * V(P_COL_K) + (lBase + ox) * V(P_COL_L);
                for (INDEX_T kx = lo; kx <= hi; kx++) {
                    ACCUMULATE(out[(start + kx * V(P_DIL_W)) * V(P_IN_W)], col[kx * V(P_COL_K)]);
                }
            }
#else
            for (INDEX_T kx = 0; kx < V(P_KERNEL_W); kx++) {
                // Windows whose tap kx lands inside the row: ox*stride - pad + kx*dil in [0, width).
                const INDEX_T shift = kx * V(P_DIL_W) - V(P_PAD_W);
                const INDEX_T lo = max((INDEX_T) 0, -floor_div(shift, V(P_STRIDE_W)));
                const INDEX_T hi = min(V(P_BLOCKS_W) - 1, floor_div(V(P_SIZE_W) - 1 - shift, V(P_STRIDE_W)));
                __global const T* col = in + (kBase + kx) * V(P_COL_K) + lBase * V(P_COL_L);
                for (INDEX_T ox = lo; ox <= hi; ox++) {
                    ACCUMULATE(out[(ox * V(P_STRIDE_W) + shift) * V(P_IN_W)], col[ox * V(P_COL_L)]);
                }
            }
#endif
        }
    }
#ifdef FOLD_MEAN
    const INDEX_T countZY = count_covering(firstZ, lastZ, V(P_STEP_D)) * count_covering(firstY, lastY, V(P_STEP_H));
    for (INDEX_T x = 0; x < V(P_SIZE_W); x++) {
        MEAN_OVER_WINDOWS(out[x * V(P_IN_W)], countZY, x);
    }
#endif
}

// One work-item per (n, c, r) for r < min(stride_h, height) (shape.s0 holds their number): the image rows
// y = r, r + stride_h, ... are exactly where kernel rows ky = r, r + stride_h, ... land (no
// padding), so the work-item owns them. It reads each of those kernel rows' column rows once,
// in order, and adds every window's value into its pixel, kernel rows and then offsets ascending,
// so each pixel meets its taps in ascending order and the sums are fold's bits. fold_rows reads
// these columns along the kernel, a column row apart, which crosses a page every few values and
// defeats the CPU's prefetcher (Note [row-class strips] in internal/cpu/FoldPass.java).
// The sums go to __local scratch first, one row per image row of the class at a pitch ROW_PAD
// elements longer than the image's: in the image itself (tile256: rows 8 KB apart, windows 512
// bytes apart) the pixels one column row adds to fall into a few cache sets and evict each other.
// The host gives each work-item (ceil(height / stride_h) x (width + ROW_PAD)) elements; ROW_PAD
// comes from the host too (ColumnGeometry.ROW_CLASS_PAD, which the Java backend uses alike).
__kernel void fold_row_classes(__global const T* restrict input,
                               __global T* restrict output,
                               const long16 shape,
                               const long16 window,
                               const long4 columns,
                               const long16 cover,
                               __local T* scratch)
{
    const INDEX_T item = (INDEX_T) get_global_id(0);
    // Items past the end (the global size is rounded up to whole work-groups) skip every phase
    // rather than return, so that INTERLEAVE_ITEMS' barriers are reached by the whole group.
    const bool active = item < (INDEX_T) shape.s0;
    const INDEX_T classes = min(V(P_STRIDE_H), V(P_SIZE_H));  // kernel rows ky < kh <= height
    const INDEX_T r = item % classes, plane = item / classes;
    const INDEX_T c = plane % V(P_C), n = plane / V(P_C);
    __global T* out = output + n * V(P_IN_N) + c * V(P_IN_C);
    __global const T* in = input + n * V(P_COL_N) + c * V(P_COL_C);
    const INDEX_T pitch = V(P_SIZE_W) + ROW_PAD;
    const INDEX_T rows = (V(P_SIZE_H) - r + V(P_STRIDE_H) - 1) / V(P_STRIDE_H);
    __local T* sums = scratch + (INDEX_T) get_local_id(0) * ((V(P_SIZE_H) + V(P_STRIDE_H) - 1) / V(P_STRIDE_H)) * pitch;
    if (active) {
        for (INDEX_T i = 0; i < rows * pitch; i++) {
            sums[i] = (T) 0;
        }
    }
    // Note [interleaved work-items]: a CPU device (PoCL) runs a work-group's items one after
    // another, so work-items whose scratch overlapped (a wrong offset above) would still each
    // see only their own sums there. Tests build the kernel with these barriers
    // (OpenCLBackend.interleaveWorkItems): every item then zeroes, then sums, then writes out
    // before any goes on, and overlapping scratch shows, as it would on a GPU.
#ifdef INTERLEAVE_ITEMS
    barrier(CLK_LOCAL_MEM_FENCE);
#endif
    if (active) {
        for (INDEX_T ky = r, m = 0; ky < V(P_KERNEL_H); ky += V(P_STRIDE_H), m++) {
            for (INDEX_T kx = 0; kx < V(P_KERNEL_W); kx++) {
                __global const T* col = in + (ky * V(P_KERNEL_W) + kx) * V(P_COL_K);
                for (INDEX_T oy = 0; oy < V(P_BLOCKS_H); oy++) {
                    __local T* o = sums + (oy + m) * pitch + kx;
                    __global const T* v = col + oy * V(P_BLOCKS_W);
                    for (INDEX_T ox = 0; ox < V(P_BLOCKS_W); ox++) {
                        o[ox * V(P_STRIDE_W)] += v[ox];
                    }
                }
            }
        }
    }
#ifdef INTERLEAVE_ITEMS
    barrier(CLK_LOCAL_MEM_FENCE);
#endif
    if (!active) {
        return;
    }
    for (INDEX_T j = 0, y = r; j < rows; j++, y += V(P_STRIDE_H)) {
#ifdef FOLD_MEAN
        INDEX_T lastY;
        const INDEX_T firstY = FIRST_COVERING(H, y, &lastY);  // no padding here
        const INDEX_T countY = count_covering(firstY, lastY, V(P_STEP_H));
#endif
        for (INDEX_T x = 0; x < V(P_SIZE_W); x++) {
            T v = sums[j * pitch + x];
#ifdef FOLD_MEAN
            MEAN_OVER_WINDOWS(v, countY, x);
#endif
            out[y * V(P_IN_H) + x] = v;
        }
    }
}

// One work-item per column row (n, c, k) (shape.s0 holds their number), for patches that cover
// every pixel exactly once without padding (a permutation, e.g. ViT patches): the work-item reads
// its row in order and sets each window's pixel, 0 + v as fold_rows' DISJOINT does. fold_rows
// reads these columns a row apart instead, as many scattered loads as pixels (measured on PoCL,
// vit16: see bench/RESULTS.md).
__kernel void fold_patches(__global const T* restrict input,
                           __global T* restrict output,
                           const long16 shape,
                           const long16 window,
                           const long4 columns,
                           const long16 cover)
{
    const INDEX_T item = (INDEX_T) get_global_id(0);
    if (item >= (INDEX_T) shape.s0) {
        return;
    }
    const INDEX_T k = item % V(P_K), plane = item / V(P_K);
    const INDEX_T c = plane % V(P_C), n = plane / V(P_C);
    const INDEX_T kx = k % V(P_KERNEL_W), ky = k / V(P_KERNEL_W) % V(P_KERNEL_H), kz = k / V(P_KERNEL_W) / V(P_KERNEL_H);
    __global const T* col = input + n * V(P_COL_N) + c * V(P_COL_C) + k * V(P_COL_K);
    __global T* out = output + n * V(P_IN_N) + c * V(P_IN_C)
            + kz * V(P_DIL_D) * V(P_IN_D) + ky * V(P_DIL_H) * V(P_IN_H) + kx * V(P_DIL_W) * V(P_IN_W);
    for (INDEX_T oz = 0; oz < V(P_BLOCKS_D); oz++) {
        for (INDEX_T oy = 0; oy < V(P_BLOCKS_H); oy++) {
            __global T* row = out + oz * V(P_STRIDE_D) * V(P_IN_D) + oy * V(P_STRIDE_H) * V(P_IN_H);
            __global const T* v = col + (oz * V(P_BLOCKS_H) + oy) * V(P_BLOCKS_W) * V(P_COL_L);
            for (INDEX_T ox = 0; ox < V(P_BLOCKS_W); ox++) {
                row[ox * V(P_STRIDE_W) * V(P_IN_W)] = STORE((ACC_T) 0 + LOAD(v[ox * V(P_COL_L)]));
            }
        }
    }
}
