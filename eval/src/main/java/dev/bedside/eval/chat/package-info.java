/**
 * The chat seam ({@link dev.bedside.eval.chat.ChatBackend}) and its two implementations: a Bedside Llama model in
 * this process ({@link dev.bedside.eval.chat.LocalChatBackend}) and any OpenAI-compatible endpoint
 * ({@link dev.bedside.eval.chat.OpenAiChatClient}, JDK HTTP client, retries with back-off, Retry-After honoured).
 */
package dev.bedside.eval.chat;
