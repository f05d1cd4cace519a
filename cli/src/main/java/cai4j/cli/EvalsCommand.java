package cai4j.cli;

import cai4j.InputError;
import cai4j.constitution.Compiler;
import cai4j.constitution.Constitution;
import cai4j.evals.ClauseSelection;
import cai4j.evals.Condition;
import cai4j.evals.Dedupe;
import cai4j.evals.EvalFiles;
import cai4j.evals.ScenarioSplit;
import cai4j.evals.Evals;
import cai4j.evals.ScenarioExport;
import cai4j.evals.ScenarioGenerator;
import cai4j.evals.ScenarioKind;
import cai4j.Json;
import cai4j.model.LanguageModel;
import cai4j.model.ModelSpec;
import cai4j.report.RunLoader;
import cai4j.report.RunReport;
import cai4j.report.SummaryFile;
import cai4j.report.TerminalSummary;
import cai4j.road.Road;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "evals", mixinStandardHelpOptions = true,
        description = "Model-written evaluations: write scenarios for every clause, run a target on them, judge the answers.",
        subcommands = {EvalsCommand.Generate.class, EvalsCommand.Run.class, EvalsCommand.Export.class})
final class EvalsCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = {"Write test scenarios for the clauses of a constitution into RUN/evals/scenarios.jsonl.",
                    "The generator writes them, the judge drops those that do not test their clause, near-duplicates are removed.",
                    "Rerunning replays finished model calls from RUN/ledger.db."})
    static final class Generate implements Callable<Integer> {
        @Parameters(paramLabel = "CONSTITUTION", description = "The constitution (.md, .json, .yaml, text) or a compiled constitution.json.")
        Path constitution;

        @Option(names = "--run", required = true, paramLabel = "DIR", description = "The run directory (created if needed).")
        Path run;

        @Option(names = "--per-clause", paramLabel = "N", defaultValue = "3", description = "Scenarios of each kind per clause (default: ${DEFAULT-VALUE}).")
        int perClause;

        @Option(names = "--kinds", paramLabel = "KINDS", defaultValue = "direct,conflict,attack,benign",
                description = "Comma-separated kinds: direct, conflict, attack, benign (default: ${DEFAULT-VALUE}).")
        String kinds;

        @Option(names = "--clauses", paramLabel = "LIST", description = "Comma-separated clause ids, tier ids or section headings (default: every rule clause).")
        String clauses;

        @Option(names = "--sample", paramLabel = "N", defaultValue = "0", description = "Keep N of the selected clauses, picked at random with --seed.")
        int sample;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of --sample, of conflict pairings and of the generator (default: ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--generator", paramLabel = "SPEC", description = "Model that writes scenarios (default: the judge).")
        String generator;

        @Option(names = "--judge", paramLabel = "SPEC", description = "Model that filters scenarios (default: $CAI4J_MODEL, else the embedded default model).")
        String judge;

        @Option(names = "--no-filter", description = "Keep every scenario without asking the judge.")
        boolean noFilter;

        @Option(names = "--hold-out", paramLabel = "SHARE", defaultValue = "0",
                description = {"Hold this share of each clause's scenarios out of the evaluation as training prompts (RUN/evals/split.json):",
                        "'evals run' never grades them and 'data --prompts RUN' uses only them (default: ${DEFAULT-VALUE}, none)."})
        double holdOut;

        @picocli.CommandLine.Mixin
        Models.RoadOptions roadOptions = new Models.RoadOptions();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (holdOut < 0 || holdOut >= 1) throw new InputError("--hold-out must be at least 0 and below 1, not " + holdOut + ".");
            Constitution c = Compiler.compile(constitution);
            var settings = new ScenarioGenerator.Settings(perClause, ScenarioKind.list(kinds), seed, 0.8, ScenarioGenerator.Settings.maxTokensFor(perClause));
            var options = new Evals.GenerateOptions(ClauseSelection.of(clauses, sample, seed), settings, !noFilter, Dedupe.DEFAULT_THRESHOLD);
            cai4j.run.Roles roles = Models.roles(null, judge, generator);
            try (Road road = Models.road(run, roadOptions)) {
                LanguageModel gen = road.model(roles.generator());
                LanguageModel jud = noFilter ? gen : road.model(roles.judge());
                Evals.GenerateReport report = Evals.generate(run, c, gen, jud, options, Models.progress(road, err));
                out.println(report.kept() + " scenarios for " + report.clauses() + " clauses written to " + new EvalFiles(run).scenarios());
                report.rejected().forEach((stage, n) -> out.println("  " + n + " dropped: " + stage));
                if (report.kept() == 0) {
                    err.println("error: no scenario survived generation; see " + new EvalFiles(run).rejected());
                    return Main.CHECK_FAILED;
                }
                if (holdOut > 0) {
                    EvalFiles files = new EvalFiles(run);
                    ScenarioSplit split = ScenarioSplit.of(files.readScenarios(), holdOut, 0, seed);
                    split.write(files);
                    out.println("  " + split.train().size() + " held out of the evaluation as training prompts: " + files.split());
                }
            }
            return Main.OK;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Run a target model on the scenarios of a run under each condition and judge every answer;",
                    "with --trained, the trained model too, without the constitution.",
                    "Writes RUN/evals/responses.jsonl, verdicts.jsonl and summary.json, and prints a table.",
                    "Rerunning replays finished model calls from RUN/ledger.db."})
    static final class Run implements Callable<Integer> {
        @Option(names = "--run", required = true, paramLabel = "DIR", description = "The run directory written by 'evals generate'.")
        Path run;

        @Option(names = "--target", required = true, paramLabel = "SPEC", description = "The model under test.")
        String target;

        @Option(names = "--conditions", paramLabel = "LIST", defaultValue = "bare,prompted,attacked",
                description = {"Comma-separated conditions: bare, prompted (constitution as system prompt), attacked (prompted, wrapped by an attack),",
                        "trained (the --trained model, no constitution) (default: ${DEFAULT-VALUE}, and trained with --trained)."})
        String conditions;

        @picocli.CommandLine.Mixin
        TrainedModel trainedModel = new TrainedModel();

        @Option(names = "--judge", paramLabel = "SPEC", description = "The grading model (default: the target, which takes --allow-self-judge).")
        String judge;

        @Option(names = "--judge-samples", paramLabel = "K", defaultValue = "1", description = "Judge answers per response; the median counts (default: ${DEFAULT-VALUE}).")
        int judgeSamples;

        @picocli.CommandLine.Mixin
        FailUnder failUnder = new FailUnder();

        @Option(names = "--allow-self-judge", description = "Let the judge be the target model.")
        boolean allowSelfJudge;

        @Option(names = "--max-tokens", converter = Positive.Count.class, paramLabel = "N", defaultValue = "1024", description = "Longest target answer in tokens (default: ${DEFAULT-VALUE}).")
        int maxTokens;

        @picocli.CommandLine.Mixin
        Models.RoadOptions roadOptions = new Models.RoadOptions();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Optional<ModelSpec> trainedSpec = trainedModel.spec();
            var options = new Evals.RunOptions(Condition.list(conditions), judgeSamples, 0.7, maxTokens, allowSelfJudge)
                    .forTrained(trainedSpec.isPresent());
            failUnder.check(options.conditions());
            cai4j.run.Roles roles = Models.roles(target, judge, null);
            ModelSpec targetSpec = roles.target();
            ModelSpec judgeSpec = roles.judge();
            Evals.checkJudge(judgeSpec, targetSpec, trainedSpec, allowSelfJudge);
            if (maxTokens < 1) throw new InputError("--max-tokens must be at least 1, not " + maxTokens + ".");
            // a run directory without scenarios is bad input before any ledger is opened in it
            new EvalFiles(run).readConstitution();
            new EvalFiles(run).readScenarios();
            try (var lock = cai4j.RunLock.acquire(run)) {
                return runAndReport(out, err, options, targetSpec, trainedSpec, judgeSpec);
            }
        }

        private int runAndReport(PrintWriter out, PrintWriter err, Evals.RunOptions options, ModelSpec targetSpec, Optional<ModelSpec> trainedSpec,
                                 ModelSpec judgeSpec) {
            try (Road road = Models.road(run, roadOptions)) {
                Evals.run(run, road.model(targetSpec), trainedSpec.map(road::model), road.model(judgeSpec), options, Models.progress(road, err));
            }
            // the figures, summary.json and the terminal lines come from the report, their one home
            RunReport report = RunLoader.load(run);
            SummaryFile.write(report, new EvalFiles(run).runDir().resolve("summary.json"));
            out.print(TerminalSummary.render(report));
            out.println("files: " + new EvalFiles(run).dir() + ", figures " + run.resolve("summary.json"));
            return failUnder.verdict(report.evals(), out, err);
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Export the scenarios of a run for other eval tools: a promptfoo config (llm-rubric asserts) or an Inspect AI dataset (JSONL).")
    static final class Export implements Callable<Integer> {
        @Option(names = "--run", required = true, paramLabel = "DIR", description = "The run directory written by 'evals generate'.")
        Path run;

        @Option(names = "--format", required = true, paramLabel = "FORMAT", description = "promptfoo or inspect.")
        String format;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write (default: RUN/evals/scenarios.<format>.<ext>; '-' for standard output).")
        Path output;

        @Option(names = "--condition", paramLabel = "C", defaultValue = "bare",
                description = "bare, prompted (the constitution as system message), attacked, or trained (as bare) (default: ${DEFAULT-VALUE}).")
        String condition;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ScenarioExport f = ScenarioExport.of(format);
            EvalFiles files = new EvalFiles(run);
            String text = f.render(files.readConstitution(), files.readEvaluationScenarios(), Condition.of(condition));
            if (output != null && output.toString().equals("-")) {
                spec.commandLine().getOut().print(text);
                spec.commandLine().getOut().flush();
                return Main.OK;
            }
            Path target = output == null ? files.dir().resolve(f.fileName()) : output;
            Json.writeAtomically(target, text);
            spec.commandLine().getOut().println("wrote " + target);
            return Main.OK;
        }
    }

}
