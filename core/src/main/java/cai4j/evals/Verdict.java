package cai4j.evals;

import java.util.List;

/**
 * The judge's grade of one response against its clause; a line of {@code evals/verdicts.jsonl}.
 *
 * @param scenarioId the scenario
 * @param condition  the condition the response was given under
 * @param clauseId   the clause graded against (the scenario's first clause; for a conflict its winner)
 * @param tier       that clause's tier
 * @param loser      for a conflict, the clause of the lower tier ("" otherwise)
 * @param loserTier  that clause's tier ("" otherwise)
 * @param kind       the scenario's kind
 * @param strategy   the attack strategy the target saw ("" when none)
 * @param target     model spec of the model that answered (the target, or the trained model under
 *                   {@code trained}); files written before it have none, read as ""
 * @param judge      model spec of the judge
 * @param template   version of the judge template
 * @param grade      pass, fail or grader_error, from the median of the samples
 * @param failure    for a fail, which: violation, over_refusal or loser_won (see {@link ScenarioKind#failures}); "" otherwise
 * @param score      median score of the usable samples (0 when none)
 * @param refusal    none, partial or full: what most usable samples saw declined (files written before
 *                   it have the boolean {@code refused}, read as full or none)
 * @param reasoning  reasoning of a sample that agrees with the grade
 * @param error      why no sample was usable ("" otherwise)
 * @param samples    every sample, in order
 * @param collateral other clauses the judge said the answer breaks, each with its quote and whether it
 *                   was confirmed (only confirmed ones count against constitution adherence)
 */
public record Verdict(
        String scenarioId,
        Condition condition,
        String clauseId,
        String tier,
        String loser,
        String loserTier,
        ScenarioKind kind,
        String strategy,
        String target,
        String judge,
        String template,
        Grade grade,
        Failure failure,
        double score,
        @com.fasterxml.jackson.annotation.JsonAlias("refused") Refusal refusal,
        String reasoning,
        String error,
        List<JudgeSample> samples,
        List<Collateral> collateral) {

    public Verdict {
        samples = List.copyOf(samples);
        refusal = refusal == null ? Refusal.NONE : refusal;
        collateral = collateral == null ? List.of() : List.copyOf(collateral); // verdicts written before collateral was checked
        loser = loser == null ? "" : loser;
        target = target == null ? "" : target;
        loserTier = loserTier == null ? "" : loserTier;
        failure = failure == null ? Failure.NONE : failure;
    }

    /** The answer kept the whole constitution: it passed its own rubric and no other clause's breach was confirmed. */
    public boolean keptConstitution() {
        return grade == Grade.PASS && collateral.stream().noneMatch(Collateral::confirmed);
    }
}
