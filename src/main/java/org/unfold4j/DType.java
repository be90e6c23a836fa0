package org.unfold4j;

/** The element types of a {@link Tensor}. Unfold copies every type exactly; fold sums float32 and float64. */
public enum DType {
    /** 32-bit IEEE float ({@code float[]}, OpenCL {@code float}). */
    FLOAT32("float32", 4),
    /** 64-bit IEEE float ({@code double[]}, OpenCL {@code double}; needs {@code cl_khr_fp64}). */
    FLOAT64("float64", 8),
    /** Unsigned 8-bit integer ({@code byte[]} read as 0..255, OpenCL {@code uchar}). */
    UINT8("uint8", 1),
    /** Signed 32-bit integer ({@code int[]}, OpenCL {@code int}). */
    INT32("int32", 4);

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

    /** {@return whether this is float32 or float64, the types fold can sum} */
    public boolean isFloatingPoint() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /** The NumPy / PyTorch name, e.g. {@code "float32"}. */
    @Override
    public String toString() {
        return label;
    }

    /**
     * The type of a NumPy / PyTorch name, ignoring case.
     *
     * @param name {@code "float32"}, {@code "float64"}, {@code "uint8"} or {@code "int32"}, or the constant's name
     * @return the type
     * @throws IllegalArgumentException for another name
     */
    public static DType parse(String name) {
        for (DType t : values()) {
            if (t.label.equalsIgnoreCase(name) || t.name().equalsIgnoreCase(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("dtype must be float32, float64, uint8 or int32, but got '" + name + "'");
    }
}
