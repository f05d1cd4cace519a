package cai4j.evals;

import cai4j.constitution.Clause;
import cai4j.constitution.Constitution;
import cai4j.constitution.Tier;
import java.util.Locale;

/** How prompts name a clause's place in the priority order. */
final class Ranks {
    private Ranks() {}

    /** The rank of the clause's tier (1 is the highest); a tier the constitution does not declare ranks last. */
    static int of(Constitution c, Clause clause) {
        return c.tier(clause.tier()).map(Tier::rank).orElse(Integer.MAX_VALUE);
    }

    /** "tier "safe", rank 1 of 4, the highest": the words every judge and filter prompt uses. */
    static String describe(Constitution c, Clause clause) {
        int tiers = c.tiers().size();
        int rank = of(c, clause);
        if (rank == Integer.MAX_VALUE) return String.format(Locale.ROOT, "tier \"%s\", outside the %d ranked tiers", clause.tier(), tiers);
        String place = tiers == 1 ? "the only tier" : rank == 1 ? "the highest" : rank == tiers ? "the lowest" : "";
        return String.format(Locale.ROOT, "tier \"%s\", rank %d of %d%s", clause.tier(), rank, tiers, place.isEmpty() ? "" : ", " + place);
    }
}
