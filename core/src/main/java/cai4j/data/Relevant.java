package cai4j.data;

import cai4j.constitution.Clause;
import cai4j.constitution.Constitution;
import cai4j.evals.Ranks;
import cai4j.evals.Relevance;
import cai4j.model.LanguageModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The clauses a prompt touches: those its evaluation scenario tests, and those the relevance pass
 * ({@link Relevance}) selects from the clause texts. Critique and feedback principles are drawn
 * from these alone, so that a principle about something the conversation never raises does not
 * decide a preference by chance.
 *
 * @param clauses rule clauses in constitution order
 * @param why     clause id → why it applies
 */
public record Relevant(List<Clause> clauses, Map<String, String> why) {
    public Relevant {
        clauses = List.copyOf(clauses);
        why = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(why));
    }

    /** Finds the relevant clauses of a prompt. */
    @FunctionalInterface
    public interface Finder {
        Relevant find(Prompt prompt);
    }

    static final String TESTED = "the scenario tests it";

    /**
     * The relevance pass of {@code model}, one call per chunk of clause texts, cached in the ledger
     * like every call; an answer that cannot be used is counted in the tally and selects nothing.
     */
    public static Finder by(LanguageModel model, Constitution c, Tally tally) {
        // the relevance calls count in the stage's tokens like its other calls
        LanguageModel counted = tally.counting(model);
        return p -> {
            Relevance.Selected s = Relevance.select(counted, c, p.messages(), p.clauseIds(), problem -> tally.unusable("relevance answer"));
            Map<String, String> why = new LinkedHashMap<>();
            for (Clause cl : s.clauses()) {
                String reason = s.reasons().getOrDefault(cl.id(), "");
                why.put(cl.id(), p.clauseIds().contains(cl.id()) ? TESTED : reason.isBlank() ? "selected as relevant" : reason);
            }
            return new Relevant(s.clauses().stream().filter(cl -> cl.kind() == Clause.Kind.RULE || p.clauseIds().contains(cl.id())).toList(), why);
        };
    }

    public boolean isEmpty() {
        return clauses.isEmpty();
    }

    PrincipleRef ref(Constitution c, Clause clause) {
        return new PrincipleRef(clause.id(), clause.tier(), Ranks.of(c, clause), why.getOrDefault(clause.id(), ""));
    }
}
