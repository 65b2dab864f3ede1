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
        out.print(dev.bedside.dpo.train.Progress.line(label, done, total,
                Double.isNaN(perItem) ? "" : String.format(Locale.ROOT, "%.2f s/item", perItem), perItem * (total - done)));
        if (done == total) out.println();
        out.flush();
    }
}
