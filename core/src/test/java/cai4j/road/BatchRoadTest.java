package cai4j.road;

import static cai4j.road.RoadTest.KEY;
import static cai4j.road.RoadTest.ask;
import static cai4j.road.RoadTest.config;
import static cai4j.road.RoadTest.runAll;
import static org.assertj.core.api.Assertions.assertThat;

import cai4j.InputError;
import cai4j.ledger.ModelStats;
import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.LanguageModel;
import cai4j.model.ModelException;
import cai4j.model.ModelSpec;
import cai4j.scheduler.Prices;
import cai4j.testserver.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Calls sent as provider batch jobs ({@code --batch}) through the road's batch link. */
class BatchRoadTest {
    @TempDir Path run;

    static final Prices PRICES = Prices.none().with("openai:gpt-test", new Prices.Price(1000, 2000, 1000));

    static RoadConfig batchConfig(ByteArrayOutputStream progress) {
        return config().withPrices(Prices.builtIn().with("openai:gpt-test", new Prices.Price(1000, 2000, 1000)))
                .withBatch(Duration.ofMillis(20))
                .withProgress(new PrintStream(progress, true, StandardCharsets.UTF_8), Duration.ofHours(1));
    }

    static List<ChatRequest> questions(int n) {
        return IntStream.range(0, n).mapToObj(i -> ask("question " + i)).toList();
    }

    @Test
    void nCallsGoAsOneBatchAtHalfPriceAndTheirAnswersAreInTheLedger() throws Exception {
        int n = 25;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (TestServer server = TestServer.start().requireKey(KEY)) {
            List<Object> answers;
            double batchCost;
            try (Road road = Road.open(run, batchConfig(err))) {
                answers = runAll(road.model(server.openAiSpec("gpt-test")), questions(n));
                batchCost = road.stats().costUsd();
            }
            assertThat(server.batches().created()).isEqualTo(1);
            assertThat(server.batches().submittedLines()).hasSize(n)
                    .allSatisfy(l -> assertThat(l.path("url").asText()).isEqualTo("/v1/chat/completions"));
            assertThat(server.received()).as("no ordinary chat call was made").isZero();
            for (int i = 0; i < n; i++) assertThat(((Completion) answers.get(i)).text()).isEqualTo("Answer to: question " + i);

            // the same calls made one by one cost twice as much
            double fullCost;
            try (Road road = Road.open(run.resolve("ordinary"), config().withPrices(Prices.builtIn().with("openai:gpt-test", new Prices.Price(1000, 2000, 1000))))) {
                runAll(road.model(server.openAiSpec("gpt-test")), questions(n));
                fullCost = road.stats().costUsd();
            }
            assertThat(batchCost).isPositive().isCloseTo(fullCost / 2, org.assertj.core.data.Offset.offset(1e-9));

            // a rerun replays every answer from the ledger: nothing is submitted again
            try (Road road = Road.open(run, batchConfig(err))) {
                runAll(road.model(server.openAiSpec("gpt-test")), questions(n));
                assertThat(road.stats().replayed()).isEqualTo(n);
                ModelStats s = road.ledgerStats().getFirst();
                assertThat(s.answered()).isEqualTo(n);
                assertThat(s.pending()).isZero();
                assertThat(s.costUsd()).isCloseTo(batchCost, org.assertj.core.data.Offset.offset(1e-9));
            }
            assertThat(server.batches().created()).isEqualTo(1);
        }
        String progress = err.toString(StandardCharsets.UTF_8);
        assertThat(progress).contains("submitted 25 requests").containsPattern("batch batch_\\d+: completed, 25/25 done, 0 failed");
        assertThat(progress).doesNotContain(KEY);
    }

    @Test
    void linesThatFailInTheBatchAreRetriedAsOrdinaryCalls() throws Exception {
        int n = 20;
        try (TestServer server = TestServer.start()) {
            server.batches().failLines(c -> c.lastUser().endsWith("7"));
            List<Object> answers;
            try (Road road = Road.open(run, batchConfig(new ByteArrayOutputStream()))) {
                answers = runAll(road.model(server.openAiSpec("gpt-test")), questions(n));
                assertThat(road.ledgerStats().getFirst().answered()).isEqualTo(n);
            }
            assertThat(answers).allSatisfy(a -> assertThat(a).isInstanceOf(Completion.class));
            assertThat(server.batches().created()).isEqualTo(1);
            assertThat(server.answeredCalls()).extracting(c -> c.lastUser()).containsExactlyInAnyOrder("question 7", "question 17");
        }
    }

    @Test
    void anExpiredBatchKeepsItsAnswersAndTheLinesItNeverReachedAreCalledOneByOne() throws Exception {
        try (TestServer server = TestServer.start()) {
            server.batches().expireAfter(6);
            List<Object> answers;
            try (Road road = Road.open(run, batchConfig(new ByteArrayOutputStream()))) {
                answers = runAll(road.model(server.openAiSpec("gpt-test")), questions(10));
            }
            assertThat(answers).allSatisfy(a -> assertThat(a).isInstanceOf(Completion.class));
            assertThat(server.answered()).isEqualTo(4);
        }
    }

