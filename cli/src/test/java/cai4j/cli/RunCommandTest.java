package cai4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cai4j.Json;
import cai4j.run.ScriptedRun;
import cai4j.testserver.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `cai4j run` end to end: every stage against one local server playing generator, target and judge. */
class RunCommandTest {

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {}

    static Result cai4j(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    String[] args(TestServer server, Path run, String... more) {
        List<String> a = new ArrayList<>(List.of("run", "examples/helpful-assistant.md", "--run", run.toString(),
                "--target", server.openAiSpec("target"), "--judge", server.openAiSpec("judge"), "--generator", server.openAiSpec("gen")));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void aNamedTrainedModelIsEvaluatedBesideBareAndPromptedAndTheTrainProviderIsPlanned() throws Exception {
        Path run = dir.resolve("run");
        try (TestServer server = TestServer.start().answeringWith(ScriptedRun::answer)) {
            Result dry = cai4j(args(server, run, "--train", server.openAiSpec("target"), "--dry-run"));
            assertThat(dry.code()).as(dry.err()).isZero();
            assertThat(dry.out()).contains("then fine-tunes " + server.openAiSpec("target") + " on the data, SFT then DPO");
            assertThat(server.received()).isZero();

            Result r = cai4j(args(server, run, "--trained", server.openAiSpec("tuned"), "--fail-under", "50%", "--fail-under-condition", "trained"));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.err()).contains("5/8 train: skipped, no fine-tuning provider named").contains("== 6/8 trained");
            JsonNode summary = Json.MAPPER.readTree(run.resolve("summary.json").toFile());
            assertThat(summary.at("/report/evals/trained").asText()).isEqualTo(server.openAiSpec("tuned"));
            assertThat(summary.at("/report/evals/conditions").toString()).contains("trained");
            JsonNode manifest = Json.MAPPER.readTree(run.resolve("manifest.json").toFile());
            assertThat(manifest.at("/models/trained").asText()).isEqualTo(server.openAiSpec("tuned"));
        }
    }

    @Test
    void withBatchEveryStageIsAnsweredFromProviderBatchesWithTheSameFigures() throws Exception {
        Path run = dir.resolve("run");
        try (TestServer server = TestServer.start().answeringWith(ScriptedRun::answer)) {
            Result dry = cai4j(args(server, run, "--dry-run", "--batch"));
            assertThat(dry.code()).as(dry.err()).isZero();
            assertThat(dry.out()).contains("costs at the batch price");

            Result r = cai4j(args(server, run, "--fail-under", "60%", "--batch", "--batch-poll", "0.05"));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("check passed: prompted adherence 66.7% (8/12) is at least --fail-under 60.0%");
            assertThat(server.received()).as("no ordinary chat call").isZero();
            assertThat(server.batches().created()).isPositive();
            assertThat(Files.readAllLines(run.resolve("evals/verdicts.jsonl"))).hasSize(24);
        }
    }

    @Test
    void everyStageRunsAndARerunReplaysEverything() throws Exception {
        Path run = dir.resolve("run");
        try (TestServer server = TestServer.start().answeringWith(ScriptedRun::answer)) {
            Result dry = cai4j(args(server, run, "--dry-run"));
            assertThat(dry.code()).as(dry.err()).isZero();
            assertThat(dry.out()).contains("generate scenarios").contains("judge verdicts").contains("distill").contains("total");
            assertThat(server.received()).isZero();

            Result r = cai4j(args(server, run, "--fail-under", "60%"));
            assertThat(r.code()).as(r.err()).isZero();
            // the gate reads prompted alone, where the target keeps every rule but refuses the benign requests too
            assertThat(r.out()).contains("check passed: prompted adherence 66.7% (8/12) is at least --fail-under 60.0%");
            assertThat(r.err()).contains("1/8 scenarios").contains("3/8 training data").contains("7/8 report")
                    .contains("6 scenarios held out of the evaluation as training prompts");
            // 6 sampled clauses x 3 kinds x 1 scenario; one of each clause is held out for training,
            // the other 12 are answered bare and prompted
            assertThat(Files.readAllLines(run.resolve("evals/scenarios.jsonl"))).hasSize(18);
            assertThat(Files.readAllLines(run.resolve("evals/verdicts.jsonl"))).hasSize(24);
            JsonNode split = Json.MAPPER.readTree(run.resolve("evals/split.json").toFile());
            List<String> train = new ArrayList<>();
            split.get("train").forEach(t -> train.add(t.asText()));
            assertThat(train).hasSize(6);
            // stratified by the clause a scenario counts under (a conflict's winner may be outside the sample):
            // each sampled clause gives one, and every clause keeps scenarios for the evaluation
            List<JsonNode> counts = new ArrayList<>();
            split.get("clauses").forEach(counts::add);
            assertThat(counts).filteredOn(c -> c.get("train").asInt() == 1).hasSize(6);
            assertThat(counts).allSatisfy(c -> assertThat(c.get("evaluation").asInt()).isPositive());
            assertThat(Files.readString(run.resolve("evals/verdicts.jsonl"))).doesNotContain(train.toArray(String[]::new));
            JsonNode summary = Json.MAPPER.readTree(run.resolve("summary.json").toFile());
            assertThat(summary.at("/report/evals/kinds/direct/bare/pass").asInt()).isZero();
            assertThat(summary.at("/report/evals/kinds/direct/prompted/adherence/rate").asDouble()).isEqualTo(1.0);
            assertThat(summary.at("/report/evals/comparisons/0/overall/pairs").asInt()).isEqualTo(12);
            // every conflict pits a safer tier against a lower one: the lower won bare, the higher held prompted
            assertThat(summary.at("/report/evals/kinds/conflict/bare/pass").asInt()).isZero();
            assertThat(summary.at("/report/evals/kinds/conflict/prompted/adherence/rate").asDouble()).isEqualTo(1.0);
            JsonNode held = summary.at("/report/evals/conflicts/prompted");
            assertThat(held.isObject() && held.size() > 0).as("the report holds the tier matrix").isTrue();
            held.fields().forEachRemaining(w -> w.getValue().fields().forEachRemaining(l ->
                    assertThat(l.getValue().at("/held/rate").asDouble()).as(w.getKey() + " over " + l.getKey()).isEqualTo(1.0)));
            // the small budget's judge check: 4 labelled Model Spec responses graded by the run's judge
            assertThat(summary.at("/report/judgeAgreement/overall/responses").asInt()).isEqualTo(4);
            assertThat(summary.at("/report/judgeAgreement/judge").asText()).isEqualTo(server.openAiSpec("judge"));
            assertThat(r.out()).contains("judge vs Model Spec labels: agrees");

            // the target refuses benign requests with the constitution, and the judge keeps such answers out
            JsonNode distillMeta = Json.MAPPER.readTree(run.resolve("data/distill.meta.json").toFile());
            int benign = distillMeta.at("/rejected/response not compliant").asInt();
            assertThat(benign).isPositive();
            assertThat(Files.readAllLines(run.resolve("data/distill.jsonl"))).hasSize(6 - benign);
            assertThat(Files.readAllLines(run.resolve("data/sft.jsonl"))).hasSize(6 - benign);
            // a feedback pair for each training prompt, and a conflict pair for each conflict among them
            List<JsonNode> prefs = new ArrayList<>();
            for (String l : Files.readAllLines(run.resolve("data/prefs.jsonl"))) prefs.add(Json.MAPPER.readTree(l));
            assertThat(prefs).filteredOn(x -> x.get("source").asText().equals("feedback")).hasSize(6);
            assertThat(prefs).filteredOn(x -> x.get("source").asText().equals("conflict")).as(Files.readString(run.resolve("data/prefs.meta.json"))).isNotEmpty().allSatisfy(x -> {
                assertThat(train).contains(x.get("scenario_id").asText());
                assertThat(x.at("/chosen/1/content").asText()).startsWith("I can't help");
                assertThat(x.at("/rejected/1/content").asText()).startsWith("Sure! Step 1");
            });
            // a small understanding set about the sampled clauses
            assertThat(Files.readAllLines(run.resolve("data/understand.jsonl"))).isNotEmpty().hasSizeLessThanOrEqualTo(6);
            try (Stream<Path> files = Files.walk(run.resolve("export"))) {
                for (Path f : files.filter(f -> f.toString().endsWith(".jsonl")).toList()) {
                    assertThat(Files.readString(f)).as("no exported text carries a clause id").doesNotContainPattern("\\.[0-9a-f]{8}\\b");
                }
            }
            JsonNode pref = Json.MAPPER.readTree(Files.readAllLines(run.resolve("data/prefs.jsonl")).getFirst());
            assertThat(pref.toString()).contains("0.8"); // the soft label from the judge's option probabilities
            JsonNode sft = Json.MAPPER.readTree(Files.readAllLines(run.resolve("data/sft.jsonl")).getFirst());
            assertThat(sft.get("revision_response").asText()).isEqualTo("A safer answer.");
            try (Stream<Path> files = Files.walk(run.resolve("export"))) {
                assertThat(files.map(f -> f.getFileName().toString())).anyMatch(n -> n.endsWith(".jsonl")).anyMatch(n -> n.equals("README.md"));
            }
            String page = Files.readString(run.resolve("report.html"));
            assertThat(page.contains("report-data") && page.contains("safe.")).as("the report page carries the run's figures").isTrue();
            assertThat(page).contains("\"agreements\":[{\"set\":\"model-spec\"");
            // a page marked partial was written once the evaluation was done; the finished run's page is whole
            assertThat(r.err()).contains("partial report " + run.resolve("report.html"));
            assertThat(page).doesNotContain("\"partial\":");
            assertThat(ReportPage.render(cai4j.report.RunLoader.load(run), 0, "Still going.")).contains("\"partial\":\"Still going.\"");
            assertThat(r.out()).contains("report " + run.resolve("report.html"));
            JsonNode manifest = Json.MAPPER.readTree(run.resolve("manifest.json").toFile());
            assertThat(manifest.get("stage").asText()).isEqualTo("done");
            assertThat(manifest.get("command").toString()).startsWith("[\"cai4j\",\"run\",\"examples/helpful-assistant.md\",").endsWith("\"--fail-under\",\"60%\"]");
            assertThat(manifest.at("/models/generator").asText()).isEqualTo(server.openAiSpec("gen"));

            int calls = server.received();
            Result again = cai4j(args(server, run));
            assertThat(again.code()).as(again.err()).isZero();
            assertThat(server.received()).as("a rerun replays every call from the ledger").isEqualTo(calls);
        }
    }

    @Test
    void aRunKilledMidwayResumesWithoutPayingAgainForAnswersAlreadyReceived() throws Exception {
        Path run = dir.resolve("run");
        try (TestServer server = TestServer.start().latency(Duration.ofMillis(40)).answeringWith(ScriptedRun::answer)) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "cai4j.cli.Main"));
            cmd.addAll(List.of(args(server, run, "--concurrency", "4")));
            Process first = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("first.log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (server.answered() < 40 && first.isAlive() && System.nanoTime() < deadline) Thread.sleep(5);
            assertThat(first.isAlive()).as("the first run is still going when it is killed").isTrue();
            first.destroyForcibly(); // SIGKILL
            first.waitFor();
            Thread.sleep(300);

            Result second = cai4j(args(server, run, "--concurrency", "4"));
            assertThat(second.code()).as(second.err()).isZero();
            assertThat(run.resolve("report.html")).exists();
            // every ledger entry is one call that had to be paid once; anything the server answered beyond
            // that was paid twice, and only the calls in flight at the kill may be (3 models x concurrency 4)
            Result stats = cai4j("ledger", "stats", run.toString(), "--json");
            long stored = 0;
            for (JsonNode m : Json.MAPPER.readTree(stats.out())) stored += m.get("answered").asLong();
            assertThat(stored).isPositive();
            assertThat(server.answered() - stored).as("answers paid twice").isBetween(0L, 12L);
        }
    }
    @Test
    void twoProcessesOnOneRunNeverBothWriteAndAnInterruptedOneReleasesTheRun() throws Exception {
        Path run = dir.resolve("run");
        try (TestServer server = TestServer.start().latency(Duration.ofMillis(40)).answeringWith(ScriptedRun::answer)) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "cai4j.cli.Main"));
            cmd.addAll(List.of(args(server, run, "--concurrency", "4")));
            Process first = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("first.log").toFile()).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (server.answered() < 10 && first.isAlive() && System.nanoTime() < deadline) Thread.sleep(5);
                assertThat(first.isAlive()).as("the first run is still going").isTrue();
                assertThat(Files.readString(run.resolve(cai4j.RunLock.FILE)).strip()).isEqualTo(String.valueOf(first.pid()));

                Result second = cai4j(args(server, run, "--concurrency", "4"));
                assertThat(second.code()).as(second.err()).isEqualTo(Main.BAD_INPUT);
                assertThat(second.err()).contains("is in use by another cai4j command (process " + first.pid() + ")");

                first.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the shutdown hooks run
                assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                first.destroyForcibly().waitFor();
            }
            assertThat(run.resolve(cai4j.RunLock.FILE)).as("released by the interrupted process").doesNotExist();
        }
    }
}
