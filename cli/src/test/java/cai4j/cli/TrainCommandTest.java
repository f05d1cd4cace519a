package cai4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cai4j.Json;
import cai4j.export.TestRun;
import cai4j.testserver.FineTuningEndpoints.Outcome;
import cai4j.testserver.TestServer;
import cai4j.train.TrainingRecord;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `cai4j train` against the local server's fine-tuning API, and the TRL recipe. */
class TrainCommandTest {

    @TempDir
    Path dir;

    Path run;

    record Result(int code, String out, String err) {
        String lastLine() {
            String[] lines = out.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    static Result cai4j(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @BeforeEach
    void makeRun() throws Exception {
        run = TestRun.make(dir, 10);
    }

    String[] train(TestServer server, String... more) {
        List<String> a = new ArrayList<>(List.of("train", run.toString(), "--provider", server.openAiSpec("tiny-base"), "--poll", "0.01"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void trainingUploadsEachFileOnceSubmitsOneJobPerMethodAndARerunSubmitsNothing() throws Exception {
        try (TestServer server = TestServer.start()) {
            Result r = cai4j(train(server, "--method", "sft+dpo", "--suffix", "harbor", "--epochs", "1"));
            assertThat(r.code()).as(r.err()).isZero();
            String model = server.fineTuning().jobs().get(1).fineTunedModel().orElseThrow();
            assertThat(r.lastLine()).isEqualTo("model " + model);
            assertThat(r.out()).contains("sft ftjob-1 succeeded ft:tiny-base:cai4j-test:harbor:1").contains("dpo ftjob-2 succeeded " + model);
            assertThat(r.err()).contains("sft file uploaded as file-1").contains("dpo job ftjob-2: submitted from ft:tiny-base");
            assertThat(server.fineTuning().uploads()).isEqualTo(2);
            assertThat(server.fineTuning().jobsCreated()).isEqualTo(2);
            JsonNode record = Json.MAPPER.readTree(Files.readString(run.resolve("train/training.json")));
            assertThat(record.path("model").asText()).isEqualTo(model);
            assertThat(record.path("provider").asText()).isEqualTo(server.openAiSpec("tiny-base"));
            assertThat(run.resolve(cai4j.RunLock.FILE)).doesNotExist();

            Result again = cai4j(train(server, "--method", "sft+dpo", "--suffix", "harbor", "--epochs", "1"));
            assertThat(again.code()).as(again.err()).isZero();
            assertThat(again.lastLine()).isEqualTo("model " + model);
            assertThat(again.err()).contains("uploaded before as file-1").contains("submitted before (succeeded)");
            assertThat(server.fineTuning().uploads()).isEqualTo(2);
            assertThat(server.fineTuning().jobsCreated()).isEqualTo(2);
        }
    }

    @Test
    void aTrainingKilledWhilePollingIsAttachedToItsJobByTheRerun() throws Exception {
        try (TestServer server = TestServer.start()) {
            server.fineTuning().hold(true);
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "cai4j.cli.Main"));
            cmd.addAll(List.of(train(server, "--method", "sft")));
            Process first = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("first.log").toFile()).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (server.fineTuning().retrievals() < 3 && first.isAlive() && System.nanoTime() < deadline) Thread.sleep(5);
                assertThat(first.isAlive()).as("the first command is still polling when it is killed: " + Files.readString(dir.resolve("first.log"))).isTrue();
                first.destroyForcibly(); // SIGKILL: no shutdown hook runs
                first.waitFor();
            } finally {
                first.destroyForcibly().waitFor();
            }
            assertThat(TrainingRecord.read(run).orElseThrow().jobs()).singleElement().satisfies(j -> assertThat(j.status()).isEqualTo("running"));

            server.fineTuning().hold(false);
            Result second = cai4j(train(server, "--method", "sft"));
            assertThat(second.code()).as(second.err()).isZero();
            assertThat(second.err()).contains("sft job ftjob-1: submitted before (running), following it");
            assertThat(server.fineTuning().uploads()).as("uploads").isEqualTo(1);
            assertThat(server.fineTuning().jobsCreated()).as("jobs").isEqualTo(1);
            assertThat(second.lastLine()).isEqualTo("model " + server.fineTuning().jobs().getFirst().fineTunedModel().orElseThrow());
        }
    }

    @Test
    void aFailedJobExitsOneWithOneSentenceNamingTheJob() {
        try (TestServer server = TestServer.start()) {
            server.fineTuning().outcome(j -> Outcome.fail("invalid_training_file", "Line 3 has no assistant message."));
            Result r = cai4j(train(server, "--method", "sft"));
            assertThat(r.code()).isEqualTo(Main.CHECK_FAILED);
            List<String> errors = r.err().lines().filter(l -> l.startsWith("error:")).toList();
            assertThat(errors).containsExactly("error: Fine-tuning job ftjob-1 (sft from tiny-base) failed: invalid_training_file: "
                    + "Line 3 has no assistant message; fix the cause and rerun with --resubmit to submit it again.");
            assertThat(r.out()).contains("sft ftjob-1 failed");
        }
    }

    @Test
    void aCancelledJobExitsOneWithOneSentenceNamingTheJob() {
        try (TestServer server = TestServer.start()) {
            server.fineTuning().outcome(j -> Outcome.cancel());
            Result r = cai4j(train(server, "--method", "dpo"));
            assertThat(r.code()).isEqualTo(Main.CHECK_FAILED);
            assertThat(r.err()).contains("error: Fine-tuning job ftjob-1 (dpo from tiny-base) was cancelled;");
        }
    }

    @Test
    void theDryRunPrintsTheFilesTheirTokensAndTheCostAndCallsNothing() throws Exception {
        try (TestServer server = TestServer.start()) {
            Path prices = dir.resolve("prices.json");
            Files.writeString(prices, "{\"openai:tiny-base\": {\"training\": 3.0}}");
            Result r = cai4j(train(server, "--dry-run", "--prices", prices.toString()));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("dry run: nothing is called")
                    .contains(run.resolve("export/openai-sft/train.jsonl").toString())
                    .contains(run.resolve("export/openai-dpo/train.jsonl").toString())
                    .contains("x 3 epochs (assumed; --epochs sets it)")
                    .containsPattern("estimated training cost: 0\\.\\d{4} USD\\n");
            assertThat(server.fineTuning().requests()).isZero();
            assertThat(run.resolve("train/training.json")).doesNotExist();

            Result unpriced = cai4j(train(server, "--dry-run", "--epochs", "2"));
            assertThat(unpriced.out()).contains("no training price known for openai:tiny-base; add one with --prices");
        }
    }

    @Test
    void theTrlRecipeIsWrittenAndTrainsOnTheRunsExportedFiles() throws Exception {
        Path out = dir.resolve("recipe");
        Result r = cai4j("train", run.toString(), "--recipe", "trl", "-o", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        Path sft = run.resolve("export/trl-sft/train.jsonl").toAbsolutePath();
        Path dpo = run.resolve("export/trl-dpo/train.jsonl").toAbsolutePath();
        assertThat(sft).isNotEmptyFile();
        assertThat(dpo).isNotEmptyFile();
        String script = Files.readString(out.resolve("train_trl.py"));
        assertThat(script).contains("default=\"" + sft + "\"").contains("default=\"" + dpo + "\"")
                .contains("SFTTrainer(").contains("DPOTrainer(").contains("LoraConfig(").contains("\"--base\", required=True")
                .doesNotContain("{{");
        assertThat(Files.readAllLines(out.resolve("requirements.txt")).stream().filter(l -> !l.isBlank() && !l.startsWith("#")))
                .isNotEmpty().allMatch(l -> l.matches("[a-z-]+==[0-9][0-9.]*"));
        assertThat(Files.readString(out.resolve("to_gguf.sh"))).contains("convert_hf_to_gguf.py").contains("merge_and_unload()");
        assertThat(Files.isExecutable(out.resolve("to_gguf.sh"))).isTrue();
        assertThat(r.out()).contains("python train_trl.py --base ");
    }

    @Test
    void trainWithoutAProviderOrARecipeFolderIsAUsageError() {
        Result none = cai4j("train", run.toString());
        assertThat(none.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(none.err()).contains("train needs --provider SPEC");
        Result noDir = cai4j("train", run.toString(), "--recipe", "trl");
        assertThat(noDir.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(noDir.err()).contains("--recipe trl needs -o DIR");
        Result badMethod = cai4j("train", run.toString(), "--provider", "openai:m@http://127.0.0.1:9/v1", "--method", "rlhf", "--dry-run");
        assertThat(badMethod.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(badMethod.err()).contains("--method 'rlhf' is not one of sft, dpo, sft+dpo.");
    }
}
