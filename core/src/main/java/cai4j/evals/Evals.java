package cai4j.evals;

import cai4j.scheduler.StageProgress;
import cai4j.constitution.ConstitutionPrompt;
import cai4j.InputError;
import cai4j.Json;
import cai4j.constitution.Clause;
import cai4j.constitution.Constitution;
import cai4j.model.LanguageModel;
import cai4j.model.ModelSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.nio.file.Files;
import java.util.Map;

/**
 * The evals stage: write scenarios for a constitution, then run a target on them and judge the
 * answers. Every model call goes through the {@link LanguageModel}s it is given, so on the model
 * road a rerun replays finished calls and rebuilds every output file: resume is rerun.
 */
public final class Evals {
    private Evals() {}

    /**
     * @param selection        which clauses
     * @param settings         generator settings (scenarios per clause, kinds, seed)
     * @param filter           whether the judge filters scenarios that do not test their clause
     * @param dedupeThreshold  Jaccard similarity at which two prompts count as duplicates
     */
    public record GenerateOptions(ClauseSelection selection, ScenarioGenerator.Settings settings, boolean filter, double dedupeThreshold) {
        public static GenerateOptions defaults() {
            return new GenerateOptions(ClauseSelection.ALL, ScenarioGenerator.Settings.defaults(), true, Dedupe.DEFAULT_THRESHOLD);
        }
    }

    /** What generation wrote: counts for the terminal and for generation.json. */
    public record GenerateReport(String generator, String judge, int clauses, int kept, Map<String, Integer> rejected,
                                 Map<String, String> templates) {}

