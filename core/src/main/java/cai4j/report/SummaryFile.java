package cai4j.report;

import cai4j.Json;
import cai4j.evals.PairedDifference;
import cai4j.evals.Proportions;
import cai4j.evals.Rate;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's figures for scripts and CI: {@code summary.json}, written by {@code evals run},
 * {@code run} and {@code report}, always from a {@link RunReport} and only here, so the file and
 * the page can never disagree.
 *
 * <pre>
 * { "report": {
 *   "run": name,
 *   "evals": { "target", "trained", "judge", "judgeTemplate", "judgeSamples", "conditions", "tiers",
 *              "scenarios", "answers", "graderErrors",
 *              "provenance": { "roles": [ { "role", "model", "templates": { name: version } } ], "selfJudging": [ sentences ] },
 *              "intervals":  { method: what it means },
 *              "overall":    { condition: figures },
 *              "tiers":      { tier:   { condition: figures } },
 *              "clauses":    { clause: { condition: figures } },
 *              "kinds":      { kind:   { condition: figures } },
 *              "strategies": { name:   { condition: figures } },
 *              "conflicts":  { condition: { winnerTier: { loserTier: { "responses", "held", "pass", "loserWon",
 *                                                                      "overRefusal", "graderErrors" } } } },
 *              "comparisons": [ { "treated", "baseline", "overall": difference, "tiers": { tier: difference } } ],
 *              "broken":     [ { "clauseId", "tier", "text", "breaches": { condition: answers }, "asTested", "collateral",
 *                                "unconfirmed", "answers": [ { "scenarioId", "condition", "quote" } ] } ],   most broken first
 *              "pooled":     { "note", "overall": figures, "tiers": { tier: figures } } },
 *   "calibration": [ { "judge", "template", "items", "accuracy", "consistentAccuracy", "positionBias", "firstOption", "unparseable" } ],
 *   "judgeAgreement": { "set", "source", "judge", "judgeTemplate", "available", "ok",
 *                       "overall", "authorities": { level: agreement }, "kinds": { kind: agreement },
 *                       "choice": { the fields of a calibration } },
 *   "usage": { "stages": [ { "stage", "model", "calls", "failed", "inputTokens", "outputTokens", "cachedTokens", "costUsd", "callSeconds" } ],
 *              "total": { same fields without stage and model } },
 *   "data": { kind: { "records", "items", "rejected", "softLabels": { "mean", "bins": [20 counts over 0–1] } } },
 *   "problems": [ sentences ]
 * } }
 * figures = { "responses", "scenarios", "pass", "fail", "graderErrors", "ungraded", "adherence", "violationRate",
 *             "overRefusal", "graderErrorRate", "meanScore", "constitutionAdherence", "collateral", "unconfirmed",
 *             "partialRefusal", "fullRefusal" }; every rate is { "count", "n", "rate", "low", "high", "interval" }
 * difference = { "pairs", "baseline", "treated", "improved", "worsened", "difference", "low", "high", "mcnemarP", "interval" }
 * agreement = { "responses", "good", "bad", "graderErrors", "accuracy", "falsePass", "falseFail" } (Wilson intervals: one label per response)
 * </pre>
 */
public final class SummaryFile {
    private SummaryFile() {}

    /** Soft-label histogram bins over [0, 1]. */
    public static final int BINS = 20;

