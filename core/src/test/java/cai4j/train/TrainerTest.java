package cai4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cai4j.Json;
import cai4j.export.TestRun;
import cai4j.model.ChatRequest;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import cai4j.model.ModelException;
import cai4j.model.ModelSpec;
import cai4j.model.Providers;
import cai4j.scheduler.Prices;
import cai4j.testserver.FineTuningEndpoints;
import cai4j.testserver.FineTuningEndpoints.Outcome;
import cai4j.testserver.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fine-tuning a run's data against the local server's fine-tuning API. */
class TrainerTest {

    @TempDir
    Path dir;

    Path run;
    final List<String> progress = new ArrayList<>();

    @BeforeEach
    void makeRun() throws Exception {
        run = TestRun.make(dir, 10);
    }

    TrainingRequest request(TestServer server, String method, boolean resubmit) {
        return new TrainingRequest(run, "tiny-base", ModelSpec.parse(server.openAiSpec("tiny-base")), method, "harbor",
                Optional.of(2), Duration.ofMillis(5), resubmit);
    }

    TrainingRecord train(TestServer server, String method, Map<String, String> env) {
        try (FineTuningClient client = FineTuningClient.open(ModelSpec.parse(server.openAiSpec("tiny-base")), env, Duration.ofMillis(5))) {
            return new Trainer(request(server, method, false), client, progress::add).train();
        }
    }

    @Test
    void sftThenDpoUploadsEachFileOnceAndChainsTheDpoJobOnTheSftModel() throws Exception {
        try (TestServer server = TestServer.start()) {
            TrainingRecord r = train(server, "sft+dpo", Map.of());
            FineTuningEndpoints ft = server.fineTuning();
            assertThat(ft.uploads()).isEqualTo(2);
            assertThat(ft.jobsCreated()).isEqualTo(2);
            assertThat(ft.files()).allSatisfy(f -> assertThat(f.purpose()).isEqualTo("fine-tune"));
            // the uploaded bytes are the exporter's openai-sft and openai-dpo files
            assertThat(ft.files().get(0).text()).isEqualTo(Files.readString(run.resolve("export/openai-sft/train.jsonl")));
            assertThat(ft.files().get(1).text()).isEqualTo(Files.readString(run.resolve("export/openai-dpo/train.jsonl")));
            var sft = ft.jobs().get(0);
            var dpo = ft.jobs().get(1);
            assertThat(sft.method()).isEqualTo("supervised");
            assertThat(sft.model()).isEqualTo("tiny-base");
            assertThat(sft.hyperparameters().path("n_epochs").asInt()).isEqualTo(2);
            assertThat(dpo.method()).isEqualTo("dpo");
            assertThat(dpo.model()).as("DPO starts from the SFT job's model").isEqualTo(sft.fineTunedModel().orElseThrow());
            assertThat(r.model()).isEqualTo(dpo.fineTunedModel());
            assertThat(TrainingRecord.finalModel(run)).isEqualTo(dpo.fineTunedModel());

            JsonNode written = Json.MAPPER.readTree(Files.readString(TrainingRecord.path(run)));
            assertThat(written.path("base").asText()).isEqualTo("tiny-base");
            assertThat(written.path("method").asText()).isEqualTo("sft+dpo");
            assertThat(written.path("suffix").asText()).isEqualTo("harbor");
            assertThat(written.path("epochs").asInt()).isEqualTo(2);
            assertThat(written.path("files")).hasSize(2).allSatisfy(f -> {
                assertThat(f.path("sha256").asText()).hasSize(64);
                assertThat(f.path("tokens").asLong()).isPositive();
                assertThat(f.path("file_id").asText()).startsWith("file-");
            });
            assertThat(written.path("jobs")).hasSize(2).allSatisfy(j -> assertThat(j.path("status").asText()).isEqualTo("succeeded"));
            assertThat(written.path("model").asText()).isEqualTo(dpo.fineTunedModel().orElseThrow());
            assertThat(progress).anyMatch(l -> l.contains("Step 1: training loss"));

            // the fine-tuned model answers chat calls; a fine-tuned name no job produced does not
            try (LanguageModel m = Providers.load().open(ModelSpec.parse(server.openAiSpec(r.model().orElseThrow())), Map.of())) {
                assertThat(m.complete(ChatRequest.of(List.of(Message.user("hello")))).text()).contains("hello");
            }
            try (LanguageModel m = Providers.load().open(ModelSpec.parse(server.openAiSpec("ft:tiny-base:cai4j-test:harbor:99")), Map.of())) {
                assertThatThrownBy(() -> m.complete(ChatRequest.of(List.of(Message.user("hello"))))).isInstanceOf(ModelException.class);
            }
        }
    }

    @Test
    void aRerunUploadsNothingAndSubmitsNothing() {
        try (TestServer server = TestServer.start()) {
            TrainingRecord first = train(server, "sft+dpo", Map.of());
            TrainingRecord again = train(server, "sft+dpo", Map.of());
            assertThat(server.fineTuning().uploads()).isEqualTo(2);
            assertThat(server.fineTuning().jobsCreated()).isEqualTo(2);
            assertThat(again.model()).isEqualTo(first.model());
            // the SFT job of an sft run is the first link of an sft+dpo chain on the same data
            train(server, "sft", Map.of());
            assertThat(server.fineTuning().jobsCreated()).isEqualTo(2);
        }
    }

