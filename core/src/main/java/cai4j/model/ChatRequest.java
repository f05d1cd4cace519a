package cai4j.model;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Everything that determines a model's answer, and so everything the ledger key is made of.
 *
 * @param messages    the conversation, system prompt first when there is one
 * @param temperature sampling temperature
 * @param maxTokens   upper bound on generated tokens
 * @param stop        stop sequences (empty for none)
 * @param seed        sampling seed where the provider honours one
 * @param jsonSchema  a JSON schema (as JSON text) the answer must follow; empty for free text
 * @param options     when not empty, the caller wants the next-token probability of each option
 *                    (for example " A" and " B") in {@link Completion#optionProbabilities()}
 * @param sampleIndex which of several samples of the same request this is (0 for the first);
 *                    part of the key so that n samples are n distinct, replayable calls
 * @param template    version hash of the prompt template that built the messages ("" if none)
 */
public record ChatRequest(
        List<Message> messages,
        double temperature,
        int maxTokens,
        List<String> stop,
        OptionalLong seed,
        String jsonSchema,
        List<String> options,
        int sampleIndex,
        String template) {

    public ChatRequest {
        messages = List.copyOf(messages);
        stop = List.copyOf(stop);
        options = List.copyOf(options);
        Objects.requireNonNull(seed, "seed");
        Objects.requireNonNull(jsonSchema, "jsonSchema");
        Objects.requireNonNull(template, "template");
        if (messages.isEmpty()) throw new IllegalArgumentException("a chat request needs at least one message");
        if (maxTokens <= 0) throw new IllegalArgumentException("maxTokens must be positive");
    }

    public static ChatRequest of(List<Message> messages) {
        return new ChatRequest(messages, 0.0, 512, List.of(), OptionalLong.empty(), "", List.of(), 0, "");
    }

    public ChatRequest withTemperature(double t) { return new ChatRequest(messages, t, maxTokens, stop, seed, jsonSchema, options, sampleIndex, template); }
    public ChatRequest withMaxTokens(int n) { return new ChatRequest(messages, temperature, n, stop, seed, jsonSchema, options, sampleIndex, template); }
    public ChatRequest withStop(List<String> s) { return new ChatRequest(messages, temperature, maxTokens, s, seed, jsonSchema, options, sampleIndex, template); }
    public ChatRequest withSeed(long s) { return new ChatRequest(messages, temperature, maxTokens, stop, OptionalLong.of(s), jsonSchema, options, sampleIndex, template); }
    public ChatRequest withJsonSchema(String schema) { return new ChatRequest(messages, temperature, maxTokens, stop, seed, schema, options, sampleIndex, template); }
    public ChatRequest withOptions(List<String> o) { return new ChatRequest(messages, temperature, maxTokens, stop, seed, jsonSchema, o, sampleIndex, template); }
    public ChatRequest withSampleIndex(int i) { return new ChatRequest(messages, temperature, maxTokens, stop, seed, jsonSchema, options, i, template); }
    public ChatRequest withTemplate(String t) { return new ChatRequest(messages, temperature, maxTokens, stop, seed, jsonSchema, options, sampleIndex, t); }
}