    /** The "report" object. */
    public static ObjectNode figures(RunReport r) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("run", r.run());
        if (!r.evals().isEmpty()) o.set("evals", evals(r.evals()));
        if (!r.calibrations().isEmpty()) o.set("calibration", Json.MAPPER.valueToTree(r.calibrations()));
        if (!r.agreements().isEmpty()) o.set("judgeAgreement", Json.MAPPER.valueToTree(r.agreements().getFirst()));
        if (!r.usage().isEmpty()) {
            ObjectNode usage = o.putObject("usage");
            usage.set("stages", Json.MAPPER.valueToTree(r.usage()));
            StageUsage t = total(r.usage());
            ObjectNode total = Json.MAPPER.valueToTree(t);
            total.remove("stage");
            total.remove("model");
            usage.set("total", total);
        }
        if (!r.data().isEmpty()) {
            ObjectNode data = o.putObject("data");
            for (DataSet d : r.data()) {
                ObjectNode k = data.putObject(d.kind());
                k.put("records", d.records());
                k.put("items", d.items());
                k.set("rejected", Json.MAPPER.valueToTree(d.rejected()));
                if (!d.softLabels().isEmpty()) {
                    ObjectNode s = k.putObject("softLabels");
                    s.put("mean", d.softLabels().stream().mapToDouble(Double::doubleValue).average().orElse(0));
                    ArrayNode bins = s.putArray("bins");
                    for (int b : histogram(d.softLabels())) bins.add(b);
                }
            }
        }
        o.set("problems", Json.MAPPER.valueToTree(r.problems()));
        return o;
    }

    /** What each interval method named in the figures means; the page shows the same sentences. */
    public static final Map<String, String> INTERVALS = intervals();

    private static Map<String, String> intervals() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(Rate.WILSON, "95% Wilson score interval; used when every scenario gives at most one answer to the figure");
        m.put(Rate.CLUSTER_BOOTSTRAP, "95% percentile interval of " + Proportions.RESAMPLES + " bootstrap resamples of whole scenarios "
                + "(seeded), used when a scenario gives several answers to the figure; never narrower than the Wilson interval "
                + "of the answers counted as independent, and when every scenario agrees with itself, the Wilson interval over "
                + "scenarios, each counted once");
        m.put(PairedDifference.PAIRED_BOOTSTRAP, "95% percentile interval of " + Proportions.RESAMPLES + " bootstrap resamples of the "
                + "scenarios graded under both conditions, each keeping its two outcomes (seeded); the p-value is the exact two-sided McNemar test");
        return java.util.Collections.unmodifiableMap(m);
    }

    private static ObjectNode evals(EvalsFigures e) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("target", e.target());
        o.put("trained", e.trained());
        o.put("judge", e.judge());
        o.put("judgeTemplate", e.judgeTemplate());
        o.put("judgeSamples", e.judgeSamples());
        o.set("conditions", Json.MAPPER.valueToTree(e.conditions()));
        o.set("tiers", Json.MAPPER.valueToTree(e.tiers()));
        o.put("scenarios", e.rows().stream().map(ScenarioRow::scenarioId).distinct().count());
        o.put("answers", e.rows().size());
        o.put("graderErrors", e.graderErrors());
        o.set("provenance", Json.MAPPER.valueToTree(e.provenance()));
        o.set("intervals", Json.MAPPER.valueToTree(INTERVALS));
        ObjectNode overall = o.putObject("overall");
        ObjectNode tiers = o.putObject("tiers"), clauses = o.putObject("clauses"), kinds = o.putObject("kinds"), strategies = o.putObject("strategies");
        Map<Cell.Dimension, ObjectNode> by = Map.of(Cell.Dimension.TIER, tiers, Cell.Dimension.CLAUSE, clauses,
                Cell.Dimension.KIND, kinds, Cell.Dimension.STRATEGY, strategies);
        for (Cell c : e.cells()) {
            if (c.dimension() == Cell.Dimension.ALL) overall.set(c.condition(), figures(c));
            else {
                ObjectNode parent = by.get(c.dimension());
                ObjectNode group = parent.has(c.key()) ? (ObjectNode) parent.get(c.key()) : parent.putObject(c.key());
                group.set(c.condition(), figures(c));
            }
        }
        o.set("comparisons", Json.MAPPER.valueToTree(e.comparisons()));
        if (!e.pooled().isEmpty()) {
            ObjectNode pooled = o.putObject("pooled");
            pooled.put("note", "every condition together: not a headline figure; a scenario answered under several conditions "
                    + "counts once per answer, so the intervals resample scenarios");
            ObjectNode pooledTiers = Json.MAPPER.createObjectNode();
            for (Cell c : e.pooled()) {
                if (c.dimension() == Cell.Dimension.ALL) pooled.set("overall", figures(c));
                else pooledTiers.set(c.key(), figures(c));
            }
            pooled.set("tiers", pooledTiers);
        }
        o.set("conflicts", Json.MAPPER.valueToTree(e.conflicts()));
        o.set("broken", Json.MAPPER.valueToTree(e.broken()));
        return o;
    }

    private static ObjectNode figures(Cell c) {
        ObjectNode figures = Json.MAPPER.valueToTree(c);
        figures.remove(List.of("dimension", "key", "condition"));
        return figures;
    }

    /** Counts of values in {@link #BINS} equal bins over [0, 1]; 1.0 falls in the last. */
    public static int[] histogram(List<Double> values) {
        int[] bins = new int[BINS];
        for (double v : values) bins[Math.max(0, Math.min(BINS - 1, (int) Math.floor(v * BINS)))]++;
        return bins;
    }

    /** All stages and models added up, as summary.json's usage.total. */
    public static StageUsage total(List<StageUsage> usage) {
        long calls = 0, failed = 0, in = 0, out = 0, cached = 0;
        double cost = 0, seconds = 0;
        for (StageUsage u : usage) {
            calls += u.calls();
            failed += u.failed();
            in += u.inputTokens();
            out += u.outputTokens();
            cached += u.cachedTokens();
            cost += u.costUsd();
            seconds += u.callSeconds();
        }
        return new StageUsage("all", "all", calls, failed, in, out, cached, cost, seconds);
    }

    /** Writes the file: the figures under "report". */
    public static void write(RunReport r, Path file) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.set("report", figures(r));
        Json.writeAtomically(file, Json.pretty(root) + "\n");
    }
}
