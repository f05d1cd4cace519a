package cai4j.report;

import cai4j.InputError;
import cai4j.Json;
import cai4j.constitution.Clause;
import cai4j.constitution.Constitution;
import cai4j.constitution.Tier;
import cai4j.data.DataMeta;
import cai4j.data.DataRun;
import cai4j.data.DistillRecord;
import cai4j.data.Kind;
import cai4j.data.PreferenceRecord;
import cai4j.data.SftRecord;
import cai4j.data.UnderstandRecord;
import cai4j.evals.CalibrationFile;
import cai4j.evals.Condition;
import cai4j.evals.ConflictMatrix;
import cai4j.evals.EvalFiles;
import cai4j.evals.JudgeSample;
import cai4j.evals.LabelAgreement;
import cai4j.evals.PairedDifference;
import cai4j.evals.Rate;
import cai4j.evals.Response;
import cai4j.evals.Scenario;
import cai4j.evals.Verdict;
import cai4j.model.Message;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reads a run directory into a {@link RunReport}. Each part is read from the files its stage
 * writes; a part whose files are missing is left empty, and a file that exists but cannot be read
 * becomes a problem the report shows rather than a failure of the whole report.
 */
public final class RunLoader {
    private RunLoader() {}

    /** How many records of each kind of training data the report shows as examples. */
    static final int EXAMPLES = 5;

    public static RunReport load(Path runDir) {
        if (!Files.isDirectory(runDir)) throw new InputError("Run directory " + runDir + " does not exist or is not a directory.");
        List<String> problems = new ArrayList<>();
        Path name = runDir.toAbsolutePath().normalize().getFileName();
        EvalsFigures evals = evals(runDir, problems);
        Calibrations calibrations = calibrations(runDir, problems);
        List<StageUsage> usage = guarded(runDir.resolve("ledger.db"), problems, List.of(), () -> LedgerUsage.read(runDir));
        List<DataSet> data = data(runDir, problems);
        return new RunReport(name == null ? runDir.toString() : name.toString(), evals, calibrations.hhh(), calibrations.modelSpec(), usage, data, problems);
    }

    // ---- evaluations ----

