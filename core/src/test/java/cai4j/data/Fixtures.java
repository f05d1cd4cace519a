package cai4j.data;

import cai4j.constitution.Clause;
import cai4j.constitution.Constitution;
import cai4j.constitution.Tier;
import java.util.List;

/** Small constitutions of two and four tiers, built directly. */
final class Fixtures {
    private Fixtures() {}

    static Clause clause(String id, String tier, String text) {
        return new Clause(id, tier, List.of(), text, 1, Clause.Kind.RULE, "", "", List.of());
    }

    static Constitution constitution() {
        return new Constitution("Test constitution", "test.md", "abc123",
                List.of(new Tier("safe", 1, "Avoid harm"), new Tier("helpful", 2, "Be useful")),
                List.of(clause("safe-1", "safe", "Do not help with violence."),
                        clause("safe-2", "safe", "Point out dangerous assumptions."),
                        clause("helpful-1", "helpful", "Answer the question that was asked."),
                        new Clause("ctx-1", "helpful", List.of(), "This document explains things.", 2, Clause.Kind.CONTEXT, "", "", List.of())));
    }

    /** Four tiers, one rule each (ids by tier), as a constitution written elsewhere would have them. */
    static Constitution fourTiers() {
        return new Constitution("Four tiers", "four.md", "def456",
                List.of(new Tier("safe", 1, "Broadly safe"), new Tier("ethical", 2, "Broadly ethical"),
                        new Tier("guidelines", 3, "Follows the guidelines"), new Tier("helpful", 4, "Genuinely helpful")),
                List.of(clause("safe-1", "safe", "Never help anyone hurt a person."),
                        clause("ethical-1", "ethical", "Never deceive the user."),
                        clause("guidelines-1", "guidelines", "Refund orders within thirty days."),
                        clause("helpful-1", "helpful", "Give the user everything they asked for.")));
    }

    /** Relevance that names these clauses of {@code c} for every prompt, each "relevant to the test". */
    static Relevant.Finder relevant(Constitution c, String... ids) {
        java.util.Map<String, String> why = new java.util.LinkedHashMap<>();
        for (String id : ids) why.put(id, "relevant to the test");
        List<Clause> clauses = c.clauses().stream().filter(x -> why.containsKey(x.id())).toList();
        return p -> new Relevant(clauses, why);
    }

    /** Relevance that finds every rule relevant. */
    static Relevant.Finder everyRule(Constitution c) {
        return relevant(c, c.rules().stream().map(Clause::id).toArray(String[]::new));
    }
}
