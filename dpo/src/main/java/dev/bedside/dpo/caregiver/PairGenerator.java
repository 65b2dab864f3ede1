package dev.bedside.dpo.caregiver;

import dev.bedside.dpo.pairs.NearDuplicates;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Rule-written preference pairs from the caregiver corpus, as the Empathy-by-Design paper describes them:
 * the chosen answer acknowledges the caregiver's feelings, states the facts in plain words and short
 * sentences and invites follow-up; the rejected answer states the same facts in clinical jargon, coldly and
 * prescriptively.
 *
 * <p>Sentences are separated by one space or one line break, never by a blank line or a list marker: the
 * textstat sentence rule ({@code dev.bedside.eval.readability}) needs a capital letter right after the break,
 * and a reader that merges sentences would misjudge both answers' readability.
 *
 * <p>Everything varies with the seed, deterministically: which wording of the question is the prompt, which
 * facts (at least two) and in what order, and the sentences and layout around them. Topics take turns (in a
 * seeded order) so every topic gets about the same number of pairs. A candidate that is a near-duplicate of a
 * pair already written for its topic ({@link NearDuplicates}) is dropped and counted.
 */
public final class PairGenerator {
    private final List<CaregiverTopic> topics;
    private final NearDuplicates nearDuplicates;

    public PairGenerator(List<CaregiverTopic> topics, NearDuplicates nearDuplicates) {
        if (topics.isEmpty()) throw new IllegalArgumentException("PairGenerator: no topics");
        this.topics = List.copyOf(topics);
        this.nearDuplicates = nearDuplicates;
    }

    /** The pairs and the number of candidates dropped as near-duplicates. */
    public record Result(List<GeneratedPair> pairs, int nearDuplicatesRemoved) {}

    /**
     * Up to {@code count} pairs; fewer only when the topics run out of distinct variations
     * (after 50 candidates per requested pair).
     */
    public Result generate(int count, long seed) {
        if (count < 0) throw new IllegalArgumentException("PairGenerator: negative count " + count);
        Random random = new Random(seed);
        List<CaregiverTopic> order = new ArrayList<>(topics);
        Collections.shuffle(order, random);
        Map<String, List<Set<String>>> written = new HashMap<>();
        List<GeneratedPair> pairs = new ArrayList<>(count);
        int removed = 0;
        long attempts = 0, maxAttempts = 50L * count;
        for (int turn = 0; pairs.size() < count && attempts < maxAttempts; turn++, attempts++) {
            CaregiverTopic topic = order.get(turn % order.size());
            GeneratedPair pair = compose(topic, random);
            Set<String> grams = NearDuplicates.trigrams(pair.text());
            List<Set<String>> previous = written.computeIfAbsent(topic.id(), id -> new ArrayList<>());
            if (nearDuplicates.isNearDuplicate(grams, previous)) {
                removed++;
                continue;
            }
            previous.add(grams);
            pairs.add(pair);
        }
        return new Result(List.copyOf(pairs), removed);
    }

    /** One candidate pair for {@code topic}. */
    static GeneratedPair compose(CaregiverTopic topic, Random random) {
        List<String> prompts = topic.prompts();
        String prompt = prompts.get(random.nextInt(prompts.size()));
        List<Integer> facts = pickFacts(topic.facts().size(), random);
        List<Integer> rejectedOrder = new ArrayList<>(facts);
        if (random.nextDouble() < 0.3) Collections.shuffle(rejectedOrder, random);

        List<String> chosenFacts = facts.stream().map(i -> topic.facts().get(i).plain()).toList();
        List<String> rejectedFacts = rejectedOrder.stream().map(i -> topic.facts().get(i).clinical()).toList();
        return new GeneratedPair(topic, prompt, chosen(chosenFacts, random), rejected(rejectedFacts, random), facts);
    }

    /**
     * At least two of {@code n} facts, mostly in the corpus order (which puts the core fact first); the
     * first fact is kept four times in five, and one pair in four shuffles the order.
     */
    static List<Integer> pickFacts(int n, Random random) {
        int k = 2 + random.nextInt(n - 1);
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < n; i++) all.add(i);
        List<Integer> picked = new ArrayList<>();
        if (random.nextDouble() < 0.8) picked.add(all.removeFirst());
        Collections.shuffle(all, random);
        picked.addAll(all.subList(0, k - picked.size()));
        if (random.nextDouble() < 0.25) Collections.shuffle(picked, random);
        else Collections.sort(picked);
        return picked;
    }

    static String chosen(List<String> facts, Random random) {
        StringBuilder opening = new StringBuilder(pick(PairStyles.WARM_OPENERS, random));
        if (random.nextDouble() < 0.4) opening.append(' ').append(pick(PairStyles.WARM_REASSURANCES, random));
        if (random.nextDouble() < 0.5) opening.append(' ').append(pick(PairStyles.WARM_BRIDGES, random));
        String body = String.join(random.nextBoolean() ? " " : "\n", facts);   // one paragraph, or one fact per line
        StringBuilder closing = new StringBuilder();
        if (random.nextDouble() < 0.35) closing.append(pick(PairStyles.WARM_SELF_CARE, random)).append(' ');
        closing.append(pick(PairStyles.WARM_CLOSERS, random));
        String separator = random.nextBoolean() ? " " : "\n";
        return opening + separator + body + separator + closing;
    }

    static String rejected(List<String> facts, Random random) {
        StringBuilder opening = new StringBuilder(pick(PairStyles.COLD_OPENERS, random));
        if (random.nextDouble() < 0.3) opening.append(' ').append(pick(PairStyles.COLD_DISMISSALS, random));
        String body = String.join(random.nextBoolean() ? " " : "\n", facts);
        String separator = random.nextBoolean() ? " " : "\n";
        return opening + separator + body + separator + pick(PairStyles.COLD_CLOSERS, random);
    }

    private static String pick(List<String> options, Random random) {
        return options.get(random.nextInt(options.size()));
    }
}
