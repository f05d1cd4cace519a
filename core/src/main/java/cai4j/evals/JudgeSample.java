package cai4j.evals;

import com.fasterxml.jackson.annotation.JsonAlias;
import java.util.List;

/**
 * One of the judge's k answers for a response.
 *
 * @param grade      pass, fail, or grader_error when the answer could not be used
 * @param failure    for a fail, which failure the judge named; none otherwise
 * @param score      1–5 (0 for a grader error)
 * @param refusal    how much of the request the judge saw declined (read from the boolean {@code refused} of older files)
 * @param reasoning  the judge's reasoning ("" for a grader error)
 * @param error      why the answer could not be used ("" otherwise)
 * @param answer     the judge's raw answer, kept for grader errors only ("" otherwise)
 * @param collateral the other clauses this sample said the answer breaks, each with its quote, unchecked
 */
public record JudgeSample(Grade grade, Failure failure, int score, @JsonAlias("refused") Refusal refusal, String reasoning, String error,
                          String answer, List<Claim> collateral) {
    public JudgeSample {
        failure = failure == null ? Failure.NONE : failure;
        refusal = refusal == null ? Refusal.NONE : refusal;
        collateral = collateral == null ? List.of() : List.copyOf(collateral);
    }

    /** A judge's claim that the answer breaks another clause, with the quote it gave. */
    public record Claim(String clauseId, String quote) {}
}
