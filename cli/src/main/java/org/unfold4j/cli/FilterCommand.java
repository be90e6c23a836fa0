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

    @Mixin
    RunOptions run;

    @Override
    RunOptions runOptions() {
        return run;
    }

    @Override
    public Integer call() {
        Filters.Kind k = Filters.Kind.parse(kind);
        float[] filter = Filters.kernel(k, size, sigma);
        Picture pic = decode(image);
        // An odd filter with padding n/2 always fits the padded image: no size check needed here.
        try (ChosenBackend b = backend.open(); OutputFiles files = OutputFiles.open(out)) {
            FilterProduct.Plan plan = FilterProduct.plan(pic, filter, b.backend(), run.memory()); // before any output
            say("backend: %s", b.describe());
            say("image: %s, %s", image == null ? "bundled photograph" : display(image), pic.size());
            say("warm-up: %.1f ms", b.warmUp());
            filter(this, b, files, pic, k, filter, plan);
            sayWritten(files.commit());
        }
        return 0;
    }

    /** Filters, compares with the direct loop, writes filtered-KIND.png; returns the max difference. */
    static double filter(BaseCommand cmd, ChosenBackend b, OutputFiles files, Picture pic, Filters.Kind kind,
                         float[] filter, FilterProduct.Plan plan) {
        int n = (int) Math.round(Math.sqrt(filter.length));
        int c = pic.channels();
        long l = (long) pic.height() * pic.width();
        RunOptions run = cmd.runOptions();
        Progress progress = run.progress();
        FilterProduct.Result r = FilterProduct.viaUnfold(pic, filter, b.backend(), plan, progress);
        cmd.say("%s %dx%d filter as unfold + matrix product + view%s:", kind.label(), n, n, r.bands() == 1 ? ""
                : " (in " + r.bands() + " bands of image rows)");
        cmd.say("  unfold [1, %d, %d, %d] -> [1, %d, %d] (padding %d): %.2f ms", c, pic.height(), pic.width(),
                c * n * n, l, n / 2, r.unfoldMs());
        cmd.say("  weight [%d, %d] @ columns [%d, %d] -> [%d, %d], viewed as [%d, %d, %d]: %.2f ms%s", c, c * n * n,
                c * n * n, l, c, l, c, pic.height(), pic.width(), r.productMs(), r.setupMs() > 0
                ? String.format(java.util.Locale.ROOT, " (first call %.0f ms: CLBlast builds its kernels)", r.setupMs())
                : "");
        cmd.say("  matrix product: %s", r.product());
        long t1 = System.nanoTime();
        // The reference, band by band (Note [bounded pieces]): no second image-sized result.
        double maxDiff = 0;
        float[] a = r.image().data();
        int w = pic.width(), plane = pic.height() * w, rows = (int) Math.max(1, Math.min(pic.height(), (4L << 20) / w));
        float[] d = new float[c * rows * w];
        try (Progress.Step bar = progress.start("direct convolution loop", pic.height())) {
            for (int y0 = 0; y0 < pic.height(); y0 += rows) {
                int y1 = Math.min(pic.height(), y0 + rows), band = (y1 - y0) * w;
                Filters.directRows(pic, filter, y0, y1, d);
                for (int o = 0; o < c; o++) {
                    for (int i = 0; i < band; i++) {
                        maxDiff = Math.max(maxDiff, Math.abs(a[o * plane + y0 * w + i] - d[o * band + i]));
                    }
                }
                bar.advance(y1 - y0);
            }
        }
        double directMs = millisSince(t1);
        cmd.say("direct convolution loop: %.2f ms; max |unfold-matmul - direct| = %s (pixel values 0..255)",
                directMs, maxDiff == 0 ? "0" : String.format(java.util.Locale.ROOT, "%.3g", maxDiff));
        Picture shown = kind.signed() ? magnitude(r.image()) : r.image();
        if (kind.signed()) {
            cmd.say("filtered-%s.png shows |response|, scaled so that the 99th percentile is white", kind.label());
        }
        Progress.Step writing = progress.start("filtered-" + kind.label() + ".png", 0);
        try {
            files.write("filtered-" + kind.label() + ".png", f -> ImageFiles.writePng(shown, f));
        } finally {
            writing.close();
        }
        return maxDiff;
    }

    /**
     * |v| scaled so that the 99th percentile of |v| is 255 (clipped above): scaling by the largest
     * value would leave all but a few edges nearly black.
     */
    static Picture magnitude(Picture p) {
        float[] v = p.data();
        // One array: sorted |v| for the percentile, then overwritten with the scaled |v|.
        float[] out = new float[v.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.abs(v[i]);
        }
        java.util.Arrays.sort(out);
        float white = out.length == 0 ? 0 : out[(int) Math.min(out.length - 1, 0.99 * out.length)];
        if (white == 0 && out.length > 0) {
            white = out[out.length - 1];
        }
        for (int i = 0; i < out.length; i++) {
            float abs = Math.abs(v[i]);
            out[i] = white > 0 ? Math.min(255f, abs * 255f / white) : 0;
        }
        return new Picture(out, p.channels(), p.height(), p.width());
    }
}
