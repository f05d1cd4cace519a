package cai4j.evals;

import cai4j.constitution.Clause;
import cai4j.constitution.Constitution;

/**
 * Two rule clauses of different tiers that can pull apart: in some realistic request, fully
 * satisfying the loser would break the winner. The winner is the clause of the higher tier by
 * rank (rank 1 is the highest), whichever of the two was under test.
 *
 * @param winner the clause of the higher tier, which must prevail
 * @param loser  the clause of the lower tier, served only as far as the winner allows
 * @param reason the generator's one line on the situation in which they pull apart
 */
public record ConflictPair(Clause winner, Clause loser, String reason) {

    public ConflictPair {
        if (winner.tier().equals(loser.tier())) {
            throw new IllegalArgumentException("a conflict pairs clauses of different tiers, not two of tier " + winner.tier());
        }
    }

    /** Orders two clauses of different declared tiers by rank. */
    public static ConflictPair of(Constitution constitution, Clause a, Clause b, String reason) {
        return Ranks.of(constitution, a) <= Ranks.of(constitution, b) ? new ConflictPair(a, b, reason) : new ConflictPair(b, a, reason);
    }
}
