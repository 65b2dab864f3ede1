package dev.bedside.eval.run;

import dev.bedside.eval.CorpusMetric;
import dev.bedside.eval.Metric;
import dev.bedside.eval.Sample;
import dev.bedside.eval.Score;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Systems and metrics for runner and report tests, with no model behind them. */
public final class FakeSystems {
    private FakeSystems() {}

    /** Answers "{prefix} {question} It helps." and fails (as an endpoint would) on questions containing "fail". */
    public static final class Echo implements AnswerSystem {
        private final String name;
        private final String prefix;
        public final List<String> asked = new ArrayList<>();
        public int opened, closed;

        public Echo(String name, String prefix) {
            this.name = name;
            this.prefix = prefix;
        }

        @Override public String name() { return name; }

        @Override public String kind() { return "endpoint"; }

        @Override public void open() { opened++; }

        @Override public void close() { closed++; }

        @Override
        public Answer answer(Sample sample, long seed) throws IOException {
            asked.add(sample.question());
            if (sample.question().contains("fail")) throw new IOException("HTTP 503 after 4 retries");
            return Answer.of(prefix + " " + sample.question() + " It helps.", Map.of("seed", seed));
        }
    }

    /** Words in the answer; throws on answers containing "boom" (a metric that breaks on one sample). */
    public static final class WordCount implements Metric {
        @Override public String name() { return "words"; }

        @Override public boolean higherIsBetter() { return true; }

        @Override
        public Score score(Sample sample) {
            if (sample.answer().contains("boom")) throw new IllegalStateException("cannot count " + sample.id());
            return Score.of(sample.answer().strip().split("\\s+").length);
        }
    }

    /** The fraction of answers that mention their own question: one number over the corpus. */
    public static final class Mentions implements CorpusMetric {
        @Override public String name() { return "mentions"; }

        @Override
        public double corpusScore(List<Sample> samples) {
            return samples.stream().filter(s -> s.answer().contains(s.question())).count() / (double) samples.size();
        }
    }

    public static List<Sample> samples(String... questions) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < questions.length; i++) {
            samples.add(new Sample(Integer.toString(i + 1), questions[i], "", "Reference " + (i + 1) + ".", Map.of("topic", i % 2 == 0 ? "even" : "odd")));
        }
        return samples;
    }
}
