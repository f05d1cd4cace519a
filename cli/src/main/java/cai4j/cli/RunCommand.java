package cai4j.cli;

import cai4j.InputError;
import cai4j.Json;
import cai4j.constitution.Compiler;
import cai4j.constitution.Constitution;
import cai4j.data.ContextDistillation;
import cai4j.data.CritiqueRevision;
import cai4j.data.DataStages;
import cai4j.data.FeedbackLabeling;
import cai4j.data.FeedbackPrinciple;
import cai4j.evals.CalibrationFile;
import cai4j.evals.ClauseSelection;
import cai4j.evals.Condition;
import cai4j.constitution.ConstitutionPrompt;
import cai4j.evals.Dedupe;
import cai4j.evals.EvalFiles;
import cai4j.evals.ScenarioSplit;
import cai4j.data.Understanding;
import cai4j.evals.Evals;
import cai4j.evals.Judge;
import cai4j.evals.LabelAgreement;
import cai4j.evals.ModelSpecExamples;
import cai4j.evals.ScenarioGenerator;
import cai4j.evals.ScenarioKind;
import cai4j.export.ExportFormats;
import cai4j.export.Exporter;
import cai4j.export.Filters;
import cai4j.export.Split;
import cai4j.model.LanguageModel;
import cai4j.model.ModelSpec;
import cai4j.model.Usage;
import cai4j.report.RunLoader;
import cai4j.report.RunReport;
import cai4j.report.SummaryFile;
import cai4j.report.TerminalSummary;
import cai4j.road.Road;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"The whole loop in one command: compile the constitution, write scenarios, run and judge the target",
                "with and without the constitution, generate training data (critique-revision, AI-feedback preferences,",
                "context distillation), export it for fine-tuning and write the report.",
                "Every role defaults to the embedded model. Rerunning resumes: finished model calls replay from RUN/ledger.db."})
final class RunCommand implements Callable<Integer> {

    /** How much work a run does; the default keeps a first run on the embedded model short. */
    enum Budget {
        SMALL(6, 1, "direct,conflict,benign", 6, 6, 384, 4),
        MEDIUM(16, 2, "direct,conflict,attack,benign", 16, 16, 512, 12),
        LARGE(0, 3, "direct,conflict,attack,benign", 0, 0, 1024, 40);

        /** The share of each clause's scenarios held out of the evaluation as training prompts. */
        static final double HELD_OUT = 0.25;

        final int clauses, perClause, prompts, understanding, maxTokens;
        /** labelled Model Spec responses the judge grades, so that the report says how far its grades agree with people's */
        final int labelled;
        final String kinds;

        /**
         * @param prompts       training prompts at most (0: a quarter of every clause's scenarios)
         * @param understanding understanding questions at most (0: every kind for every sampled clause)
         */
        Budget(int clauses, int perClause, String kinds, int prompts, int understanding, int maxTokens, int labelled) {
            this.clauses = clauses;
            this.perClause = perClause;
            this.kinds = kinds;
            this.prompts = prompts;
            this.understanding = understanding;
            this.maxTokens = maxTokens;
            this.labelled = labelled;
        }
    }

    @Parameters(paramLabel = "CONSTITUTION", description = "The constitution (.md, .json, .yaml, text).")
    Path constitution;

    @Option(names = "--run", paramLabel = "DIR", description = "The run directory (default: runs/<constitution name>).")
    Path run;

    @Option(names = "--target", paramLabel = "SPEC", description = "The model under test (default: the embedded model, or $CAI4J_MODEL).")
    String target;

    @Option(names = "--judge", paramLabel = "SPEC", description = "Grades answers and labels preferences (default: the target's model).")
    String judge;

    @Option(names = "--generator", paramLabel = "SPEC", description = "Writes scenarios, critiques and revisions (default: the judge's model).")
    String generator;

    @Option(names = "--budget", paramLabel = "SIZE", defaultValue = "small",
            description = "small (6 clauses, 1 scenario per kind, 6 training prompts), medium (16, 2, 16, with attacks) or large (every clause, 3, a quarter of the scenarios) (default: ${DEFAULT-VALUE}).")
    String budget;

    @Option(names = "--prompts", paramLabel = "FILE", description = "Prompts for the training data (default: scenarios this run writes and holds out of the evaluation, a few of every sampled clause).")
    Path prompts;

