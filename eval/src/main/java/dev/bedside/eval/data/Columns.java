package dev.bedside.eval.data;

/**
 * Which fields of a data file hold what. {@code question} and {@code answer} null mean the defaults:
 * {@code question}/{@code answer}, or {@code prompt}/{@code reference} (matched ignoring case, so RAG2.0's
 * {@code Question}/{@code Answer} need no option). {@code id} null numbers the rows 1, 2, …; {@code groupBy}
 * null keeps no group.
 */
public record Columns(String question, String answer, String id, String groupBy) {
    public static final Columns DEFAULT = new Columns(null, null, null, null);
}
