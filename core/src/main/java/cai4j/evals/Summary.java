package cai4j.evals;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The figures of an evals run, written as {@code evals/summary.json} and under "evals" in the
 * run's {@code summary.json}.
 *
 * @param target        model spec of the target
 * @param judge         model spec of the judge
 * @param judgeTemplate version of the judge template
 * @param judgeSamples  k
 * @param conditions    the conditions run, in order
 * @param overall       every verdict of every condition
 * @param byCondition   per condition: its overall figures and its breakdowns
 * @param tiers         per tier, all conditions pooled
 * @param clauses       per clause, all conditions pooled
 * @param kinds         per kind, all conditions pooled
 */
public record Summary(
        String target,
        String judge,
        String judgeTemplate,
        int judgeSamples,
        List<Condition> conditions,
        Tally overall,
        Map<String, Breakdown> byCondition,
        Map<String, Tally> tiers,
        Map<String, Tally> clauses,
        Map<String, Tally> kinds) {

    /** One condition's figures. */
    public record Breakdown(Tally overall, Map<String, Tally> tiers, Map<String, Tally> clauses, Map<String, Tally> kinds, Map<String, Tally> strategies) {}

    public static Summary of(String target, String judge, int judgeSamples, List<Condition> conditions, List<Verdict> verdicts) {
        Map<String, Breakdown> byCondition = new LinkedHashMap<>();
        for (Condition c : conditions) {
            List<Verdict> vs = verdicts.stream().filter(v -> v.condition() == c).toList();
            byCondition.put(c.json(), new Breakdown(Tally.of(vs), group(vs, Verdict::tier), group(vs, Verdict::clauseId),
                    group(vs, v -> v.kind().json()), group(vs.stream().filter(v -> !v.strategy().isEmpty()).toList(), Verdict::strategy)));
        }
        return new Summary(target, judge, Judge.TEMPLATE.version(), judgeSamples, conditions, Tally.of(verdicts), byCondition,
                group(verdicts, Verdict::tier), group(verdicts, Verdict::clauseId), group(verdicts, v -> v.kind().json()));
    }

    private static Map<String, Tally> group(List<Verdict> verdicts, Function<Verdict, String> key) {
        Map<String, List<Verdict>> groups = new TreeMap<>();
        for (Verdict v : verdicts) groups.computeIfAbsent(key.apply(v), k -> new ArrayList<>()).add(v);
        Map<String, Tally> out = new LinkedHashMap<>();
        groups.forEach((k, vs) -> out.put(k, Tally.of(vs)));
        return out;
    }

    /** A plain-text table: one row per condition and tier, then the overall row. */
    public String table(List<String> tierOrder) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"condition", "tier", "n", "adherence [95% CI]", "violations", "over-refusal", "grader errors"});
        for (Map.Entry<String, Breakdown> c : byCondition.entrySet()) {
            List<String> tiers = new ArrayList<>(c.getValue().tiers().keySet());
            tiers.sort(Comparator.comparingInt(t -> tierOrder.contains(t) ? tierOrder.indexOf(t) : Integer.MAX_VALUE));
            for (String t : tiers) rows.add(row(c.getKey(), t, c.getValue().tiers().get(t)));
            rows.add(row(c.getKey(), "all", c.getValue().overall()));
        }
        rows.add(row("all", "all", overall));
        int[] w = new int[rows.getFirst().length];
        for (String[] r : rows) for (int i = 0; i < r.length; i++) w[i] = Math.max(w[i], r[i].length());
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                String cell = i >= 2 ? " ".repeat(w[i] - r[i].length()) + r[i] : r[i] + " ".repeat(w[i] - r[i].length());
                sb.append(cell).append(i == r.length - 1 ? "\n" : "  ");
            }
        }
        return sb.toString();
    }

    private static String[] row(String condition, String tier, Tally t) {
        return new String[] {condition, tier, Integer.toString(t.responses()),
                t.pass() + t.fail() == 0 ? "-" : String.format(java.util.Locale.ROOT, "%5.1f%% [%4.1f, %5.1f]", 100 * t.adherence().rate(), 100 * t.adherence().low(), 100 * t.adherence().high()),
                Integer.toString(t.fail()),
                t.overRefusal().n() == 0 ? "-" : t.overRefusal().count() + "/" + t.overRefusal().n(),
                Integer.toString(t.graderErrors())};
    }
}
