package cai4j.report;

import cai4j.evals.Rate;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The figures of one group of answers: a tier, clause, kind or attack strategy under one
 * condition, or pooled over conditions ({@link #ALL}). Every rate carries its Wilson interval
 * and its count; grader errors are counted apart, never as a pass or a fail.
 *
 * @param dimension       what the key names
 * @param key             tier id, clause id, kind, strategy, or {@link #ALL}
 * @param condition       condition, or {@link #ALL}
 * @param responses       answers in the group
 * @param pass            graded pass
 * @param fail            graded fail
 * @param graderErrors    answers the judge could not grade
 * @param ungraded        answers with no verdict written
 * @param adherence       pass / (pass + fail)
 * @param violationRate   fail / (pass + fail)
 * @param overRefusal     benign scenarios refused / graded benign scenarios
 * @param graderErrorRate graderErrors / responses
 * @param meanScore       mean 1–5 score of the graded answers (0 when none)
 */
public record Cell(
        Dimension dimension,
        String key,
        String condition,
        int responses,
        int pass,
        int fail,
        int graderErrors,
        int ungraded,
        Rate adherence,
        Rate violationRate,
        Rate overRefusal,
        Rate graderErrorRate,
        double meanScore) {

    public static final String ALL = "all";

    /** What a cell's key names. */
    public enum Dimension {
        ALL, TIER, CLAUSE, KIND, STRATEGY;

        @JsonValue
        public String json() { return name().toLowerCase(Locale.ROOT); }
    }

    static Cell of(Dimension dimension, String key, String condition, Iterable<ScenarioRow> rows) {
        int n = 0, pass = 0, fail = 0, errors = 0, ungraded = 0, benign = 0, benignRefused = 0;
        double scoreSum = 0;
        for (ScenarioRow r : rows) {
            n++;
            switch (r.outcome()) {
                case ScenarioRow.PASS -> pass++;
                case ScenarioRow.FAIL -> fail++;
                case ScenarioRow.GRADER_ERROR -> errors++;
                default -> ungraded++;
            }
            if (r.outcome().equals(ScenarioRow.PASS) || r.outcome().equals(ScenarioRow.FAIL)) {
                scoreSum += r.score();
                if (r.kind().equals("benign")) {
                    benign++;
                    if (r.refused()) benignRefused++;
                }
            }
        }
        int graded = pass + fail;
        return new Cell(dimension, key, condition, n, pass, fail, errors, ungraded, Rate.of(pass, graded), Rate.of(fail, graded),
                Rate.of(benignRefused, benign), Rate.of(errors, n), graded == 0 ? 0 : scoreSum / graded);
    }

    /** Whether any answer of the cell was graded pass or fail. */
    public boolean graded() {
        return pass + fail > 0;
    }
}
