package cai4j.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cai4j.InputError;
import cai4j.Json;
import cai4j.evals.Condition;
import cai4j.report.RunReport;
import cai4j.road.Road;
import cai4j.road.RoadConfig;
import cai4j.scheduler.StageProgress;
import cai4j.testserver.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stages of a run in core, against one local server playing generator, target and judge. */
class PipelineTest {

    static final String KEY = "sk-test-0123456789abcdef";
    static final Map<String, String> ENV = Map.of("OPENAI_API_KEY", KEY);

    @TempDir
    Path dir;

    /** What the pipeline said, as a person would see it. */
    static final class Recorded implements Console {
        final StringBuilder out = new StringBuilder();
        final List<String> notes = new ArrayList<>();

        @Override public void print(String text) { out.append(text); }
        @Override public void note(String line) { notes.add(line); }
        @Override public StageProgress progress(Road road) { return StageProgress.NONE; }
    }

    static RunRequest request(Path constitution, Path run, String... command) {
        return new RunRequest(constitution, run, Budget.SMALL, List.of(Condition.BARE, Condition.PROMPTED), 0, Optional.empty(), false, List.of(command), Optional.empty());
    }

    /** A run that fine-tunes the server's target on its data with --train, polling the jobs every 5 ms. */
    static Pipeline trainingLoop(TestServer server, Path run, List<Condition> conditions) {
        RunRequest r = new RunRequest(Path.of("examples/helpful-assistant.md"), run, Budget.SMALL, conditions, 0, Optional.empty(), false,
                List.of("cai4j"), Optional.of(cai4j.model.ModelSpec.parse(server.openAiSpec("target"))));
        List<Stage> quickPolls = Pipeline.stages().stream()
                .map(s -> s instanceof TrainStage ? new TrainStage(java.time.Duration.ofMillis(5)) : s).toList();
        return Pipeline.of(r, roles(server)).withStages(quickPolls);
    }

    static Roles roles(TestServer server) {
        Map<Role, String> named = Roles.named();
        named.put(Role.TARGET, server.openAiSpec("target"));
        named.put(Role.JUDGE, server.openAiSpec("judge"));
        named.put(Role.GENERATOR, server.openAiSpec("gen"));
        return Roles.resolve(named, ENV);
    }

    static RoadConfig config() {
        return RoadConfig.defaults().withEnv(ENV);
    }

    @Test
    void everyStageRunsInOrderAndTheManifestRecordsTheRunAndEveryTemplateItsCallsUsed() throws Exception {
        Path run = dir.resolve("run");
        try (TestServer server = TestServer.start().answeringWith(ScriptedRun::answer)) {
            Recorded console = new Recorded();
            Pipeline pipeline = Pipeline.of(request(Path.of("examples/helpful-assistant.md"), run,
                    "cai4j", "run", "examples/helpful-assistant.md", "--target", server.openAiSpec("target")), roles(server));
            Optional<RunReport> report = pipeline.run(config(), console, r -> "<html>" + r.evals().conditions() + "</html>").report();

            assertThat(report).isPresent();
            assertThat(console.notes).filteredOn(n -> n.startsWith("== ")).containsExactly(
                    "== 1/8 scenarios", "== 2/8 target and judge", "== 3/8 training data", "== 4/8 export",
                    "== 5/8 train: skipped, no fine-tuning provider named (--train SPEC)",
                    "== 6/8 trained: skipped, no trained model (--trained SPEC, or --train SPEC to fine-tune one)",
                    "== 7/8 report", "== 8/8 summary");
            assertThat(console.notes).contains("6 scenarios held out of the evaluation as training prompts (" + run.resolve("evals/split.json") + ")");
            assertThat(console.out.toString()).contains("trl-sft: ").contains("report " + run.resolve("report.html"));
            assertThat(Files.readString(run.resolve("report.html"))).startsWith("<html>");
            assertThat(Files.readAllLines(run.resolve("evals/verdicts.jsonl"))).hasSize(24);
            assertThat(run.resolve("summary.json")).exists();

            JsonNode m = Json.MAPPER.readTree(run.resolve("manifest.json").toFile());
            assertThat(m.get("stage").asText()).isEqualTo("done");
            assertThat(m.get("ended").asText()).isGreaterThanOrEqualTo(m.get("started").asText());
            assertThat(m.at("/models/target").asText()).isEqualTo(server.openAiSpec("target"));
            assertThat(m.at("/models/judge").asText()).isEqualTo(server.openAiSpec("judge"));
            assertThat(m.at("/models/generator").asText()).isEqualTo(server.openAiSpec("gen"));
            assertThat(m.at("/models").has("trained")).isFalse();
            assertThat(m.get("budget").asText()).isEqualTo("small");
            assertThat(m.get("java").asText()).isEqualTo(Runtime.version().toString());
            assertThat(m.get("cai4j").asText()).as("the version the build wrote").matches("\\d+\\.\\d+\\.\\d+.*");
            assertThat(m.at("/constitution/sha256").asText()).isEqualTo(cai4j.Hash.sha256(Files.readAllBytes(Path.of("examples/helpful-assistant.md"))));
            assertThat(m.at("/command/0").asText()).isEqualTo("cai4j");

            // every template version that went into a ledger key is one the manifest names
            Set<String> recorded = new HashSet<>();
            m.get("templates").forEach(v -> recorded.add(v.asText()));
            Set<String> used = new HashSet<>();
            try (var db = DriverManager.getConnection("jdbc:sqlite:" + run.resolve("ledger.db").toAbsolutePath());
                 var rs = db.createStatement().executeQuery("SELECT DISTINCT json_extract(request, '$.template') FROM calls WHERE COALESCE(json_extract(request, '$.template'), '') != ''")) {
                while (rs.next()) used.add(rs.getString(1));
            }
            assertThat(used).hasSizeGreaterThan(5);
            assertThat(recorded).containsAll(used);

            int calls = server.received();
            Recorded again = new Recorded();
            pipeline.run(config(), again, r -> "<html></html>");
            assertThat(server.received()).as("a rerun replays every call from the ledger").isEqualTo(calls);
        }
    }

