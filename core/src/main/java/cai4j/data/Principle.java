package cai4j.data;

import cai4j.constitution.Clause;
import cai4j.constitution.Constitution;
import cai4j.evals.Template;
import java.util.List;
import java.util.Map;

/**
 * A clause as the critique–revision loop uses it.
 *
 * @param clause    the clause it comes from (its id, tier and text)
 * @param critique  the critique request (the constitution's own, or written from the clause)
 * @param revision  the revision request (likewise)
 */
public record Principle(Clause clause, String critique, String revision) {

    /** Used when a clause has no critique request of its own. */
    public static final Template CRITIQUE_FROM_CLAUSE = Template.inline("critique-from-clause", """
            Identify specific ways in which the assistant's last response does not follow this principle: \
            "{{clause}}" Quote the parts of the response that conflict with it, if any.""");

    /** Used when a clause has no revision request of its own. */
    public static final Template REVISION_FROM_CLAUSE = Template.inline("revision-from-clause", """
            Please rewrite the assistant's response so that it follows this principle: "{{clause}}" \
            Keep everything in the response that already follows it.""");

    /** The principles of a constitution's rules (all clauses when none is marked a rule). */
    public static List<Principle> of(Constitution constitution) {
        List<Clause> clauses = constitution.rules().isEmpty() ? constitution.clauses() : constitution.rules();
        return clauses.stream().map(Principle::of).toList();
    }

    public static Principle of(Clause c) {
        String critique = strip(c.critique());
        String revision = strip(c.revision());
        if (critique.isEmpty()) critique = CRITIQUE_FROM_CLAUSE.render(Map.of("clause", c.text()));
        if (revision.isEmpty()) revision = REVISION_FROM_CLAUSE.render(Map.of("clause", c.text()));
        return new Principle(c, critique, revision);
    }

    public String clauseId() {
        return clause.id();
    }

    /**
     * The paper's requests carry transcript labels ({@code "\n\nCritiqueRequest: ...\n\nCritique:"});
     * in a chat they are plain user turns, so the labels go.
     */
    static String strip(String request) {
        String s = request.strip();
        for (String label : List.of("CritiqueRequest:", "RevisionRequest:")) {
            if (s.startsWith(label)) s = s.substring(label.length()).strip();
        }
        for (String label : List.of("Critique:", "Revision:")) {
            if (s.endsWith(label)) s = s.substring(0, s.length() - label.length()).strip();
        }
        return s;
    }
}
