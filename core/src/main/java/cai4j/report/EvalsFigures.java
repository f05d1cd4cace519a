package cai4j.report;

import cai4j.constitution.Clause;
import cai4j.evals.ConflictMatrix;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The evaluations of a run, one row per graded answer, and the figures of every cell.
 *
 * @param target        model spec of the target ("" when unknown)
 * @param trained       model spec of the trained model that answered under the trained condition ("" when none)
 * @param judge         model spec of the judge ("" when unknown)
 * @param judgeTemplate version of the judge template the verdicts were made with
 * @param judgeSamples  judge answers per response (the median counts)
 * @param conditions    the conditions run, in the order they were run
 * @param tiers         tier ids, highest priority first
 * @param clauses       the clauses the scenarios test, in constitution order
 * @param rows          one per scenario and condition
 * @param cells         figures per condition: overall, and per tier, clause, kind and strategy
 * @param pooled        figures over every condition together (condition {@link Cell#POOLED}), overall
 *                      and per tier: never a headline, kept for those who ask for them
 * @param comparisons   paired differences between conditions on the same scenarios (prompted − bare,
 *                      attacked − prompted, trained − bare, trained − prompted), for the conditions the run has
 * @param provenance    which model generated, filtered, answered and judged, with template versions
 * @param conflicts     "higher tier held" per condition: condition → winner tier → loser tier → cell
 *                      (conditions without conflict answers are absent)
 * @param broken        the clauses broken most often, whichever scenario they came from, most broken first
 */
public record EvalsFigures(
        String target,
        String trained,
        String judge,
        String judgeTemplate,
        int judgeSamples,
        List<String> conditions,
        List<String> tiers,
        List<ClauseInfo> clauses,
        List<ScenarioRow> rows,
        List<Cell> cells,
        List<Cell> pooled,
        List<Comparison> comparisons,
        Provenance provenance,
        Map<String, Map<String, Map<String, ConflictMatrix.HeldCell>>> conflicts,
        List<BrokenClause> broken) {

    public static final EvalsFigures EMPTY = new EvalsFigures("", "", "", "", 0, List.of(), List.of(), List.of(), List.of(), List.of(),
            List.of(), List.of(), Provenance.EMPTY, Map.of(), List.of());

    public EvalsFigures {
        conditions = List.copyOf(conditions);
        tiers = List.copyOf(tiers);
        clauses = List.copyOf(clauses);
        rows = List.copyOf(rows);
        cells = List.copyOf(cells);
        pooled = List.copyOf(pooled);
        comparisons = List.copyOf(comparisons);
        broken = List.copyOf(broken);
        conflicts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(conflicts));
    }

    /**
     * A clause as the page names it.
     *
     * @param id   clause id
     * @param tier tier id
     * @param text the clause
     */
    public record ClauseInfo(String id, String tier, String text) {
        static ClauseInfo of(Clause c) {
            return new ClauseInfo(c.id(), c.tier(), c.text());
        }
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The figures of one cell, if it has any answer. */
    public Optional<Cell> cell(Cell.Dimension dimension, String key, String condition) {
        return cells.stream().filter(c -> c.dimension() == dimension && c.key().equals(key) && c.condition().equals(condition)).findFirst();
    }

    /** The figures of every answer under one condition. */
    public Cell overall(String condition) {
        return cell(Cell.Dimension.ALL, Cell.ALL, condition).orElseGet(() -> Cell.of(Cell.Dimension.ALL, Cell.ALL, condition, List.of()));
    }

    /** The paired comparison of one condition with another, if the run has both. */
    public Optional<Comparison> comparison(String treated, String baseline) {
        return comparisons.stream().filter(c -> c.treated().equals(treated) && c.baseline().equals(baseline)).findFirst();
    }

    /** Answers the judge could not grade, over every condition. */
    public long graderErrors() {
        return rows.stream().filter(r -> r.outcome().equals(ScenarioRow.GRADER_ERROR)).count();
    }
}
