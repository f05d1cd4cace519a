package cai4j.data;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A principle a record was made under, as the record names it.
 *
 * @param id   the clause id, or {@code <file>#<n>} for a principle given as a file of questions
 * @param tier the clause's tier; "" for a given question, which has none
 * @param rank the tier's rank (1 is the highest); 0 for a given question
 * @param why  why it applies to this prompt: the scenario tests it, or the reason the relevance
 *             pass gave; for a given question, that it was given
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PrincipleRef(String id, String tier, int rank, String why) {
    public PrincipleRef {
        tier = tier == null ? "" : tier;
        why = why == null ? "" : why;
    }

    /** Records written before principles carried their tiers listed the ids alone. */
    @com.fasterxml.jackson.annotation.JsonCreator(mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING)
    static PrincipleRef ofId(String id) {
        return new PrincipleRef(id, "", 0, "");
    }
}