    static EvalsFigures evals(Path runDir, List<String> problems) {
        EvalFiles files = new EvalFiles(runDir);
        List<Scenario> scenarios = lines(files.scenarios(), Scenario.class, problems);
        List<Response> responses = lines(files.responses(), Response.class, problems);
        List<Verdict> verdicts = lines(files.verdicts(), Verdict.class, problems);
        if (responses.isEmpty() && verdicts.isEmpty()) {
            if (!scenarios.isEmpty()) problems.add(scenarios.size() + " scenarios were generated but no target has answered them yet; run 'cai4j evals run --run " + runDir + "'.");
            return EvalsFigures.EMPTY;
        }
        Constitution constitution = Files.exists(files.constitution())
                ? guarded(files.constitution(), problems, null, () -> read(files.constitution(), Constitution.class))
                : null;
        JsonNode runRecord = Files.exists(files.run()) ? guarded(files.run(), problems, null, () -> tree(files.run())) : null;
        JsonNode generation = Files.exists(files.generation()) ? guarded(files.generation(), problems, null, () -> tree(files.generation())) : null;

        // the answers shown are those of the run's target and trained model: other targets answered
        // into the same directory are kept in its files, and shown when a run names them again
        String target = runRecord != null ? runRecord.path("target").asText("") : "";
        if (target.isEmpty() && !responses.isEmpty()) target = responses.getFirst().target();
        String trained = runRecord != null ? runRecord.path("trained").asText("") : "";
        if (trained.isEmpty()) {
            trained = responses.stream().filter(r -> r.condition().byTrainedModel()).map(Response::target).findFirst().orElse("");
        }
        final String targetModel = target, trainedModel = trained;
        java.util.function.Function<Condition, String> modelOf = c -> c.answeredBy(targetModel, trainedModel);
        responses = responses.stream().filter(r -> r.target().equals(modelOf.apply(r.condition()))).toList();
        // verdicts written before they named the answering model are the run's own
        verdicts = verdicts.stream().filter(v -> v.target().isEmpty() || v.target().equals(modelOf.apply(v.condition()))).toList();

        Map<String, Scenario> byId = new LinkedHashMap<>();
        for (Scenario s : scenarios) byId.put(s.id(), s);
        Map<String, Verdict> verdictOf = new LinkedHashMap<>();
        for (Verdict v : verdicts) verdictOf.put(v.scenarioId() + "\n" + v.condition().json(), v);
        Map<String, Clause> clauseOf = new LinkedHashMap<>();
        if (constitution != null) for (Clause c : constitution.clauses()) clauseOf.put(c.id(), c);

        List<ScenarioRow> rows = new ArrayList<>();
        LinkedHashSet<String> answered = new LinkedHashSet<>();
        for (Response r : responses) {
            String key = r.scenarioId() + "\n" + r.condition().json();
            answered.add(key);
            rows.add(row(byId.get(r.scenarioId()), r, verdictOf.get(key), clauseOf, r.target()));
        }
        // verdicts whose response line is missing still count: the verdict carries what it was about
        for (Verdict v : verdicts) {
            if (!answered.contains(v.scenarioId() + "\n" + v.condition().json())) {
                rows.add(row(byId.get(v.scenarioId()), null, v, clauseOf, modelOf.apply(v.condition())));
            }
        }

        List<String> conditions = new ArrayList<>();
        if (runRecord != null) for (JsonNode c : runRecord.path("conditions")) conditions.add(c.asText());
        for (ScenarioRow r : rows) if (!conditions.contains(r.condition())) conditions.add(r.condition());
        conditions.removeIf(c -> rows.stream().noneMatch(r -> r.condition().equals(c)));

        List<String> tiers = new ArrayList<>();
        if (constitution != null) {
            constitution.tiers().stream().sorted(Comparator.comparingInt(Tier::rank)).map(Tier::id)
                    .filter(t -> rows.stream().anyMatch(r -> r.tier().equals(t))).forEach(tiers::add);
        }
        rows.stream().map(ScenarioRow::tier).distinct().sorted().filter(t -> !tiers.contains(t)).forEach(tiers::add);

        List<EvalsFigures.ClauseInfo> clauses = new ArrayList<>();
        LinkedHashSet<String> tested = new LinkedHashSet<>();
        rows.forEach(r -> tested.add(r.clauseId()));
        if (constitution != null) for (Clause c : constitution.clauses()) if (tested.remove(c.id())) clauses.add(EvalsFigures.ClauseInfo.of(c));
        for (String id : tested) {
            String tier = rows.stream().filter(r -> r.clauseId().equals(id)).map(ScenarioRow::tier).findFirst().orElse("");
            clauses.add(new EvalsFigures.ClauseInfo(id, tier, ""));
        }

        String judge = runRecord != null ? runRecord.path("judge").asText("") : "";
        if (judge.isEmpty() && !verdicts.isEmpty()) judge = verdicts.getFirst().judge();
        String template = runRecord != null ? runRecord.path("templates").path("judge").asText("") : "";
        if (template.isEmpty() && !verdicts.isEmpty()) template = verdicts.getFirst().template();
        int k = runRecord != null ? runRecord.path("judgeSamples").asInt(0) : 0;
        if (k == 0 && !verdicts.isEmpty()) k = Math.max(1, verdicts.getFirst().samples().size());

        long unusableRelevance = runRecord != null ? runRecord.path("unusableRelevance").asLong(0) : 0;
        if (unusableRelevance > 0) {
            problems.add(unusableRelevance + " relevance answers could not be used: the judge was shown the constitution's top tier and the "
                    + "graded clauses without the rules those answers would have selected, so fewer other clauses could be found broken.");
        }
        List<String> clauseOrder = clauses.stream().map(EvalsFigures.ClauseInfo::id).toList();
        return new EvalsFigures(target, trained, judge, template, k, conditions, tiers, clauses, rows, cells(rows, conditions, tiers, clauseOrder),
                pooled(rows, tiers), comparisons(rows, conditions, tiers),
                provenance(generation, scenarios, runRecord, target, trained, judge, template), conflicts(verdicts, conditions, tiers, constitution),
                BrokenClause.rank(rows, conditions, clauseOf));
    }

