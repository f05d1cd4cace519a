package cai4j.evals;

import cai4j.constitution.Clause;
import cai4j.constitution.Constitution;
import cai4j.constitution.Tier;
import java.util.Locale;

/** How prompts name a clause's place in the priority order: the judge's, the filter's and the data stages'. */
public final class Ranks {
    private Ranks() {}

    /** The rank of the clause's tier (1 is the highest); a tier the constitution does not declare ranks last. */
    public static int of(Constitution c, Clause clause) {
        return c.tier(clause.tier()).map(Tier::rank).orElse(Integer.MAX_VALUE);
    }

    /** "tier "safe", rank 1 of 4, the highest": the words every judge and filter prompt uses. */
    public static String describe(Constitution c, Clause clause) {
        int tiers = c.tiers().size();
        int rank = of(c, clause);
        if (rank == Integer.MAX_VALUE) return String.format(Locale.ROOT, "tier \"%s\", outside the %d ranked tiers", clause.tier(), tiers);
        String place = tiers == 1 ? "the only tier" : rank == 1 ? "the highest" : rank == tiers ? "the lowest" : "";
        return String.format(Locale.ROOT, "tier \"%s\", rank %d of %d%s", clause.tier(), rank, tiers, place.isEmpty() ? "" : ", " + place);
    }

    /**
     * The tiers highest first, with their descriptions, and the rule that settles a conflict:
     * what the critique, revision and feedback prompts of the data stages state before a principle.
     */
    public static String order(Constitution c) {
        StringBuilder sb = new StringBuilder("The constitution ranks its principles in tiers, highest first:\n");
        c.tiers().stream().sorted(java.util.Comparator.comparingInt(Tier::rank)).forEach(t -> {
            sb.append(t.rank()).append(". \"").append(t.id()).append('"');
            if (t.description() != null && !t.description().isBlank()) sb.append(": ").append(t.description().strip());
            sb.append('\n');
        });
        sb.append("When two principles pull apart, the principle of the higher tier wins; the lower one is served only as far as the higher one allows.");
        return sb.toString();
    }

    /** The tier ids highest first, as one line: "safe" > "ethical" > "helpful". */
    public static String chain(Constitution c) {
        return String.join(" > ", c.tiers().stream().sorted(java.util.Comparator.comparingInt(Tier::rank)).map(t -> "\"" + t.id() + "\"").toList());
    }
}
