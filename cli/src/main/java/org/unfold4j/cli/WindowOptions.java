package org.unfold4j.cli;

import org.unfold4j.PaddingMode;
import org.unfold4j.Window;
import picocli.CommandLine.Option;

/**
 * The window options {@code --kernel}, {@code --stride}, {@code --padding}, {@code --padding-mode}
 * and {@code --dilation}: one mixin, shared by every command that takes a window (patches and
 * reconstruct), so that each option is spelled, parsed and described once.
 */
final class WindowOptions {
    @Option(names = "--kernel", required = true, converter = Pair.Converter.class, paramLabel = "K[,K]",
            description = "Window (tile) size: K, or height,width.")
    Pair kernel;

    /** Null when not given: the command's default ({@link #window(Pair)}). */
    @Option(names = "--stride", converter = Pair.Converter.class, paramLabel = "S[,S]",
            description = "Step between windows (default: 1 for patches; for reconstruct the tile size, so tiles "
                    + "do not overlap).")
    Pair stride;

    @Option(names = "--padding", defaultValue = "0", converter = Pair.Converter.class, paramLabel = "P[,P]",
            description = "Padding on each side, read as --padding-mode says; reconstruct's fold drops it "
                    + "(default: ${DEFAULT-VALUE}).")
    Pair padding;

    @Option(names = "--padding-mode", defaultValue = "zeros", paramLabel = "zeros|reflect|replicate|circular",
            description = "What the padding holds, as PyTorch's F.pad: zeros; reflect, the image mirrored without "
                    + "repeating the edge (padding smaller than the image); replicate, the edge pixel repeated; "
                    + "circular, the image wrapped around (padding at most the image). Fold has no padding modes: "
                    + "reconstruct's fold drops the padding whatever the mode. Default: ${DEFAULT-VALUE}.")
    String paddingMode;

    @Option(names = "--dilation", defaultValue = "1", converter = Pair.Converter.class, paramLabel = "D[,D]",
            description = "Spacing between a window's pixels (default: ${DEFAULT-VALUE}).")
    Pair dilation;

    /**
     * The window these options ask for, with {@code defaultStride} when {@code --stride} was not given.
     *
     * @throws BadInputException if a size is zero or negative
     */
    Window window(Pair defaultStride) {
        return Windows.of(kernel, stride == null ? defaultStride : stride, padding, dilation);
    }

    /** The parsed {@code --padding-mode}. */
    PaddingMode paddingMode() {
        return Choices.paddingMode(paddingMode);
    }
}
