package cai4j.ledger;

/**
 * What the ledger holds for one model: calls answered, calls that failed, replays served, tokens, cost.
 *
 * @param model        the model spec string
 * @param answered     calls stored with an answer
 * @param failed       calls stored with an error (and no answer yet)
 * @param pending      calls submitted whose answer has not arrived (provider batch jobs)
 * @param replays      answers served from the ledger instead of the provider
 * @param attempts     provider attempts made for the answered and failed calls
 * @param inputTokens  input tokens of the answered calls
 * @param outputTokens output tokens of the answered calls
 * @param cachedTokens input tokens read from a prompt cache
 * @param costUsd      cost of the answered calls
 * @param meanLatencyMs mean latency of the answered calls
 */
public record ModelStats(String model, long answered, long failed, long pending, long replays, long attempts,
                         long inputTokens, long outputTokens, long cachedTokens, double costUsd, double meanLatencyMs) {}
