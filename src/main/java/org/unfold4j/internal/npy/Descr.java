package org.unfold4j.internal.npy;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.unfold4j.DType;
import org.unfold4j.Npy;

/**
 * NumPy's type strings ({@code descr}) of the library's types.
 *
 * <p>Note [one descr switch]: {@link #of(DType)} is the only place that pairs a type with its
 * string; reading looks a string up by asking it of every type, so a new type (float16:
 * {@code case FLOAT16 -> "<f2"}) is one line, and the switch, having no default, does not compile
 * without it. A file's string may name the other byte order ({@code '>f4'}, converted while
 * reading) or, for one-byte types, any order character ({@code '|u1'}, {@code '<u1'}).
 */
public final class Descr {
    private Descr() {
    }

    /**
     * The string unfold4j writes for {@code dtype}: little-endian, {@code '|'} for one byte.
     *
     * @throws IllegalArgumentException for bfloat16, which NumPy has no type for
     */
    public static String of(DType dtype) {
        String d = stored(dtype);
        if (d == null) {
            throw new IllegalArgumentException("dtype " + dtype + " has no NumPy type (NumPy has no bfloat16; "
                    + "ml_dtypes' bfloat16 is not a .npy descr): convert it, e.g. Tensor.of(t.toFloatArray(), t.shape())"
                    + " for float32 or Tensor.float16Of(...), before writing .npy");
        }
        return d;
    }

    /**
     * Note [bfloat16 in .npy]: NumPy has no bfloat16, and writing its bits as {@code '<u2'} or
     * {@code '<f2'} would give a file whose values NumPy misreads without a word. So bfloat16 is
     * refused by name, and the caller converts (to float32 exactly, or to float16 rounding).
     */
    private static String stored(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> "<f4";
            case FLOAT64 -> "<f8";
            case UINT8 -> "|u1";
            case INT32 -> "<i4";
            case FLOAT16 -> "<f2";
            case BFLOAT16 -> null;
        };
    }

    /** A file's type string understood: the library's type and the byte order of its elements. */
    public record Parsed(DType dtype, ByteOrder order) {
    }

    /**
     * The type and byte order of a file's {@code descr}.
     *
     * @throws Npy.FormatException naming {@code file}, unless {@code descr} is one of the
     *     library's types in either byte order
     */
    public static Parsed parse(String descr, Path file) throws Npy.FormatException {
        if (descr.length() >= 2) {
            char order = descr.charAt(0);
            String kind = descr.substring(1);
            for (DType t : DType.values()) {
                if (stored(t) != null && stored(t).substring(1).equals(kind)) {
                    switch (order) {
                        case '<': return new Parsed(t, ByteOrder.LITTLE_ENDIAN);
                        case '>': return new Parsed(t, ByteOrder.BIG_ENDIAN);
                        case '=': return new Parsed(t, ByteOrder.nativeOrder());
                        case '|':
                            if (t.bytes() == 1) {
                                return new Parsed(t, ByteOrder.LITTLE_ENDIAN);
                            }
                            break;
                        default:
                            break;
                    }
                }
            }
        }
        throw new Npy.FormatException(file, "descr", "'" + descr + "'", "not a type unfold4j has"
                + named(descr) + "; it reads " + known() + ", in either byte order ('<' or '>')");
    }

    /** " (int8)" and the like, for the types NumPy has and unfold4j lacks; "" for others. */
    private static String named(String descr) {
        if (descr.length() < 3) {
            return "";
        }
        String n = switch (descr.substring(1)) {
            case "i1" -> "int8";
            case "i2" -> "int16";
            case "i8" -> "int64";
            case "u2" -> "uint16";
            case "u4" -> "uint32";
            case "u8" -> "uint64";
            case "b1" -> "bool";
            case "c8" -> "complex64";
            case "c16" -> "complex128";
            default -> null;
        };
        return n == null ? "" : " (NumPy's " + n + ")";
    }

    /** "'<f4' (float32), '<f8' (float64), ...". */
    static String known() {
        return Arrays.stream(DType.values()).filter(t -> stored(t) != null)
                .map(t -> "'" + of(t) + "' (" + t + ")").collect(Collectors.joining(", "));
    }
}
