package dev.bedside.dpo.caregiver;

/** A corpus file that breaks the format; the message names the source, the line and the field. */
public final class CorpusException extends IllegalArgumentException {
    public CorpusException(String source, int line, String field, String problem) {
        super(source + " line " + line + ", field '" + field + "': " + problem);
    }

    public CorpusException(String message) {
        super(message);
    }
}