    /** "Higher tier held" per condition, tiers in rank order; conditions without conflict answers are left out. */
    static Map<String, Map<String, Map<String, ConflictMatrix.HeldCell>>> conflicts(List<Verdict> verdicts, List<String> conditions,
                                                                                    List<String> tiers, Constitution constitution) {
        Map<String, Map<String, Map<String, ConflictMatrix.HeldCell>>> out = new LinkedHashMap<>();
        List<String> tierOrder = constitution == null ? tiers
                : constitution.tiers().stream().sorted(Comparator.comparingInt(Tier::rank)).map(Tier::id).toList();
        for (String c : conditions) {
            var matrix = ConflictMatrix.of(verdicts.stream().filter(v -> v.condition().json().equals(c)).toList(), tierOrder);
            if (!matrix.isEmpty()) out.put(c, matrix);
        }
        return out;
    }

    /**
     * The roles of the run: generator and filter from generation.json (or the scenarios),
     * target and judge from run.json (or the answers and verdicts).
     */
    static Provenance provenance(JsonNode generation, List<Scenario> scenarios, JsonNode runRecord, String target, String trained,
                                 String judge, String judgeTemplate) {
        List<Provenance.Role> roles = new ArrayList<>();
        Map<String, String> genTemplates = new LinkedHashMap<>(), filterTemplates = new LinkedHashMap<>();
        String generator = "", filter = "";
        if (generation != null) {
            generator = generation.path("generator").asText("");
            filter = generation.path("judge").asText("");
            generation.path("templates").properties().forEach(e -> {
                String name = e.getKey();
                (name.startsWith("filter") ? filterTemplates : genTemplates).put(name, e.getValue().asText());
            });
        } else if (!scenarios.isEmpty()) {
            generator = scenarios.getFirst().generator();
            for (Scenario s : scenarios) genTemplates.putIfAbsent("generate-" + s.kind().json(), text(s.template()));
        }
        roles.add(new Provenance.Role(Provenance.GENERATOR, text(generator), genTemplates));
        roles.add(new Provenance.Role(Provenance.FILTER, text(filter), filterTemplates));
        Map<String, String> targetTemplates = new LinkedHashMap<>(), judgeTemplates = new LinkedHashMap<>();
        if (runRecord != null) {
            runRecord.path("templates").properties().forEach(e -> {
                // the judge's templates are one per scenario kind ("judge-direct", ...) beside their joint version ("judge")
                if (e.getKey().startsWith("judge-")) judgeTemplates.put(e.getKey(), e.getValue().asText());
                else if (!e.getKey().equals("judge")) targetTemplates.put(e.getKey(), e.getValue().asText());
            });
        }
        roles.add(new Provenance.Role(Provenance.TARGET, target, targetTemplates));
        // the trained model is given no template: it answers the scenarios as they are, without the constitution
        roles.add(new Provenance.Role(Provenance.TRAINED, trained, Map.of()));
        if (judgeTemplates.isEmpty() && !judgeTemplate.isEmpty()) judgeTemplates.put("judge", judgeTemplate);
        roles.add(new Provenance.Role(Provenance.JUDGE, judge, judgeTemplates));
        return Provenance.of(roles);
    }

