package org.unfold4j;

/** Run by SlidingWindowTest in a JVM with -Xmx1g: a 3 × 4096 × 4096 image through the identity. */
public final class SlidingWindowMemoryProbe {
    private SlidingWindowMemoryProbe() {
    }

    public static void main(String[] args) {
        int h = 4096, w = 4096;
        float[] v = new float[3 * h * w];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i % 9973) * 0.25f;
        }
        Tensor image = Tensor.of(v, 3, h, w);
        long[] calls = {0};
        Tensor out = SlidingWindow.of(128, 128).withOverlap(0.5).withBatchSize(8).withBlend(BlendWindow.gaussian(0.125))
                .apply(image, t -> {
                    calls[0]++;
                    return t;
                });
        if (!out.equals(image)) {
            throw new AssertionError("the identity did not give the image back");
        }
        System.out.println("identity ok, " + calls[0] + " calls, max heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
    }
}
