package cai4j.evals;

/**
 * One of the judge's k answers for a response.
 *
 * @param grade     pass, fail, or grader_error when the answer could not be used
 * @param failure   for a fail, which failure the judge named; none otherwise
 * @param score     1–5 (0 for a grader error)
 * @param refused   whether the judge saw the response as a refusal
 * @param reasoning the judge's reasoning ("" for a grader error)
 * @param error     why the answer could not be used ("" otherwise)
 * @param answer    the judge's raw answer, kept for grader errors only ("" otherwise)
 */
public record JudgeSample(Grade grade, Failure failure, int score, boolean refused, String reasoning, String error, String answer) {
    public JudgeSample {
        failure = failure == null ? Failure.NONE : failure;
    }
}
