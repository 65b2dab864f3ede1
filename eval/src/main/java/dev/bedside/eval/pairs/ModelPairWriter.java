package dev.bedside.eval.pairs;

import dev.bedside.dpo.caregiver.Fact;
import dev.bedside.dpo.caregiver.GeneratedPair;
import dev.bedside.dpo.pairs.TextPair;
import dev.bedside.eval.chat.ChatBackend;
import dev.bedside.eval.chat.ChatMessage;
import dev.bedside.eval.chat.ChatOptions;
import dev.bedside.eval.empathy.EmpathyHeuristic;
import dev.bedside.eval.readability.Readability;
import java.io.IOException;
import java.util.List;

/**
 * Preference pairs written by a model (a Bedside model in this process or an OpenAI-compatible endpoint) from
 * a rule-written pair's question and facts: one request asks for the warm, plain answer with the plain facts,
 * another for the cold, technical answer with the clinical facts. The model's two answers are then held to the
 * rule-based pairs' checks; a pair that fails any keeps its rule-written texts and the reason is reported:
 * <ul>
 *   <li>both answers non-empty and different;</li>
 *   <li>chosen reads easier: lower Flesch–Kincaid grade ({@link Readability#textstat()});</li>
 *   <li>chosen reads warmer: higher {@link EmpathyHeuristic} score;</li>
 *   <li>chosen invites follow-up: it contains a question mark; rejected does not.</li>
 * </ul>
 * The facts are handed over verbatim and the model is told to add none, but whether it kept to them is not
 * checked here: the embedding similarity in {@link PairValidation} is the check for that.
 */
public final class ModelPairWriter {
    static final String WARM = "You help family caregivers of people with dementia. Answer the caregiver's question in at most"
            + " 120 words. Start with one short sentence that acknowledges how they feel. Then give these facts, and no other"
            + " medical facts, in plain everyday words and short sentences:\n%s\nEnd with a question that invites them to say more.";
    static final String COLD = "Answer the question in at most 120 words as a terse clinical note. Use technical medical"
            + " terminology and a cold, prescriptive tone. Do not acknowledge feelings and do not invite further questions."
            + " State these facts, and no others:\n%s";

    private final ChatBackend backend;
    private final ChatOptions options;
    private final Readability readability = Readability.textstat();

    public ModelPairWriter(ChatBackend backend, ChatOptions options) {
        this.backend = backend;
        this.options = options;
    }

    /** The pair written, or the rule-written one with {@code fallbackReason} saying which check failed. */
    public record Outcome(TextPair pair, boolean modelWritten, String fallbackReason) {}

    public Outcome write(GeneratedPair rule) throws IOException {
        List<Fact> facts = rule.facts().stream().map(i -> rule.topic().facts().get(i)).toList();
        String chosen = ask(WARM, facts.stream().map(Fact::plain).toList(), rule.prompt());
        String rejected = ask(COLD, facts.stream().map(Fact::clinical).toList(), rule.prompt());
        String problem = problem(chosen, rejected);
        if (problem != null) return new Outcome(rule.text(), false, problem);
        return new Outcome(new TextPair(rule.prompt(), TextPair.completion(chosen), TextPair.completion(rejected),
                rule.topic().id(), rule.topic().category()), true, null);
    }

    private String ask(String instruction, List<String> facts, String question) throws IOException {
        String list = "- " + String.join("\n- ", facts);
        List<ChatMessage> messages = List.of(ChatMessage.system(instruction.formatted(list)), ChatMessage.user(question));
        return backend.complete(messages, options).text().strip();
    }

    /** Which check a model-written pair fails, or null when it passes them all. */
    String problem(String chosen, String rejected) {
        if (chosen.isBlank() || rejected.isBlank()) return "empty answer";
        if (chosen.equals(rejected)) return "chosen equals rejected";
        if (!(readability.score(chosen).fleschKincaidGrade() < readability.score(rejected).fleschKincaidGrade())) {
            return "chosen not easier to read (Flesch-Kincaid grade)";
        }
        if (!(EmpathyHeuristic.evaluate(chosen).score() > EmpathyHeuristic.evaluate(rejected).score())) {
            return "chosen not warmer (empathy heuristic)";
        }
        if (!chosen.contains("?")) return "chosen does not invite follow-up (no question)";
        if (rejected.contains("?")) return "rejected asks a question";
        return null;
    }
}
