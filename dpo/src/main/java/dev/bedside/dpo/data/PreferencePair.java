package dev.bedside.dpo.data;

/** One preference row after tokenization and truncation; {@code line} is its 1-based line in the file. */
public record PreferencePair(int line, Sequence chosen, Sequence rejected) {}
