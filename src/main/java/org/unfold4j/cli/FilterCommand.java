package org.unfold4j.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code unfold4j filter}: a convolution as unfold + matrix product + view, checked against a direct loop. */
@Command(name = "filter", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, sortOptions = false,
        description = {"Filter an image with a convolution computed as unfold + matrix product + view, the "
                + "equivalence conv2d(x, w) = (w.view(C, -1) @ unfold(x)).view(C, H, W): the product runs on "
                + "CLBlast (SGEMM on the OpenCL device) or EJML (Java). Prints the largest difference from a "
                + "direct convolution loop."},
        footer = {"", "Example:", "  unfold4j filter --kind sobel-x --size 3 --out out/filter"})
final class FilterCommand extends BaseCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "IMAGE",
            description = "A PNG, JPEG, GIF, BMP or TIFF file (default: the bundled photograph).")
    Path image;

    @Option(names = "--kind", defaultValue = "gaussian", paramLabel = "gaussian|sobel-x|sobel-y|box",
            description = "The filter (default: ${DEFAULT-VALUE}).")
    String kind;

    @Option(names = "--size", defaultValue = "5", paramLabel = "N",
            description = "Filter size N x N, odd (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--sigma", defaultValue = "0", paramLabel = "SIGMA",
            description = "Gaussian standard deviation in pixels (default: 0.3*((N-1)/2-1)+0.8, as OpenCV).")
    double sigma;

    @Option(names = "--out", defaultValue = "out/filter", paramLabel = "DIR",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    BackendOptions backend;

    @Override
    public Integer call() {
        Filters.Kind k = Filters.Kind.parse(kind);
        float[] filter = Filters.kernel(k, size, sigma);
        Picture pic = ImageFiles.readOrBundled(image);
        // An odd filter with padding n/2 always fits the padded image: no size check needed here.
        try (ChosenBackend b = backend.open(); OutputFiles files = OutputFiles.open(out)) {
            say("backend: %s", b.describe());
            say("image: %s, %s", image == null ? "bundled photograph" : display(image), pic.size());
            say("warm-up: %.1f ms", b.warmUp());
            filter(this, b, files, pic, k, filter);
            sayWritten(files.commit());
        }
        return 0;
    }

    /** Filters, compares with the direct loop, writes filtered-KIND.png; returns the max difference. */
    static double filter(BaseCommand cmd, ChosenBackend b, OutputFiles files, Picture pic, Filters.Kind kind,
                         float[] filter) {
        int n = (int) Math.round(Math.sqrt(filter.length));
        int c = pic.channels();
        long l = (long) pic.height() * pic.width();
        Filters.Result r = Filters.viaUnfold(pic, filter, b.backend());
        cmd.say("%s %dx%d filter as unfold + matrix product + view:", kind.label(), n, n);
        cmd.say("  unfold [1, %d, %d, %d] -> [1, %d, %d] (padding %d): %.2f ms", c, pic.height(), pic.width(),
                c * n * n, l, n / 2, r.unfoldMs());
        cmd.say("  weight [%d, %d] @ columns [%d, %d] -> [%d, %d], viewed as [%d, %d, %d]: %.2f ms%s", c, c * n * n,
                c * n * n, l, c, l, c, pic.height(), pic.width(), r.productMs(), r.setupMs() > 0
                ? String.format(java.util.Locale.ROOT, " (first call %.0f ms: CLBlast builds its kernels)", r.setupMs())
                : "");
        cmd.say("  matrix product: %s", r.product());
        long t1 = System.nanoTime();
        Picture direct = Filters.direct(pic, filter);
        double directMs = millisSince(t1);
        double maxDiff = 0;
        float[] a = r.image().data(), d = direct.data();
        for (int i = 0; i < a.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(a[i] - d[i]));
        }
        cmd.say("direct convolution loop: %.2f ms; max |unfold-matmul - direct| = %s (pixel values 0..255)",
                directMs, maxDiff == 0 ? "0" : String.format(java.util.Locale.ROOT, "%.3g", maxDiff));
        Picture shown = kind.signed() ? magnitude(r.image()) : r.image();
        if (kind.signed()) {
            cmd.say("filtered-%s.png shows |response|, scaled so that the 99th percentile is white", kind.label());
        }
        files.write("filtered-" + kind.label() + ".png", f -> ImageFiles.writePng(shown, f));
        return maxDiff;
    }

    /**
     * |v| scaled so that the 99th percentile of |v| is 255 (clipped above): scaling by the largest
     * value would leave all but a few edges nearly black.
     */
    static Picture magnitude(Picture p) {
        float[] abs = new float[p.data().length];
        for (int i = 0; i < abs.length; i++) {
            abs[i] = Math.abs(p.data()[i]);
        }
        float[] sorted = abs.clone();
        java.util.Arrays.sort(sorted);
        float white = sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, 0.99 * sorted.length)];
        if (white == 0 && sorted.length > 0) {
            white = sorted[sorted.length - 1];
        }
        for (int i = 0; i < abs.length; i++) {
            abs[i] = white > 0 ? Math.min(255f, abs[i] * 255f / white) : 0;
        }
        return new Picture(abs, p.channels(), p.height(), p.width());
    }
}
