package org.unfold4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** BufferedImage ↔ uint8 tensors, and uint8 patches straight from an image. */
class ImagesTest {

    private static BufferedImage randomImage(int type, int w, int h, long seed) {
        Random r = new Random(seed);
        BufferedImage image = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, 0xff000000 | r.nextInt(1 << 24));
            }
        }
        return image;
    }

    @Test
    void everyImageTypeGivesRgbOrder() {
        for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_3BYTE_BGR,
            BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_INT_BGR}) {
            BufferedImage image = randomImage(type, 7, 5, type);
            Tensor t = Images.toTensor(image);
            assertArrayEquals(new long[] {5, 7, 3}, t.shape());
            assertEquals(DType.UINT8, t.dtype());
            byte[] v = t.toByteArray();
            for (int y = 0; y < 5; y++) {
                for (int x = 0; x < 7; x++) {
                    int rgb = image.getRGB(x, y);
                    int o = (y * 7 + x) * 3;
                    assertEquals((rgb >> 16) & 0xff, v[o] & 0xff, "red at " + x + "," + y + " type " + type);
                    assertEquals((rgb >> 8) & 0xff, v[o + 1] & 0xff, "green");
                    assertEquals(rgb & 0xff, v[o + 2] & 0xff, "blue");
                }
            }
            BufferedImage back = Images.toBufferedImage(t);
            for (int y = 0; y < 5; y++) {
                for (int x = 0; x < 7; x++) {
                    assertEquals(image.getRGB(x, y), back.getRGB(x, y));
                }
            }
        }
    }

    @Test
    void alphaAndGray() {
        BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x80112233);
        argb.setRGB(1, 0, 0xff445566);
        Tensor t = Images.toTensor(argb, true);
        assertArrayEquals(new byte[] {0x11, 0x22, 0x33, (byte) 0x80, 0x44, 0x55, 0x66, (byte) 0xff}, t.toByteArray());
        assertEquals(0x80112233, Images.toBufferedImage(t).getRGB(0, 0));
        BufferedImage gray = Images.toBufferedImage(Tensor.ofUint8(new byte[] {0, (byte) 200}, 1, 2, 1));
        assertEquals(200, gray.getRaster().getSample(1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Images.toBufferedImage(Tensor.zeros(2, 2, 3)));
        assertThrows(IllegalArgumentException.class, () -> Images.toBufferedImage(Tensor.ofUint8(new byte[4], 2, 1, 2)));
    }

    @Test
    void uint8PatchesFromAnImageOnEveryBackend() {
        BufferedImage image = randomImage(BufferedImage.TYPE_3BYTE_BGR, 8, 6, 3);
        Tensor pixels = Images.toTensor(image);
        Unfold patches = Unfold.of(2).withStride(2).withImageLayout(ImageLayout.CHANNELS_LAST)
                .withColumnLayout(ColumnLayout.PATCHES);
        for (Backend b : TestBackends.all()) {
            Tensor p = patches.apply(pixels, b);
            assertArrayEquals(new long[] {12, 12}, p.shape(), b.name());
            byte[] v = p.toByteArray();
            // Every element, not one of the 144: patch (py, px) of the 3×4 grid, element
            // (ki, kj, channel) is pixel (2·px + kj, 2·py + ki), channel R, G, B.
            for (int patch = 0; patch < 12; patch++) {
                for (int e = 0; e < 12; e++) {
                    int py = patch / 4, px = patch % 4, ki = e / 6, kj = e / 3 % 2, ch = e % 3;
                    int rgb = image.getRGB(2 * px + kj, 2 * py + ki);
                    assertEquals(rgb >> (16 - 8 * ch) & 0xff, v[patch * 12 + e] & 0xff,
                            "patch " + patch + ", element " + e + ", " + b.name());
                }
            }
        }
    }
}
