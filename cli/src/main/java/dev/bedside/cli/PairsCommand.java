package dev.bedside.cli;

import dev.bedside.dpo.caregiver.CaregiverCorpus;
import dev.bedside.dpo.caregiver.CaregiverTopic;
import dev.bedside.dpo.caregiver.GeneratedPair;
import dev.bedside.dpo.caregiver.PairGenerator;
import dev.bedside.dpo.pairs.CounselChat;
import dev.bedside.dpo.pairs.NearDuplicates;
import dev.bedside.dpo.pairs.PairsJsonl;
import dev.bedside.dpo.pairs.TextPair;
import dev.bedside.dpo.pairs.TopicSplit;
import dev.bedside.eval.pairs.PairCheck;
import dev.bedside.eval.pairs.PairValidation;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code bedside pairs}: writes preference pairs as JSON Lines (TRL's prompt/chosen/rejected plus topic_id and
 * category), validates them and saves the validation as JSON.
 * <ul>
 *   <li>default: rule-written pairs from the bundled caregiver corpus (or {@code --corpus FILE}),
 *       {@code --count} of them, varied by {@code --seed};</li>
 *   <li>{@code --from-counselchat CSV}: CounselChat-style answers ranked by upvotes;</li>
 *   <li>{@code --from-jsonl FILE}: text pairs as they are (the paper's file), deduplicated, split and validated.</li>
 * </ul>
 * Near-duplicates (word 3-gram Jaccard above {@code --dedup}) are removed; with {@code --split-out DIR} the
 * pairs are also split by topic into {@code DIR/train.jsonl} and {@code DIR/held-out.jsonl}, and the
 * validation goes to {@code DIR/validation.json} (else next to {@code --out}, or to {@code --report}).
 */
final class PairsCommand {
    private PairsCommand() {}

    static final String USAGE = "pairs --out FILE [--count 1000] [--seed 42] [--split-out DIR] [--held-out 0.15] [--dedup 0.8]"
            + " [--report FILE] [--corpus FILE | --from-counselchat CSV [--max-pairs-per-question 3] | --from-jsonl FILE]";

    static int run(String[] args, PrintStream out) throws IOException {
        Args options = new Args(args, Set.of());
        Path outFile = Path.of(options.required("out"));
        int count = options.integer("count", 1000);
        long seed = Long.parseLong(options.string("seed", "42"));
        String splitOut = options.string("split-out", null);
        double heldOut = options.number("held-out", 0.15);
        double dedup = options.number("dedup", 0.8);
        String report = options.string("report", null);
        String corpus = options.string("corpus", null);
        String counselChat = options.string("from-counselchat", null);
        String jsonl = options.string("from-jsonl", null);
        int maxPerQuestion = options.integer("max-pairs-per-question", 3);
        options.finish();
        if (!options.positional().isEmpty()) throw new UsageException("unexpected argument '" + options.positional().getFirst() + "'; usage: " + USAGE);
        if ((corpus != null ? 1 : 0) + (counselChat != null ? 1 : 0) + (jsonl != null ? 1 : 0) > 1) {
            throw new UsageException("give at most one of --corpus, --from-counselchat, --from-jsonl");
        }
        if (count < 1) throw new UsageException("--count must be at least 1, got " + count);
        if (!(heldOut >= 0 && heldOut < 1)) throw new UsageException("--held-out must be in [0, 1), got " + heldOut);
        if (!(dedup > 0 && dedup <= 1)) throw new UsageException("--dedup must be in (0, 1], got " + dedup);

        NearDuplicates nearDuplicates = new NearDuplicates(dedup);
        Map<String, Object> facts = new LinkedHashMap<>();
        List<TextPair> pairs;
        if (counselChat != null || jsonl != null) {
            List<TextPair> read = counselChat != null ? CounselChat.pairs(Path.of(counselChat), maxPerQuestion) : PairsJsonl.read(Path.of(jsonl));
            facts.put("source", counselChat != null ? "counselchat:" + counselChat : "jsonl:" + jsonl);
            NearDuplicates.Result kept = nearDuplicates.filter(read);
            pairs = kept.kept();
            facts.put("pairs_read", read.size());
            facts.put("near_duplicates_removed", kept.removed());
        } else {
            List<CaregiverTopic> topics = corpus == null ? CaregiverCorpus.bundled() : readCorpus(Path.of(corpus));
            PairGenerator.Result generated = new PairGenerator(topics, nearDuplicates).generate(count, seed);
            pairs = generated.pairs().stream().map(GeneratedPair::text).toList();
            facts.put("source", corpus == null ? "bundled caregiver corpus" : "corpus:" + corpus);
            facts.put("topics", topics.size());
            facts.put("seed", seed);
            facts.put("pairs_requested", count);
            facts.put("near_duplicates_removed", generated.nearDuplicatesRemoved());
        }
        facts.put("near_duplicate_threshold", dedup);
        if (pairs.isEmpty()) throw new IOException("no pairs to write");
        PairsJsonl.write(outFile, pairs);
        out.printf(Locale.ROOT, "wrote %d pairs to %s (%s near-duplicates removed)%n", pairs.size(), outFile, facts.get("near_duplicates_removed"));

        Path reportFile;
        if (splitOut != null) {
            Path dir = Path.of(splitOut);
            TopicSplit.Split split = TopicSplit.split(pairs, heldOut, seed);
            PairsJsonl.write(dir.resolve("train.jsonl"), split.train());
            PairsJsonl.write(dir.resolve("held-out.jsonl"), split.heldOut());
            facts.put("train_pairs", split.train().size());
            facts.put("held_out_pairs", split.heldOut().size());
            facts.put("held_out_topics", split.heldOutKeys().size());
            out.printf(Locale.ROOT, "split by topic: %d train pairs, %d held-out pairs (%d held-out topics) in %s%n",
                    split.train().size(), split.heldOut().size(), split.heldOutKeys().size(), dir);
            reportFile = report != null ? Path.of(report) : dir.resolve("validation.json");
        } else {
            reportFile = report != null ? Path.of(report) : sibling(outFile, ".validation.json");
        }

        PairValidation validation = new PairValidation(null, null);
        List<PairCheck> checks = validation.check(pairs);
        facts.put("empathy_metric", "not wired yet (dev.bedside.eval.empathy.EmpathyHeuristic)");
        facts.put("similarity_metric", "not wired yet (dev.bedside.eval.similarity)");
        PairValidation.writeReport(reportFile, facts, checks);
        Map<String, Object> summary = PairValidation.summary(checks);
        out.printf(Locale.ROOT, "chosen easier to read (lower FK grade) in %.1f%% of pairs; FK grade %.2f chosen vs %.2f rejected;"
                        + " reading ease %.1f vs %.1f%n", 100 * (double) summary.get("chosen_lower_fk_grade_share"),
                summary.get("fk_grade_chosen_mean"), summary.get("fk_grade_rejected_mean"),
                summary.get("reading_ease_chosen_mean"), summary.get("reading_ease_rejected_mean"));
        out.println("validation saved to " + reportFile);
        return 0;
    }

    private static List<CaregiverTopic> readCorpus(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return CaregiverCorpus.read(reader, file.toString());
        }
    }

    /** {@code pairs.jsonl} → {@code pairs.validation.json} beside it. */
    private static Path sibling(Path file, String suffix) {
        String name = file.getFileName().toString();
        String stem = name.endsWith(".jsonl") ? name.substring(0, name.length() - 6) : name;
        return file.resolveSibling(stem + suffix);
    }
}
