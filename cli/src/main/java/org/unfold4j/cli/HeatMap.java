package org.unfold4j.cli;

/** Colours a one-channel map of non-negative values (e.g. overlap counts) with the viridis colour map. */
final class HeatMap {
    /** Viridis at 0, 1/8, …, 1 (matplotlib's values, rounded to 8 bits). */
    private static final int[][] VIRIDIS = {
        {68, 1, 84}, {71, 45, 123}, {59, 82, 139}, {44, 114, 142}, {33, 145, 140},
        {40, 174, 128}, {94, 201, 98}, {173, 220, 48}, {253, 231, 37},
    };

    private HeatMap() {
    }

    /** An RGB picture of {@code values} ({@code height × width}), 0 dark purple, the maximum yellow. */
    static Picture render(float[] values, int height, int width) {
        float max = 0;
        for (float v : values) {
            max = Math.max(max, v);
        }
        int plane = height * width;
        float[] out = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            float t = max > 0 ? values[i] / max : 0;
            float pos = t * (VIRIDIS.length - 1);
            int k = Math.min((int) pos, VIRIDIS.length - 2);
            float f = pos - k;
            for (int c = 0; c < 3; c++) {
                out[c * plane + i] = VIRIDIS[k][c] + f * (VIRIDIS[k + 1][c] - VIRIDIS[k][c]);
            }
        }
        return new Picture(out, 3, height, width);
    }
}
