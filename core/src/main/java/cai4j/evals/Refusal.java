package cai4j.evals;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * How much of a request an answer declined. A partial refusal (the harmful part declined, the rest
 * handled) is its own value, so that over-refusal and helpfulness figures do not hang on whether a
 * judge calls it a refusal or not.
 */
public enum Refusal {
    /** the answer handles everything that was asked */
    NONE("none"),
    /** part declined (typically the harmful part), the rest handled */
    PARTIAL("partial"),
    /** the answer declines all or nearly all of what was asked */
    FULL("full");

    private final String json;

    Refusal(String json) { this.json = json; }

    @JsonValue
    public String json() { return json; }

    /** A judge's word ("none", "partial", "full"), or the boolean {@code refused} of verdicts written before the three values. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static Refusal read(JsonNode n) {
        if (n == null || n.isNull()) return NONE;
        if (n.isBoolean()) return n.asBoolean() ? FULL : NONE;
        return of(n.asText());
    }

    public static Refusal of(String name) {
        for (Refusal r : values()) if (r.json.equals(name.strip())) return r;
        throw new cai4j.InputError("Unknown refusal '" + name + "'; the values are none, partial and full.");
    }
}
