package dev.bedside.eval.similarity;

import dev.bedside.eval.Metric;
import dev.bedside.eval.Sample;
import dev.bedside.eval.Score;
import dev.bedside.model.bert.SentenceEncoder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Semantic similarity of an answer to its reference: the cosine of their sentence embeddings (the paper's
 * all-MiniLM-L6-v2 / all-mpnet-base-v2 similarity). {@link #scoreAll} embeds every answer and reference in packed
 * batches. Samples without a reference cannot be scored and say so.
 */
public final class EmbeddingSimilarity implements Metric {
    private final SentenceEncoder encoder;
    private final String name;

    public EmbeddingSimilarity(SentenceEncoder encoder) {
        this.encoder = encoder;
        this.name = "similarity_" + encoder.name();
    }

    /** all-MiniLM-L6-v2 from the bundled ONNX file, 256 word pieces like sentence-transformers: {@code similarity_minilm}. */
    public static EmbeddingSimilarity minilm() {
        return new EmbeddingSimilarity(SentenceEncoder.miniLm());
    }

    /** A sentence-transformers folder (BERT or MPNet): {@code similarity_<folder name>}. */
    public static EmbeddingSimilarity fromFolder(Path folder) throws IOException {
        return new EmbeddingSimilarity(SentenceEncoder.load(folder));
    }

    public SentenceEncoder encoder() { return encoder; }

    @Override
    public String name() { return name; }

    @Override
    public boolean higherIsBetter() { return true; }

    @Override
    public Score score(Sample sample) {
        return scoreAll(List.of(sample)).getFirst();
    }

    @Override
    public List<Score> scoreAll(List<Sample> samples) {
        List<int[]> ids = new ArrayList<>();
        for (Sample s : samples) {
            if (!s.hasReference()) continue;
            ids.add(encoder.tokenize(s.answerText()));
            ids.add(encoder.tokenize(s.reference()));
        }
        float[][] vectors = encoder.embedIds(ids);
        List<Score> scores = new ArrayList<>(samples.size());
        int at = 0;
        for (Sample s : samples) {
            if (!s.hasReference()) {
                scores.add(Score.noReference(Map.of("sample", s.id())));
                continue;
            }
            int[] answer = ids.get(at), reference = ids.get(at + 1);
            double cosine = SentenceEncoder.cosine(vectors[at], vectors[at + 1]);
            at += 2;
            scores.add(Score.of(cosine, Map.of("answer_tokens", answer.length, "reference_tokens", reference.length,
                    "max_tokens", encoder.maxTokens())));
        }
        return scores;
    }
}