    @Option(names = "--conditions", paramLabel = "LIST", defaultValue = "bare,prompted", description = "Conditions of the target (default: ${DEFAULT-VALUE}).")
    String conditions;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of clause sampling and generation (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    FailUnder failUnder = new FailUnder();

    @Option(names = "--start-over", description = "Discard the run directory's scenarios, answers, verdicts, data and report (its ledger stays), e.g. to run another constitution in it.")
    boolean startOver;

    @Option(names = "--dry-run", description = "Print the plan (calls per stage, estimated tokens, time and cost) and call nothing.")
    boolean dryRun;

    @Mixin
    Models.RoadOptions roadOptions = new Models.RoadOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Budget b = budget();
        Constitution c = Compiler.compile(constitution);
        Path dir = run != null ? run : Path.of("runs", stem(constitution));
        ModelSpec targetSpec = ModelSpec.parse(target == null ? Models.defaultSpec() : target);
        ModelSpec judgeSpec = judge == null ? targetSpec : ModelSpec.parse(judge);
        ModelSpec generatorSpec = generator == null ? judgeSpec : ModelSpec.parse(generator);
        boolean selfJudged = judgeSpec.equals(targetSpec);
        List<ScenarioKind> kinds = ScenarioKind.list(b.kinds);
        List<Condition> conds = Condition.list(conditions);
        ClauseSelection selection = ClauseSelection.of(null, b.clauses, seed);
        failUnder.check(conds);

        Plan plan = Plan.of(c, selection, kinds, b, conds, prompts);
        if (dryRun) {
            printPlan(out, plan, c, targetSpec, judgeSpec, generatorSpec, dir);
            return Main.OK;
        }
        if (selfJudged || judgeSpec.equals(generatorSpec)) {
            String whom = selfJudged && judgeSpec.equals(generatorSpec) ? "the target and the generator"
                    : selfJudged ? "the target" : "the generator";
            err.println("note: the judge (" + judgeSpec + ") is also " + whom + ", so it grades its own work; pass --judge"
                    + (judgeSpec.equals(generatorSpec) ? " and --generator" : "") + " to use other models.");
        }
        try (var lock = cai4j.RunLock.acquire(dir)) {
            EvalFiles runFiles = new EvalFiles(dir);
            if (startOver) runFiles.startOver();
            runFiles.claimConstitution(c);
            return execute(out, err, b, c, dir, targetSpec, judgeSpec, generatorSpec, kinds, conds, selection);
        }
    }

