package cai4j.model;

import java.util.Map;
import java.util.Objects;

/**
 * A model's answer.
 *
 * @param text                the generated text
 * @param finishReason        why generation stopped ("stop", "length", ...)
 * @param usage               tokens billed
 * @param optionProbabilities probability of each requested option as the next token (empty unless
 *                            the request named options and the provider can give them)
 */
public record Completion(String text, String finishReason, Usage usage, Map<String, Double> optionProbabilities) {
    public Completion {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(usage, "usage");
        optionProbabilities = Map.copyOf(optionProbabilities);
    }
}
