// Shared by unfold.cl and fold.cl, prepended to each by the host (Programs.source): the types,
// and the geometry each kernel reads, as one set of names.
//
// Every rank is seen as three spatial dimensions (depth, height, width; missing ones have size 1
// and a trivial window) and every layout as element strides: Note [normalised 3-D view] in
// ColumnGeometry.java. The host packs the arguments (OpenCLBackend.java, "kernel arguments"):
//   shape:   s0 work-items, s1 C, s2 K (kernel volume), s3 L (windows), s4-s6 size (d, h, w),
//            s7-s9 blocks (d, h, w), sa-sc kernel (d, h, w)
//   window:  s0-s2 dilation, s3-s5 padding, s6-s8 stride (d, h, w),
//            s9-sd image element strides (n, c, d, h, w)
//   columns: (fold) element strides of the column side (n, c, k, l)
//   cover:   (fold) s0-s2 gcd, s3-s5 step, s6-s8 inverse (d, h, w), from Axis.java
//
// Specialisation (prepended #defines, CLBlast style):
//   T        element type: float, double, uchar, int, or ushort for float16 / bfloat16 bits
//   T_FLOAT16, T_BFLOAT16  with T ushort: which 16-bit float the bits are (fold converts them)
//   INDEX_T  int when the host has proven every index fits (ColumnGeometry.fitsIntIndex), else long
//   P_C ...  for large tensors the host defines every geometry value below as a constant
//            (P_SPECIALISED): divisions by constants compile to multiplications, which is what
//            makes an index-heavy copy run at memory speed; small calls share one generic build.
#ifndef T
  #define T float
#endif
#ifndef INDEX_T
  #define INDEX_T long
#endif
#ifdef USE_FP64
  #pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif

// What fold adds in, and how a stored T becomes one and back: Note [16-bit storage] in
// ClTypes.java. The 16-bit float types are ushort bit patterns, summed in float and rounded once
// when stored, by the bit arithmetic of internal/HalfFloats.java (Note [16-bit conversions]
// there), line for line, so that both backends round alike; no cl_khr_fp16 is needed.
#if defined(T_FLOAT16) || defined(T_BFLOAT16)
  #define ACC_T float
#else
  #define ACC_T T
#endif
#if defined(T_FLOAT16)
inline float load_f16(const ushort bits)
{
    const uint h = bits, sign = (h & 0x8000u) << 16, exponent = (h >> 10) & 0x1fu, mantissa = h & 0x3ffu;
    if (exponent == 0x1fu) {
        return as_float(sign | 0x7f800000u | mantissa << 13);
    }
    if (exponent != 0u) {
        return as_float(sign | (exponent + 112u) << 23 | mantissa << 13);
    }
    if (mantissa == 0u) {
        return as_float(sign);
    }
    const uint shift = clz(mantissa) - 21u;
    return as_float(sign | (113u - shift) << 23 | ((mantissa << shift) & 0x3ffu) << 13);
}
inline ushort store_f16(const float value)
{
    const uint f = as_uint(value), sign = (f >> 16) & 0x8000u, a = f & 0x7fffffffu;
    if (a > 0x7f800000u) {
        return (ushort) (sign | 0x7e00u | ((a >> 13) & 0x3ffu));
    }
    if (a >= 0x477ff000u) {
        return (ushort) (sign | 0x7c00u);
    }
    if (a >= 0x38800000u) {
        const uint e = a - 0x38000000u;
        return (ushort) (sign | (e + 0xfffu + ((e >> 13) & 1u)) >> 13);
    }
    if (a <= 0x33000000u) {
        return (ushort) sign;
    }
    const uint e = a >> 23, m = (a & 0x7fffffu) | 0x800000u, shift = 126u - e;
    uint q = m >> shift;
    const uint rest = m & ((1u << shift) - 1u), halfway = 1u << (shift - 1u);
    if (rest > halfway || (rest == halfway && (q & 1u) != 0u)) {
        q++;
    }
    return (ushort) (sign | q);
}
  #define LOAD(x) load_f16(x)
  #define STORE(v) store_f16(v)
#elif defined(T_BFLOAT16)
inline ushort store_bf16(const float value)
{
    const uint f = as_uint(value);
    if ((f & 0x7fffffffu) > 0x7f800000u) {
        return (ushort) ((f >> 16) | 0x0040u);
    }
    return (ushort) ((f + 0x7fffu + ((f >> 16) & 1u)) >> 16);
}
  #define LOAD(x) as_float((uint) (x) << 16)
  #define STORE(v) store_bf16(v)
#else
  #define LOAD(x) (x)
  #define STORE(v) (v)
#endif

#ifndef P_SPECIALISED
  #define P_C shape.s1
  #define P_K shape.s2
  #define P_L shape.s3
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
  #define P_IN_N window.s9
  #define P_IN_C window.sa
  #define P_IN_D window.sb
  #define P_IN_H window.sc
  #define P_IN_W window.sd
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
