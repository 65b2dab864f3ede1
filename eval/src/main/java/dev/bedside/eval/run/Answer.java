package dev.bedside.eval.run;

import java.util.Map;

/**
 * What a system answered to one question: the text, or {@code failure} saying why there is none (an endpoint
 * that kept failing, a prompt too long for the context). {@code details} keeps what helps to audit it
 * (tokens generated, why generation stopped, seconds taken).
 */
public record Answer(String text, String failure, Map<String, Object> details) {
    public Answer {
        details = Map.copyOf(details);
    }

    public static Answer of(String text, Map<String, Object> details) {
        return new Answer(text, null, details);
    }

    public static Answer failed(String why) {
        return new Answer("", why, Map.of());
    }

    public boolean ok() { return failure == null; }
}
