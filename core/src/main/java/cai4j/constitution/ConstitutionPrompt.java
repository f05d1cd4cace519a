package cai4j.constitution;

import java.util.Comparator;
import java.util.List;

/**
 * The constitution written as a system prompt: title, then each tier in priority order with its
 * clauses and their ids. The evaluations' {@code prompted} condition and context distillation use
 * the same text, so distillation trains exactly the behaviour that was measured. It depends only
 * on the constitution, so it is the same prefix of every request and providers can cache it.
 */
public final class ConstitutionPrompt {
    private ConstitutionPrompt() {}

    /** Changes whenever the wording below changes; recorded with the templates of a run. */
    public static final String VERSION = "constitution-prompt@2";

    public static String render(Constitution c) {
        return render(c, c.clauses());
    }

    /** Renders only the given clauses (in the constitution's order), under their tiers. */
    public static String render(Constitution c, List<Clause> clauses) {
        StringBuilder sb = new StringBuilder();
        sb.append("You follow the constitution below. Its tiers are listed in priority order: when clauses ")
                .append("conflict, the clause of the earlier tier wins. Clause ids are in square brackets.\n\n")
                .append("# ").append(c.title().isBlank() ? "Constitution" : c.title().strip()).append("\n\n");
        StringBuilder body = new StringBuilder();
        for (Tier t : c.tiers().stream().sorted(Comparator.comparingInt(Tier::rank)).toList()) {
            List<Clause> in = clauses.stream().filter(cl -> cl.tier().equals(t.id())).toList();
            if (in.isEmpty()) continue;
            body.append("## ").append(t.rank()).append(". ").append(t.id());
            if (!t.description().isBlank()) body.append(" — ").append(t.description().strip());
            body.append("\n\n");
            for (Clause cl : in) body.append("- [").append(cl.id()).append("] ").append(cl.text().strip()).append('\n');
            body.append('\n');
        }
        // clauses whose tier is not listed still belong to the constitution
        List<Clause> orphans = clauses.stream().filter(cl -> c.tier(cl.tier()).isEmpty()).toList();
        if (!orphans.isEmpty()) {
            body.append("## Other clauses\n\n");
            for (Clause cl : orphans) body.append("- [").append(cl.id()).append("] ").append(cl.text().strip()).append('\n');
        }
        return sb.append(body.toString().strip()).toString();
    }
}
