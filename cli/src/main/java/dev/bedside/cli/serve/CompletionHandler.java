package dev.bedside.cli.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.bedside.model.GenerationConfig;
import dev.bedside.model.generate.SamplingConfig;
import dev.bedside.model.tokenizer.ChatFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /v1/chat/completions} and {@code /v1/completions}: validates the request, turns it into prompt
 * ids (the chat template for messages, BOS + text for a prompt, exactly as {@code bedside generate} does), queues
 * it, and answers with the whole completion or a stream of events as the scheduler produces them.
 */
final class CompletionHandler {
    private final Engine engine;
    private final Scheduler scheduler;
    private final ServeOptions options;
    private final ChatFormat chatFormat;
    /** A stream that has nothing to say for this long sends an SSE comment (clients ignore it). */
    private static final int KEEP_ALIVE_SECONDS = 2;

    CompletionHandler(Engine engine, Scheduler scheduler, ServeOptions options) {
        this.engine = engine;
        this.scheduler = scheduler;
        this.options = options;
        this.chatFormat = new ChatFormat(engine.tokenizer);
    }

    void handle(HttpExchange exchange, byte[] body, boolean chat) throws IOException, InterruptedException {
        CompletionRequest request = RequestParser.parse(body, chat);
        String modelId = request.model() == null ? options.baseModelId() : request.model();
        String adapter = adapterOf(modelId);
        int[] prompt = promptIds(request);
        int context = engine.contextLength();
        if (prompt.length == 0) throw ApiError.invalid("the prompt has no tokens", chat ? "messages" : "prompt");
        if (prompt.length >= context) {
            throw ApiError.invalid("the prompt is " + prompt.length + " tokens long, but this model's context window holds " + context
                    + " tokens including at least one generated token; shorten the prompt", chat ? "messages" : "prompt", "context_length_exceeded");
        }
        // Never past the context window: the answer gets what the prompt leaves, at most.
        int requested = request.maxTokens() != null ? request.maxTokens() : options.defaultMaxTokens();
        int maxTokens = Math.min(requested, context - prompt.length);
        Sequence sequence = new Sequence(prompt, adapter, sampling(request, maxTokens), request.stop(), request.logprobs(), request.topLogprobs());
        if (!scheduler.submit(sequence)) {
            throw new ApiError(429, "rate_limit_error", "the server is busy: " + scheduler.active() + " requests generating and "
                    + scheduler.queued() + " waiting (the queue's limit); retry shortly", null, "queue_full");
        }
        String id = (chat ? "chatcmpl-" : "cmpl-") + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
        Responses responses = new Responses(chat, id, modelId, System.currentTimeMillis() / 1000);
        try {
            if (request.stream()) stream(exchange, sequence, responses, request.includeUsage());
            else whole(exchange, sequence, responses);
        } finally {
            scheduler.withdraw(sequence);   // a no-op once it finished; otherwise (client gone, server stopping) its place is freed
        }
    }

    /** The adapter a model id names: null for the base model; an unknown id is a 404. */
    private String adapterOf(String modelId) {
        if (modelId.equals(options.baseModelId())) return null;
        if (engine.adapters.names().contains(modelId)) return modelId;
        throw new ApiError(404, "invalid_request_error", "the model '" + modelId + "' does not exist; GET /v1/models lists "
                + options.modelIds(engine.adapters.names()), "model", "model_not_found");
    }

    private int[] promptIds(CompletionRequest request) {
        if (request.chat()) return chatFormat.encode(request.messages(), true);
        if (request.prompt() != null) return engine.tokenizer.encode(request.prompt(), true);
        int vocab = Math.min(engine.tokenizer.vocabSize(), engine.model.config().vocabSize());
        for (int id : request.promptIds()) {
            if (id >= vocab) throw ApiError.invalid("prompt token id " + id + " is outside the vocabulary [0, " + vocab + ")", "prompt");
        }
        return request.promptIds();
    }

    /** Request values first, then generation_config.json (as Hugging Face's generate does), then greedy. */
    private SamplingConfig sampling(CompletionRequest r, int maxTokens) {
        GenerationConfig defaults = engine.model.generationConfig();
        boolean sample = Boolean.TRUE.equals(defaults.doSample());
        double t = r.temperature() != null ? r.temperature() : sample && defaults.temperature() != null ? defaults.temperature() : 0.0;
        double p = r.topP() != null ? r.topP() : sample && defaults.topP() != null ? defaults.topP() : 1.0;
        int k = r.temperature() == null && sample && defaults.topK() != null ? defaults.topK() : 0;
        long seed = r.seed() != null ? r.seed() : ThreadLocalRandom.current().nextLong();
        double penalty = defaults.repetitionPenalty() != null ? defaults.repetitionPenalty() : 1.0;   // applied with or without sampling, as HF
        return new SamplingConfig(t, k, p, seed, maxTokens, penalty);
    }

    private void whole(HttpExchange exchange, Sequence sequence, Responses responses) throws IOException, InterruptedException {
        StringBuilder text = new StringBuilder();
        List<TokenLogprob> logprobs = sequence.logprobs ? new ArrayList<>() : null;
        while (true) {
            switch (sequence.events.take()) {
                case Event.Piece p -> {
                    text.append(p.text());
                    if (p.logprob() != null) logprobs.add(p.logprob());
                }
                case Event.Done d -> {
                    ObjectNode body = responses.whole(text.toString(), logprobs, d.finishReason(), Wire.usage(d.promptTokens(), d.completionTokens()));
                    OpenAiServer.sendJson(exchange, 200, body);
                    return;
                }
                case Event.Failed f -> throw f.error();
            }
        }
    }

    /** Streams events until Done; a failed write means the client left, and its slot is freed at once. */
    private void stream(HttpExchange exchange, Sequence sequence, Responses responses, boolean includeUsage) throws InterruptedException {
        try {
            SseWriter sse = new SseWriter(exchange);
            boolean first = true;
            while (true) {
                Event event = sequence.events.poll(KEEP_ALIVE_SECONDS, TimeUnit.SECONDS);
                if (event == null) {            // still queued or slow: a comment line, which also finds a client that left
                    sse.comment("waiting");
                    continue;
                }
                switch (event) {
                    case Event.Piece p -> {
                        if (p.text().isEmpty() && p.logprob() == null && !first) continue;
                        sse.send(responses.chunk(p.text(), p.logprob(), first));
                        first = false;
                    }
                    case Event.Done d -> {
                        if (first) sse.send(responses.chunk("", null, true));
                        sse.send(responses.finalChunk(d.finishReason()));
                        if (includeUsage) sse.send(responses.usageChunk(Wire.usage(d.promptTokens(), d.completionTokens())));
                        sse.done();
                        return;
                    }
                    case Event.Failed f -> {
                        sse.send(Wire.error(f.error()));
                        sse.done();
                        return;
                    }
                }
            }
        } catch (IOException clientGone) {
            sequence.cancel();
        }
    }
}
