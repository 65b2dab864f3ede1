package dev.bedside.eval.run;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry: names, defaults with and without a judge, and clear refusals. */
class MetricRegistryTest {

    @Test
    void judgeMetricsAreDefaultOnlyWithAJudge() {
        List<String> without = MetricRegistry.defaults(false), with = MetricRegistry.defaults(true);
        assertTrue(without.containsAll(List.of("fk_grade", "reading_ease", "similarity_minilm", "rouge_l", "bleu", "empathy_heuristic")), without.toString());
        assertTrue(without.stream().noneMatch(n -> n.startsWith("geval_")), without.toString());
        assertTrue(with.containsAll(List.of("geval_correctness", "geval_empathy", "geval_readability")), with.toString());
    }

    @Test
    void builtMetricsCarryTheirRegistryNameAndDirection() {
        List<ActiveMetric> metrics = MetricRegistry.create(List.of("fk_grade", "reading_ease", "bleu"), MetricContext.withoutJudge());
        assertEquals(List.of("fk_grade", "reading_ease", "bleu"), metrics.stream().map(ActiveMetric::name).toList());
        assertFalse(metrics.get(0).higherIsBetter());
        assertTrue(metrics.get(1).higherIsBetter());
        assertTrue(metrics.get(2).isCorpus());
    }

    @Test
    void refusals() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> MetricRegistry.create(List.of("bogus"), MetricContext.withoutJudge()));
        assertTrue(unknown.getMessage().startsWith("unknown metric 'bogus' (known: fk_grade, reading_ease"), unknown.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> MetricRegistry.create(List.of("fk_grade", "fk_grade"), MetricContext.withoutJudge()));
        assertTrue(twice.getMessage().contains("named twice"));
        IllegalArgumentException judge = assertThrows(IllegalArgumentException.class,
                () -> MetricRegistry.create(List.of("geval_empathy"), MetricContext.withoutJudge()));
        assertTrue(judge.getMessage().contains("give --judge local or --judge URL"), judge.getMessage());
    }
}
