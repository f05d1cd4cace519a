package cai4j.report;

import cai4j.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The report's figures for scripts and CI: the {@code "report"} object of {@code summary.json}.
 * Other stages write their own keys into the same file ({@code "evals"} by {@code evals run});
 * writing the report keeps them.
 *
 * <pre>
 * "report": {
 *   "run": name,
 *   "evals": { "target", "judge", "judgeTemplate", "judgeSamples", "conditions", "tiers",
 *              "scenarios", "answers", "graderErrors",
 *              "overall":    { condition|"all": figures },
 *              "tiers":      { tier:   { condition|"all": figures } },
 *              "clauses":    { clause: { condition|"all": figures } },
 *              "kinds":      { kind:   { condition|"all": figures } },
 *              "strategies": { name:   { condition|"all": figures } } },
 *   "calibration": [ { "judge", "template", "items", "accuracy", "consistentAccuracy", "positionBias", "firstOption", "unparseable" } ],
 *   "usage": { "stages": [ { "stage", "model", "calls", "failed", "inputTokens", "outputTokens", "cachedTokens", "costUsd", "callSeconds" } ],
 *              "total": { same fields without stage and model } },
 *   "data": { kind: { "records", "items", "rejected", "softLabels": { "mean", "bins": [20 counts over 0–1] } } },
 *   "problems": [ sentences ]
 * }
 * figures = { "responses", "pass", "fail", "graderErrors", "ungraded", "adherence", "violationRate",
 *             "overRefusal", "graderErrorRate", "meanScore" }; every rate is { "count", "n", "rate", "low", "high" }
 *             with its 95% Wilson interval.
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

    private static ObjectNode evals(EvalsFigures e) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("target", e.target());
        o.put("judge", e.judge());
        o.put("judgeTemplate", e.judgeTemplate());
        o.put("judgeSamples", e.judgeSamples());
        o.set("conditions", Json.MAPPER.valueToTree(e.conditions()));
        o.set("tiers", Json.MAPPER.valueToTree(e.tiers()));
        o.put("scenarios", e.rows().stream().map(ScenarioRow::scenarioId).distinct().count());
        o.put("answers", e.rows().size());
        o.put("graderErrors", e.rows().stream().filter(x -> x.outcome().equals(ScenarioRow.GRADER_ERROR)).count());
        ObjectNode overall = o.putObject("overall");
        ObjectNode tiers = o.putObject("tiers"), clauses = o.putObject("clauses"), kinds = o.putObject("kinds"), strategies = o.putObject("strategies");
        Map<Cell.Dimension, ObjectNode> by = Map.of(Cell.Dimension.TIER, tiers, Cell.Dimension.CLAUSE, clauses,
                Cell.Dimension.KIND, kinds, Cell.Dimension.STRATEGY, strategies);
        for (Cell c : e.cells()) {
            ObjectNode figures = Json.MAPPER.valueToTree(c);
            figures.remove(List.of("dimension", "key", "condition"));
            if (c.dimension() == Cell.Dimension.ALL) overall.set(c.condition(), figures);
            else {
                ObjectNode parent = by.get(c.dimension());
                ObjectNode group = parent.has(c.key()) ? (ObjectNode) parent.get(c.key()) : parent.putObject(c.key());
                group.set(c.condition(), figures);
            }
        }
        return o;
    }

    /** Counts of values in {@link #BINS} equal bins over [0, 1]; 1.0 falls in the last. */
    public static int[] histogram(List<Double> values) {
        int[] bins = new int[BINS];
        for (double v : values) bins[Math.max(0, Math.min(BINS - 1, (int) Math.floor(v * BINS)))]++;
        return bins;
    }

    static StageUsage total(List<StageUsage> usage) {
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

    /**
     * Writes the figures under "report" in {@code file}, keeping every other key already there
     * (an unreadable file only ever held derived figures, and is rebuilt).
     */
    public static void write(RunReport r, Path file) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        if (Files.exists(file)) {
            try {
                JsonNode old = Json.MAPPER.readTree(file.toFile());
                if (old instanceof ObjectNode on) root = on;
            } catch (IOException e) {
                // rebuilt below
            }
        }
        root.set("report", figures(r));
        Json.writeAtomically(file, Json.pretty(root) + "\n");
    }
}
