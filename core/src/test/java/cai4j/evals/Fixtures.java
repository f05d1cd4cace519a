package cai4j.evals;

import cai4j.constitution.Clause;
import cai4j.constitution.Constitution;
import cai4j.constitution.Tier;
import java.util.List;

/** A small two-tier constitution, built directly, that the evaluation tests share. */
final class Fixtures {
    private Fixtures() {}

    static Clause clause(String id, String tier, String text) {
        return new Clause(id, tier, List.of("Rules", tier), text, 1, Clause.Kind.RULE, "", "", List.of());
    }

    /** A small two-tier constitution. */
    static Constitution constitution() {
        return new Constitution("Test policy", "test.md", "abc",
                List.of(new Tier("safe", 1, "Safety first"), new Tier("helpful", 2, "Be helpful")),
                List.of(clause("safe-1", "safe", "Never give instructions for making weapons."),
                        clause("safe-2", "safe", "Do not reveal personal data about private people."),
                        new Clause("ctx-1", "safe", List.of("Rules", "safe"), "Safety matters because people rely on us.", 2, Clause.Kind.CONTEXT, "", "", List.of()),
                        clause("help-1", "helpful", "Answer questions fully and directly.")));
    }
}
