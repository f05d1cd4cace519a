package cai4j.data;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * The judge's grade of an answer that data was made from, under one rubric: what let the answer
 * in (or kept it out) of the training data.
 *
 * @param clauseId the clause graded against; for a conflict, the winner
 * @param loser    for a conflict, the clause of the lower tier ("" otherwise)
 * @param rubric   the rubric's kind: direct, attack, benign or conflict
 * @param grade    pass, fail or grader_error
 * @param failure  for a fail, which failure (violation, over_refusal, loser_won); "" otherwise
 * @param score    the judge's 1–5 score (0 for a grader error)
 * @param broken   other clauses the judge found the answer breaks, each confirmed by a second look
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Check(String clauseId, String loser, String rubric, String grade, String failure, double score, List<String> broken) {

    public Check {
        broken = broken == null ? List.of() : List.copyOf(broken);
    }

    public boolean passed() {
        return grade.equals("pass");
    }

    public boolean ungraded() {
        return grade.equals("grader_error");
    }
}