    @Test
    void aBatchThatFailsAsAWholeFailsItsCallsWithOneSentenceNamingItAndARerunSubmitsThemAgain() throws Exception {
        try (TestServer server = TestServer.start()) {
            server.batches().failBatches("the model gpt-test is not available for batches with " + KEY);
            List<Object> answers;
            try (Road road = Road.open(run, batchConfig(new ByteArrayOutputStream()))) {
                answers = runAll(road.model(server.openAiSpec("gpt-test")), questions(3));
            }
            assertThat(answers).allSatisfy(a -> {
                assertThat(a).isInstanceOf(ModelException.class);
                assertThat(((ModelException) a).getMessage())
                        .matches("The batch batch_\\d+ of openai:gpt-test@\\S+ failed \\(line 1: the model gpt-test is not available for batches with \\*\\*\\*\\); rerun to submit its calls in a new batch\\.");
            });
            assertThat(server.received()).isZero();

            server.batches().failBatches("");
            try (Road road = Road.open(run, batchConfig(new ByteArrayOutputStream()))) {
                answers = runAll(road.model(server.openAiSpec("gpt-test")), questions(3));
            }
            assertThat(answers).allSatisfy(a -> assertThat(a).isInstanceOf(Completion.class));
            assertThat(server.batches().created()).isEqualTo(2);
        }
    }

    @Test
    void aRerunAttachesToTheBatchPendingInTheLedgerAndNeverSubmitsItAgain() throws Exception {
        int n = 8;
        try (TestServer server = TestServer.start()) {
            server.batches().hold();
            // the first road stops waiting (as a killed process would) while the batch is pending
            Thread first = Thread.ofVirtual().start(() -> {
                try (Road road = Road.open(run, batchConfig(new ByteArrayOutputStream()))) {
                    runAll(road.model(server.openAiSpec("gpt-test")), questions(n));
                } catch (Exception e) {
                    // interrupted while waiting
                }
            });
            while (server.batches().polls() < 3) Thread.sleep(10);
            // the caller, then the calls it waits for, stop waiting
            while (first.isAlive()) {
                first.interrupt();
                first.join(100);
            }
            server.batches().release();
            List<Object> answers;
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            try (Road road = Road.open(run, batchConfig(err))) {
                assertThat(road.ledgerStats().getFirst().pending()).isEqualTo(n);
                answers = runAll(road.model(server.openAiSpec("gpt-test")), questions(n));
            }
            assertThat(answers).allSatisfy(a -> assertThat(a).isInstanceOf(Completion.class));
            assertThat(server.batches().created()).isEqualTo(1);
            assertThat(server.received()).isZero();
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("attached to the batch pending in the ledger");
        }
    }

    @Test
    void anthropicCallsGoAsOneMessageBatchAtHalfPriceAndErroredLinesAreRetriedOneByOne() throws Exception {
        int n = 12;
        try (TestServer server = TestServer.start().requireKey(KEY)) {
            server.batches().failLines(c -> c.lastUser().equals("question 5"));
            Prices prices = Prices.builtIn().with("anthropic:claude-test", new Prices.Price(1000, 2000, 100));
            List<Object> answers;
            double cost;
            try (Road road = Road.open(run, batchConfig(new ByteArrayOutputStream()).withPrices(prices))) {
                answers = runAll(road.model(server.anthropicSpec("claude-test")), questions(n));
                cost = road.stats().costUsd();
                assertThat(road.ledgerStats().getFirst().answered()).isEqualTo(n);
            }
            for (int i = 0; i < n; i++) assertThat(((Completion) answers.get(i)).text()).isEqualTo("Answer to: question " + i);
            assertThat(server.batches().created()).isEqualTo(1);
            assertThat(server.answeredCalls()).extracting(c -> c.lastUser()).containsExactly("question 5");
            double full;
            try (Road road = Road.open(run.resolve("ordinary"), config().withPrices(prices))) {
                runAll(road.model(server.anthropicSpec("claude-test")), questions(n));
                full = road.stats().costUsd();
            }
            // eleven lines at half price and the retried one at full price; the cached system prompt is priced alike on both roads
            assertThat(cost).isPositive().isLessThan(full * 0.6).isGreaterThan(full * 0.5);
        }
    }

    @Test
    void aProviderWithoutBatchJobsIsRefusedWithOneSentence() {
        try (Road road = Road.open(run, config().withBatch(Duration.ofSeconds(1)))) {
            LanguageModel scripted = new cai4j.model.LanguageModel() {
                public ModelSpec spec() { return ModelSpec.parse("anthropic:claude-test"); }
                public Completion complete(ChatRequest r) { throw new AssertionError("not called"); }
            };
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> road.model(scripted))
                    .isInstanceOf(InputError.class)
                    .hasMessage("--batch needs a provider with batch jobs (openai, anthropic); anthropic:claude-test has none: run it without --batch.");
        }
    }

    @Test
    void aDryRunWithBatchEstimatesTheBatchPrice() {
        ModelSpec spec = ModelSpec.parse("openai:gpt-4o-mini");
        double full;
        try (Road ordinary = Road.open(run, config())) {
            full = ordinary.plan(spec, ask("hello")).maxCostUsd();
        }
        try (Road batch = Road.open(run, config().withBatch(Duration.ofSeconds(1)))) {
            assertThat(batch.plan(spec, ask("hello")).maxCostUsd()).isPositive().isEqualTo(full * Prices.builtIn().batchShare());
        }
        assertThat(Prices.builtIn().batchShare()).isEqualTo(0.5);
        assertThat(Prices.builtIn().batchPrice(spec).orElseThrow().input()).isEqualTo(0.075);
    }
}