    private static ScenarioRow row(Scenario s, Response r, Verdict v, Map<String, Clause> clauseOf, String model) {
        String scenarioId = r != null ? r.scenarioId() : v.scenarioId();
        String clauseId = v != null ? v.clauseId() : s != null ? s.clauseId() : "";
        String tier = v != null ? v.tier() : clauseOf.containsKey(clauseId) ? clauseOf.get(clauseId).tier() : "";
        String kind = s != null ? s.kind().json() : v != null ? v.kind().json() : "";
        String strategy = r != null ? r.strategy() : v != null ? v.strategy() : "";
        String condition = r != null ? r.condition().json() : v.condition().json();
        List<Message> messages = r != null ? r.messages() : s != null ? s.messages() : List.of();
        String outcome = v == null ? ScenarioRow.UNGRADED : v.grade().json();
        String judgeAnswer = v == null ? "" : v.samples().stream().map(JudgeSample::answer).filter(a -> a != null && !a.isEmpty()).findFirst().orElse("");
        return new ScenarioRow(scenarioId, clauseId, s != null ? s.clauseIds() : List.of(clauseId), tier, kind, text(strategy), condition,
                text(model), r != null && r.systemPrompt(), messages, r != null ? text(r.text()) : "", r != null ? text(r.finishReason()) : "",
                s != null ? text(s.expected()) : "", s != null ? text(s.violation()) : "", outcome,
                v == null ? "" : v.failure().json(), v == null ? 0 : v.score(), v == null ? "" : v.refusal().json(), v == null ? "" : text(v.reasoning()), v == null ? "" : text(v.error()), judgeAnswer,
                v == null ? List.of() : v.collateral());
    }

    /** Figures per condition: each cell holds the answers of one condition only. */
    static List<Cell> cells(List<ScenarioRow> rows, List<String> conditions, List<String> tiers, List<String> clauses) {
        List<Cell> out = new ArrayList<>();
        addCells(out, Cell.Dimension.ALL, List.of(Cell.ALL), r -> Cell.ALL, rows, conditions);
        addCells(out, Cell.Dimension.TIER, tiers, ScenarioRow::tier, rows, conditions);
        addCells(out, Cell.Dimension.CLAUSE, clauses, ScenarioRow::clauseId, rows, conditions);
        List<String> kinds = new ArrayList<>(List.of("direct", "conflict", "attack", "benign"));
        rows.stream().map(ScenarioRow::kind).distinct().filter(k -> !kinds.contains(k)).forEach(kinds::add);
        addCells(out, Cell.Dimension.KIND, kinds, ScenarioRow::kind, rows, conditions);
        List<String> strategies = rows.stream().map(ScenarioRow::strategy).filter(x -> !x.isEmpty()).distinct().sorted().toList();
        addCells(out, Cell.Dimension.STRATEGY, strategies, ScenarioRow::strategy, rows, conditions);
        return out;
    }

    /**
     * Figures over every condition together, overall and per tier. A scenario answered under
     * three conditions is three answers of one scenario here, so the intervals resample scenarios.
     */
    static List<Cell> pooled(List<ScenarioRow> rows, List<String> tiers) {
        List<Cell> out = new ArrayList<>();
        if (!rows.isEmpty()) out.add(Cell.of(Cell.Dimension.ALL, Cell.ALL, Cell.POOLED, rows));
        for (String t : tiers) {
            List<ScenarioRow> in = rows.stream().filter(r -> r.tier().equals(t)).toList();
            if (!in.isEmpty()) out.add(Cell.of(Cell.Dimension.TIER, t, Cell.POOLED, in));
        }
        return out;
    }

    private static void addCells(List<Cell> out, Cell.Dimension dimension, List<String> keys, Function<ScenarioRow, String> keyOf,
                                 List<ScenarioRow> rows, List<String> conditions) {
        for (String key : keys) {
            for (String condition : conditions) {
                List<ScenarioRow> in = rows.stream().filter(r -> keyOf.apply(r).equals(key) && r.condition().equals(condition)).toList();
                if (!in.isEmpty()) out.add(Cell.of(dimension, key, condition, in));
            }
        }
    }

    /**
     * The condition pairs compared on the same scenarios, treated first: what the prompt adds, what
     * an attack takes away, and what training added over the base model and over prompting it.
     */
    static final List<List<String>> COMPARED = List.of(List.of("prompted", "bare"), List.of("attacked", "prompted"),
            List.of("trained", "bare"), List.of("trained", "prompted"));

