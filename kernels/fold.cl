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
#ifndef T
  #define T float
#endif
#ifndef INDEX_T
  #define INDEX_T long
#endif
#ifdef USE_FP64
  #pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif

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

// shape, window: as in unfold.cl, with shape.s0 the number of output pixels.
// columns: element strides of the input (n, c, k, l).
// cover:   s0-s2 gcd, s3-s5 step, s6-s8 inverse (d, h, w).
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
    const INDEX_T channels = (INDEX_T) shape.s1;
    const INDEX_T depth = (INDEX_T) shape.s4, height = (INDEX_T) shape.s5, width = (INDEX_T) shape.s6;
#ifdef IMAGE_CL
    const INDEX_T c = idx % channels, x = idx / channels % width, y = idx / channels / width % height;
    const INDEX_T z = idx / channels / width / height % depth, n = idx / channels / width / height / depth;
#else
    const INDEX_T x = idx % width, y = idx / width % height, z = idx / width / height % depth;
    const INDEX_T c = idx / width / height / depth % channels, n = idx / width / height / depth / channels;
#endif
    const INDEX_T bd = (INDEX_T) shape.s7, bh = (INDEX_T) shape.s8, bw = (INDEX_T) shape.s9;
    const INDEX_T kd = (INDEX_T) shape.sa, kh = (INDEX_T) shape.sb, kw = (INDEX_T) shape.sc;
    const INDEX_T dd = (INDEX_T) window.s0, dh = (INDEX_T) window.s1, dw = (INDEX_T) window.s2;
    const INDEX_T sd = (INDEX_T) window.s6, sh = (INDEX_T) window.s7, sw = (INDEX_T) window.s8;
    const INDEX_T pz = z + (INDEX_T) window.s3, py = y + (INDEX_T) window.s4, px = x + (INDEX_T) window.s5;

    INDEX_T lastZ, lastY, lastX;
    const INDEX_T firstZ = first_covering(pz, kd, dd, sd, bd, (INDEX_T) cover.s0, (INDEX_T) cover.s3, cover.s6, &lastZ);
    const INDEX_T firstY = first_covering(py, kh, dh, sh, bh, (INDEX_T) cover.s1, (INDEX_T) cover.s4, cover.s7, &lastY);
    const INDEX_T firstX = first_covering(px, kw, dw, sw, bw, (INDEX_T) cover.s2, (INDEX_T) cover.s5, cover.s8, &lastX);
    const INDEX_T stepZ = (INDEX_T) cover.s3, stepY = (INDEX_T) cover.s4, stepX = (INDEX_T) cover.s5;
    const INDEX_T base = n * (INDEX_T) columns.s0 + c * (INDEX_T) columns.s1;
    const INDEX_T kStride = (INDEX_T) columns.s2, lStride = (INDEX_T) columns.s3;

    T sum = (T) 0;
    for (INDEX_T kz = firstZ; kz <= lastZ; kz += stepZ) {
        const INDEX_T oz = (pz - kz * dd) / sd;
        for (INDEX_T ky = firstY; ky <= lastY; ky += stepY) {
            const INDEX_T oy = (py - ky * dh) / sh;
            const INDEX_T kBase = (kz * kh + ky) * kw, lBase = (oz * bh + oy) * bw;
            for (INDEX_T kx = firstX; kx <= lastX; kx += stepX) {
                const INDEX_T ox = (px - kx * dw) / sw;
                sum += input[base + (kBase + kx) * kStride + (lBase + ox) * lStride];
            }
        }
    }
#ifdef FOLD_MEAN
    const INDEX_T countZ = firstZ > lastZ ? 0 : (lastZ - firstZ) / stepZ + 1;
    const INDEX_T countY = firstY > lastY ? 0 : (lastY - firstY) / stepY + 1;
    const INDEX_T countX = firstX > lastX ? 0 : (lastX - firstX) / stepX + 1;
    const long count = (long) countZ * countY * countX;
    sum = count > 0 ? sum / (T) count : (T) 0;
#endif
    output[idx] = sum;
}