    public static GenerateReport generate(Path runDir, Constitution constitution, LanguageModel generator, LanguageModel judge,
                                          GenerateOptions options, StageProgress progress) {
        EvalFiles files = new EvalFiles(runDir);
        List<Clause> clauses = options.selection().apply(constitution);
        files.claimConstitution(constitution);

        ScenarioGenerator.Result written = new ScenarioGenerator(generator, options.settings()).generate(constitution, clauses, progress);
        List<Rejection> rejected = new ArrayList<>(written.rejected());
        ScenarioGenerator.Result unique = Dedupe.apply(written.scenarios(), options.dedupeThreshold());
        rejected.addAll(unique.rejected());
        List<Scenario> kept = unique.scenarios();
        if (options.filter()) {
            ScenarioGenerator.Result filtered = new QualityFilter(judge).apply(constitution, kept, progress);
            rejected.addAll(filtered.rejected());
            kept = filtered.scenarios();
        }
        Json.writeLines(files.scenarios(), kept);
        try {
            // a split names the scenarios of an earlier generation; it is made again from these
            java.nio.file.Files.deleteIfExists(files.split());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Json.writeLines(files.rejected(), rejected);

        Map<String, Integer> byStage = new LinkedHashMap<>();
        for (Rejection r : rejected) byStage.merge(r.stage(), 1, Integer::sum);
        Map<String, String> templates = new LinkedHashMap<>();
        ScenarioGenerator.TEMPLATES.forEach((k, t) -> templates.put(t.name(), t.version()));
        templates.put(ConflictPairing.TEMPLATE.name(), ConflictPairing.TEMPLATE.version());
        templates.put(QualityFilter.TEMPLATE.name(), QualityFilter.TEMPLATE.version());
        templates.put(QualityFilter.CONFLICT_TEMPLATE.name(), QualityFilter.CONFLICT_TEMPLATE.version());
        templates.put(StructuredCall.REPAIR.name(), StructuredCall.REPAIR.version());
        GenerateReport report = new GenerateReport(generator.spec().toString(), options.filter() ? judge.spec().toString() : "",
                clauses.size(), kept.size(), byStage, templates);
        Json.writeAtomically(files.generation(), Json.pretty(report) + "\n");
        return report;
    }

    /**
     * @param conditions       how the target is run
     * @param judgeSamples     k judge answers per response; the median decides
     * @param judgeTemperature judge temperature when k &gt; 1
     * @param targetMaxTokens  target answer limit
     * @param allowSelfJudge   whether the judge may be the target model
     */
    public record RunOptions(List<Condition> conditions, int judgeSamples, double judgeTemperature, int targetMaxTokens, boolean allowSelfJudge) {
        public RunOptions {
            conditions = List.copyOf(conditions);
        }

        public static RunOptions defaults() {
            return new RunOptions(List.of(Condition.BARE, Condition.PROMPTED, Condition.ATTACKED), 1, 0.7, 1024, false);
        }

        /**
         * These options for a run with a trained model or without one: a trained model implies
         * the trained condition (after the others), and the trained condition needs one.
         */
        public RunOptions forTrained(boolean trainedModel) {
            boolean named = conditions.contains(Condition.TRAINED);
            if (named && !trainedModel) {
                throw new InputError("The trained condition needs the trained model: pass --trained SPEC (the model fine-tuned on the run's data).");
            }
            if (named || !trainedModel) return this;
            List<Condition> with = new ArrayList<>(conditions);
            with.add(Condition.TRAINED);
            return new RunOptions(with, judgeSamples, judgeTemperature, targetMaxTokens, allowSelfJudge);
        }
    }

    /**
     * What {@code evals run} was asked to do, written as {@code evals/run.json}: the report reads
     * it for the run's provenance, and shows the answers of its target and trained model. The
     * figures themselves are computed by the report from the responses and verdicts, in one place.
     *
     * @param target       model spec of the target (the base model: bare, prompted, attacked)
     * @param trained      model spec of the trained model (the trained condition); "" when none has answered
     * @param judge        model spec of the judge
     * @param judgeSamples k
     * @param conditions   the conditions run, in order
     * @param templates    template name → version: the judge's, and the constitution prompt of the prompted conditions
     * @param unusableRelevance relevance answers the judge could not use (a constitution too long to show whole
     *                     is cut to the rules that bear on each conversation; an unusable answer leaves its chunk out)
     */
    public record RunRecord(String target, String trained, String judge, int judgeSamples, List<Condition> conditions, Map<String, String> templates,
                            long unusableRelevance) {
        public RunRecord {
            trained = trained == null ? "" : trained; // records written before the trained condition
            conditions = List.copyOf(conditions);
            templates = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(templates));
        }

        /** The model that answers under a condition: the trained model under trained, else the target. */
        public String model(Condition c) {
            return c.answeredBy(target, trained);
        }
    }

    /**
     * Refuses a judge that would grade its own answers: the target's, or the trained model's,
     * unless the user allows it. Commands call it before they open anything in the run.
     */
    public static void checkJudge(ModelSpec judge, ModelSpec target, Optional<ModelSpec> trained, boolean allowSelfJudge) {
        if (allowSelfJudge) return;
        if (judge.equals(target)) {
            throw new InputError("The judge " + judge + " is the target model; choose another --judge or pass --allow-self-judge.");
        }
        if (trained.filter(judge::equals).isPresent()) {
            throw new InputError("The judge " + judge + " is the trained model; choose another --judge or pass --allow-self-judge.");
        }
    }

    /** As {@link #run(Path, LanguageModel, Optional, LanguageModel, RunOptions, StageProgress)} without a trained model. */
    public static RunRecord run(Path runDir, LanguageModel target, LanguageModel judge, RunOptions options, StageProgress progress) {
        return run(runDir, target, Optional.empty(), judge, options, progress);
    }

