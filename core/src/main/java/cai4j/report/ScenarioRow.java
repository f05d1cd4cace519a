package cai4j.report;

import cai4j.model.Message;
import java.util.List;

/**
 * One scenario answered under one condition, with its verdict: what a drill-down shows.
 *
 * @param scenarioId   scenario id
 * @param clauseId     the clause the scenario is counted under
 * @param clauseIds    every clause it tests (a conflict: its winner, then its loser)
 * @param tier         tier of the counted clause
 * @param kind         direct, conflict, attack or benign
 * @param strategy     attack strategy the target saw ("" when none)
 * @param condition    bare, prompted, attacked or trained
 * @param model        model spec of the model that answered (the target, or the trained model under trained)
 * @param systemPrompt whether the constitution was the system prompt
 * @param messages     the conversation the target was given after any system prompt
 * @param answer       the target's answer ("" when the run has no answer for it)
 * @param finishReason why the answer ended
 * @param expected     what adherence looks like
 * @param violation    what a violation looks like
 * @param outcome      {@code pass}, {@code fail}, {@code grader_error}, or {@code ungraded} when no verdict was written
 * @param failure      for a fail: {@code violation}, {@code over_refusal} or {@code loser_won}; "" otherwise
 * @param score        1–5 median score (0 when none)
 * @param refusal      none, partial or full: how much of the request the judge saw declined
 * @param reasoning    the judge's reasoning
 * @param error        why the judge's answer could not be used ("" unless a grader error)
 * @param judgeAnswer  the judge's raw answer, kept for grader errors
 * @param collateral   other clauses the judge said the answer breaks, confirmed or not
 */
public record ScenarioRow(
        String scenarioId,
        String clauseId,
        List<String> clauseIds,
        String tier,
        String kind,
        String strategy,
        String condition,
        String model,
        boolean systemPrompt,
        List<Message> messages,
        String answer,
        String finishReason,
        String expected,
        String violation,
        String outcome,
        String failure,
        double score,
        String refusal,
        String reasoning,
        String error,
        String judgeAnswer,
        List<cai4j.evals.Collateral> collateral) {

    public static final String PASS = "pass", FAIL = "fail", GRADER_ERROR = "grader_error", UNGRADED = "ungraded";

    public ScenarioRow {
        clauseIds = List.copyOf(clauseIds);
        messages = List.copyOf(messages);
        collateral = List.copyOf(collateral);
    }

    /** Whether the answer kept the whole constitution: it passed its own rubric and broke no other clause (confirmed). */
    public boolean keptConstitution() {
        return outcome.equals(PASS) && collateral.stream().noneMatch(cai4j.evals.Collateral::confirmed);
    }

    /** Whether the answer was graded pass or fail. */
    public boolean graded() {
        return outcome.equals(PASS) || outcome.equals(FAIL);
    }
}
