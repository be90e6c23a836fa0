// fold (col2im): a gather with one work-item per output pixel; work-item idx writes output[idx]
// (coalesced for either image layout); no atomics.
//
// Each pixel visits only the windows that cover it: along each dimension the covering kernel
// offsets k solve o*stride + k*dilation = y + padding, an arithmetic progression with step
// stride/gcd(stride, dilation) starting at a residue computed with a modular inverse (Note [fold
// visits only covering windows] in Axis.java, which this mirrors). Offsets are summed in
// ascending order starting from 0, exactly as the Java backend does, so both give the same bits.
// Every rank is seen as three spatial dimensions (Note [normalised 3-D view], ColumnGeometry.java).
//
// Specialisation (prepended #defines):
//   T          float or double (the sum is kept in T, as PyTorch does)
//   INDEX_T    int when every index fits in 32 bits (ColumnGeometry.fitsIntIndex), else long
//   IMAGE_CL   defined for channels-last images ([N, H, W, C]); else channels-first
//   FOLD_MEAN  defined to divide each pixel by the number of windows covering it
//   P_C ...    the geometry as constants for large tensors (P_SPECIALISED), as in unfold.cl
#ifndef T
  #define T float
#endif
#ifndef INDEX_T
  #define INDEX_T long
#endif
#ifdef USE_FP64
  #pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif

// shape, window: as in unfold.cl, with shape.s0 the number of output pixels.
// columns: element strides of the input (n, c, k, l).
// cover:   s0-s2 gcd, s3-s5 step, s6-s8 inverse (d, h, w).
#ifndef P_SPECIALISED
  #define P_C shape.s1
  #define P_SIZE_D shape.s4
  #define P_SIZE_H shape.s5
  #define P_SIZE_W shape.s6
  #define P_BLOCKS_D shape.s7
  #define P_BLOCKS_H shape.s8
  #define P_BLOCKS_W shape.s9
  #define P_KERNEL_D shape.sa
  #define P_KERNEL_H shape.sb
  #define P_KERNEL_W shape.sc
  #define P_DIL_D window.s0
  #define P_DIL_H window.s1
  #define P_DIL_W window.s2
  #define P_PAD_D window.s3
  #define P_PAD_H window.s4
  #define P_PAD_W window.s5
  #define P_STRIDE_D window.s6
  #define P_STRIDE_H window.s7
  #define P_STRIDE_W window.s8
  #define P_COL_N columns.s0
  #define P_COL_C columns.s1
  #define P_COL_K columns.s2
  #define P_COL_L columns.s3
  #define P_GCD_D cover.s0
  #define P_GCD_H cover.s1
  #define P_GCD_W cover.s2
  #define P_STEP_D cover.s3
  #define P_STEP_H cover.s4
  #define P_STEP_W cover.s5
  #define P_INV_D cover.s6
  #define P_INV_H cover.s7
  #define P_INV_W cover.s8
#endif
#define V(p) ((INDEX_T) (p))

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

__kernel void fold(__global const T* restrict input,
                   __global T* restrict output,
                   const long16 shape,
                   const long16 window,
                   const long4 columns,
                   const long16 cover)
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
    const INDEX_T firstZ = first_covering(pz, V(P_KERNEL_D), V(P_DIL_D), V(P_STRIDE_D), V(P_BLOCKS_D),
                                          V(P_GCD_D), V(P_STEP_D), (long) (P_INV_D), &lastZ);
    const INDEX_T firstY = first_covering(py, V(P_KERNEL_H), V(P_DIL_H), V(P_STRIDE_H), V(P_BLOCKS_H),
                                          V(P_GCD_H), V(P_STEP_H), (long) (P_INV_H), &lastY);
    const INDEX_T firstX = first_covering(px, V(P_KERNEL_W), V(P_DIL_W), V(P_STRIDE_W), V(P_BLOCKS_W),
                                          V(P_GCD_W), V(P_STEP_W), (long) (P_INV_W), &lastX);
    const INDEX_T base = n * V(P_COL_N) + c * V(P_COL_C);

    T sum = (T) 0;
    for (INDEX_T kz = firstZ; kz <= lastZ; kz += V(P_STEP_D)) {
        const INDEX_T oz = (pz - kz * V(P_DIL_D)) / V(P_STRIDE_D);
        for (INDEX_T ky = firstY; ky <= lastY; ky += V(P_STEP_H)) {
            const INDEX_T oy = (py - ky * V(P_DIL_H)) / V(P_STRIDE_H);
            const INDEX_T kBase = (kz * V(P_KERNEL_H) + ky) * V(P_KERNEL_W);
            const INDEX_T lBase = (oz * V(P_BLOCKS_H) + oy) * V(P_BLOCKS_W);
            for (INDEX_T kx = firstX; kx <= lastX; kx += V(P_STEP_W)) {
                const INDEX_T ox = (px - kx * V(P_DIL_W)) / V(P_STRIDE_W);
                sum += input[base + (kBase + kx) * V(P_COL_K) + (lBase + ox) * V(P_COL_L)];
            }
        }
    }
#ifdef FOLD_MEAN
    const INDEX_T countZ = firstZ > lastZ ? 0 : (lastZ - firstZ) / V(P_STEP_D) + 1;
    const INDEX_T countY = firstY > lastY ? 0 : (lastY - firstY) / V(P_STEP_H) + 1;
    const INDEX_T countX = firstX > lastX ? 0 : (lastX - firstX) / V(P_STEP_W) + 1;
    const long count = (long) countZ * countY * countX;
    sum = count > 0 ? sum / (T) count : (T) 0;
#endif
    output[idx] = sum;
}
