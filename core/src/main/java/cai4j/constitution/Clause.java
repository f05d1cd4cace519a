package cai4j.constitution;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/**
 * The smallest testable rule of a constitution.
 *
 * @param id        stable id: the same text in the same section always gets the same id
 * @param tier      id of the tier the clause belongs to
 * @param section   headings from the top of the document down to the clause
 * @param text      the clause itself
 * @param line      1-based line in the source where the clause starts
 * @param kind      {@code rule}, or {@code context} for sentences that only explain
 * @param critique  critique request written for this clause ("" when the source has none)
 * @param revision  revision request written for this clause ("" when the source has none)
 * @param notes     footnotes and remarks attached to the clause
 */
public record Clause(
        String id,
        String tier,
        List<String> section,
        String text,
        int line,
        Kind kind,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String critique,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) String revision,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> notes) {

    public enum Kind {
        RULE, CONTEXT;

        @JsonValue
        public String json() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    public Clause {
        section = List.copyOf(section);
        notes = notes == null ? List.of() : List.copyOf(notes);
        critique = critique == null ? "" : critique;
        revision = revision == null ? "" : revision;
    }
}