    /**
     * Runs the target (and, under the trained condition, the trained model) on the scenarios graded
     * in the run, and judges every answer with the same judge and rubrics.
     *
     * @param trained the model trained on the run's data; when given, the trained condition is run too
     */
    public static RunRecord run(Path runDir, LanguageModel target, Optional<LanguageModel> trained, LanguageModel judge, RunOptions asked,
                                StageProgress progress) {
        RunOptions options = asked.forTrained(trained.isPresent());
        checkJudge(judge.spec(), target.spec(), trained.map(LanguageModel::spec), options.allowSelfJudge());
        EvalFiles files = new EvalFiles(runDir);
        Constitution constitution = files.readConstitution();
        // scenarios held out as training prompts are never graded: a trained model is not scored on them
        List<Scenario> scenarios = files.readEvaluationScenarios();
        if (scenarios.isEmpty() && !java.nio.file.Files.exists(files.split())) {
            throw new InputError(files.scenarios() + " holds no scenarios; there is nothing to evaluate (run 'cai4j evals generate' into " + runDir + ").");
        }
        if (scenarios.isEmpty()) throw new InputError("Every scenario of " + runDir + " is held out for training (" + files.split() + "); none is left to evaluate.");
        String constitutionPrompt = ConstitutionPrompt.render(constitution);
        TargetRunner base = new TargetRunner(target, constitutionPrompt, options.targetMaxTokens());
        Optional<TargetRunner> tuned = trained.map(m -> new TargetRunner(m, constitutionPrompt, options.targetMaxTokens()));
        Judge grader = new Judge(judge, options.judgeSamples(), options.judgeTemperature());

        // a run keeps the results it does not redo: other conditions, and other targets' answers, so
        // that several targets in one run directory add up instead of replacing each other
        String trainedSpec = trained.map(m -> m.spec().toString()).orElse("");
        Earlier earlier = Earlier.read(files, target.spec().toString(), trainedSpec, judge, options, scenarios);
        record Item(Scenario scenario, Condition condition) {}
        List<Item> items = new ArrayList<>();
        for (Condition c : options.conditions()) {
            for (Scenario s : scenarios) if (counted(s, c, earlier.conditions())) items.add(new Item(s, c));
        }

        List<Response> responses = Parallel.map(items, i -> (i.condition().byTrainedModel() ? tuned.orElseThrow() : base)
                .answer(i.scenario(), i.condition()), progress, "target");
        Json.writeLines(files.responses(), earlier.merge(earlier.responses(), responses, Response::condition));

        // the verdicts of one scenario are asked one after another: their prompts are the same up to
        // the answer, so a model that keeps its cache (the embedded one) reads that prefix once
        Map<String, Integer> place = new HashMap<>();
        for (Scenario s : scenarios) place.putIfAbsent(s.id(), place.size());
        List<Integer> byScenario = java.util.stream.IntStream.range(0, items.size()).boxed()
                .sorted(Comparator.comparingInt(i -> place.get(items.get(i).scenario().id()))).toList();
        List<Verdict> graded = Parallel.map(byScenario, i -> grader.grade(constitution, items.get(i).scenario(), responses.get(i)), progress, "judge");
        Verdict[] inOrder = new Verdict[items.size()];
        for (int k = 0; k < byScenario.size(); k++) inOrder[byScenario.get(k)] = graded.get(k);
        List<Verdict> verdicts = List.of(inOrder);
        Json.writeLines(files.verdicts(), earlier.merge(earlier.verdicts(), verdicts, Verdict::condition));

        Map<String, String> templates = new LinkedHashMap<>();
        templates.put("judge", Judge.VERSION);
        templates.putAll(Judge.templates());
        if (earlier.conditions().stream().anyMatch(Condition::withConstitution)) templates.put("constitution-prompt", ConstitutionPrompt.VERSION);
        RunRecord record = new RunRecord(target.spec().toString(), trainedSpec.isEmpty() ? earlier.trained() : trainedSpec, judge.spec().toString(),
                options.judgeSamples(), earlier.conditions(), templates, grader.unusableRelevance());
        Json.writeAtomically(files.run(), Json.pretty(record) + "\n");
        try {
            // figures an earlier version wrote here would contradict the report's
            java.nio.file.Files.deleteIfExists(files.dir().resolve("summary.json"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return record;
    }

    /**
     * The results an earlier {@code evals run} left that this one does not redo. An answer is
     * known by its scenario, condition and the model that answered: this run redoes its
     * conditions for its own target and trained model, and keeps every other answer, those of
     * other targets included, as long as its scenario is still evaluated. Results of another
     * judge or number of judge samples are a different evaluation and are replaced whole.
     *
     * @param trained the trained model of the earlier run ("" when none), kept when this run names none
     */
    private record Earlier(List<Response> responses, List<Verdict> verdicts, List<Condition> conditions, String trained) {

        static Earlier read(EvalFiles files, String target, String trained, LanguageModel judge, RunOptions options, List<Scenario> scenarios) {
            Optional<RunRecord> before = readRecord(files);
            boolean same = before.filter(r -> r.judge().equals(judge.spec().toString()) && r.judgeSamples() == options.judgeSamples()).isPresent();
            if (!same || !Files.exists(files.responses()) || !Files.exists(files.verdicts())) {
                return new Earlier(List.of(), List.of(), options.conditions(), "");
            }
            RunRecord was = before.get();
            Set<Condition> rerun = EnumSet.copyOf(options.conditions());
            java.util.function.Function<Condition, String> now = c -> c.answeredBy(target, trained);
            Set<String> ids = new HashSet<>();
            for (Scenario s : scenarios) ids.add(s.id());
            List<Response> rs = Json.readLines(files.responses(), Response.class).stream()
                    .filter(r -> ids.contains(r.scenarioId()) && !(rerun.contains(r.condition()) && r.target().equals(now.apply(r.condition()))))
                    .toList();
            // verdicts written before they named the answering model were all of the earlier run's own models
            List<Verdict> vs = Json.readLines(files.verdicts(), Verdict.class).stream()
                    .map(v -> v.target().isEmpty() ? answeredBy(v, was.model(v.condition())) : v)
                    .filter(v -> ids.contains(v.scenarioId()) && !(rerun.contains(v.condition()) && v.target().equals(now.apply(v.condition()))))
                    .toList();
            Set<Condition> all = EnumSet.copyOf(rerun);
            all.addAll(was.conditions());
            return new Earlier(rs, vs, List.copyOf(all), was.trained());
        }

        private static Verdict answeredBy(Verdict v, String model) {
            return new Verdict(v.scenarioId(), v.condition(), v.clauseId(), v.tier(), v.loser(), v.loserTier(), v.kind(), v.strategy(), model,
                    v.judge(), v.template(), v.grade(), v.failure(), v.score(), v.refusal(), v.reasoning(), v.error(), v.samples(), v.collateral());
        }

        private static Optional<RunRecord> readRecord(EvalFiles files) {
            if (!Files.exists(files.run())) return Optional.empty();
            try {
                return Optional.of(Json.MAPPER.readValue(files.run().toFile(), RunRecord.class));
            } catch (java.io.IOException e) {
                return Optional.empty(); // an unreadable record names no models: the results are replaced
            }
        }

        /** Earlier results first, then this run's, in condition order as a full run writes them. */
        <T> List<T> merge(List<T> kept, List<T> fresh, java.util.function.Function<T, Condition> condition) {
            List<T> all = new ArrayList<>(kept);
            all.addAll(fresh);
            all.sort(java.util.Comparator.comparing(condition)); // stable: each condition keeps its scenario order
            return all;
        }
    }

    /**
     * Whether a scenario is answered under a condition. An attack scenario is already wrapped by
     * its strategy, so under {@code attacked} it is the very request it was under {@code prompted}:
     * when both run, it is answered and counted once, under prompted.
     */
    static boolean counted(Scenario s, Condition c, List<Condition> conditions) {
        return !(s.kind() == ScenarioKind.ATTACK && c == Condition.ATTACKED && conditions.contains(Condition.PROMPTED));
    }
}