    static List<Comparison> comparisons(List<ScenarioRow> rows, List<String> conditions, List<String> tiers) {
        List<Comparison> out = new ArrayList<>();
        for (List<String> pair : COMPARED) {
            String treated = pair.get(0), baseline = pair.get(1);
            if (!conditions.contains(treated) || !conditions.contains(baseline)) continue;
            Map<String, PairedDifference.Pair> pairs = pairs(rows, treated, baseline);
            String key = treated + "-" + baseline;
            Map<String, PairedDifference> byTier = new LinkedHashMap<>();
            Map<String, String> tierOf = new LinkedHashMap<>();
            rows.forEach(r -> tierOf.putIfAbsent(r.scenarioId(), r.tier()));
            for (String t : tiers) {
                List<PairedDifference.Pair> in = pairs.values().stream().filter(p -> t.equals(tierOf.get(p.scenario()))).toList();
                if (!in.isEmpty()) byTier.put(t, PairedDifference.of(in, key + "\n" + t));
            }
            out.add(new Comparison(treated, baseline, PairedDifference.of(List.copyOf(pairs.values()), key), byTier));
        }
        return out;
    }

    /**
     * One pair per scenario graded under both conditions. A scenario passes under a condition
     * when every graded answer it has there passes (today each has one; the rule keeps a
     * scenario one pair however many answers it gets).
     */
    private static Map<String, PairedDifference.Pair> pairs(List<ScenarioRow> rows, String treated, String baseline) {
        Map<String, Boolean> base = outcomes(rows, baseline), treat = outcomes(rows, treated);
        Map<String, PairedDifference.Pair> out = new LinkedHashMap<>();
        base.forEach((id, passed) -> {
            Boolean t = treat.get(id);
            if (t != null) out.put(id, new PairedDifference.Pair(id, passed, t));
        });
        return out;
    }