    @Test
    void aCommandInterruptedWhilePollingIsAttachedToItsJobByTheRerun() throws Exception {
        try (TestServer server = TestServer.start()) {
            server.fineTuning().hold(true);
            AtomicReference<Throwable> stopped = new AtomicReference<>();
            Thread first = Thread.ofPlatform().start(() -> {
                try {
                    train(server, "sft", Map.of());
                } catch (Throwable t) {
                    stopped.set(t);
                }
            });
            while (server.fineTuning().retrievals() < 3) Thread.sleep(5);
            first.interrupt(); // what Ctrl-C does to a command waiting between polls
            first.join();
            assertThat(stopped.get()).isInstanceOf(ModelException.class).hasMessageContaining("rerun");
            assertThat(TrainingRecord.read(run).orElseThrow().jobs()).singleElement()
                    .satisfies(j -> assertThat(j.status()).isEqualTo("running"));

            server.fineTuning().hold(false);
            TrainingRecord r = train(server, "sft", Map.of());
            assertThat(server.fineTuning().uploads()).isEqualTo(1);
            assertThat(server.fineTuning().jobsCreated()).isEqualTo(1);
            assertThat(r.model()).isEqualTo(server.fineTuning().jobs().getFirst().fineTunedModel());
        }
    }

    @Test
    void anUploadAndASubmissionThatTheRecordLostAreFoundOnTheProviderNotRepeated() throws Exception {
        try (TestServer server = TestServer.start()) {
            server.fineTuning().hold(true);
            Thread first = Thread.ofPlatform().start(() -> {
                try {
                    train(server, "sft", Map.of());
                } catch (RuntimeException e) {
                    // interrupted below
                }
            });
            while (server.fineTuning().retrievals() < 2) Thread.sleep(5);
            first.interrupt();
            first.join();
            // as if the command had been killed after the provider answered and before the record was written
            Files.delete(TrainingRecord.path(run));

            server.fineTuning().hold(false);
            TrainingRecord r = train(server, "sft", Map.of());
            assertThat(server.fineTuning().uploads()).isEqualTo(1);
            assertThat(server.fineTuning().jobsCreated()).isEqualTo(1);
            assertThat(r.jobs()).singleElement().satisfies(j -> assertThat(j.id()).isEqualTo("ftjob-1"));
            assertThat(r.files()).singleElement().satisfies(f -> assertThat(f.fileId()).contains("file-1"));
            assertThat(progress).anyMatch(l -> l.contains("found on the provider as file-1")).anyMatch(l -> l.contains("ftjob-1: found on the provider"));
            // a different number of epochs is different training: it is submitted, not taken for the lost job
            Files.delete(TrainingRecord.path(run));
            try (FineTuningClient client = FineTuningClient.open(ModelSpec.parse(server.openAiSpec("tiny-base")), Map.of(), Duration.ofMillis(5))) {
                new Trainer(new TrainingRequest(run, "tiny-base", ModelSpec.parse(server.openAiSpec("tiny-base")), "sft", "harbor",
                        Optional.of(3), Duration.ofMillis(5), false), client, progress::add).train();
            }
            assertThat(server.fineTuning().jobsCreated()).isEqualTo(2);
            assertThat(server.fineTuning().uploads()).isEqualTo(1);
        }
    }

    @Test
    void aFailedJobStopsWithOneSentenceNamingTheJobAndTheCause() {
        try (TestServer server = TestServer.start()) {
            server.fineTuning().outcome(j -> Outcome.fail("invalid_training_file", "The training file has 3 examples with no assistant message."));
            assertThatThrownBy(() -> train(server, "sft", Map.of()))
                    .isInstanceOf(TrainingFailed.class)
                    .hasMessage("Fine-tuning job ftjob-1 (sft from tiny-base) failed: invalid_training_file: The training file has 3 examples"
                            + " with no assistant message; fix the cause and rerun with --resubmit to submit it again.");
            assertThat(TrainingRecord.read(run).orElseThrow().jobs().getFirst().status()).isEqualTo("failed");
            assertThat(TrainingRecord.finalModel(run)).isEmpty();

            // a rerun reports the same job again; only --resubmit submits a new one
            assertThatThrownBy(() -> train(server, "sft", Map.of())).hasMessageContaining("ftjob-1");
            assertThat(server.fineTuning().jobsCreated()).isEqualTo(1);
            server.fineTuning().outcome(j -> Outcome.succeed());
            try (FineTuningClient client = FineTuningClient.open(ModelSpec.parse(server.openAiSpec("tiny-base")), Map.of(), Duration.ofMillis(5))) {
                TrainingRecord r = new Trainer(request(server, "sft", true), client, progress::add).train();
                assertThat(r.model()).isPresent();
            }
            assertThat(server.fineTuning().jobsCreated()).isEqualTo(2);
            assertThat(server.fineTuning().uploads()).isEqualTo(1);
        }
    }

