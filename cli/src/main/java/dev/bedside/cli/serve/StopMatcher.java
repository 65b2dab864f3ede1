package dev.bedside.cli.serve;

import java.util.List;

/**
 * Finds the request's stop strings in generated text as it streams. Text that could still turn out to be the
 * start of a stop string is held back; once a stop string appears, the text before it is released and nothing
 * after it ever is (OpenAI returns the text without the stop string).
 */
final class StopMatcher {
    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private boolean stopped;

    StopMatcher(List<String> stops) { this.stops = stops; }

    /** Adds generated text; returns what may be shown now. */
    String accept(String piece) {
        if (stopped) return "";
        if (stops.isEmpty()) return piece;
        pending.append(piece);
        int first = -1;
        for (String s : stops) {
            int at = pending.indexOf(s);
            if (at >= 0 && (first < 0 || at < first)) first = at;
        }
        if (first >= 0) {
            stopped = true;
            String out = pending.substring(0, first);
            pending.setLength(0);
            return out;
        }
        int keep = heldBack();
        String out = pending.substring(0, pending.length() - keep);
        pending.delete(0, pending.length() - keep);
        return out;
    }

    /** True once a stop string was seen: generation ends with finish_reason "stop". */
    boolean stopped() { return stopped; }

    /** At the end of generation: whatever was held back, since no stop string completed. */
    String finish() {
        String out = stopped ? "" : pending.toString();
        pending.setLength(0);
        return out;
    }

    /** Length of the longest end of {@code pending} that begins some stop string. */
    private int heldBack() {
        String text = pending.toString();
        int best = 0;
        for (String s : stops) {
            for (int len = Math.min(s.length() - 1, text.length()); len > best; len--) {
                if (text.regionMatches(text.length() - len, s, 0, len)) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }
}
