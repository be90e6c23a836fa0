package org.unfold4j;

/**
 * The values {@link Images} gives float tensors: the samples as the image stores them, or scaled
 * to 0..1 as PyTorch's {@code to_tensor} scales them. Integer tensors always hold the stored
 * values.
 */
public enum PixelScale {
    /** The stored samples: 0..255 for images of at most 8 bits per sample, 0..65535 for 16-bit ones, in every type. */
    STORED,
    /** Float types only: the stored samples divided by 255 (or 65535 for 16-bit images), 0..1. */
    UNIT
}
