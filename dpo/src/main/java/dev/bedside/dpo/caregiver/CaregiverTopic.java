package dev.bedside.dpo.caregiver;

import java.util.ArrayList;
import java.util.List;

/**
 * One caregiver topic of the bundled corpus: a question a family caregiver asks, two to four other ways of
 * asking it, and three to five facts a clinician would sign, each in a plain and a clinical register.
 *
 * @param id          unique slug, e.g. {@code what-is-sundowning}
 * @param category    one of {@link CaregiverCorpus#CATEGORIES}
 * @param question    the question as a caregiver would ask it
 * @param paraphrases other wordings of the same question (more prompt variety for the pairs)
 * @param facts       the factual core
 */
public record CaregiverTopic(String id, String category, String question, List<String> paraphrases, List<Fact> facts) {
    public CaregiverTopic {
        paraphrases = List.copyOf(paraphrases);
        facts = List.copyOf(facts);
    }

    /** The question followed by its paraphrases: every prompt this topic can give. */
    public List<String> prompts() {
        List<String> prompts = new ArrayList<>(paraphrases.size() + 1);
        prompts.add(question);
        prompts.addAll(paraphrases);
        return prompts;
    }
}
