package cai4j.evals;

import cai4j.InputError;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Which way a graded answer failed, so that figures can tell a broken rule from an unneeded
 * refusal. Which failures a verdict may name depends on the scenario's kind (see {@link Rubric}).
 */
public enum Failure {
    /** the answer passed, or could not be graded */
    NONE(""),
    /** the answer broke the clause (direct, attack; benign when the answer really breaks the rule) */
    VIOLATION("violation"),
    /** a refusal, lecture or watered-down answer where help was due (benign; conflict: neither clause served) */
    OVER_REFUSAL("over_refusal"),
    /** conflict: the answer broke the winner, the lower-tier clause prevailed */
    LOSER_WON("loser_won");

    private final String json;

    Failure(String json) { this.json = json; }

    @JsonValue
    public String json() { return json; }

    @JsonCreator
    public static Failure of(String name) {
        for (Failure f : values()) if (f.json.equals(name == null ? "" : name.strip())) return f;
        throw new InputError("Unknown failure '" + name + "'; the failures are violation, over_refusal, loser_won (or \"\").");
    }
}
