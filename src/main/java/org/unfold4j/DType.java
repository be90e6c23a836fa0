package org.unfold4j;

/**
 * The element types of a {@link Tensor}. Unfold copies every type exactly; fold sums the floating-point
 * types: float32 and float64 in their own type, float16 and bfloat16 in float32, rounded once to the
 * 16-bit type at the end (to nearest, ties to even).
 */
public enum DType {
    /** 32-bit IEEE float ({@code float[]}, OpenCL {@code float}). */
    FLOAT32("float32", 4),
    /** 64-bit IEEE float ({@code double[]}, OpenCL {@code double}; needs {@code cl_khr_fp64}). */
    FLOAT64("float64", 8),
    /** Unsigned 8-bit integer ({@code byte[]} read as 0..255, OpenCL {@code uchar}). */
    UINT8("uint8", 1),
    /** Signed 32-bit integer ({@code int[]}, OpenCL {@code int}). */
    INT32("int32", 4),
    /**
     * IEEE binary16 half-precision float ({@code short[]} holding the bits, OpenCL {@code ushort}
     * storage; no {@code cl_khr_fp16} needed): NumPy's {@code float16}, PyTorch's {@code torch.half}.
     */
    FLOAT16("float16", 2),
    /**
     * bfloat16, the upper 16 bits of a float32 ({@code short[]} holding the bits, OpenCL
     * {@code ushort} storage): PyTorch's {@code torch.bfloat16} (NumPy has no such type).
     */
    BFLOAT16("bfloat16", 2);

    private final String label;
    private final int bytes;
    DType(String label, int bytes) {
        this.label = label;
        this.bytes = bytes;
    }

    /** {@return the bytes per element} */
    public int bytes() {
        return bytes;
    }

    /** {@return whether this is float32, float64, float16 or bfloat16, the types fold can sum} */
    public boolean isFloatingPoint() {
        return this != UINT8 && this != INT32;
    }

    /** {@return whether this is float16 or bfloat16, stored as 16-bit patterns in a {@code short[]}} */
    public boolean isHalf() {
        return this == FLOAT16 || this == BFLOAT16;
    }

    /** The NumPy / PyTorch name, e.g. {@code "float32"}. */
    @Override
    public String toString() {
        return label;
    }

    /**
     * The type of a NumPy / PyTorch name, ignoring case.
     *
     * @param name {@code "float32"}, {@code "float64"}, {@code "uint8"}, {@code "int32"}, {@code "float16"} or
     *     {@code "bfloat16"}, or the constant's name
     * @return the type
     * @throws IllegalArgumentException for another name
     */
    public static DType parse(String name) {
        for (DType t : values()) {
            if (t.label.equalsIgnoreCase(name) || t.name().equalsIgnoreCase(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("dtype must be float32, float64, uint8, int32, float16 or bfloat16, but got '" + name + "'");
    }
}
