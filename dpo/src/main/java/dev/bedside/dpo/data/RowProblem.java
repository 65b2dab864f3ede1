package dev.bedside.dpo.data;

/** Why a row of a data file was not used: 1-based line number and reason. */
public record RowProblem(int line, String reason) {
    @Override
    public String toString() { return "line " + line + ": " + reason; }
}
