package org.unfold4j.cli;

import org.unfold4j.PaddingMode;
import org.unfold4j.Window;

/** Builds and checks the window of a command from its options, with messages that name the options. */
final class Windows {
    private Windows() {
    }

    /**
     * The window for {@code --kernel/--stride/--padding/--dilation}, checked against a picture.
     *
     * @throws BadInputException if a size is zero or negative, or the dilated kernel is larger
     *     than the padded image
     */
    static Window of(Pair kernel, Pair stride, Pair padding, Pair dilation, Picture image) {
        kernel.requirePositive("--kernel");
        stride.requirePositive("--stride");
        padding.requireNonNegative("--padding");
        dilation.requirePositive("--dilation");
        long extentH = (long) dilation.h() * (kernel.h() - 1) + 1;
        long extentW = (long) dilation.w() * (kernel.w() - 1) + 1;
        long paddedH = image.height() + 2L * padding.h();
        long paddedW = image.width() + 2L * padding.w();
        if (extentH > paddedH || extentW > paddedW) {
            throw new BadInputException("the kernel " + kernel.h() + "x" + kernel.w()
                    + (dilation.h() == 1 && dilation.w() == 1 ? "" : " with dilation " + dilation + " spans " + extentH
                    + "x" + extentW + " pixels and") + " is larger than the " + (padding.h() == 0 && padding.w() == 0
                    ? "image (" : "padded image (padding " + padding + ", ") + paddedH + "x" + paddedW + ")");
        }
        return new Window(kernel.h(), kernel.w(), dilation.h(), dilation.w(), padding.h(), padding.w(),
                stride.h(), stride.w());
    }

    /**
     * Checks {@code --padding} against PyTorch's limits of {@code mode}, as the library would, but
     * with a message that names the options.
     *
     * @throws BadInputException if reflect padding is not smaller than the image, or circular
     *     padding is larger than it
     */
    static void checkPaddingMode(PaddingMode mode, Pair padding, Picture image) {
        String size = image.height() + "x" + image.width();
        if (mode == PaddingMode.REFLECT && (padding.h() >= image.height() || padding.w() >= image.width())) {
            throw new BadInputException("--padding-mode reflect needs --padding smaller than the image, but got "
                    + "padding " + padding + " for an image of " + size + " (height x width)");
        }
        if (mode == PaddingMode.CIRCULAR && (padding.h() > image.height() || padding.w() > image.width())) {
            throw new BadInputException("--padding-mode circular needs --padding no larger than the image (it "
                    + "wraps around once), but got padding " + padding + " for an image of " + size
                    + " (height x width)");
        }
    }
}