    private static Map<String, Boolean> outcomes(List<ScenarioRow> rows, String condition) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (ScenarioRow r : rows) {
            if (!r.condition().equals(condition)) continue;
            if (r.outcome().equals(ScenarioRow.PASS)) out.merge(r.scenarioId(), true, Boolean::logicalAnd);
            else if (r.outcome().equals(ScenarioRow.FAIL)) out.put(r.scenarioId(), false);
        }
        return out;
    }

    // ---- judge calibration ----

    /** The sets of {@code calibration.json}: each empty when not measured. */
    record Calibrations(List<CalibrationFigures> hhh, List<LabelAgreement.Result> modelSpec) {
        static final Calibrations NONE = new Calibrations(List.of(), List.of());
    }

    /** Both sets from one reading, so that a broken file is one problem. */
    static Calibrations calibrations(Path runDir, List<String> problems) {
        Path file = runDir.resolve(CalibrationFile.NAME);
        if (!Files.exists(file)) return Calibrations.NONE;
        return guarded(file, problems, Calibrations.NONE, () -> {
            List<CalibrationFigures> hhh = CalibrationFile.read(runDir, CalibrationFile.HHH).map(n -> List.of(new CalibrationFigures(
                    n.path("judge").asText(""), n.path("template").asText(""), n.path("items").asInt(), rate(n.path("accuracy")),
                    rate(n.path("consistentAccuracy")), rate(n.path("positionBias")), rate(n.path("firstOption")),
                    n.path("unparseable").asInt()))).orElse(List.of());
            JsonNode spec = CalibrationFile.read(runDir, LabelAgreement.SET).orElse(null);
            if (spec == null) return new Calibrations(hhh, List.of());
            try {
                return new Calibrations(hhh, List.of(Json.MAPPER.treeToValue(spec, LabelAgreement.Result.class)));
            } catch (IOException e) {
                throw new InputError("its \"" + LabelAgreement.SET + "\" figures cannot be read: " + e.getMessage());
            }
        });
    }

    private static Rate rate(JsonNode n) {
        if (!n.isObject()) throw new InputError("a rate is missing");
        return Rate.of(n.path("count").asInt(), n.path("n").asInt());
    }

    // ---- training data ----

    static List<DataSet> data(Path runDir, List<String> problems) {
        List<DataSet> out = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            Path file = DataRun.file(runDir, kind);
            if (!Files.exists(file)) continue;
            Path metaFile = DataRun.metaFile(runDir, kind);
            DataMeta meta = Files.exists(metaFile) ? guarded(metaFile, problems, null, () -> read(metaFile, DataMeta.class)) : null;
            DataSet set = guarded(file, problems, null, () -> dataSet(kind, file, meta));
            if (set != null) out.add(set);
        }
        return out;
    }

    private static DataSet dataSet(Kind kind, Path file, DataMeta meta) {
        List<DataSet.Example> examples = new ArrayList<>();
        List<Double> softLabels = new ArrayList<>();
        int records;
        switch (kind) {
            case SFT -> {
                List<SftRecord> rs = Json.readLines(file, SftRecord.class);
                records = rs.size();
                for (SftRecord r : rs.subList(0, Math.min(EXAMPLES, rs.size()))) {
                    examples.add(new DataSet.Example(r.id(), list(r.messages()), text(r.initResponse()),
                            "critique (" + String.join(", ", list(r.clauseIds())) + "): " + text(r.criticResponse())));
                }
            }
            case PREFS -> {
                List<PreferenceRecord> rs = Json.readLines(file, PreferenceRecord.class);
                records = rs.size();
                for (PreferenceRecord r : rs) softLabels.add(r.softLabel());
                for (PreferenceRecord r : rs.subList(0, Math.min(EXAMPLES, rs.size()))) {
                    List<Message> rejected = list(r.rejected());
                    String agreement = r.agreement() == null ? "" : String.format(Locale.ROOT, ", orders agree %.0f%%", 100 * r.agreement());
                    examples.add(new DataSet.Example(r.id(), list(r.chosen()), rejected.isEmpty() ? "" : rejected.getLast().content(),
                            String.format(Locale.ROOT, "soft label %.3f (%s%s); %s; principles %s", r.softLabel(), text(r.method()), agreement,
                                    r.tie() ? "a tie" : text(r.decidingTier()).isEmpty() ? "decided" : "decided by tier " + r.decidingTier(),
                                    String.join(", ", list(r.principles()).stream()
                                            .map(p -> p.tier().isEmpty() ? p.id() : p.id() + " (" + p.tier() + ")").toList()))));
                }
            }
            case DISTILL -> {
                List<DistillRecord> rs = Json.readLines(file, DistillRecord.class);
                records = rs.size();
                for (DistillRecord r : rs.subList(0, Math.min(EXAMPLES, rs.size()))) {
                    examples.add(new DataSet.Example(r.id(), list(r.messages()), "",
                            "answered with the constitution in the system prompt (" + list(r.clauseIds()).size() + " clauses); trained without it"));
                }
            }
            case UNDERSTAND -> {
                List<UnderstandRecord> rs = Json.readLines(file, UnderstandRecord.class);
                records = rs.size();
                for (UnderstandRecord r : rs.subList(0, Math.min(EXAMPLES, rs.size()))) {
                    examples.add(new DataSet.Example(r.id(), list(r.messages()), "",
                            text(r.kind()) + " question on " + String.join(", ", list(r.clauseIds()))));
                }
            }
            default -> throw new IllegalStateException("unknown data kind " + kind);
        }
        return new DataSet(kind.fileName(), records, meta == null ? records : meta.items(),
                meta == null || meta.rejected() == null ? Map.of() : meta.rejected(),
                meta == null || meta.principles() == null ? Map.of() : meta.principles(), softLabels, examples);
    }

    // ---- reading helpers ----

    /** Reads a JSONL file of the run; a missing file is no lines, a broken one is a problem. */
    private static <T> List<T> lines(Path file, Class<T> type, List<String> problems) {
        if (!Files.exists(file)) return List.of();
        return guarded(file, problems, List.of(), () -> Json.readLines(file, type));
    }

    private static <T> T guarded(Path file, List<String> problems, T fallback, Supplier<T> read) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            problems.add("Could not read " + file.getFileName() + ": " + why.lines().findFirst().orElse(why));
            return fallback;
        }
    }

    private static <T> T read(Path file, Class<T> type) {
        try {
            return Json.MAPPER.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new InputError(file + " is not valid: " + e.getMessage());
        }
    }

    private static JsonNode tree(Path file) {
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new InputError(file + " is not valid JSON: " + e.getMessage());
        }
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }

    private static <T> List<T> list(List<T> l) {
        return l == null ? List.of() : l;
    }
}
