package dev.bedside.eval.run;

import java.io.PrintStream;
import java.util.Locale;

/** One rewritten terminal line: what is being done, count, a bar, seconds per item, time left. */
final class Progress {
    private final PrintStream out;
    private final String label;
    private final int total;
    private final long start = System.nanoTime();
    private int done;

    Progress(PrintStream out, String label, int total) {
        this.out = out;
        this.label = label;
        this.total = total;
        if (out != null && total > 0) print();
    }

    void step() {
        done++;
        if (out != null) print();
    }

    private void print() {
        double elapsed = (System.nanoTime() - start) / 1e9;
        double perItem = done > 0 ? elapsed / done : Double.NaN;
        int width = 24, filled = total == 0 ? width : (int) ((long) width * done / total);
        out.print(String.format(Locale.ROOT, "\r%s %d/%d [%s] %s ETA %s   ", label, done, total,
                "#".repeat(filled) + "-".repeat(width - filled),
                Double.isNaN(perItem) ? "" : String.format(Locale.ROOT, "%.2f s/item", perItem), time(perItem * (total - done))));
        if (done == total) out.println();
        out.flush();
    }

    private static String time(double seconds) {
        if (Double.isNaN(seconds)) return "?";
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60) : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
