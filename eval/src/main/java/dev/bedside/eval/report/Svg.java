package dev.bedside.eval.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The report's charts as inline SVG, drawn by hand (no script, no external asset): bars with interval
 * whiskers, and horizontal box plots. Every chart is one {@code <svg>} element that is also well-formed XML.
 */
final class Svg {
    private Svg() {}

    /** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies. */
    private static final String[] COLORS = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999", "#000000"};

    static String color(int system) {
        return COLORS[system % COLORS.length];
    }

    /** One bar: a system's mean with its interval. */
    record Bar(String label, double mean, double low, double high, String color) {}

    /** One box: a system's per-sample values. */
    record Distribution(String label, double[] values, String color) {}

    /** Bars from zero to each mean, whiskers from the interval's low to high end; values with {@code decimals} decimals. */
    static String barChart(String title, List<Bar> bars, int decimals) {
        int width = 380, height = 250, left = 52, right = 14, top = 34, bottom = 48;
        List<Bar> shown = bars.stream().filter(b -> !Double.isNaN(b.mean())).toList();
        double lo = 0, hi = 0;
        for (Bar b : shown) {
            lo = Math.min(lo, Math.min(b.mean(), b.low()));
            hi = Math.max(hi, Math.max(b.mean(), b.high()));
        }
        double[] ticks = ticks(lo, hi == lo ? lo + 1 : hi, 5);
        double min = ticks[0], max = ticks[ticks.length - 1];
        Scale y = new Scale(min, max, top + (height - top - bottom), top);
        StringBuilder s = open(width, height, title);
        s.append(text(width / 2.0, 20, title, "middle", "title"));
        axisY(s, ticks, y, left, width - right);
        double slot = (width - left - right) / (double) Math.max(1, bars.size());
        double barWidth = Math.min(56, slot * 0.6);
        boolean rotate = bars.size() > 4;
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            double cx = left + slot * (i + 0.5);
            double labelY = height - bottom + 16;
            s.append(rotate
                    ? "<text x=\"" + f(cx) + "\" y=\"" + f(labelY) + "\" text-anchor=\"end\" transform=\"rotate(-30 " + f(cx) + " " + f(labelY) + ")\">" + esc(shorten(b.label())) + "</text>\n"
                    : text(cx, labelY, shorten(b.label()), "middle", null));
            if (Double.isNaN(b.mean())) {
                s.append(text(cx, y.at(0) - 6, "n/a", "middle", "note"));
                continue;
            }
            double y0 = y.at(0), y1 = y.at(b.mean());
            s.append("<rect x=\"").append(f(cx - barWidth / 2)).append("\" y=\"").append(f(Math.min(y0, y1))).append("\" width=\"")
                    .append(f(barWidth)).append("\" height=\"").append(f(Math.max(0.5, Math.abs(y1 - y0)))).append("\" fill=\"").append(b.color())
                    .append("\"><title>").append(esc(b.label() + ": " + Format.withInterval(b.mean(), b.low(), b.high()))).append("</title></rect>\n");
            double yl = y.at(b.low()), yh = y.at(b.high());
            s.append(line(cx, yl, cx, yh, "whisker")).append(line(cx - 7, yl, cx + 7, yl, "whisker")).append(line(cx - 7, yh, cx + 7, yh, "whisker"));
            // The value goes beyond the end of the bar and its whisker: above a positive bar, below a negative one.
            double labelAt = b.mean() >= 0 ? Math.min(yh, y1) - 5 : Math.max(yl, y1) + 13;
            s.append(text(cx, labelAt, Format.number(b.mean(), decimals), "middle", "value"));
        }
        return s.append("</svg>\n").toString();
    }

    static String boxPlot(String title, List<Distribution> rows) {
        int width = 620, row = 38, left = 120, right = 24, top = 34, bottom = 40;
        int height = top + row * rows.size() + bottom;
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Distribution d : rows) for (double v : d.values()) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
        if (lo > hi) { lo = 0; hi = 1; }
        double[] ticks = ticks(lo, hi == lo ? lo + 1 : hi, 6);
        Scale x = new Scale(ticks[0], ticks[ticks.length - 1], left, width - right);
        StringBuilder s = open(width, height, title);
        s.append(text(width / 2.0, 20, title, "middle", "title"));
        double axisY = top + row * rows.size();
        for (double t : ticks) {
            s.append(line(x.at(t), top, x.at(t), axisY, "grid"));
            s.append(text(x.at(t), axisY + 16, tickLabel(t, ticks), "middle", "tick"));
        }
        s.append(line(left, axisY, width - right, axisY, "axis"));
        for (int i = 0; i < rows.size(); i++) {
            Distribution d = rows.get(i);
            double cy = top + row * (i + 0.5);
            s.append(text(left - 8, cy + 4, shorten(d.label()), "end", null));
            if (d.values().length == 0) {
                s.append(text(left + 8, cy + 4, "no scores", "start", "note"));
                continue;
            }
            double[] v = d.values().clone();
            Arrays.sort(v);
            double q1 = quantile(v, 0.25), median = quantile(v, 0.5), q3 = quantile(v, 0.75), iqr = q3 - q1;
            double lowFence = q1 - 1.5 * iqr, highFence = q3 + 1.5 * iqr;
            double whiskerLow = q1, whiskerHigh = q3;
            for (double value : v) if (value >= lowFence) { whiskerLow = Math.min(value, q1); break; }
            for (int k = v.length - 1; k >= 0; k--) if (v[k] <= highFence) { whiskerHigh = Math.max(v[k], q3); break; }
            double box = row * 0.55;
            s.append(line(x.at(whiskerLow), cy, x.at(q1), cy, "whisker")).append(line(x.at(q3), cy, x.at(whiskerHigh), cy, "whisker"));
            s.append(line(x.at(whiskerLow), cy - box / 4, x.at(whiskerLow), cy + box / 4, "whisker"));
            s.append(line(x.at(whiskerHigh), cy - box / 4, x.at(whiskerHigh), cy + box / 4, "whisker"));
            s.append("<rect x=\"").append(f(x.at(q1))).append("\" y=\"").append(f(cy - box / 2)).append("\" width=\"")
                    .append(f(Math.max(1, x.at(q3) - x.at(q1)))).append("\" height=\"").append(f(box)).append("\" fill=\"").append(d.color())
                    .append("\" fill-opacity=\"0.35\" stroke=\"").append(d.color()).append("\"><title>")
                    .append(esc(d.label() + ": n=" + v.length + ", quartiles " + Format.number(q1) + " / " + Format.number(median) + " / " + Format.number(q3)))
                    .append("</title></rect>\n");
            s.append("<line x1=\"").append(f(x.at(median))).append("\" y1=\"").append(f(cy - box / 2)).append("\" x2=\"").append(f(x.at(median)))
                    .append("\" y2=\"").append(f(cy + box / 2)).append("\" stroke=\"").append(d.color()).append("\" stroke-width=\"3\"/>\n");
            double mean = Arrays.stream(v).average().orElse(Double.NaN);
            double mx = x.at(mean);
            s.append("<path d=\"M").append(f(mx)).append(' ').append(f(cy - 5)).append(" L").append(f(mx + 5)).append(' ').append(f(cy))
                    .append(" L").append(f(mx)).append(' ').append(f(cy + 5)).append(" L").append(f(mx - 5)).append(' ').append(f(cy))
                    .append(" Z\" fill=\"white\" stroke=\"#222\"><title>mean ").append(Format.number(mean)).append("</title></path>\n");
            for (double value : v) {
                if (value < whiskerLow || value > whiskerHigh) {
                    s.append("<circle cx=\"").append(f(x.at(value))).append("\" cy=\"").append(f(cy)).append("\" r=\"2.5\" fill=\"none\" stroke=\"")
                            .append(d.color()).append("\"/>\n");
                }
            }
        }
        return s.append("</svg>\n").toString();
    }

    // ------------------------------------------------------------------ pieces

    /** A linear map from data values to pixels. */
    private record Scale(double min, double max, double from, double to) {
        double at(double v) { return from + (v - min) / (max - min) * (to - from); }
    }

    private static StringBuilder open(int width, int height, String title) {
        return new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + width + "\" height=\"" + height + "\" viewBox=\"0 0 "
                + width + " " + height + "\" role=\"img\" aria-label=\"" + esc(title) + "\">\n<title>" + esc(title) + "</title>\n");
    }

    private static void axisY(StringBuilder s, double[] ticks, Scale y, double left, double right) {
        for (double t : ticks) {
            s.append(line(left, y.at(t), right, y.at(t), t == 0 ? "axis" : "grid"));
            s.append(text(left - 6, y.at(t) + 4, tickLabel(t, ticks), "end", "tick"));
        }
    }

    private static String line(double x1, double y1, double x2, double y2, String cls) {
        return "<line x1=\"" + f(x1) + "\" y1=\"" + f(y1) + "\" x2=\"" + f(x2) + "\" y2=\"" + f(y2) + "\" class=\"" + cls + "\"/>\n";
    }

    private static String text(double x, double y, String text, String anchor, String cls) {
        return "<text x=\"" + f(x) + "\" y=\"" + f(y) + "\" text-anchor=\"" + anchor + "\"" + (cls == null ? "" : " class=\"" + cls + "\"") + ">"
                + esc(text) + "</text>\n";
    }

    /** "Nice" tick values (steps of 1, 2 or 5 × 10^k) covering [lo, hi]. */
    static double[] ticks(double lo, double hi, int target) {
        double raw = (hi - lo) / target;
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        double step = magnitude * (raw / magnitude <= 1 ? 1 : raw / magnitude <= 2 ? 2 : raw / magnitude <= 5 ? 5 : 10);
        double start = Math.floor(lo / step) * step, end = Math.ceil(hi / step) * step;
        List<Double> ticks = new ArrayList<>();
        for (int i = 0; start + i * step <= end + step * 1e-9; i++) ticks.add(Math.round((start + i * step) / step) * step);
        if (ticks.size() < 2) ticks.add(start + step);
        return ticks.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** A tick with as many decimals as the step between ticks needs (0, 0.5, 1 / 0, 50, 100). */
    private static String tickLabel(double t, double[] ticks) {
        double step = ticks[1] - ticks[0];
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
        return Format.number(t == 0 ? 0 : t, decimals);
    }

    static double quantile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    private static String shorten(String label) {
        return label.length() <= 16 ? label : label.substring(0, 15) + "…";
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** Text for HTML or XML: {@code & < > " '} escaped. */
    static String esc(String text) {
        if (text == null) return "";
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    // Control characters other than tab and line breaks are not allowed in XML; drop them.
                    if (c >= 0x20 || c == '\n' || c == '\r' || c == '\t') b.append(c);
                }
            }
        }
        return b.toString();
    }
}
