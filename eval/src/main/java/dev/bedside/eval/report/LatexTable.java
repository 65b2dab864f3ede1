package dev.bedside.eval.report;

import dev.bedside.eval.run.EvalResults;
import dev.bedside.eval.run.MetricSummary;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code benchmark_table.tex}: a booktabs table as in the paper, one row per system and one column per metric,
 * each cell the mean ± half the width of its bootstrap 95% interval, the best mean of each column in bold.
 * Needs the booktabs package.
 */
final class LatexTable {
    private LatexTable() {}

    static String render(EvalResults r, String dataName) {
        StringBuilder t = new StringBuilder();
        t.append("% Written by bedside eval. Needs \\usepackage{booktabs}.\n");
        t.append("\\begin{table}[ht]\n  \\centering\n");
        t.append("  \\caption{Evaluation on ").append(escape(dataName)).append(" ($n = ").append(r.samples().size())
                .append("$). Mean $\\pm$ half the bootstrap 95\\% confidence interval; $\\uparrow$ higher is better,"
                        + " $\\downarrow$ lower is better; best mean in bold.}\n");
        t.append("  \\label{tab:bedside-eval}\n");
        t.append("  \\begin{tabular}{l").append("r".repeat(r.metrics().size())).append("}\n");
        t.append("    \\toprule\n    System");
        for (EvalResults.MetricInfo m : r.metrics()) {
            t.append(" & ").append(escape(Format.label(m.name()))).append(m.higherIsBetter() ? " $\\uparrow$" : " $\\downarrow$");
        }
        t.append(" \\\\\n    \\midrule\n");
        List<String> best = new ArrayList<>();
        for (EvalResults.MetricInfo m : r.metrics()) best.add(Reports.bestSystem(r, m));
        for (EvalResults.SystemInfo s : r.systems()) {
            t.append("    ").append(escape(s.name()));
            for (int i = 0; i < r.metrics().size(); i++) {
                MetricSummary m = r.summary().get(s.name()).get(r.metrics().get(i).name());
                int decimals = Reports.decimals(r, r.metrics().get(i).name());
                String cell = Double.isNaN(m.mean()) ? "--" : Format.number(m.mean(), decimals) + " $\\pm$ " + Format.number(m.halfWidth(), decimals);
                if (s.name().equals(best.get(i)) && !Double.isNaN(m.mean())) cell = "\\textbf{" + cell + "}";
                t.append(" & ").append(cell);
            }
            t.append(" \\\\\n");
        }
        t.append("    \\bottomrule\n  \\end{tabular}\n\\end{table}\n");
        return t.toString();
    }

    /** Text with LaTeX's special characters escaped. */
    static String escape(String text) {
        StringBuilder b = new StringBuilder();
        for (char c : text.toCharArray()) {
            switch (c) {
                case '\\' -> b.append("\\textbackslash{}");
                case '&', '%', '$', '#', '_', '{', '}' -> b.append('\\').append(c);
                case '~' -> b.append("\\textasciitilde{}");
                case '^' -> b.append("\\textasciicircum{}");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
