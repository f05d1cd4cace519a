package cai4j.constitution;

import java.util.List;
import java.util.Optional;

/**
 * A compiled constitution: its tiers in priority order (rank 1 wins a conflict) and its clauses.
 * This record is written as {@code constitution.json}; its JSON shape is a public contract.
 *
 * @param text the constitution as written, what a prompted model is given (see {@link ConstitutionPrompt}):
 *             a document's own text, or a principle list's principles as a plain list; "" when the
 *             constitution was built from clauses alone, which are then listed
 */
public record Constitution(String title, String source, String sha256, List<Tier> tiers, List<Clause> clauses, String text) {
    public Constitution {
        tiers = List.copyOf(tiers);
        clauses = List.copyOf(clauses);
        text = text == null ? "" : text; // constitution.json written before the text was kept
    }

    /** A constitution known only by its clauses (no document text). */
    public Constitution(String title, String source, String sha256, List<Tier> tiers, List<Clause> clauses) {
        this(title, source, sha256, tiers, clauses, "");
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
