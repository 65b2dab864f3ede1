package dev.bedside.dpo.caregiver;

/**
 * One fact of a topic's core, said twice: {@code plain} in short sentences and everyday words (what the
 * preferred answer uses), {@code clinical} in the jargon of a clinical note (what the rejected answer uses).
 * Both carry the same content, so a pair differs in style and tone, not in facts.
 */
public record Fact(String plain, String clinical) {}
