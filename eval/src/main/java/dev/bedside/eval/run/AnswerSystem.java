package dev.bedside.eval.run;

import dev.bedside.eval.Sample;

/**
 * One of the systems compared side by side: the base model, the base model with an adapter, an
 * OpenAI-compatible endpoint, or answers read from a predictions file. The runner opens one system at a
 * time, asks it every question still unanswered, then closes it (an adapter is attached only between the two).
 */
public interface AnswerSystem {

    /** The name in reports and file names: {@code base}, the adapter folder's name, the endpoint's NAME. */
    String name();

    /** What kind of system this is, for the report: model, adapter, endpoint or predictions. */
    String kind();

    /** Before the first question (an adapter attaches itself here). */
    default void open() throws Exception {}

    /**
     * The answer to {@code sample.question()}; {@code seed} is the sample's own seed, so an answer does not
     * depend on which other questions were asked before it (a resumed run gives the same answers).
     * Exceptions are caught by the runner and recorded as a failed answer.
     */
    Answer answer(Sample sample, long seed) throws Exception;

    /** After the last question (an adapter detaches itself here, leaving the base model as it was). */
    default void close() throws Exception {}
}
