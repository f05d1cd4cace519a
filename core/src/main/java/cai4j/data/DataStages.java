package cai4j.data;

import cai4j.Hash;
import cai4j.scheduler.StageProgress;
import cai4j.Json;
import cai4j.constitution.Constitution;
import cai4j.evals.EvalFiles;
import cai4j.evals.Judge;
import cai4j.evals.ScenarioKind;
import cai4j.evals.Scenario;
import cai4j.evals.Template;
import cai4j.model.LanguageModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The four data stages as one call each: run over the inputs and write
 * {@code <run>/data/<kind>.jsonl} with its {@code .meta.json}. Model calls go through the
 * LanguageModel instances given (in the command line, already on the road: ledger, scheduler,
 * provider), so a rerun replays finished calls and resumes where a crash stopped it.
 */
public final class DataStages {
    private DataStages() {}

    /** Every template of the training data, so that a run can record their versions. */
    public static List<Template> templates() {
        return List.of(CritiqueRevision.INITIAL, CritiqueRevision.CRITIQUE, CritiqueRevision.REVISION,
                Principle.CRITIQUE_FROM_CLAUSE, Principle.REVISION_FROM_CLAUSE,
                FeedbackLabeling.SAMPLE, FeedbackLabeling.CHOICE, FeedbackLabeling.CHAIN_OF_THOUGHT, FeedbackPrinciple.FROM_CLAUSE,
                ContextDistillation.ANSWER, ConflictPairs.LOWER_TIER,
                Understanding.SYSTEM, Understanding.MEANING, Understanding.APPLICATION, Understanding.CONFLICT);
    }

    /**
     * Where the prompts came from.
     *
     * @param name   the file name, for the record
     * @param sha256 hash of the file's bytes
     * @param result the prompts read (those of a run's scenarios carry their scenario)
     */
    public record Prompts(String name, String sha256, PromptFile.Result result) {
        public static Prompts read(Path file, boolean skipBad, int limit) {
            return read(List.of(file), skipBad, limit);
        }

        /** Reads several sources (prompt files, runs with scenarios) as one list, without duplicates. */
        public static Prompts read(List<Path> files, boolean skipBad, int limit) {
            if (files.isEmpty()) throw new cai4j.InputError("No prompts: give --prompts FILE.");
            List<Prompt> all = new java.util.ArrayList<>();
            List<String> skipped = new java.util.ArrayList<>();
            java.util.Set<String> ids = new java.util.HashSet<>();
            int duplicates = 0;
            StringBuilder hashes = new StringBuilder();
            List<String> names = new java.util.ArrayList<>();
            for (Path f : files) {
                PromptFile.Result r = PromptFile.read(f, skipBad);
                for (Prompt p : r.prompts()) {
                    if (ids.add(p.id())) all.add(p);
                    else duplicates++;
                }
                skipped.addAll(r.skipped());
                duplicates += r.duplicates();
                Path source = java.nio.file.Files.isDirectory(f) ? f.resolve("evals").resolve("scenarios.jsonl") : f;
                try {
                    hashes.append(Hash.sha256(Files.readString(source)));
                } catch (java.io.IOException e) {
                    throw new cai4j.InputError("Cannot read prompt file " + source + ": " + cai4j.FileProblem.reason(e) + ".", e);
                }
                boolean split = java.nio.file.Files.isDirectory(f) && java.nio.file.Files.exists(new EvalFiles(f).split());
                names.add(java.nio.file.Files.isDirectory(f) ? f.getFileName() + "/evals/scenarios.jsonl"
                        + (split ? " (the training scenarios of evals/split.json)" : "") : f.getFileName().toString());
            }
            String sha = files.size() == 1 ? hashes.toString() : Hash.sha256(hashes.toString());
            PromptFile.Result result = new PromptFile.Result(all, skipped, duplicates).limit(limit);
            return new Prompts(String.join(", ", names), sha, result);
        }

