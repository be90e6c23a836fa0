package org.unfold4j.cli;

import org.unfold4j.ColumnLayout;
import org.unfold4j.DType;
import org.unfold4j.ImageLayout;
import org.unfold4j.PaddingMode;

/**
 * The named values of {@code --padding-mode}, {@code --dtype}, {@code --layout} and
 * {@code --output-layout}, parsed with the library's names (ignoring case and surrounding
 * spaces); an unknown value is a {@link BadInputException} naming the option and its values.
 */
final class Choices {
    private Choices() {
    }

    /** {@code zeros}, {@code reflect}, {@code replicate} or {@code circular}. */
    static PaddingMode paddingMode(String value) {
        try {
            return PaddingMode.parse(value.trim());
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--padding-mode must be zeros, reflect, replicate or circular, not '"
                    + value + "'", e);
        }
    }

    /** {@code float32}, {@code float64}, {@code uint8}, {@code int32} or {@code float16} (bfloat16 is refused: no NumPy type). */
    static DType dtype(String value) {
        DType t;
        try {
            t = DType.parse(value.trim());
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--dtype must be float32, float64, uint8, int32 or float16, not '" + value + "'", e);
        }
        if (t == DType.BFLOAT16) {
            throw new BadInputException("--dtype bfloat16 cannot be written to patches.npy: NumPy has no bfloat16 "
                    + "type; use --dtype float16 ('<f2') or float32 (the library's Tensor.bfloat16Of gives bfloat16 tensors)");
        }
        return t;
    }

    /** {@code float32} or {@code float64}: the types fold can sum, for a command that folds. */
    static DType foldableDtype(String value) {
        DType t;
        try {
            t = DType.parse(value.trim());
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--dtype must be float32 or float64, not '" + value + "'", e);
        }
        if (t.isHalf()) {
            throw new BadInputException("--dtype " + t + " cannot be folded by this command: it sums float32 or "
                    + "float64 tiles, so --dtype must be float32 or float64 ('unfold4j patches --dtype float16' unfolds float16)");
        }
        if (!t.isFloatingPoint()) {
            throw new BadInputException("--dtype " + t + " cannot be folded: fold sums float32 or float64 values, "
                    + "so --dtype must be float32 or float64 ('unfold4j patches --dtype " + t + "' unfolds " + t + ")");
        }
        return t;
    }

    /** {@code nchw} or {@code nhwc}. */
    static ImageLayout layout(String value) {
        try {
            return ImageLayout.parse(value.trim());
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--layout must be nchw or nhwc, not '" + value + "'", e);
        }
    }

    /** {@code columns} or {@code patches}. */
    static ColumnLayout outputLayout(String value) {
        try {
            return ColumnLayout.parse(value.trim());
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--output-layout must be columns or patches, not '" + value + "'", e);
        }
    }
}
