package org.unfold4j.internal.opencl;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;
import org.jocl.Pointer;
import org.unfold4j.DType;

/**
 * The OpenCL side of each element type, in one table: the kernels' {@code T}, the defines that
 * go with it, and a JOCL pointer to a host array of the type. Adding a {@code DType} adds a row
 * here (and the kernels compile for it through {@code -D T=...}); nothing else in this package
 * tests an array's class.
 *
 * <p>Note [16-bit storage]: float16 and bfloat16 are stored as {@code ushort}, their bit
 * patterns, and need no {@code cl_khr_fp16}: unfold copies them as integers (bit for bit, and a
 * zero tap is 0x0000, +0.0); fold reads them through {@code LOAD} into float, its accumulation
 * type {@code ACC_T}, and writes through {@code STORE}, which rounds once to nearest even, by
 * the same bit arithmetic as the Java backend's {@code HalfFloats} ({@code common.cl}: rather
 * than {@code vload_half}/{@code vstore_half_rte}, whose NaN results the specification leaves
 * open). Fold variants that accumulate in the output itself cannot keep a float sum there and
 * do not take these types (KernelVariant.applies).
 */
public enum ClTypes {
    /** float32. */
    FLOAT32(DType.FLOAT32, "float", "", a -> Pointer.to((float[]) a)),
    /** float64, which needs cl_khr_fp64. */
    FLOAT64(DType.FLOAT64, "double", " -D USE_FP64", a -> Pointer.to((double[]) a)),
    /** uint8. */
    UINT8(DType.UINT8, "uchar", "", a -> Pointer.to((byte[]) a)),
    /** int32. */
    INT32(DType.INT32, "int", "", a -> Pointer.to((int[]) a)),
    /** float16, as its bits (Note [16-bit storage]). */
    FLOAT16(DType.FLOAT16, "ushort", " -D T_FLOAT16", a -> Pointer.to((short[]) a)),
    /** bfloat16, as its bits (Note [16-bit storage]). */
    BFLOAT16(DType.BFLOAT16, "ushort", " -D T_BFLOAT16", a -> Pointer.to((short[]) a));

    private static final Map<DType, ClTypes> BY_DTYPE = new EnumMap<>(DType.class);

    static {
        for (ClTypes t : values()) {
            BY_DTYPE.put(t.dtype, t);
        }
    }

    private final DType dtype;
    private final String openCLType;
    private final String defines;
    private final Function<Object, Pointer> pointer;

    ClTypes(DType dtype, String openCLType, String defines, Function<Object, Pointer> pointer) {
        this.dtype = dtype;
        this.openCLType = openCLType;
        this.defines = defines;
        this.pointer = pointer;
    }

    /**
     * {@return the row of {@code dtype}}
     *
     * @param dtype the element type
     */
    public static ClTypes of(DType dtype) {
        return BY_DTYPE.get(dtype);
    }

    /** {@return the OpenCL C type name, the kernels' T} */
    public String openCLType() {
        return openCLType;
    }

    /** {@return the build options the type adds after {@code -D T=...}: an extension, or the 16-bit conversions (each with a leading space), or ""} */
    public String defines() {
        return defines;
    }

    /**
     * {@return a pointer to a host array of this type}
     *
     * @param array a {@code float[]}, {@code double[]}, {@code byte[]}, {@code int[]} or {@code short[]}, as this type holds
     */
    public Pointer pointer(Object array) {
        return pointer.apply(array);
    }
}
