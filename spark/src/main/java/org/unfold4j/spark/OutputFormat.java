package org.unfold4j.spark;

import java.util.Locale;

/** The files {@link SparkSlidingWindow#writeFiles} writes, one per image. */
public enum OutputFormat {
    /** NumPy's {@code .npy}: the output {@code [C', H, W]} exactly, in its type (float32 or float64). */
    NPY("npy"),
    /**
     * An 8-bit PNG of the output {@code [C', H, W]}, C' = 1 (gray), 2 (gray and alpha), 3 (RGB) or 4
     * (RGBA): values in the input's scale (0..1 for {@link org.unfold4j.PixelScale#UNIT}, 0..255
     * for {@link org.unfold4j.PixelScale#STORED}) rounded to 0..255 and clipped, NaN as 0.
     */
    PNG("png");

    private final String extension;

    OutputFormat(String extension) {
        this.extension = extension;
    }

    /** {@return the file extension, without the dot} */
    public String extension() {
        return extension;
    }

    /**
     * {@return the format named {@code name}, case-insensitively}
     *
     * @param name {@code npy} or {@code png}
     * @throws IllegalArgumentException for another name
     */
    public static OutputFormat parse(String name) {
        for (OutputFormat f : values()) {
            if (f.extension.equals(name.toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("the output format must be npy or png, but got '" + name + "'");
    }
}
