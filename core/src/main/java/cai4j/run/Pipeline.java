package cai4j.run;

import cai4j.Json;
import cai4j.RunLock;
import cai4j.constitution.Compiler;
import cai4j.constitution.Constitution;
import cai4j.evals.EvalFiles;
import cai4j.report.RunLoader;
import cai4j.road.RoadConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The stages of {@code cai4j run}, in order, over one run directory: the constitution is compiled
 * and planned first (so a dry run can print the plan), then each stage reads what the ones before it
 * wrote. The list of stages is here and nowhere else; a stage whose inputs are absent is skipped with
 * a note. Rerunning resumes, since every model call replays from the run's ledger.
 */
public final class Pipeline {

    /** The stages of a run, in order. */
    public static List<Stage> stages() {
        return List.of(new ScenariosStage(), new TargetAndJudgeStage(), new TrainingDataStage(), new ExportStage(),
                new TrainStage(Duration.ofSeconds(10)), new TrainedStage(), new ReportStage(), new SummaryStage());
    }

    private final RunRequest request;
    private final Roles roles;
    private final Constitution constitution;
    private final List<Stage> stages;

    private Pipeline(RunRequest request, Roles roles, Constitution constitution, List<Stage> stages) {
        this.request = request;
        this.roles = roles;
        this.constitution = constitution;
        this.stages = List.copyOf(stages);
    }

    /** Compiles the constitution; bad input stops here, before the run directory is touched. */
    public static Pipeline of(RunRequest request, Roles roles) {
        return new Pipeline(request, roles, Compiler.compile(request.constitution()), stages());
    }

    /** The same run with other stages, e.g. a part of them. */
    public Pipeline withStages(List<Stage> other) {
        return new Pipeline(request, roles, constitution, other);
    }

    public Constitution constitution() { return constitution; }
    public Roles roles() { return roles; }
    public RunRequest request() { return request; }

    /** What the run will ask of each model; nothing is called. */
    public Plan plan() {
        return Plan.of(constitution, request);
    }

    /**
     * Runs every stage, holding the run directory's lock throughout; the manifest is written before
     * the first stage, at each stage, and when the last one ends.
     *
     * @return the run's report, when the report stage ran, and the failures of stages that did not stop it
     */
    public RunResult run(RoadConfig config, Console console, PageRenderer page) {
        return run(config, console, page, Clock.systemUTC());
    }

    private void writePartial(RunContext context, Console console, List<Stage> rest) {
        String missing = "The evaluation is finished; still to come: " + String.join(", ", rest.stream().map(Stage::name).toList()) + ".";
        try {
            Json.writeAtomically(context.dir().report(), context.page().partial(RunLoader.load(request.dir()), missing));
            console.note("partial report " + context.dir().report());
        } catch (RuntimeException e) {
            // nothing is lost: the report stage writes the whole page
        }
    }

    RunResult run(RoadConfig config, Console console, PageRenderer page, Clock clock) {
        RunDirectory dir = new RunDirectory(request.dir());
        try (var lock = RunLock.acquire(request.dir()); var context = new RunContext(request, constitution, roles, config, console, page)) {
            EvalFiles files = new EvalFiles(request.dir());
            if (request.startOver()) files.startOver();
            files.claimConstitution(constitution);
            Manifest manifest = Manifest.start(request, constitution, roles, config.env(), stages.isEmpty() ? Manifest.DONE : stages.getFirst().name(), clock.instant());
            manifest.write(dir);
            for (int i = 0; i < stages.size(); i++) {
                Stage stage = stages.get(i);
                String header = "== " + (i + 1) + "/" + stages.size() + " " + stage.name();
                Optional<String> missing = stage.missing(context);
                if (missing.isPresent()) {
                    console.note(header + ": skipped, " + missing.get());
                    manifest = manifest.skipping(stage.name(), missing.get());
                    manifest.write(dir);
                    continue;
                }
                // a stage without model calls starts once the road is closed, so every call is in the ledger and counted
                if (!stage.callsModels()) context.closeRoad();
                console.note(header);
                manifest = manifest.at(stage.name());
                manifest.write(dir);
                stage.run(context);
                // the evaluation's figures are final once it is graded: a page marked partial shows
                // them while the training data, often the longer part, is still being made
                if (stage instanceof TargetAndJudgeStage && i + 1 < stages.size()) writePartial(context, console, stages.subList(i + 1, stages.size()));
            }
            context.closeRoad();
            manifest.done(clock.instant()).write(dir);
            return new RunResult(context.report(), context.failures());
        }
    }
}
