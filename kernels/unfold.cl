// unfold (im2col): one work-item per output element; work-item idx writes output[idx], so
// consecutive work-items write consecutive addresses (coalesced) whatever the output layout.
//
// The geometry and its names come from common.cl, which the host prepends.
//
// Specialisation (prepended #defines, besides those of common.cl):
//   PAD_MODE  0 zeros, 1 reflect, 2 replicate, 3 circular (as F.pad; limits checked on the host)
//   ORDER     the column side's axes from slowest to fastest after n (View.columnOrder):
//             0 (c, k, l) columns (PyTorch's row order for either image layout)
//             2 (l, c, k) patches, channels-first      3 (l, k, c) patches, channels-last
//   Two entry points share the geometry: unfold (one work-item per output element, for GPUs)
//   and unfold_rows (one work-item per output row in PyTorch's column order, for CPU devices
//   such as PoCL, where per-element index arithmetic costs more than the copy).
// The PAD_MODE and ORDER numbers are defined in one place, the host's KernelCodes (Note [kernel
// codes]); the tests below use them and nothing else.
#ifndef PAD_MODE
  #define PAD_MODE 0
#endif
#ifndef ORDER
  #define ORDER 0
#endif

// The pixel read for coordinate raw of a dimension of the given size, or -1 for a zero.
inline INDEX_T source(const INDEX_T raw, const INDEX_T size)
{
#if PAD_MODE == 0
    return (raw >= 0 && raw < size) ? raw : -1;
#elif PAD_MODE == 1
    return raw < 0 ? -raw : (raw >= size ? 2 * (size - 1) - raw : raw);
#elif PAD_MODE == 2
    return raw < 0 ? 0 : (raw >= size ? size - 1 : raw);
#elif PAD_MODE == 3
    return raw < 0 ? raw + size : (raw >= size ? raw - size : raw);
#else
  #error "PAD_MODE is not one of KernelCodes' PAD_ codes"
#endif
}

__kernel void unfold(__global const T* restrict input,
                     __global T* restrict output,
                     const long16 shape,
                     const long16 window)
{
    const INDEX_T idx = (INDEX_T) get_global_id(0);
    if (idx >= (INDEX_T) shape.s0) {
        return;  // the global size is rounded up to whole work-groups
    }
#if ORDER == 0
    const INDEX_T l = idx % V(P_L), k = idx / V(P_L) % V(P_K), c = idx / V(P_L) / V(P_K) % V(P_C);
#elif ORDER == 2
    const INDEX_T k = idx % V(P_K), c = idx / V(P_K) % V(P_C), l = idx / V(P_K) / V(P_C) % V(P_L);
#elif ORDER == 3
    const INDEX_T c = idx % V(P_C), k = idx / V(P_C) % V(P_K), l = idx / V(P_C) / V(P_K) % V(P_L);
#else
  #error "ORDER is not one of KernelCodes' ORDER_ codes"
#endif
    const INDEX_T n = idx / (V(P_C) * V(P_K) * V(P_L));
    const INDEX_T ox = l % V(P_BLOCKS_W), oy = l / V(P_BLOCKS_W) % V(P_BLOCKS_H), oz = l / V(P_BLOCKS_W) / V(P_BLOCKS_H);
    const INDEX_T kx = k % V(P_KERNEL_W), ky = k / V(P_KERNEL_W) % V(P_KERNEL_H), kz = k / V(P_KERNEL_W) / V(P_KERNEL_H);

    const INDEX_T iz = source(oz * V(P_STRIDE_D) - V(P_PAD_D) + kz * V(P_DIL_D), V(P_SIZE_D));
    const INDEX_T iy = source(oy * V(P_STRIDE_H) - V(P_PAD_H) + ky * V(P_DIL_H), V(P_SIZE_H));
    const INDEX_T ix = source(ox * V(P_STRIDE_W) - V(P_PAD_W) + kx * V(P_DIL_W), V(P_SIZE_W));

    T value = (T) 0;  // zero padding
    if (iz >= 0 && iy >= 0 && ix >= 0) {
        value = input[n * V(P_IN_N) + c * V(P_IN_C) + iz * V(P_IN_D) + iy * V(P_IN_H) + ix * V(P_IN_W)];
    }
    output[idx] = value;
}

// One work-item per output row (n, c, k) of PyTorch's column order (ORDER 0 only): all its window
// rows, each a run of window positions ox. shape.s0 holds the number of output rows. Whole rows,
// not single window rows, so that the index arithmetic is paid once per row of L values.
__kernel void unfold_rows(__global const T* restrict input,
                          __global T* restrict output,
                          const long16 shape,
                          const long16 window)
{
    const INDEX_T row = (INDEX_T) get_global_id(0);
    if (row >= (INDEX_T) shape.s0) {
        return;
    }
    const INDEX_T k = row % V(P_K), plane = row / V(P_K);      // plane = n*C + c
    const INDEX_T c = plane % V(P_C), n = plane / V(P_C);
    const INDEX_T kx = k % V(P_KERNEL_W), ky = k / V(P_KERNEL_W) % V(P_KERNEL_H), kz = k / V(P_KERNEL_W) / V(P_KERNEL_H);
    const INDEX_T shift = kx * V(P_DIL_W) - V(P_PAD_W);
    __global const T* image = input + n * V(P_IN_N) + c * V(P_IN_C);
    __global T* out = output + row * V(P_L);
    for (INDEX_T oz = 0; oz < V(P_BLOCKS_D); oz++) {
        const INDEX_T iz = source(oz * V(P_STRIDE_D) - V(P_PAD_D) + kz * V(P_DIL_D), V(P_SIZE_D));
        for (INDEX_T oy = 0; oy < V(P_BLOCKS_H); oy++, out += V(P_BLOCKS_W)) {
            const INDEX_T iy = source(oy * V(P_STRIDE_H) - V(P_PAD_H) + ky * V(P_DIL_H), V(P_SIZE_H));
            if (iz < 0 || iy < 0) {
                for (INDEX_T ox = 0; ox < V(P_BLOCKS_W); ox++) {
                    out[ox] = (T) 0;
                }
                continue;
            }
            __global const T* in = image + iz * V(P_IN_D) + iy * V(P_IN_H);
            for (INDEX_T ox = 0; ox < V(P_BLOCKS_W); ox++) {
                const INDEX_T ix = source(ox * V(P_STRIDE_W) + shift, V(P_SIZE_W));
                out[ox] = ix >= 0 ? in[ix * V(P_IN_W)] : (T) 0;
            }
        }
    }
}
