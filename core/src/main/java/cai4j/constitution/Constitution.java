package cai4j.constitution;

import java.util.List;
import java.util.Optional;

/**
 * A compiled constitution: its tiers in priority order (rank 1 wins a conflict) and its clauses.
 * This record is written as {@code constitution.json}; its JSON shape is a public contract.
 */
public record Constitution(String title, String source, String sha256, List<Tier> tiers, List<Clause> clauses) {
    public Constitution {
        tiers = List.copyOf(tiers);
        clauses = List.copyOf(clauses);
    }

    public Optional<Clause> clause(String id) {
        return clauses.stream().filter(c -> c.id().equals(id)).findFirst();
    }

    public Optional<Tier> tier(String id) {
        return tiers.stream().filter(t -> t.id().equals(id)).findFirst();
    }

    /** The clauses that state rules (not the explanatory context sentences). */
    public List<Clause> rules() {
        return clauses.stream().filter(c -> c.kind() == Clause.Kind.RULE).toList();
    }
}
