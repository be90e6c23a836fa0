package org.unfold4j;

/** Where the channel dimension of an image tensor sits. */
public enum ImageLayout {
    /** {@code [N, C, *spatial]}, PyTorch's default (NCHW). */
    CHANNELS_FIRST,
    /** {@code [N, *spatial, C]} (NHWC), as images and TensorFlow store them; 2-D windows only. */
    CHANNELS_LAST;

    /** The short name, {@code "nchw"} or {@code "nhwc"}. */
    @Override
    public String toString() {
        return this == CHANNELS_FIRST ? "nchw" : "nhwc";
    }

    /**
     * The layout of a short name, ignoring case.
     *
     * @param name {@code "nchw"} or {@code "nhwc"}, or the constant's name
     * @return the layout
     * @throws IllegalArgumentException for another name
     */
    public static ImageLayout parse(String name) {
        for (ImageLayout l : values()) {
            if (l.toString().equalsIgnoreCase(name) || l.name().equalsIgnoreCase(name)) {
                return l;
            }
        }
        throw new IllegalArgumentException("layout must be nchw or nhwc, but got '" + name + "'");
    }
}
