package dev.bedside.eval.judge;

import dev.bedside.eval.chat.ChatReply;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;

/**
 * G-Eval's probability-weighted score (Liu et al. 2023, eq. 1: {@code score = Σ p(sᵢ)·sᵢ}), computed as deepeval
 * does from the judge's log-probs:
 * <ol>
 *   <li>find the generated token that wrote the score: the token where the digits after {@code "score":} start in
 *       the concatenated token texts, else (deepeval's rule) the first token whose text is the score;</li>
 *   <li>take that position's top alternatives that are integer scores in range (surrounding spaces ignored), and
 *       drop those below 1% probability as deepeval does;</li>
 *   <li>return {@code Σ p(s)·s / Σ p(s)} over them: the mean normalised over the valid score tokens.</li>
 * </ol>
 * Empty when the reply carries no log-probs, the score is not an integer, or no score token can be found.
 */
final class ScoreWeighting {
    private ScoreWeighting() {}

    /** deepeval ignores alternatives below 1% probability. */
    static final double MIN_LOGPROB = Math.log(0.01);

    /** The weighted score, the probability (unnormalised) of each score value, and the token it was read at. */
    record Weighted(double score, Map<Integer, Double> probabilities, int tokenIndex) {}

    static Optional<Weighted> weighted(ChatReply reply, double parsedScore, int minScore, int maxScore) {
        List<ChatReply.TokenLogprob> tokens = reply.tokens();
        if (tokens.isEmpty() || parsedScore != Math.rint(parsedScore)) return Optional.empty();
        String scoreText = Integer.toString((int) parsedScore);
        int index = scoreTokenIndex(tokens, scoreText);
        if (index < 0) return Optional.empty();

        ChatReply.TokenLogprob at = tokens.get(index);
        List<ChatReply.Alternative> alternatives = at.top().isEmpty()
            ? List.of(new ChatReply.Alternative(at.token(), at.logprob())) : at.top();
        Map<Integer, Double> probabilities = new TreeMap<>();
        for (ChatReply.Alternative alternative : alternatives) {
            String text = alternative.token().strip();
            if (alternative.logprob() < MIN_LOGPROB || !text.matches("\\d{1,3}")) continue;
            int value = Integer.parseInt(text);
            if (value < minScore || value > maxScore) continue;
            probabilities.merge(value, Math.exp(alternative.logprob()), Double::sum);
        }
        double total = 0, weightedSum = 0;
        for (var entry : probabilities.entrySet()) {
            total += entry.getValue();
            weightedSum += entry.getKey() * entry.getValue();
        }
        if (total == 0) return Optional.empty();
        return Optional.of(new Weighted(weightedSum / total, probabilities, index));
    }

    /** The index of the token that wrote {@code scoreText}, or -1. */
    static int scoreTokenIndex(List<ChatReply.TokenLogprob> tokens, String scoreText) {
        StringBuilder text = new StringBuilder();
        int[] starts = new int[tokens.size()];
        for (int i = 0; i < tokens.size(); i++) {
            starts[i] = text.length();
            text.append(tokens.get(i).token());
        }
        Matcher matcher = JudgeReplies.SCORE.matcher(text);
        if (matcher.find() && matcher.group(1).equals(scoreText)) {
            int digits = matcher.start(1);
            for (int i = tokens.size() - 1; i >= 0; i--) {
                if (starts[i] <= digits) {
                    // The token must be the score itself (" 7" or "7"), not a token that merely contains it.
                    return tokens.get(i).token().strip().equals(scoreText) ? i : -1;
                }
            }
        }
        for (int i = 0; i < tokens.size(); i++) if (tokens.get(i).token().strip().equals(scoreText)) return i;
        return -1;
    }
}
