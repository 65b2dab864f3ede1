package dev.bedside.eval.report;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedside.eval.Sample;
import dev.bedside.eval.data.CsvReader;
import dev.bedside.eval.readability.ReadabilityMetric;
import dev.bedside.eval.run.ActiveMetric;
import dev.bedside.eval.run.AnswerSystem;
import dev.bedside.eval.run.EvalResults;
import dev.bedside.eval.run.EvalRunner;
import dev.bedside.eval.run.FakeSystems;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

/**
 * The report files of a small evaluation with hostile text in questions and system names: well-formed, escaped,
 * self-contained, and holding the numbers the runner computed.
 */
class ReportsTest {
    @TempDir Path out;
    private EvalResults results;
    private static final String HOSTILE = "<script>alert(\"x\")</script> & 'quotes' | 50% $x_1$ {#}";

    @BeforeEach
    void evaluate() throws Exception {
        List<Sample> samples = FakeSystems.samples("Why do I forget names?", "Will this fail today?", "Is walking good? " + HOSTILE,
                "What helps with sleep at night?", "How do I talk to my mother about moving?");
        List<AnswerSystem> systems = List.of(new FakeSystems.Echo("base", "Sure, here is a plain answer:"),
                new FakeSystems.Echo("dpo " + HOSTILE, "I understand how hard this is. Here is what helps:"));
        List<ActiveMetric> metrics = List.of(ActiveMetric.of("fk_grade", ReadabilityMetric.fkGrade()),
                ActiveMetric.of("reading_ease", ReadabilityMetric.readingEase()), ActiveMetric.ofCorpus("mentions", new FakeSystems.Mentions(), true));
        results = new EvalRunner(new EvalRunner.Options(out, 1, 300, 0.95, 4, "topic", null))
                .run(samples, systems, metrics, Map.of("generation", Map.of("seed", 1), "max_tokens", 150));
        Reports.writeAll(results, out, "data & more.csv");
    }

    @Test
    void htmlIsOneWellFormedSelfContainedPageWithOneSvgPerChart() throws Exception {
        String html = Files.readString(out.resolve("report.html"));
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document doc = factory.newDocumentBuilder().parse(new InputSource(new StringReader(html)));
        // 3 metric bar charts + 2 readability box plots.
        assertEquals(5, doc.getElementsByTagName("svg").getLength());
        assertEquals(0, doc.getElementsByTagName("script").getLength());
        assertEquals(0, doc.getElementsByTagName("link").getLength());
        assertEquals(0, doc.getElementsByTagName("img").getLength());
        assertFalse(html.contains(" src="), "no external source");
        assertEquals(List.of("http://www.w3.org/2000/svg"), urls(html), "no address but the SVG namespace");
        // The hostile text is there, as text: escaped in the file, intact in the parsed document.
        assertTrue(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;"));
        assertTrue(doc.getDocumentElement().getTextContent().contains(HOSTILE));
        // Bars: one per system in each bar chart, each with a whisker (3 lines).
        String firstChart = html.substring(html.indexOf("<svg"), html.indexOf("</svg>"));
        assertEquals(2, count(firstChart, "<rect "));
        assertEquals(6, count(firstChart, "class=\"whisker\""));
    }

    @Test
    void latexTableHasOneRowPerSystemAndACellPerMetric() throws Exception {
        String tex = Files.readString(out.resolve("benchmark_table.tex"));
        for (String env : List.of("table", "tabular")) assertEquals(count(tex, "\\begin{" + env + "}"), count(tex, "\\end{" + env + "}"));
        assertTrue(tex.contains("\\begin{tabular}{lrrr}"));
        assertTrue(tex.indexOf("\\toprule") < tex.indexOf("\\midrule") && tex.indexOf("\\midrule") < tex.indexOf("\\bottomrule"));
        String body = tex.substring(tex.indexOf("\\midrule") + 8, tex.indexOf("\\bottomrule"));
        List<String> rows = body.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        assertEquals(2, rows.size());
        for (String row : rows) {
            assertTrue(row.endsWith("\\\\"), row);
            assertEquals(3, count(row.replace("\\&", ""), "&"), "3 metric cells: " + row);
        }
        assertTrue(rows.get(1).startsWith("dpo <script>alert(\"x\")</script> \\& 'quotes' | 50\\% \\$x\\_1\\$ \\{\\#\\}"), rows.get(1));
        // Braces balance outside escaped ones.
        String plain = tex.replace("\\{", "").replace("\\}", "");
        assertEquals(count(plain, "{"), count(plain, "}"));
    }

    @Test
    void csvHasEverySampleOfEverySystemWithFailuresMarked() throws Exception {
        List<CsvReader.Record> records = CsvReader.parse(out.resolve("fk_grade.csv"), Files.readString(out.resolve("fk_grade.csv")));
        assertEquals(List.of("id", "system", "question", "score", "failure", "topic"), records.getFirst().fields());
        assertEquals(1 + 2 * 5, records.size());
        List<String> failed = records.get(2).fields();
        assertEquals(List.of("2", "base", "Will this fail today?", "", "no answer: IOException: HTTP 503 after 4 retries", "odd"), failed);
        double sum = 0;
        int n = 0;
        for (CsvReader.Record r : records.subList(1, 6)) {
            if (!r.fields().get(3).isEmpty()) {
                sum += Double.parseDouble(r.fields().get(3));
                n++;
            }
        }
        JsonNode summary = new ObjectMapper().readTree(out.resolve("results_summary.json").toFile());
        JsonNode fk = summary.get("systems").get("base").get("metrics").get("fk_grade");
        assertEquals(sum / n, fk.get("mean").asDouble(), 1e-12);
        assertEquals(4, fk.get("n").asInt());
        assertEquals(1, fk.get("failures").asInt());
        assertTrue(fk.get("ci_low").asDouble() <= fk.get("mean").asDouble() && fk.get("mean").asDouble() <= fk.get("ci_high").asDouble());
        assertEquals(1, summary.get("systems").get("base").get("answer_failures").asInt());
        assertTrue(summary.get("systems").get("base").get("groups").has("even"));
        assertFalse(Files.exists(out.resolve("mentions.csv")), "a corpus metric has no per-sample scores");
    }

    @Test
    void markdownHasTheSummaryTableAndTheGroups() throws Exception {
        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.contains("| System | FK grade ↓ | Reading ease ↑ | mentions ↑ |"));
        assertTrue(md.contains("## By topic"));
        assertTrue(md.contains("base, fk_grade: 1 not scored (e.g. no answer: IOException: HTTP 503 after 4 retries)"));
        assertTrue(md.contains("| dpo <script>alert(\"x\")</script> & 'quotes' \\| 50% $x_1$ {#} |"), "pipes escaped in cells");
    }

    @Test
    void svgTicksCoverTheDataInNiceSteps() {
        double[] ticks = Svg.ticks(-74.9, 54.9, 5);
        assertEquals(-100, ticks[0], 1e-9);
        assertEquals(100, ticks[ticks.length - 1], 1e-9);
        for (int i = 1; i < ticks.length; i++) assertEquals(50, ticks[i] - ticks[i - 1], 1e-9);
        double[] small = Svg.ticks(0.71, 0.78, 5);
        assertTrue(small[0] <= 0.71 && small[small.length - 1] >= 0.78);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) n++;
        return n;
    }

    private static List<String> urls(String html) {
        List<String> found = new ArrayList<>();
        Matcher m = Pattern.compile("(https?:)?//[\\w.-]+\\.\\w+[^\"'\\s)]*").matcher(html);
        while (m.find()) if (!found.contains(m.group())) found.add(m.group());
        return found;
    }
}
