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
//   T        element type: float, double, uchar or int
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
