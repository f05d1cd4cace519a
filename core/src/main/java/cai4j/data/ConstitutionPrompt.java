package cai4j.data;

import cai4j.constitution.Clause;
import cai4j.constitution.Constitution;
import cai4j.constitution.Tier;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The constitution written as a system prompt: title, then each tier in priority order with its
 * clauses and their ids. The text depends only on the constitution, so it is the same prefix of
 * every request and providers can cache it.
 */
public final class ConstitutionPrompt {
    private ConstitutionPrompt() {}

    public static final Template TEMPLATE = new Template("constitution-prompt", """
            You follow the constitution below. Its tiers are listed in priority order: when clauses \
            conflict, the clause of the earlier tier wins. Clause ids are in square brackets.

            # {{title}}

            {{tiers}}""");

    public static String render(Constitution c) {
        return render(c, c.clauses());
    }

    /** Renders only the given clauses (in the constitution's order), under their tiers. */
    public static String render(Constitution c, List<Clause> clauses) {
        StringBuilder sb = new StringBuilder();
        List<Tier> tiers = c.tiers().stream().sorted(Comparator.comparingInt(Tier::rank)).toList();
        for (Tier t : tiers) {
            List<Clause> in = clauses.stream().filter(cl -> cl.tier().equals(t.id())).toList();
            if (in.isEmpty()) continue;
            sb.append("## ").append(t.rank()).append(". ").append(t.id());
            if (!t.description().isBlank()) sb.append(" — ").append(t.description().strip());
            sb.append("\n\n");
            for (Clause cl : in) sb.append("- [").append(cl.id()).append("] ").append(cl.text().strip()).append('\n');
            sb.append('\n');
        }
        // clauses whose tier is not listed still belong to the constitution
        List<Clause> orphans = clauses.stream().filter(cl -> c.tier(cl.tier()).isEmpty()).toList();
        if (!orphans.isEmpty()) {
            sb.append("## Other clauses\n\n");
            for (Clause cl : orphans) sb.append("- [").append(cl.id()).append("] ").append(cl.text().strip()).append('\n');
        }
        String title = c.title().isBlank() ? "Constitution" : c.title().strip();
        return TEMPLATE.render(Map.of("title", title, "tiers", sb.toString().strip()));
    }
}