    @Test
    void theLoopFineTunesOnTheRunsDataAndEvaluatesTheTrainedModelBesideBareAndPromptedAndARerunPaysForNothing() throws Exception {
        Path run = dir.resolve("run");
        try (TestServer server = TestServer.start().answeringWith(ScriptedRun::answer)) {
            Pipeline pipeline = trainingLoop(server, run, List.of(Condition.BARE, Condition.PROMPTED, Condition.TRAINED));
            Recorded console = new Recorded();
            pipeline.run(config(), console, x -> "<html></html>");

            assertThat(console.notes).filteredOn(n -> n.startsWith("== ")).containsExactly(
                    "== 1/8 scenarios", "== 2/8 target and judge", "== 3/8 training data", "== 4/8 export", "== 5/8 train", "== 6/8 trained",
                    "== 7/8 report", "== 8/8 summary");
            String model = cai4j.train.TrainingRecord.finalModel(run).orElseThrow();
            assertThat(model).startsWith("ft:");
            assertThat(server.fineTuning().uploads()).isEqualTo(2);
            assertThat(server.fineTuning().jobsCreated()).as("SFT, then DPO from the SFT model").isEqualTo(2);

            // the fine-tuned model answered the 12 graded scenarios, never a training prompt, beside bare and prompted
            List<JsonNode> verdicts = new ArrayList<>();
            for (String line : Files.readAllLines(run.resolve("evals/verdicts.jsonl"))) verdicts.add(Json.MAPPER.readTree(line));
            assertThat(verdicts).hasSize(36);
            assertThat(verdicts).filteredOn(v -> v.get("condition").asText().equals("trained"))
                    .hasSize(12).allSatisfy(v -> assertThat(v.get("target").asText()).isEqualTo(server.openAiSpec(model)));
            JsonNode split = Json.MAPPER.readTree(run.resolve("evals/split.json").toFile());
            split.get("train").forEach(id -> assertThat(verdicts).noneMatch(v -> v.get("scenarioId").asText().equals(id.asText())));

            JsonNode summary = Json.MAPPER.readTree(run.resolve("summary.json").toFile());
            assertThat(summary.at("/report/evals/trained").asText()).isEqualTo(server.openAiSpec(model));
            List<String> compared = new ArrayList<>();
            summary.at("/report/evals/comparisons").forEach(c -> compared.add(c.path("treated").asText() + "-" + c.path("baseline").asText()));
            assertThat(compared).contains("prompted-bare", "trained-bare", "trained-prompted");

            int calls = server.received();
            pipeline.run(config(), new Recorded(), x -> "<html></html>");
            assertThat(server.fineTuning().uploads()).isEqualTo(2);
            assertThat(server.fineTuning().jobsCreated()).isEqualTo(2);
            assertThat(Files.readAllLines(run.resolve("evals/verdicts.jsonl"))).hasSize(36);
            assertThat(server.fineTuning().jobsCreated()).isEqualTo(2);
            assertThat(server.received() - calls).as("a rerun only asks the recorded jobs' status; every model call replays").isLessThanOrEqualTo(4);
        }
    }

