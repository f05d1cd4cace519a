package cai4j.report;

/**
 * The model calls of one stage by one model, as the ledger recorded them. Replays served from the
 * ledger are not new calls and cost nothing; they are not counted here.
 *
 * @param stage        the step that made the calls: its prompt template's name, or {@code target}
 *                     for calls without a template (the target answering scenarios)
 * @param model        model spec
 * @param calls        calls answered
 * @param failed       calls that failed and have no answer yet
 * @param inputTokens  input tokens of the answered calls
 * @param outputTokens output tokens
 * @param cachedTokens input tokens read from a provider's prompt cache
 * @param costUsd      cost in US dollars (0 for local models and unknown prices)
 * @param callSeconds  summed latency of the answered calls; calls overlap, so this is more than wall time
 */
public record StageUsage(String stage, String model, long calls, long failed, long inputTokens, long outputTokens,
                         long cachedTokens, double costUsd, double callSeconds) {}
