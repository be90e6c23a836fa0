package org.unfold4j;

import java.util.Arrays;
import java.util.Random;

/** The standard benchmark shapes of the performance issue: (N, C, H, W, kernel, stride, padding, dilation). */
enum BenchShape {
    conv3x3(8, 64, 112, 112, 3, 3, 1, 1, 1, 1),
    vit16(32, 3, 224, 224, 16, 16, 16, 0, 1, 1),
    tile256(1, 3, 2048, 2048, 256, 256, 128, 0, 1, 1),
    dilated(8, 32, 64, 64, 3, 3, 1, 2, 2, 1),
    seed(2, 5, 3, 4, 2, 3, 1, 0, 1, 1);

    final long n, c, h, w;
    final Unfold unfold;
    final Fold fold;

    BenchShape(long n, long c, long h, long w, int kh, int kw, int stride, int padding, int dilation, int unused) {
        this.n = n;
        this.c = c;
        this.h = h;
        this.w = w;
        Window window = Window.ofKernel(kh, kw).withStride(stride, stride).withPadding(padding, padding)
                .withDilation(dilation, dilation);
        this.unfold = Unfold.of(window);
        this.fold = Fold.of(h, w, window);
    }

    long[] imageShape() {
        return new long[] {n, c, h, w};
    }

    ColumnGeometry geometry() {
        return unfold.geometry(imageShape());
    }

    /** Bytes read plus written by one unfold (or fold: the same two tensors). */
    long bytesMoved() {
        ColumnGeometry g = geometry();
        return 4 * (g.imageElements() + g.columnElements());
    }

    Tensor randomImage() {
        return random(imageShape());
    }

    Tensor randomColumns() {
        return random(geometry().columnsShape());
    }

    private static Tensor random(long[] shape) {
        float[] data = new float[(int) Tensor.elementCount(shape)];
        Random r = new Random(Arrays.hashCode(shape));
        for (int i = 0; i < data.length; i++) {
            data[i] = r.nextFloat();
        }
        return Tensor.of(data, shape);
    }
}
