package dev.keymem.jobs.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** A small PNG line chart (log2 x axis, y in [0, 1]) drawn with java.awt in headless mode. */
final class LinePlot {
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b)};

    private LinePlot() {
    }

    static void write(Path file, String title, String xLabel, String yLabel, long[] xs, double[][] ys,
                      List<String> names) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int longest = names.stream().mapToInt(String::length).max().orElse(0);
        int right = Math.max(180, 7 * longest + 60);
        int w = 540 + right;
        int h = Math.max(440, 80 + 20 * names.size());
        int left = 70;
        int top = 40;
        int bottom = 60;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double x0 = log2(xs[0]);
        double x1 = Math.max(log2(xs[xs.length - 1]), x0 + 1);
        int pw = w - left - right;
        int ph = h - top - bottom;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(new Color(0xdddddd));
        for (int i = 0; i <= 10; i++) {
            int y = top + ph - (int) Math.round(ph * i / 10.0);
            g.drawLine(left, y, left + pw, y);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, pw, ph);
        for (int i = 0; i <= 10; i += 2) {
            int y = top + ph - (int) Math.round(ph * i / 10.0);
            g.drawString(String.format(Locale.ROOT, "%.1f", i / 10.0), left - 30, y + 4);
        }
        for (long x : xs) {
            int px = left + (int) Math.round(pw * (log2(x) - x0) / (x1 - x0));
            g.drawLine(px, top + ph, px, top + ph + 4);
            String lbl = x >= 1 << 20 ? (x >> 20) + "M" : x >= 1024 ? (x >> 10) + "K" : Long.toString(x);
            g.drawString(lbl, px - 10, top + ph + 18);
        }
        g.drawString(xLabel, left + pw / 2 - 50, h - 18);
        g.drawString(yLabel, 8, top - 10);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, left, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int s = 0; s < ys.length; s++) {
            g.setColor(COLORS[s % COLORS.length]);
            // a color's second and later series are dashed, so every series stays distinguishable
            g.setStroke(s < COLORS.length ? new BasicStroke(2f)
                    : new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    new float[] {6f * (s / COLORS.length), 4f}, 0f));
            int px = -1;
            int py = -1;
            for (int i = 0; i < xs.length; i++) {
                int x = left + (int) Math.round(pw * (log2(xs[i]) - x0) / (x1 - x0));
                int y = top + ph - (int) Math.round(ph * Math.max(0, Math.min(1, ys[s][i])));
                g.fillOval(x - 4, y - 4, 8, 8);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
            g.drawLine(left + pw + 15, top + 20 + 20 * s, left + pw + 35, top + 20 + 20 * s);
            g.drawString(names.get(s), left + pw + 40, top + 24 + 20 * s);
        }
        g.dispose();
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer");
        }
    }

    private static double log2(long x) {
        return Math.log(x) / Math.log(2);
    }
}