    private int execute(PrintWriter out, PrintWriter err, Budget b, Constitution c, Path dir, ModelSpec targetSpec, ModelSpec judgeSpec,
                        ModelSpec generatorSpec, List<ScenarioKind> kinds, List<Condition> conds, ClauseSelection selection) {
        try (Road road = Models.road(dir, roadOptions)) {
            LanguageModel tgt = road.model(targetSpec);
            LanguageModel jud = road.model(judgeSpec);
            LanguageModel gen = road.model(generatorSpec);
            var progress = Models.progress(road, err);

            stage(err, "1/6 scenarios");
            var settings = new ScenarioGenerator.Settings(b.perClause, kinds, seed, 0.8, 2048);
            Evals.GenerateReport generated = Evals.generate(dir, c, gen, jud,
                    new Evals.GenerateOptions(selection, settings, true, Dedupe.DEFAULT_THRESHOLD), progress);
            if (generated.kept() == 0) throw new InputError("No scenario survived generation; see " + dir.resolve("evals/rejected.jsonl") + ".");
            EvalFiles files = new EvalFiles(dir);
            if (prompts == null) {
                // training prompts are scenarios the target is never graded on, drawn across every sampled clause
                ScenarioSplit split = ScenarioSplit.of(files.readScenarios(), Budget.HELD_OUT, b.prompts, seed);
                split.write(files);
                err.println(split.train().size() + " scenarios held out of the evaluation as training prompts (" + files.split() + ")");
            }

            stage(err, "2/6 target and judge");
            Evals.run(dir, tgt, jud, new Evals.RunOptions(conds, 1, 0.7, b.maxTokens, true), progress);
            ModelSpecExamples labels = ModelSpecExamples.bundled();
            LabelAgreement.Check check = LabelAgreement.run(new Judge(jud, 1, 0), labels, labels.sample(b.labelled), progress);
            CalibrationFile.write(dir, LabelAgreement.SET, check.result());
            CalibrationFile.writeGrades(dir, check.graded());

            stage(err, "3/6 training data");
            boolean held = Files.exists(files.split());
            DataStages.Prompts ps = held ? DataStages.Prompts.read(dir, false, 0) : DataStages.Prompts.read(prompts != null ? prompts : dir, false, b.prompts);
            DataStages.sft(dir, c, ps, tgt, gen, jud, CritiqueRevision.Settings.defaults().withRounds(1), progress);
            DataStages.prefs(dir, c, ps, tgt, jud, FeedbackPrinciple.of(c), FeedbackLabeling.Settings.defaults(), progress);
            DataStages.distill(dir, c, ps, tgt, jud, ContextDistillation.Settings.defaults(), progress);
            var understanding = new Understanding.Settings(Set.of(Understanding.Question.values()), seed, 0.7, b.maxTokens * 2, 8);
            DataStages.understand(dir, c, selection.apply(c), ps, gen, jud, understanding, b.understanding, progress);
        }

        stage(err, "4/6 export");
        for (String format : List.of("trl-sft", "trl-dpo")) {
            try {
                Exporter.Result r = Exporter.export(new Exporter.Request(dir, ExportFormats.get(format), Set.of(), Optional.empty(),
                        new Filters(true, 1, 0, 0), new Split(0.05)));
                out.println(format + ": " + r.counts().getOrDefault("train", 0) + " rows in " + r.train());
            } catch (InputError e) {
                // a stage that produced no usable rows (e.g. no pair of distinct samples) must not cost the report
                err.println(format + ": nothing exported: " + e.getMessage());
            }
        }

        stage(err, "5/6 report");
        RunReport report = RunLoader.load(dir);
        Path page = dir.resolve("report.html");
        Json.writeAtomically(page, ReportPage.render(report, ReportPage.DEFAULT_MAX_CHARS));
        SummaryFile.write(report, dir.resolve("summary.json"));

        stage(err, "6/6 summary");
        out.print(TerminalSummary.render(report));
        out.println("report " + page + ", figures " + dir.resolve("summary.json"));
        return failUnder.verdict(report.evals(), out, err);
    }

