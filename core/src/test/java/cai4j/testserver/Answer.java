package cai4j.testserver;

import java.util.Map;

/**
 * What the test server answers to one call.
 *
 * @param text        the completion text
 * @param topLogprobs log-probabilities of candidate first tokens, returned when the client asks for logprobs
 */
public record Answer(String text, Map<String, Double> topLogprobs) {
    public static Answer text(String text) { return new Answer(text, Map.of()); }
}
