// unfold (im2col): one work-item per output element; work-item idx writes output[idx], so
// consecutive work-items write consecutive addresses (coalesced) whatever the output layout.
//
// Every rank is seen as three spatial dimensions (depth, height, width; missing ones have size 1
// and a trivial window) and every layout as element strides: Note [normalised 3-D view] in
// ColumnGeometry.java. The host packs the arguments (OpenCLBackend.java, "kernel arguments").
//
// Specialisation (prepended #defines, CLBlast style):
//   T         element type: float, double, uchar or int (unfold only copies)
//   INDEX_T   int when the host has proven every index fits (ColumnGeometry.fitsIntIndex), else long
//   PAD_MODE  0 zeros, 1 reflect, 2 replicate, 3 circular (as F.pad; limits checked on the host)
//   ORDER     the column side's axes from slowest to fastest after n (ColumnGeometry.columnOrder):
//             0 (c, k, l) columns (PyTorch's row order for either image layout)
//             2 (l, c, k) patches, channels-first      3 (l, k, c) patches, channels-last
#ifndef T
  #define T float
#endif
#ifndef INDEX_T
  #define INDEX_T long
#endif
#ifndef PAD_MODE
  #define PAD_MODE 0
#endif
#ifndef ORDER
  #define ORDER 0
#endif
#ifdef USE_FP64
  #pragma OPENCL EXTENSION cl_khr_fp64 : enable
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
#else
    return raw < 0 ? raw + size : (raw >= size ? raw - size : raw);
#endif
}

// shape:  s0 total, s1 C, s2 K (kernel volume), s3 L (windows), s4-s6 size (d, h, w),
//         s7-s9 blocks (d, h, w), sa-sc kernel (d, h, w)
// window: s0-s2 dilation, s3-s5 padding, s6-s8 stride (d, h, w),
//         s9-sd image element strides (n, c, d, h, w)
__kernel void unfold(__global const T* restrict input,
                     __global T* restrict output,
                     const long16 shape,
                     const long16 window)
{
    const INDEX_T idx = (INDEX_T) get_global_id(0);
    if (idx >= (INDEX_T) shape.s0) {
        return;  // the global size is rounded up to whole work-groups
    }
    const INDEX_T channels = (INDEX_T) shape.s1, volume = (INDEX_T) shape.s2, blocks = (INDEX_T) shape.s3;
#if ORDER == 0
    const INDEX_T l = idx % blocks, k = idx / blocks % volume, c = idx / blocks / volume % channels;
#elif ORDER == 2
    const INDEX_T k = idx % volume, c = idx / volume % channels, l = idx / volume / channels % blocks;
#else
    const INDEX_T c = idx % channels, k = idx / channels % volume, l = idx / channels / volume % blocks;
#endif
    const INDEX_T n = idx / (channels * volume * blocks);

    const INDEX_T bw = (INDEX_T) shape.s9, bh = (INDEX_T) shape.s8;
    const INDEX_T kw = (INDEX_T) shape.sc, kh = (INDEX_T) shape.sb;
    const INDEX_T ox = l % bw, oy = l / bw % bh, oz = l / bw / bh;
    const INDEX_T kx = k % kw, ky = k / kw % kh, kz = k / kw / kh;

    const INDEX_T iz = source(oz * (INDEX_T) window.s6 - (INDEX_T) window.s3 + kz * (INDEX_T) window.s0, (INDEX_T) shape.s4);
    const INDEX_T iy = source(oy * (INDEX_T) window.s7 - (INDEX_T) window.s4 + ky * (INDEX_T) window.s1, (INDEX_T) shape.s5);
    const INDEX_T ix = source(ox * (INDEX_T) window.s8 - (INDEX_T) window.s5 + kx * (INDEX_T) window.s2, (INDEX_T) shape.s6);

    T value = (T) 0;  // zero padding
    if (iz >= 0 && iy >= 0 && ix >= 0) {
        value = input[n * (INDEX_T) window.s9 + c * (INDEX_T) window.sa + iz * (INDEX_T) window.sb
                      + iy * (INDEX_T) window.sc + ix * (INDEX_T) window.sd];
    }
    output[idx] = value;
}