        public static Prompts none() {
            return new Prompts("", "", new PromptFile.Result(List.of(), List.of(), 0));
        }
    }

    /** Critique and revision; the judge accepts or rejects each revision. */
    public static DataRun.Result sft(Path runDir, Constitution c, Prompts prompts, LanguageModel target, LanguageModel generator,
                                     LanguageModel judge, CritiqueRevision.Settings s, StageProgress progress) {
        Tally tally = new Tally();
        CritiqueRevision stage = new CritiqueRevision(target, generator, c, Relevant.by(generator, c, tally), s, new Acceptance(judge, c, tally), tally);
        Map<String, String> inputs = inputs(prompts);
        inputs.put("few_shot", s.fewShot().source());
        if (!s.fewShot().sha256().isEmpty()) inputs.put("few_shot_sha256", s.fewShot().sha256());
        DataRun.Plan plan = plan(runDir, Kind.SFT, c, models("target", target, "generator", generator, "judge", judge),
                withJudge(CritiqueRevision.templates()), inputs,
                settings("rounds", s.rounds(), "few_shot_examples", s.fewShot().examples().size(), "seed", s.seed(),
                        "temperature", s.temperature(), "max_tokens", s.maxTokens()), prompts);
        return DataRun.execute(runDir, plan, prompts.result().prompts(), s.parallelism(), progress, tally, p -> stage.run(p));
    }

    /**
     * AI-feedback pairs for every prompt and, for prompts that are conflict scenarios, a pair whose
     * chosen answer honours the higher tier and whose rejected answer lets the lower tier win.
     */
    public static DataRun.Result prefs(Path runDir, Constitution c, Prompts prompts, LanguageModel target, LanguageModel judge,
                                       List<FeedbackPrinciple> principles, FeedbackLabeling.Settings s, StageProgress progress) {
        Tally tally = new Tally();
        FeedbackLabeling stage = new FeedbackLabeling(target, judge, c, principles, Relevant.by(judge, c, tally), s, tally);
        ConflictPairs conflicts = new ConflictPairs(target, c, new Acceptance(judge, c, tally), s.maxTokens(), tally);
        Map<String, String> inputs = inputs(prompts);
        inputs.put("few_shot_comparisons", s.fewShot().source());
        if (!s.fewShot().sha256().isEmpty()) inputs.put("few_shot_comparisons_sha256", s.fewShot().sha256());
        Map<String, String> templates = FeedbackLabeling.templates();
        templates.putAll(ConflictPairs.templates());
        DataRun.Plan plan = plan(runDir, Kind.PREFS, c, models("target", target, "judge", judge), withJudge(templates), inputs,
                settings("samples", s.samples(), "principles_per_pair", s.principles(), "principles_available", principles.size(),
                        "principles_from", principles.stream().anyMatch(FeedbackPrinciple::fromClause) ? "relevant clauses" : "given questions",
                        "mode", s.mode().name().toLowerCase(java.util.Locale.ROOT), "seed", s.seed(), "temperature", s.temperature(),
                        "max_tokens", s.maxTokens(), "clamp", List.of(FeedbackLabeling.CLAMP_LOW, FeedbackLabeling.CLAMP_HIGH),
                        "min_option_mass", s.minMass(), "tie_margin", s.tieMargin(), "aggregation", "tier-first",
                        "few_shot_comparisons", s.fewShot().examples().size(),
                        "conflict_scenarios", prompts.result().prompts().stream()
                                .filter(p -> p.scenario().filter(x -> x.kind() == ScenarioKind.CONFLICT).isPresent()).count()), prompts);
        return DataRun.execute(runDir, plan, prompts.result().prompts(), s.parallelism(), progress, tally, p -> {
            List<PreferenceRecord> out = new java.util.ArrayList<>(stage.run(p));
            out.addAll(conflicts.run(p));
            return out;
        });
    }

