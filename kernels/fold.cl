// fold (col2im): a gather with one work-item per output pixel of [N, C, H, W]; no atomics.
//
// Each pixel visits only the windows that cover it: along each dimension the covering kernel
// offsets k solve o*stride + k*dilation = y + padding, an arithmetic progression with step
// stride/gcd(stride, dilation) starting at a residue computed with a modular inverse (see
// Note [fold visits only covering windows] in Covering.java, which this mirrors line by line).
// Offsets are summed in ascending (ki, kj) order starting from 0.0f, exactly as the Java
// backend does, so both give the same bits.
//
// Specialisation (prepended #defines):
//   INDEX_T  int when every index fits in 32 bits (ColumnGeometry.fitsIntIndex), else long.
#ifndef INDEX_T
  #define INDEX_T long
#endif

// The smallest kernel offset covering padded coordinate p, or size if none; *last gets the
// inclusive upper bound. step and inverse come from the host (Covering.java).
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

// The geometry vector g is laid out as in unfold.cl, with s0 the number of output pixels.
// cover: s0 gcdH, s1 stepH, s2 inverseH, s3 gcdW, s4 stepW, s5 inverseW.
__kernel void fold(__global const float* restrict input,
                   __global float* restrict output,
                   const long16 g,
                   const long8 cover)
{
    const INDEX_T idx = (INDEX_T) get_global_id(0);
    if (idx >= (INDEX_T) g.s0) {
        return;  // the global size is rounded up to whole work-groups
    }
    const INDEX_T height = (INDEX_T) g.s2, width = (INDEX_T) g.s3;
    const INDEX_T kh = (INDEX_T) g.s4, kw = (INDEX_T) g.s5;
    const INDEX_T dh = (INDEX_T) g.s6, dw = (INDEX_T) g.s7;
    const INDEX_T sh = (INDEX_T) g.sa, sw = (INDEX_T) g.sb;
    const INDEX_T blocksH = (INDEX_T) g.sc, blocksW = (INDEX_T) g.sd;
    const INDEX_T blocks = blocksH * blocksW;

    const INDEX_T x = idx % width;
    const INDEX_T t = idx / width;
    const INDEX_T y = t % height;
    const INDEX_T plane = t / height;        // n*C + c
    const INDEX_T py = y + (INDEX_T) g.s8, px = x + (INDEX_T) g.s9;

    INDEX_T lastH, lastW;
    const INDEX_T firstH = first_covering(py, kh, dh, sh, blocksH, (INDEX_T) cover.s0, (INDEX_T) cover.s1,
                                          cover.s2, &lastH);
    const INDEX_T firstW = first_covering(px, kw, dw, sw, blocksW, (INDEX_T) cover.s3, (INDEX_T) cover.s4,
                                          cover.s5, &lastW);
    const INDEX_T stepH = (INDEX_T) cover.s1, stepW = (INDEX_T) cover.s4;

    float sum = 0.0f;
    for (INDEX_T ki = firstH; ki <= lastH; ki += stepH) {
        const INDEX_T oh = (py - ki * dh) / sh;
        const INDEX_T rowBase = (plane * kh + ki) * kw;
        for (INDEX_T kj = firstW; kj <= lastW; kj += stepW) {
            const INDEX_T ow = (px - kj * dw) / sw;
            sum += input[(rowBase + kj) * blocks + oh * blocksW + ow];
        }
    }
    output[idx] = sum;
}
