package cai4j.report;

import cai4j.constitution.Clause;
import cai4j.evals.Collateral;
import cai4j.evals.Failure;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A clause the answers broke, counted over every scenario: as the clause under test (a violation;
 * for a conflict the loser winning, which breaks the winner) and as a confirmed collateral violation
 * in the answer to a scenario that tested another clause. What the page ranks, with the answers to open.
 *
 * @param clauseId    the clause
 * @param tier        its tier
 * @param text        its words ("" when the constitution is not in the run)
 * @param breaches    answers that broke it, confirmed, per condition
 * @param asTested    of those, answers to its own scenarios
 * @param collateral  of those, answers to scenarios that tested another clause
 * @param unconfirmed claims against it that were not confirmed (shown apart, never in breaches)
 * @param answers     the answers that broke it, as scenario id and condition, for the drill-down
 */
public record BrokenClause(String clauseId, String tier, String text, Map<String, Integer> breaches, int asTested, int collateral,
                           int unconfirmed, List<Answer> answers) {

    public BrokenClause {
        breaches = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(breaches));
        answers = List.copyOf(answers);
    }

    /** One answer that broke the clause, with the quote that shows it ("" for the clause under test). */
    public record Answer(String scenarioId, String condition, String quote) {}

    /** Every confirmed breach, over every condition. */
    public int total() {
        return breaches.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The clauses broken at least once, most breaches first (ties by fewer unconfirmed claims, then by id). */
    static List<BrokenClause> rank(List<ScenarioRow> rows, List<String> conditions, Map<String, Clause> clauseOf) {
        Map<String, Builder> by = new LinkedHashMap<>();
        for (ScenarioRow r : rows) {
            if (r.outcome().equals(ScenarioRow.FAIL) && !r.failure().equals(Failure.OVER_REFUSAL.json())) {
                // a violation breaks the clause under test; a conflict the loser won breaks its winner, which is the clause counted
                by.computeIfAbsent(r.clauseId(), id -> new Builder(id, r.tier())).breach(r, "", true);
            }
            for (Collateral c : r.collateral()) {
                Builder b = by.computeIfAbsent(c.clauseId(), id -> new Builder(id, c.tier()));
                if (c.confirmed() && r.graded()) b.breach(r, c.quote(), false);
                else b.unconfirmed++;
            }
        }
        List<BrokenClause> out = new ArrayList<>();
        for (Builder b : by.values()) {
            if (b.answers.isEmpty() && b.unconfirmed == 0) continue;
            Map<String, Integer> breaches = new LinkedHashMap<>();
            for (String c : conditions) if (b.breaches.containsKey(c)) breaches.put(c, b.breaches.get(c));
            b.breaches.forEach(breaches::putIfAbsent);
            Clause clause = clauseOf.get(b.id);
            out.add(new BrokenClause(b.id, b.tier, clause == null ? "" : clause.text(), breaches, b.asTested, b.collateral, b.unconfirmed, b.answers));
        }
        out.sort(Comparator.comparingInt(BrokenClause::total).reversed().thenComparingInt(BrokenClause::unconfirmed).thenComparing(BrokenClause::clauseId));
        return out;
    }

    private static final class Builder {
        final String id, tier;
        final Map<String, Integer> breaches = new LinkedHashMap<>();
        final List<Answer> answers = new ArrayList<>();
        int asTested, collateral, unconfirmed;

        Builder(String id, String tier) {
            this.id = id;
            this.tier = tier;
        }

        void breach(ScenarioRow r, String quote, boolean tested) {
            breaches.merge(r.condition(), 1, Integer::sum);
            answers.add(new Answer(r.scenarioId(), r.condition(), quote));
            if (tested) asTested++;
            else collateral++;
        }
    }
}
