package dev.bedside.dpo.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line terminal progress bar: step, bar, loss, reward accuracy (DPO), learning rate, speed, ETA. The line
 * itself ({@link #line}) is shared with the other long jobs (evaluation, pair validation).
 */
public final class Progress {
    private final PrintStream out;
    private final String label;
    private final int total;
    private final long start = System.nanoTime();
    private final int firstStep;

    Progress(PrintStream out, String label, int firstStep, int total) {
        this.out = out;
        this.label = label;
        this.firstStep = firstStep;
        this.total = total;
    }

    void update(int step, double loss, Double accuracy, double lr, double tokensPerSecond) {
        if (out == null) return;
        double elapsed = (System.nanoTime() - start) / 1e9;
        int done = step - firstStep;
        double eta = done > 0 ? elapsed / done * (total - step) : Double.NaN;
        out.print(line(label, step, total, String.format(Locale.ROOT, "loss %.4f%s lr %.2e %.0f tok/s", loss,
                accuracy == null ? "" : String.format(Locale.ROOT, " acc %.2f", accuracy), lr, tokensPerSecond), eta));
        if (step == total) out.println();
        out.flush();
    }

    /** {@code \rLABEL done/total [####----] DETAILS ETA 1m05s}: rewrites the terminal line it is printed on. */
    public static String line(String label, int done, int total, String details, double etaSeconds) {
        int width = 24, filled = total <= 0 ? width : (int) ((long) width * Math.min(done, total) / total);
        String bar = "#".repeat(filled) + "-".repeat(width - filled);
        return String.format(Locale.ROOT, "\r%s %d/%d [%s] %s ETA %s   ", label, done, total, bar, details, time(etaSeconds));
    }

    /** Seconds as {@code 4m05s} or {@code 1h02m}; {@code ?} when unknown. */
    public static String time(double seconds) {
        if (Double.isNaN(seconds)) return "?";
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60) : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
