package org.unfold4j.internal.opencl;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;
import org.jocl.Pointer;
import org.unfold4j.DType;

/**
 * The OpenCL side of each element type, in one table: the kernels' {@code T} and a JOCL pointer
 * to a host array of the type. Adding a {@code DType} adds a row here (and the kernels compile
 * for it through {@code -D T=...}); nothing else in this package tests an array's class.
 */
public enum ClTypes {
    /** float32. */
    FLOAT32(DType.FLOAT32, "float", a -> Pointer.to((float[]) a)),
    /** float64, which needs cl_khr_fp64. */
    FLOAT64(DType.FLOAT64, "double", a -> Pointer.to((double[]) a)),
    /** uint8. */
    UINT8(DType.UINT8, "uchar", a -> Pointer.to((byte[]) a)),
    /** int32. */
    INT32(DType.INT32, "int", a -> Pointer.to((int[]) a));

    private static final Map<DType, ClTypes> BY_DTYPE = new EnumMap<>(DType.class);

    static {
        for (ClTypes t : values()) {
            BY_DTYPE.put(t.dtype, t);
        }
    }

    private final DType dtype;
    private final String openCLType;
    private final Function<Object, Pointer> pointer;

    ClTypes(DType dtype, String openCLType, Function<Object, Pointer> pointer) {
        this.dtype = dtype;
        this.openCLType = openCLType;
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

    /**
     * {@return a pointer to a host array of this type}
     *
     * @param array a {@code float[]}, {@code double[]}, {@code byte[]} or {@code int[]}, as this type holds
     */
    public Pointer pointer(Object array) {
        return pointer.apply(array);
    }
}
