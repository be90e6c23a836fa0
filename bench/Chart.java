import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * Bar chart of the ratio to the copy floor per shape, op and backend, from the JSON files that
 * {@code unfold4j bench --json} writes (one object per shape x op x backend with "shape", "op",
 * "backend", "device" and "ratio"). A single-file program, no build needed:
 *
 *   java bench/Chart.java bench/results/*.json bench/ratio-to-floor.png
 */
public class Chart {
    private static final Pattern OBJECT = Pattern.compile("\\{[^{}]*\\}");

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: java bench/Chart.java RESULT.json... OUT.png");
            System.exit(2);
        }
        Map<String, Map<String, Double>> ratios = new LinkedHashMap<>();  // "shape op" -> series -> ratio
        Set<String> series = new LinkedHashSet<>();
        for (int i = 0; i < args.length - 1; i++) {
            String text = Files.readString(Path.of(args[i]));
            Matcher m = OBJECT.matcher(text);
            while (m.find()) {
                String o = m.group();
                String ratio = field(o, "ratio");
                if (ratio == null || ratio.equals("null")) {
                    continue;
                }
                String s = field(o, "backend") + " (" + field(o, "device") + ")"
                        + (field(o, "backend").equals("opencl-host") ? ", over the bare transfer" : "");
                series.add(s);
                ratios.computeIfAbsent(field(o, "shape") + " " + field(o, "op"), k -> new LinkedHashMap<>())
                        .put(s, Double.parseDouble(ratio));
            }
        }
        draw(ratios, new ArrayList<>(series), new File(args[args.length - 1]));
    }

    private static String field(String object, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*(\"([^\"]*)\"|[-0-9.eE+]+|null)").matcher(object);
        if (!m.find()) {
            return null;
        }
        return m.group(2) != null ? m.group(2) : m.group(1);
    }

    private static void draw(Map<String, Map<String, Double>> ratios, List<String> series, File out) throws Exception {
        Color[] palette = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
            new Color(0x9467bd), new Color(0x8c564b)};
        int groups = ratios.size(), bar = 14, gap = 18, left = 70, top = 40, height = 360;
        int width = left + groups * (series.size() * bar + gap) + 20;
        int legend = 22 * series.size() + 10;
        BufferedImage image = new BufferedImage(Math.max(width, 640), top + height + 110 + legend, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString("Time over the floor of the same bytes (lower is better; log scale)", left, 22);
        double max = ratios.values().stream().flatMap(m -> m.values().stream()).mapToDouble(d -> d).max().orElse(2);
        double logMax = Math.log10(Math.max(max * 1.2, 10)), logMin = Math.log10(0.5);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (double tick : new double[] {0.5, 1, 1.5, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000}) {
            if (Math.log10(tick) > logMax) {
                break;
            }
            int y = y(tick, logMin, logMax, top, height);
            g.setColor(tick == 1 ? Color.DARK_GRAY : new Color(0xdddddd));
            g.setStroke(tick == 1 ? new BasicStroke(1.5f) : new BasicStroke(1f));
            g.drawLine(left, y, image.getWidth() - 10, y);
            g.setColor(Color.BLACK);
            g.drawString(tick + "x", 8, y + 4);
        }
        int x = left + gap / 2;
        for (Map.Entry<String, Map<String, Double>> group : ratios.entrySet()) {
            for (int s = 0; s < series.size(); s++) {
                Double r = group.getValue().get(series.get(s));
                if (r != null) {
                    int y = y(r, logMin, logMax, top, height);
                    int base = y(0.5, logMin, logMax, top, height);
                    g.setColor(palette[s % palette.length]);
                    g.fillRect(x + s * bar, y, bar - 2, base - y);
                }
            }
            Graphics2D label = (Graphics2D) g.create();
            label.setColor(Color.BLACK);
            label.rotate(Math.toRadians(60), x, top + height + 8);
            label.drawString(group.getKey(), x, top + height + 8);
            label.dispose();
            x += series.size() * bar + gap;
        }
        int ly = top + height + 100;
        for (int s = 0; s < series.size(); s++) {
            g.setColor(palette[s % palette.length]);
            g.fillRect(left, ly + 22 * s, 14, 14);
            g.setColor(Color.BLACK);
            g.drawString(series.get(s), left + 20, ly + 22 * s + 12);
        }
        g.dispose();
        ImageIO.write(image, "png", out);
    }

    private static int y(double ratio, double logMin, double logMax, int top, int height) {
        double f = (Math.log10(Math.max(ratio, 0.5)) - logMin) / (logMax - logMin);
        return top + (int) Math.round(height * (1 - f));
    }
}