    @Test
    void aCancelledJobStopsWithOneSentenceNamingTheJob() {
        try (TestServer server = TestServer.start()) {
            server.fineTuning().outcome(j -> Outcome.cancel());
            assertThatThrownBy(() -> train(server, "dpo", Map.of()))
                    .isInstanceOf(TrainingFailed.class)
                    .hasMessageStartingWith("Fine-tuning job ftjob-1 (dpo from tiny-base) was cancelled;");
        }
    }

    @Test
    void aRejectedKeyStopsWithOneSentenceNamingTheJobAndNeverTheKey() throws Exception {
        try (TestServer server = TestServer.start()) {
            server.requireKey("sk-right-key-0123456789");
            server.fineTuning().hold(true);
            Thread first = Thread.ofPlatform().start(() -> {
                try {
                    train(server, "sft", Map.of("OPENAI_API_KEY", "sk-right-key-0123456789"));
                } catch (RuntimeException e) {
                    // interrupted below
                }
            });
            while (server.fineTuning().retrievals() < 2) Thread.sleep(5);
            first.interrupt();
            first.join();

            assertThatThrownBy(() -> train(server, "sft", Map.of("OPENAI_API_KEY", "sk-revoked-key-9876543210")))
                    .isInstanceOf(ModelException.class)
                    .satisfies(e -> assertThat(((ModelException) e).status()).isEqualTo(401))
                    .hasMessageStartingWith("Fine-tuning job ftjob-1: ")
                    .hasMessageContaining("rejected the API key in OPENAI_API_KEY (401)")
                    .hasMessageNotContaining("sk-revoked").hasMessageNotContaining("9876543210");
            assertThat(server.fineTuning().jobsCreated()).isEqualTo(1);
        }
    }

    @Test
    void aFileTheProviderRejectsStopsWithOneSentenceNamingTheFile() throws Exception {
        try (TestServer server = TestServer.start()) {
            Path bad = dir.resolve("bad.jsonl");
            Files.writeString(bad, "{\"messages\": []}\nnot json\n");
            try (FineTuningClient client = FineTuningClient.open(ModelSpec.parse(server.openAiSpec("tiny-base")), Map.of(), Duration.ZERO)) {
                assertThatThrownBy(() -> client.upload(bad, "bad.jsonl"))
                        .isInstanceOf(ModelException.class)
                        .hasMessage("Uploading bad.jsonl: The OpenAI-compatible server at " + server.openAiBaseUrl()
                                + " rejected the file as invalid (400: Line 2 is not valid JSON).");
            }
            assertThat(server.fineTuning().uploads()).isZero();
        }
    }

    @Test
    void theDryRunPlanPricesTheFilesAndCallsNothing() throws Exception {
        try (TestServer server = TestServer.start()) {
            Path prices = dir.resolve("prices.json");
            Files.writeString(prices, "{\"openai:tiny-base\": {\"training\": 2.0}}");
            List<TrainingCost> plan = Trainer.plan(request(server, "sft+dpo", false), Prices.builtIn().with(prices));
            assertThat(plan).extracting(c -> c.file().method()).containsExactly(Method.SFT, Method.DPO);
            for (TrainingCost c : plan) {
                assertThat(c.epochs()).isEqualTo(2);
                assertThat(c.epochsAssumed()).isFalse();
                assertThat(c.file().tokens()).isPositive();
                assertThat(c.usd()).contains(c.file().tokens() * 2 * 2.0 / 1_000_000.0);
            }
            assertThat(server.fineTuning().requests()).isZero();
            assertThat(server.received()).isZero();
            assertThat(TrainingRecord.path(run)).doesNotExist();
        }
    }

    @Test
    void theBuiltInTableKnowsOpenAisTrainingPricesByModelFamily() {
        Prices p = Prices.builtIn();
        assertThat(p.trainingPrice(ModelSpec.parse("openai:gpt-4o-mini-2024-07-18"))).contains(3.0);
        assertThat(p.trainingPrice(ModelSpec.parse("openai:gpt-4.1-nano-2025-04-14"))).contains(1.5);
        assertThat(p.trainingPrice(ModelSpec.parse("openai:local-model"))).isEmpty();
    }

    @Test
    void aRecordOfAnotherBaseIsNotResumedUnderNewOptions() {
        try (TestServer server = TestServer.start()) {
            train(server, "sft", Map.of());
            TrainingRequest other = new TrainingRequest(run, "other-base", ModelSpec.parse(server.openAiSpec("tiny-base")), "sft", "harbor",
                    Optional.of(2), Duration.ZERO, false);
            try (FineTuningClient client = FineTuningClient.open(other.provider(), Map.of(), Duration.ZERO)) {
                assertThatThrownBy(() -> new Trainer(other, client, progress::add))
                        .isInstanceOf(cai4j.InputError.class)
                        .hasMessageContaining("records training with --base tiny-base, not other-base");
            }
            assertThat(server.fineTuning().jobsCreated()).isEqualTo(1);
        }
    }
}