    private Budget budget() {
        try {
            return Budget.valueOf(budget.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InputError("--budget '" + budget + "' is not one of small, medium, large.");
        }
    }

    private static void stage(PrintWriter err, String name) {
        err.println("== " + name);
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /**
     * What a run will ask of each model, estimated before any call: with conflicts, one call per
     * clause finds the rules of other tiers in tension with it; generation writes one call per
     * clause and kind, the filter one per scenario; a quarter of each clause's scenarios (at most
     * the budget's prompts) are held out as training prompts, and the target and the judge take
     * one call each per other scenario and condition. Each training prompt costs 3 calls for
     * critique-revision (answer, critique, revision) and about 4 judge calls to accept it (the
     * revision and the initial answer under the scenario's rubric and the critique clause), 6 for
     * preferences (2 samples, 2 principles in 2 orders), and 1 for distillation plus 1 judge call;
     * a conflict scenario among them adds one target call (the other is distillation's, replayed)
     * and 2 judge calls for its pair; each understanding question is one generator call, and a
     * conflict question one judge call more.
     */
    record Plan(Map<String, Stage> stages) {
        record Stage(String role, long calls, long inputTokens, long outputTokens) {}

        static Plan of(Constitution c, ClauseSelection selection, List<ScenarioKind> kinds, Budget b, List<Condition> conds, Path prompts) {
            int clauses = selection.apply(c).size();
            int perClause = kinds.size() * b.perClause;
            long generated = (long) clauses * perClause;
            // held out as ScenarioSplit does it: a quarter of each clause's scenarios, one at least, never all
            long heldPerClause = perClause < 2 ? 0 : Math.min(perClause - 1, Math.max(1, Math.round(Budget.HELD_OUT * perClause)));
            long held = prompts != null ? 0 : b.prompts > 0 ? Math.min(b.prompts, clauses * heldPerClause) : clauses * heldPerClause;
            long scenarios = generated - held;
            long dataPrompts = prompts != null ? (b.prompts > 0 ? Math.min(b.prompts, promptCount(prompts)) : promptCount(prompts)) : held;
            long conflictPrompts = prompts != null || !kinds.contains(ScenarioKind.CONFLICT) ? 0 : dataPrompts / kinds.size();
            long questions = b.understanding > 0 ? Math.min(b.understanding, 3L * clauses) : 3L * clauses;
            long constitutionTokens = ConstitutionPrompt.render(c).length() / 4;
            long answer = b.maxTokens / 2;
            Map<String, Stage> s = new LinkedHashMap<>();
            if (kinds.contains(ScenarioKind.CONFLICT)) s.put("pair conflicting clauses", new Stage("generator", clauses, 900, 120));
            s.put("generate scenarios", new Stage("generator", (long) clauses * kinds.size(), 600, 250L * b.perClause));
            s.put("filter scenarios", new Stage("judge", generated, 500, 120));
            long prompted = conds.stream().filter(x -> x != Condition.BARE).count();
            // an attack scenario is answered once under prompted and attacked together (Evals.counted)
            long answers = scenarios * conds.size() - (conds.contains(Condition.PROMPTED) && conds.contains(Condition.ATTACKED)
                    && kinds.contains(ScenarioKind.ATTACK) ? (long) clauses * b.perClause : 0);
            s.put("target answers", new Stage("target", answers, 150 + constitutionTokens * prompted / Math.max(1, conds.size()), answer));
            s.put("judge verdicts", new Stage("judge", answers, 700 + answer, 200));
            // each labelled response is graded once; about half of them are BAD ones asked against a GOOD in both orders
            s.put("judge vs human labels", new Stage("judge", 2L * b.labelled, 800, 150));
            s.put("sft (critique, revision)", new Stage("target+generator", dataPrompts * 3, 600, answer));
            s.put("prefs (samples, feedback)", new Stage("target+judge", dataPrompts * 6 + conflictPrompts, 500, answer / 2));
            s.put("distill", new Stage("target", dataPrompts, 150 + constitutionTokens, answer));
            s.put("understanding", new Stage("generator", questions, 300 + constitutionTokens, answer));
            s.put("accept (judge)", new Stage("judge", dataPrompts * 5 + conflictPrompts * 2 + questions / 3, 700 + answer, 200));
            return new Plan(s);
        }

        private static long promptCount(Path prompts) {
            try (var lines = Files.lines(prompts)) {
                return lines.filter(l -> !l.isBlank()).count();
            } catch (java.io.IOException e) {
                throw new InputError("Cannot read prompt file " + prompts + ": " + cai4j.FileProblem.reason(e) + ".", e);
            }
        }
    }

    private void printPlan(PrintWriter out, Plan plan, Constitution c, ModelSpec target, ModelSpec judge, ModelSpec generator, Path dir) {
        var prices = roadOptions.config().prices();
        out.println("plan for " + c.title() + " in " + dir + " (budget " + budget + "; nothing is called)");
        out.println("  target " + target + ", judge " + judge + ", generator " + generator);
        out.printf(Locale.ROOT, "  %-28s %8s %12s %12s %10s%n", "stage", "calls", "tokens in", "tokens out", "cost USD");
        long calls = 0, in = 0, outT = 0;
        double cost = 0;
        for (var e : plan.stages().entrySet()) {
            Plan.Stage s = e.getValue();
            long i = s.calls() * s.inputTokens(), o = s.calls() * s.outputTokens();
            ModelSpec who = s.role().startsWith("target") ? target : s.role().equals("judge") ? judge : generator;
            double usd = prices.cost(who, new Usage(i, o, 0));
            out.printf(Locale.ROOT, "  %-28s %8d %12d %12d %10.4f%n", e.getKey(), s.calls(), i, o, usd);
            calls += s.calls();
            in += i;
            outT += o;
            cost += usd;
        }
        out.printf(Locale.ROOT, "  %-28s %8d %12d %12d %10.4f%n", "total", calls, in, outT, cost);
        boolean local = target.provider().equals("llama");
        // rough CPU figures for a 1.5B Q4 model on a few cores; remote providers answer many calls at once
        double seconds = local ? in / 150.0 + outT / 12.0 : (double) calls / Math.max(1, roadOptions.concurrency) * 3.0;
        out.printf(Locale.ROOT, "  estimated time %s (%s); calls already in %s replay at no cost%n",
                duration(seconds), local ? "embedded model on this machine, rough" : "at --concurrency " + roadOptions.concurrency, dir.resolve("ledger.db"));
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60) : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