    /** Context distillation; the judge accepts or rejects each answer to a scenario under its rubric. */
    public static DataRun.Result distill(Path runDir, Constitution c, Prompts prompts, LanguageModel target, LanguageModel judge,
                                         ContextDistillation.Settings s, StageProgress progress) {
        Tally tally = new Tally();
        ContextDistillation stage = new ContextDistillation(target, c, s, new Acceptance(judge, c, tally), tally);
        DataRun.Plan plan = plan(runDir, Kind.DISTILL, c, models("target", target, "judge", judge), withJudge(ContextDistillation.templates()), inputs(prompts),
                settings("clauses", s.clauseIds().isEmpty() ? "all" : String.join(",", s.clauseIds()),
                        "system_prompt_sha256", Hash.sha256(stage.systemPrompt()), "temperature", s.temperature(),
                        "max_tokens", s.maxTokens()), prompts);
        return DataRun.execute(runDir, plan, prompts.result().prompts(), s.parallelism(), progress, tally, p -> stage.run(p));
    }

    /** Understanding questions about every rule; the prompts, when given, are the cases of application questions. */
    public static DataRun.Result understand(Path runDir, Constitution c, Prompts cases, LanguageModel generator, LanguageModel judge,
                                            Understanding.Settings s, int limit, StageProgress progress) {
        return understand(runDir, c, List.of(), cases, generator, judge, s, limit, progress);
    }

    /**
     * Understanding questions about {@code clauses} (every rule when empty); a prompt is the case
     * of an application question about a clause its scenario tests. The judge checks conflict answers.
     */
    public static DataRun.Result understand(Path runDir, Constitution c, List<cai4j.constitution.Clause> clauses, Prompts cases,
                                            LanguageModel generator, LanguageModel judge, Understanding.Settings s, int limit,
                                            StageProgress progress) {
        Tally tally = new Tally();
        Understanding stage = new Understanding(generator, c, s, new Acceptance(judge, c, tally), tally);
        List<Understanding.Task> tasks = stage.tasks(cases.result().prompts(), clauses);
        if (limit > 0 && tasks.size() > limit) tasks = tasks.subList(0, limit);
        DataRun.Plan plan = plan(runDir, Kind.UNDERSTAND, c, models("generator", generator, "judge", judge), withJudge(Understanding.templates()),
                inputs(cases), settings("questions", s.questions().stream().map(Understanding.Question::label).sorted().toList(),
                        "seed", s.seed(), "temperature", s.temperature(), "max_tokens", s.maxTokens(), "limit", limit), cases);
        return DataRun.execute(runDir, plan, tasks, s.parallelism(), progress, tally, stage::run);
    }

    /** A stage's templates, the relevance pass's, and the judge's, which accept or reject what it makes. */
    private static Map<String, String> withJudge(Map<String, String> templates) {
        Map<String, String> t = new LinkedHashMap<>(templates);
        t.putAll(cai4j.evals.Relevance.templates());
        t.putAll(Judge.templates());
        return t;
    }

    private static DataRun.Plan plan(Path runDir, Kind kind, Constitution c, Map<String, String> models, Map<String, String> templates,
                                     Map<String, String> inputs, Map<String, Object> settings, Prompts prompts) {
        // the run keeps the compiled constitution it was made from, beside its data
        new cai4j.evals.EvalFiles(runDir).claimConstitution(c);
        return new DataRun.Plan(kind, DataMeta.ConstitutionRef.of(c), models, templates, inputs, settings, prompts.result().skipped());
    }

    private static Map<String, String> inputs(Prompts p) {
        Map<String, String> m = new LinkedHashMap<>();
        if (!p.name().isEmpty()) {
            m.put("prompts", p.name());
            m.put("prompts_sha256", p.sha256());
            m.put("prompts_duplicates_dropped", String.valueOf(p.result().duplicates()));
        }
        return m;
    }

    private static Map<String, String> models(Object... roleAndModel) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < roleAndModel.length; i += 2) m.put((String) roleAndModel[i], ((LanguageModel) roleAndModel[i + 1]).spec().toString());
        return m;
    }

    private static Map<String, Object> settings(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
