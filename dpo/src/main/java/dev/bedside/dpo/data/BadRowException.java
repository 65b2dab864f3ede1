package dev.bedside.dpo.data;

/** A row that cannot be used; {@link RowProblem} carries the reason with its line. */
final class BadRowException extends Exception {
    BadRowException(String reason) { super(reason); }
}
