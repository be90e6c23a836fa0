// unfold (im2col): one work-item per output element of [N, C*kh*kw, L].
//
// Consecutive work-items write consecutive elements along L, so writes coalesce; reads of one
// kernel row follow the input row with the stride.
//
// Specialisation (prepended #defines, CLBlast style):
//   INDEX_T  the integer type of all index arithmetic: int when the host has proven every index
//            fits (ColumnGeometry.fitsIntIndex), else long (tensors beyond 2^31 elements).
#ifndef INDEX_T
  #define INDEX_T long
#endif

// The geometry vector g (ColumnGeometry, packed by GeometryVector.java):
//   s0 total elements, s1 C, s2 H, s3 W, s4 kh, s5 kw, s6 dh, s7 dw,
//   s8 ph, s9 pw, sa sh, sb sw, sc blocksH, sd blocksW
__kernel void unfold(__global const float* restrict input,
                     __global float* restrict output,
                     const long16 g)
{
    const INDEX_T idx = (INDEX_T) get_global_id(0);
    if (idx >= (INDEX_T) g.s0) {
        return;  // the global size is rounded up to whole work-groups
    }
    const INDEX_T height = (INDEX_T) g.s2, width = (INDEX_T) g.s3;
    const INDEX_T kw = (INDEX_T) g.s5;
    const INDEX_T blocksW = (INDEX_T) g.sd;
    const INDEX_T blocks = (INDEX_T) g.sc * blocksW;
    const INDEX_T area = (INDEX_T) g.s4 * kw;

    const INDEX_T l = idx % blocks;
    const INDEX_T row = idx / blocks;        // (n*C + c)*kh*kw + ki*kw + kj
    const INDEX_T offset = row % area;
    const INDEX_T plane = row / area;        // n*C + c
    const INDEX_T ki = offset / kw, kj = offset % kw;
    const INDEX_T oh = l / blocksW, ow = l % blocksW;
    const INDEX_T ih = oh * (INDEX_T) g.sa - (INDEX_T) g.s8 + ki * (INDEX_T) g.s6;
    const INDEX_T iw = ow * (INDEX_T) g.sb - (INDEX_T) g.s9 + kj * (INDEX_T) g.s7;

    float value = 0.0f;  // zero padding
    if (ih >= 0 && ih < height && iw >= 0 && iw < width) {
        value = input[(plane * height + ih) * width + iw];
    }
    output[idx] = value;
}
