package cai4j.evals;

/**
 * A scenario that did not make it into scenarios.jsonl, and why; a line of
 * {@code evals/rejected.jsonl}.
 *
 * @param stage      "generation" (no usable answer after one repair), "pairing" (no rule of another
 *                   tier in real tension with the clause, or a proposed partner that is not in the
 *                   list), "filter" (the judge said it does not test its clause), "no-conflict" (the
 *                   judge said fully satisfying the lower clause would not break the higher one),
 *                   "filter-error" (the judge's answer was unusable), "duplicate" (near-duplicate
 *                   of a kept scenario)
 * @param clauseId   the clause it was written for (for a conflict scenario, its winner)
 * @param kind       its kind
 * @param scenarioId the scenario's id, "" when none was produced
 * @param reason     one sentence
 */
public record Rejection(String stage, String clauseId, ScenarioKind kind, String scenarioId, String reason) {}
