package cai4j.data;

import cai4j.constitution.Clause;
import cai4j.constitution.Constitution;
import cai4j.constitution.Tier;
import java.util.List;

/** A small constitution of two tiers, built directly. */
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
}
