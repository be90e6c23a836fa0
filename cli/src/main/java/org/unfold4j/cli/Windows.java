package org.unfold4j.cli;

import org.unfold4j.ColumnGeometry;
import org.unfold4j.DType;
import org.unfold4j.PaddingMode;
import org.unfold4j.Unfold;
import org.unfold4j.Window;

/**
 * Builds the window of a command from its options, and asks the library whether an unfold with it
 * fits the picture, with messages that name the options.
 *
 * <p>Note [shape rules in one place]: whether a window fits an image (at least one block along
 * each axis: the dilated kernel within the padded image) and how much reflect or circular padding
 * an image allows (F.pad's limits) are the library's rules, checked by
 * {@link ColumnGeometry#forUnfold}; the command line does not restate them. It asks the library
 * twice, first with zero padding (which has no limit of its own, so a refusal there is about the
 * sizes) and then with the padding mode asked for (so a refusal there is about that mode's limit),
 * and turns each refusal into a {@link BadInputException} that names the options, with the
 * library's own message after it. The sizes in the option-naming part are arithmetic for the
 * message only; the decision is the library's.
 */
final class Windows {
    private Windows() {
    }

    /**
     * The window for {@code --kernel/--stride/--padding/--dilation}.
     *
     * @throws BadInputException if a size is zero or negative
     */
    static Window of(Pair kernel, Pair stride, Pair padding, Pair dilation) {
        kernel.requirePositive("--kernel");
        stride.requirePositive("--stride");
        padding.requireNonNegative("--padding");
        dilation.requirePositive("--dilation");
        return new Window(kernel.h(), kernel.w(), dilation.h(), dilation.w(), padding.h(), padding.w(),
                stride.h(), stride.w());
    }

    /**
     * The geometry of {@code spec} on {@code image} (as a tensor of {@code type} and {@code shape}),
     * validated by the library (Note [shape rules in one place]).
     *
     * @throws BadInputException if the library refuses it: the dilated kernel is larger than the
     *     padded image, or the padding is more than the padding mode allows
     */
    static ColumnGeometry check(Unfold spec, DType type, long[] shape, Picture image) {
        try {
            spec.withPaddingMode(PaddingMode.ZEROS).geometry(type, shape);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(tooLarge(spec.window(), image) + " (" + Main.oneLine(e.getMessage()) + ")", e);
        }
        try {
            return spec.geometry(type, shape);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(paddingModeLimit(spec.paddingMode(), spec.window(), image) + " ("
                    + Main.oneLine(e.getMessage()) + ")", e);
        }
    }

    /** What a refusal with zero padding means, in the options' terms. */
    private static String tooLarge(Window w, Picture image) {
        Pair kernel = new Pair(w.kernelH(), w.kernelW()), padding = new Pair(w.paddingH(), w.paddingW());
        Pair dilation = new Pair(w.dilationH(), w.dilationW());
        long extentH = (long) dilation.h() * (kernel.h() - 1) + 1;
        long extentW = (long) dilation.w() * (kernel.w() - 1) + 1;
        long paddedH = image.height() + 2L * padding.h();
        long paddedW = image.width() + 2L * padding.w();
        return "the kernel " + kernel.h() + "x" + kernel.w()
                + (dilation.h() == 1 && dilation.w() == 1 ? "" : " with dilation " + dilation + " spans " + extentH
                + "x" + extentW + " pixels and") + " is larger than the " + (padding.h() == 0 && padding.w() == 0
                ? "image (" : "padded image (padding " + padding + ", ") + paddedH + "x" + paddedW + ")";
    }

    /** What a refusal with the padding mode asked for means, in the options' terms. */
    private static String paddingModeLimit(PaddingMode mode, Window w, Picture image) {
        Pair padding = new Pair(w.paddingH(), w.paddingW());
        String size = image.height() + "x" + image.width();
        String limit = switch (mode) {
            case REFLECT -> "needs --padding smaller than the image";
            case CIRCULAR -> "needs --padding no larger than the image (it wraps around once)";
            default -> "does not allow this --padding";
        };
        return "--padding-mode " + mode + " " + limit + ", but got padding "
                + padding + " for an image of " + size + " (height x width)";
    }
}
