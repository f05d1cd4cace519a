package cai4j.run;

import cai4j.constitution.Constitution;
import cai4j.evals.EvalFiles;
import cai4j.model.LanguageModel;
import cai4j.model.ModelSpec;
import cai4j.report.RunReport;
import cai4j.road.Road;
import cai4j.road.RoadConfig;
import cai4j.scheduler.StageProgress;
import cai4j.train.TrainingRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the stages of one run share: the request, the compiled constitution, the models of each role
 * on one road (opened when a stage first needs a model), and the report once it is built.
 */
public final class RunContext implements AutoCloseable {
    private final RunRequest request;
    private final Constitution constitution;
    private final Roles roles;
    private final RoadConfig config;
    private final Console console;
    private final PageRenderer page;
    private Road road;
    private RunReport report;
    private final List<String> failures = new ArrayList<>();

    RunContext(RunRequest request, Constitution constitution, Roles roles, RoadConfig config, Console console, PageRenderer page) {
        this.request = request;
        this.constitution = constitution;
        this.roles = roles;
        this.config = config;
        this.console = console;
        this.page = page;
    }

    public RunRequest request() { return request; }
    public Constitution constitution() { return constitution; }
    public Roles roles() { return roles; }
    public Console console() { return console; }
    public PageRenderer page() { return page; }
    public RunDirectory dir() { return new RunDirectory(request.dir()); }
    public EvalFiles evalFiles() { return new EvalFiles(request.dir()); }

    /** The model of a role, through the run's road (every call goes through its ledger). */
    public LanguageModel model(Role role) {
        return model(roles.of(role));
    }

    /** A model through the run's road. */
    public LanguageModel model(ModelSpec spec) {
        return road().model(spec);
    }

    /**
     * The trained model: the one named for the role, else the fine-tuned model the run's training
     * record holds, on the endpoint that trained it.
     */
    public Optional<ModelSpec> trained() {
        if (roles.trained().isPresent()) return roles.trained();
        return TrainingRecord.read(request.dir()).flatMap(r -> r.model().map(m -> {
            ModelSpec endpoint = ModelSpec.parse(r.provider());
            return new ModelSpec(endpoint.provider(), m, endpoint.baseUrl());
        }));
    }

    /** Progress of a long stage, shown beside the road's own line of calls and cost. */
    public StageProgress progress() {
        return console.progress(road());
    }

    private Road road() {
        if (road == null) road = Road.open(request.dir(), config);
        return road;
    }

    /** The report the report stage built, for the stages after it. */
    public Optional<RunReport> report() {
        return Optional.ofNullable(report);
    }

    void report(RunReport r) {
        this.report = r;
    }

    /** A stage failed without stopping the run: the sentence is printed and the command exits non-zero at its end. */
    void failed(String sentence) {
        failures.add(sentence);
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    /** Closes the road, if open: its ledger is flushed and its progress line ends. */
    void closeRoad() {
        if (road != null) {
            road.close();
            road = null;
        }
    }

    @Override
    public void close() {
        closeRoad();
    }
}
