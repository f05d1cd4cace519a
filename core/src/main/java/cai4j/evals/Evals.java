package cai4j.evals;

import cai4j.scheduler.StageProgress;
import cai4j.constitution.ConstitutionPrompt;
import cai4j.InputError;
import cai4j.Json;
import cai4j.constitution.Clause;
import cai4j.constitution.Constitution;
import cai4j.model.LanguageModel;
import java.nio.file.Path;
import java.util.ArrayList;
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
            return new RunOptions(List.of(Condition.values()), 1, 0.7, 1024, false);
        }
    }

    /**
     * What {@code evals run} was asked to do, written as {@code evals/run.json}: the report reads
     * it for the run's provenance. The figures themselves are computed by the report from the
     * responses and verdicts, in one place.
     *
     * @param target       model spec of the target
     * @param judge        model spec of the judge
     * @param judgeSamples k
     * @param conditions   the conditions run, in order
     * @param templates    template name → version: the judge's, and the constitution prompt of the prompted conditions
     * @param unusableRelevance relevance answers the judge could not use (a constitution too long to show whole
     *                     is cut to the rules that bear on each conversation; an unusable answer leaves its chunk out)
     */
    public record RunRecord(String target, String judge, int judgeSamples, List<Condition> conditions, Map<String, String> templates,
                            long unusableRelevance) {
        public RunRecord {
            conditions = List.copyOf(conditions);
            templates = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(templates));
        }
    }

    public static RunRecord run(Path runDir, LanguageModel target, LanguageModel judge, RunOptions options, StageProgress progress) {
        if (!options.allowSelfJudge() && judge.spec().equals(target.spec())) {
            throw new InputError("The judge " + judge.spec() + " is the target model; choose another --judge or pass --allow-self-judge.");
        }
        EvalFiles files = new EvalFiles(runDir);
        Constitution constitution = files.readConstitution();
        // scenarios held out as training prompts are never graded: a trained model is not scored on them
        List<Scenario> scenarios = files.readEvaluationScenarios();
        if (scenarios.isEmpty() && !java.nio.file.Files.exists(files.split())) {
            throw new InputError(files.scenarios() + " holds no scenarios; there is nothing to evaluate (run 'cai4j evals generate' into " + runDir + ").");
        }
        if (scenarios.isEmpty()) throw new InputError("Every scenario of " + runDir + " is held out for training (" + files.split() + "); none is left to evaluate.");
        TargetRunner runner = new TargetRunner(target, ConstitutionPrompt.render(constitution), options.targetMaxTokens());
        Judge grader = new Judge(judge, options.judgeSamples(), options.judgeTemperature());

        // a run of some conditions keeps the results of the others the same target and judge gave before,
        // and answers exactly what a run of all of them would
        Earlier earlier = Earlier.read(files, target, judge, options, scenarios);
        record Item(Scenario scenario, Condition condition) {}
        List<Item> items = new ArrayList<>();
        for (Condition c : options.conditions()) {
            for (Scenario s : scenarios) if (counted(s, c, earlier.conditions())) items.add(new Item(s, c));
        }

        List<Response> responses = Parallel.map(items, i -> runner.answer(i.scenario(), i.condition()), progress, "target");
        Json.writeLines(files.responses(), earlier.merge(earlier.responses(), responses, Response::condition));

        List<Integer> indexes = java.util.stream.IntStream.range(0, items.size()).boxed().toList();
        List<Verdict> verdicts = Parallel.map(indexes, i -> grader.grade(constitution, items.get(i).scenario(), responses.get(i)), progress, "judge");
        Json.writeLines(files.verdicts(), earlier.merge(earlier.verdicts(), verdicts, Verdict::condition));

        Map<String, String> templates = new LinkedHashMap<>();
        templates.put("judge", Judge.VERSION);
        templates.putAll(Judge.templates());
        if (earlier.conditions().stream().anyMatch(c -> c != Condition.BARE)) templates.put("constitution-prompt", ConstitutionPrompt.VERSION);
        RunRecord record = new RunRecord(target.spec().toString(), judge.spec().toString(), options.judgeSamples(), earlier.conditions(), templates,
                grader.unusableRelevance());
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
     * The results an earlier {@code evals run} left for conditions this one does not run. They
     * are kept when they came from the same target, judge and judge samples and their scenario is
     * still evaluated; results of another target or judge are a different evaluation and are
     * replaced whole.
     */
    private record Earlier(List<Response> responses, List<Verdict> verdicts, List<Condition> conditions) {

        static Earlier read(EvalFiles files, LanguageModel target, LanguageModel judge, RunOptions options, List<Scenario> scenarios) {
            Set<Condition> rerun = EnumSet.copyOf(options.conditions());
            Optional<RunRecord> before = readRecord(files);
            boolean same = before.filter(r -> r.target().equals(target.spec().toString()) && r.judge().equals(judge.spec().toString())
                    && r.judgeSamples() == options.judgeSamples()).isPresent();
            if (!same || !Files.exists(files.responses()) || !Files.exists(files.verdicts())) {
                return new Earlier(List.of(), List.of(), options.conditions());
            }
            Set<String> ids = new HashSet<>();
            for (Scenario s : scenarios) ids.add(s.id());
            List<Response> rs = Json.readLines(files.responses(), Response.class).stream()
                    .filter(r -> !rerun.contains(r.condition()) && ids.contains(r.scenarioId())).toList();
            List<Verdict> vs = Json.readLines(files.verdicts(), Verdict.class).stream()
                    .filter(v -> !rerun.contains(v.condition()) && ids.contains(v.scenarioId())).toList();
            Set<Condition> all = EnumSet.copyOf(rerun);
            before.get().conditions().forEach(all::add);
            return new Earlier(rs, vs, List.copyOf(all));
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