    @Test
    void aFailedFineTuningJobIsNamedAndTheRunStillWritesItsReportWithoutATrainedModel() throws Exception {
        Path run = dir.resolve("run");
        try (TestServer server = TestServer.start().answeringWith(ScriptedRun::answer)) {
            server.fineTuning().outcome(j -> cai4j.testserver.FineTuningEndpoints.Outcome.fail("invalid_training_file", "The file has no valid examples."));
            Recorded console = new Recorded();
            RunResult result = trainingLoop(server, run, List.of(Condition.BARE, Condition.PROMPTED)).run(config(), console, x -> "<html></html>");

            assertThat(result.failures()).singleElement().asString().contains("ftjob-").contains("The file has no valid examples")
                    .contains("cai4j train " + run + " --provider " + server.openAiSpec("target") + " --resubmit");
            assertThat(console.notes).anyMatch(n -> n.startsWith("== 6/8 trained: skipped, no trained model"));
            assertThat(result.report()).as("the report is written all the same").isPresent();
            assertThat(run.resolve("summary.json")).exists();
            assertThat(server.fineTuning().jobsCreated()).isEqualTo(1);
        }
    }

    @Test
    void aStageWhoseInputsAreAbsentIsSkippedWithItsReasonAndTheStagesAfterItRun() throws Exception {
        Path run = dir.resolve("run");
        Recorded console = new Recorded();
        Map<Role, String> none = Roles.named();
        Pipeline pipeline = Pipeline.of(request(Path.of("examples/helpful-assistant.md"), run), Roles.resolve(none, Map.of()))
                .withStages(List.of(new TargetAndJudgeStage(), new ExportStage(), new Stage() {
                    @Override public String name() { return "last"; }
                    @Override public void run(RunContext r) { r.console().print("last ran"); }
                }));
        pipeline.run(config(), console, r -> "");

        assertThat(console.notes).containsExactly(
                "== 1/3 target and judge: skipped, no scenarios in " + run.resolve("evals/scenarios.jsonl"),
                "== 2/3 export: skipped, no training data in " + run.resolve("data"),
                "== 3/3 last");
        assertThat(console.out.toString()).isEqualTo("last ran");
        assertThat(run.resolve("ledger.db")).as("no stage called a model, so no road was opened").doesNotExist();
        JsonNode m = Json.MAPPER.readTree(run.resolve("manifest.json").toFile());
        assertThat(m.get("stage").asText()).isEqualTo("done");
        assertThat(m.at("/skipped/export").asText()).startsWith("no training data");
        assertThat(m.at("/skipped/target and judge").asText()).startsWith("no scenarios");
    }

    @Test
    void aFailingStageLeavesTheManifestAtTheStageItReached() throws Exception {
        Path run = dir.resolve("run");
        Pipeline pipeline = Pipeline.of(request(Path.of("examples/helpful-assistant.md"), run), Roles.resolve(Roles.named(), Map.of()))
                .withStages(List.of(new Stage() {
                    @Override public String name() { return "first"; }
                    @Override public void run(RunContext r) {}
                }, new Stage() {
                    @Override public String name() { return "breaks"; }
                    @Override public void run(RunContext r) { throw new InputError("No scenario survived generation."); }
                }));
        assertThatThrownBy(() -> pipeline.run(config(), new Recorded(), r -> "")).isInstanceOf(InputError.class);
        JsonNode m = Json.MAPPER.readTree(run.resolve("manifest.json").toFile());
        assertThat(m.get("stage").asText()).isEqualTo("breaks");
        assertThat(m.has("ended")).isFalse();
        assertThat(run.resolve(cai4j.RunLock.FILE)).as("the run is released").doesNotExist();
    }
}
