package cai4j.evals;

/**
 * A scenario that did not make it into scenarios.jsonl, and why; a line of
 * {@code evals/rejected.jsonl}.
 *
 * @param stage      "generation" (no usable answer after one repair), "filter" (the judge said it
 *                   does not test its clause), "filter-error" (the judge's answer was unusable),
 *                   "duplicate" (near-duplicate of a kept scenario), "no-conflict" (no clause of
 *                   another tier to pit the clause against)
 * @param clauseId   the clause it was written for
 * @param kind       its kind
 * @param scenarioId the scenario's id, "" when none was produced
 * @param reason     one sentence
 */
public record Rejection(String stage, String clauseId, ScenarioKind kind, String scenarioId, String reason) {}
