package cai4j.cli;

import cai4j.evals.Condition;
import cai4j.model.ModelSpec;
import cai4j.road.Road;
import cai4j.run.Budget;
import cai4j.run.Console;
import cai4j.run.Pipeline;
import cai4j.run.Plan;
import cai4j.run.Roles;
import cai4j.run.RunDirectory;
import cai4j.run.RunRequest;
import cai4j.run.RunResult;
import cai4j.scheduler.StageProgress;
import cai4j.scheduler.Progress;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
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
                "The target defaults to $CAI4J_MODEL, else the embedded model; the judge to the target; the generator to the judge.",
                "RUN/manifest.json records the command, versions, models and hashes. Rerunning resumes: finished model calls replay from RUN/ledger.db."})
final class RunCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CONSTITUTION", description = "The constitution (.md, .json, .yaml, text).")
    Path constitution;

    @Option(names = "--run", paramLabel = "DIR", description = "The run directory (default: runs/<constitution name>).")
    Path run;

    @Option(names = "--target", paramLabel = "SPEC", description = "The model under test (default: $CAI4J_MODEL, else the embedded model).")
    String target;

    @Option(names = "--judge", paramLabel = "SPEC", description = "Grades answers and labels preferences (default: the target's model).")
    String judge;

    @Option(names = "--generator", paramLabel = "SPEC", description = "Writes scenarios, critiques and revisions (default: the judge's model).")
    String generator;

    @Mixin
    TrainedModel trainedModel = new TrainedModel();

    @Option(names = "--train", paramLabel = "SPEC",
            description = {"Fine-tune this base model on the run's data (openai:BASE, or openai:BASE@URL for a compatible server), SFT then DPO",
                    "as `cai4j train` does, then evaluate it as the trained model (default: no training; a model the run's",
                    "RUN/train/training.json records is evaluated all the same)."})
    String train;

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
        Budget b = Budget.parse(budget);
        List<Condition> conds = new ArrayList<>(Condition.list(conditions));
        Optional<ModelSpec> trainOn = Optional.ofNullable(train).map(ModelSpec::parse);
        if ((trainedModel.trained != null || trainOn.isPresent()) && !conds.contains(Condition.TRAINED)) conds.add(Condition.TRAINED);
        failUnder.check(conds);
        Roles roles = Models.roles(target, judge, generator, trainedModel.trained);
        Path dir = run != null ? run : RunDirectory.defaultFor(constitution).path();
        RunRequest request = new RunRequest(constitution, dir, b, conds, seed, Optional.ofNullable(prompts), startOver, commandLine(), trainOn);
        Pipeline pipeline = Pipeline.of(request, roles);
        if (dryRun) {
            printPlan(out, pipeline, dir);
            return Main.OK;
        }
        roles.selfJudgingNote().ifPresent(err::println);
        RunResult result = pipeline.run(roadOptions.config(), console(out, err), ReportPage.renderer());
        int verdict = failUnder.verdict(result.report().orElseThrow().evals(), out, err);
        result.failures().forEach(f -> err.println("error: " + f));
        return result.failures().isEmpty() ? verdict : Math.max(verdict, Main.CHECK_FAILED);
    }

    /** The command as typed, for the manifest (which cuts secrets out of it). */
    private List<String> commandLine() {
        List<String> args = new ArrayList<>(List.of("cai4j"));
        args.addAll(spec.root().commandLine().getParseResult().originalArgs());
        return args;
    }

    static Console console(PrintWriter out, PrintWriter err) {
        return new Console() {
            @Override public void print(String text) { out.print(text); out.flush(); }
            @Override public void note(String line) { err.println(line); }
            @Override public StageProgress progress(Road road) { return Models.progress(road, err); }
        };
    }

    private void printPlan(PrintWriter out, Pipeline pipeline, Path dir) {
        Roles roles = pipeline.roles();
        var config = roadOptions.config();
        Plan.Estimate e = pipeline.plan().estimate(roles, config.batch() ? config.prices().forBatch() : config.prices(), roadOptions.concurrency);
        out.println("plan for " + pipeline.constitution().title() + " in " + dir + " (budget " + budget + "; nothing is called"
                + (config.batch() ? "; costs at the batch price" : "") + ")");
        out.println("  target " + roles.target() + ", judge " + roles.judge() + ", generator " + roles.generator()
                + roles.trained().map(t -> ", trained " + t).orElse(""));
        pipeline.request().train().ifPresent(t -> out.println("  then fine-tunes " + t + " on the data, SFT then DPO (not in the table: `cai4j train "
                + dir + " --provider " + t + " --dry-run` prices it once the data exists), and evaluates the result as the trained model"));
        out.printf(Locale.ROOT, "  %-28s %8s %12s %12s %10s%n", "stage", "calls", "tokens in", "tokens out", "cost USD");
        for (Plan.Row r : e.rows()) row(out, r);
        row(out, e.total());
        out.printf(Locale.ROOT, "  estimated time %s (%s); calls already in %s replay at no cost%n",
                Progress.duration(Math.round(e.seconds())), e.local() ? "embedded model on this machine, rough" : "at --concurrency " + roadOptions.concurrency, new RunDirectory(dir).ledger());
    }

    private static void row(PrintWriter out, Plan.Row r) {
        out.printf(Locale.ROOT, "  %-28s %8d %12d %12d %10.4f%n", r.stage(), r.calls(), r.inputTokens(), r.outputTokens(), r.usd());
    }
}
