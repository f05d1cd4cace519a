package cai4j.road;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cai4j.InputError;
import cai4j.ledger.ModelStats;
import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import cai4j.model.ModelException;
import cai4j.scheduler.BudgetExceeded;
import cai4j.scheduler.Limits;
import cai4j.scheduler.Prices;
import cai4j.testserver.Answer;
import cai4j.testserver.Fault;
import cai4j.testserver.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoadTest {
    static final String KEY = "sk-test-SECRET-7d3f9a1b2c";

    @TempDir Path run;

    static RoadConfig config() {
        return RoadConfig.defaults()
                .withEnv(Map.of("OPENAI_API_KEY", KEY, "ANTHROPIC_API_KEY", KEY))
                .withLimits(Limits.defaults().withConcurrency(16).withBackoff(Duration.ofMillis(5), Duration.ofMillis(100)))
                .withTimeout(Duration.ofSeconds(5));
    }

    static ChatRequest ask(String text) {
        return ChatRequest.of(List.of(Message.system("Be brief."), Message.user(text)));
    }

    /** Runs the requests on virtual threads; returns completions or the exceptions thrown, in order. */
    static List<Object> runAll(LanguageModel m, List<ChatRequest> requests) throws Exception {
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Completion>> fs = new ArrayList<>();
            for (ChatRequest r : requests) fs.add(ex.submit(() -> m.complete(r)));
            List<Object> out = new ArrayList<>();
            for (Future<Completion> f : fs) {
                try {
                    out.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    out.add(e.getCause());
                }
            }
            return out;
        }
    }

    static List<ChatRequest> requests(int n) {
        List<ChatRequest> rs = new ArrayList<>();
        for (int i = 0; i < n; i++) rs.add(ask("question " + i));
        return rs;
    }

    @Test
    void withTenPercentTransientFaultsEveryCallCompletesAndIsStoredOnce() throws Exception {
        try (TestServer server = TestServer.start().faults(TestServer.randomTransientFaults(0.10, 7))) {
            List<Object> results;
            try (Road road = Road.open(run, config())) {
                results = runAll(road.model(server.openAiSpec("gpt-test")), requests(300));
                assertThat(road.stats().retries()).isGreaterThan(0);
            }
            assertThat(results).allSatisfy(r -> assertThat(r).isInstanceOf(Completion.class));
            for (int i = 0; i < 300; i++) assertThat(((Completion) results.get(i)).text()).isEqualTo("Answer to: question " + i);
            assertThat(server.faulted()).isGreaterThan(10);
            assertThat(server.answered()).isEqualTo(300);

            int before = server.received();
            try (Road road = Road.open(run, config())) {
                List<Object> again = runAll(road.model(server.openAiSpec("gpt-test")), requests(300));
                assertThat(again).isEqualTo(results);
                assertThat(road.stats().replayed()).isEqualTo(300);
                ModelStats s = road.ledgerStats().getFirst();
                assertThat(s.answered()).isEqualTo(300);
                assertThat(s.failed()).isZero();
                assertThat(s.attempts()).isGreaterThan(300);
            }
            assertThat(server.received()).as("a rerun replays everything").isEqualTo(before);
        }
    }

    @Test
    void aRejectedKeyStopsTheRunWithinASecondWithOneClearSentence() throws Exception {
        try (TestServer server = TestServer.start().requireKey("the-right-key").latency(Duration.ofMillis(20))) {
            try (Road road = Road.open(run, config())) {
                List<Object> results = runAll(road.model(server.openAiSpec("gpt-test")), requests(2000));
                // from the first request the server saw (the SDK's first-use start-up is not the point)
                double seconds = (System.nanoTime() - server.calls().getFirst().receivedNanos()) / 1e9;
                assertThat(seconds).isLessThan(1.0);
                assertThat(results).allSatisfy(r -> {
                    assertThat(r).isInstanceOf(ModelException.class);
                    assertThat(((ModelException) r).getMessage())
                            .isEqualTo("The OpenAI-compatible server at " + server.openAiBaseUrl()
                                    + " rejected the API key in OPENAI_API_KEY (401); check the key.");
                });
                // until an endpoint has answered once, one call at a time goes out: a 401 costs one call
                assertThat(server.received()).as("no call after the first final error").isEqualTo(1);
                assertThat(road.stopped()).isPresent();
            }
        }
    }

    @Test
    void finalErrorsAreNotRetriedAndTransientOnesAre() throws Exception {
        for (Fault f : List.of(Fault.badRequest(), Fault.insufficientQuota(), Fault.unknownModel())) {
            try (TestServer server = TestServer.start().faults(c -> f); Road road = Road.open(run.resolve(f.toString().substring(0, 12)), config())) {
                assertThatThrownBy(() -> road.model(server.openAiSpec("gpt-test")).complete(ask("x")))
                        .isInstanceOf(ModelException.class)
                        .satisfies(e -> assertThat(((ModelException) e).isTransient()).isFalse());
                assertThat(server.received()).isEqualTo(1);
            }
        }
        try (TestServer server = TestServer.start(); Road road = Road.open(run.resolve("quota"), config())) {
            server.faults(c -> Fault.insufficientQuota());
            assertThatThrownBy(() -> road.model(server.openAiSpec("gpt-test")).complete(ask("x")))
                    .hasMessageContaining("no quota or credit left");
        }
        try (TestServer server = TestServer.start(); Road road = Road.open(run.resolve("flaky"), config())) {
            server.faults(c -> c.seq() <= 3 ? Fault.unavailable() : Fault.none());
            assertThat(road.model(server.openAiSpec("gpt-test")).complete(ask("x")).text()).isEqualTo("Answer to: x");
            assertThat(server.received()).isEqualTo(4);
        }
    }

    @Test
    void theTimeoutIsOneDeadlineForACallAcrossItsRetries() throws Exception {
        RoadConfig cfg = config().withTimeout(Duration.ofMillis(300));
        try (TestServer server = TestServer.start().faults(c -> Fault.delay(Duration.ofSeconds(2)));
             Road road = Road.open(run, cfg)) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> road.model(server.openAiSpec("gpt-test")).complete(ask("x")))
                    .isInstanceOf(ModelException.class)
                    .hasMessageContaining("did not answer in time")
                    .hasMessageContaining("no answer within --timeout 0.3 s over 1 attempt")
                    .hasMessageContaining("rerun the same command to resume")
                    .satisfies(e -> assertThat(((ModelException) e).isTransient()).isTrue());
            // eight attempts of 0.3 s each, as before, would take 2.4 s
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(1.5);
            assertThat(server.received()).isEqualTo(1);
            assertThat(road.ledgerStats().getFirst().failed()).isEqualTo(1);
        }
        try (TestServer server = TestServer.start().faults(c -> c.seq() <= 2 ? Fault.unavailable() : Fault.none());
             Road road = Road.open(run.resolve("second"), config().withTimeout(Duration.ofSeconds(1)))) {
            assertThat(road.model(server.openAiSpec("gpt-test")).complete(ask("x")).text()).as("retried within the deadline").isEqualTo("Answer to: x");
        }
    }

    @Test
    void aRefusedConnectionFailsAtOnceWithASentenceNamingTheUrl() throws Exception {
        String url = TestServer.refusedBaseUrl();
        // the default backoff, under which retrying a refused connection would take many seconds
        RoadConfig cfg = config().withLimits(Limits.defaults());
        try (TestServer warm = TestServer.start(); Road road = Road.open(run, cfg)) {
            road.model(warm.openAiSpec("gpt-warm")).complete(ask("load the client's classes first"));
            long t0 = System.nanoTime();
            List<Object> results = runAll(road.model("openai:gpt-test@" + url), requests(20));
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(2.0);
            assertThat(results).allSatisfy(r -> assertThat((Throwable) r).isInstanceOf(ModelException.class)
                    .hasMessage("Cannot reach " + url + ": the connection was refused; check that the server is running and the base URL in the model spec is right."));
        }
    }

    @Test
    void anUnknownHostFailsAtOnceWithASentenceNamingTheUrl() throws Exception {
        String url = "http://no-such-host.invalid/v1";
        try (TestServer warm = TestServer.start(); Road road = Road.open(run, config().withLimits(Limits.defaults()))) {
            road.model(warm.openAiSpec("gpt-warm")).complete(ask("load the client's classes first"));
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> road.model("openai:gpt-test@" + url).complete(ask("x")))
                    .isInstanceOf(ModelException.class)
                    .hasMessage("Cannot reach " + url + ": the host name does not resolve; check the base URL in the model spec.");
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(2.0);
        }
    }

    @Test
    void thirtyPercentTransientFaultsAreRiddenOutWithTheDefaultRetryPolicy() throws Exception {
        try (TestServer server = TestServer.start().faults(TestServer.randomTransientFaults(0.30, 11))) {
            List<Object> results;
            try (Road road = Road.open(run, config())) {
                results = runAll(road.model(server.openAiSpec("gpt-test")), requests(300));
            }
            assertThat(results).allSatisfy(r -> assertThat(r).isInstanceOf(Completion.class));
        }
    }

    @Test
    void aSpentRetryBudgetSaysSoAndThatARerunResumes() throws Exception {
        try (TestServer server = TestServer.start().faults(c -> Fault.unavailable()); Road road = Road.open(run, config())) {
            List<Object> results = runAll(road.model(server.openAiSpec("gpt-test")), requests(30));
            assertThat(results).allSatisfy(r -> assertThat((Throwable) r).isInstanceOf(ModelException.class)
                    .hasMessageContaining("rerun the same command to resume"));
            assertThat(results).anySatisfy(r -> assertThat((ModelException) r).hasMessageContaining("the retry budget of openai:gpt-test@" + server.openAiBaseUrl() + " is spent"));
            // a server that answers nothing gets the initial allowance of retries, not eight attempts per call
            assertThat(server.received()).isLessThan(30 + 12);
        }
    }

    @Test
    void rateLimitAnswersAreHonouredAndEveryCallCompletes() throws Exception {
        try (TestServer server = TestServer.start().rpmLimit(1200); Road road = Road.open(run, config())) {
            List<Object> results = runAll(road.model(server.openAiSpec("gpt-test")), requests(60));
            assertThat(results).allSatisfy(r -> assertThat(r).isInstanceOf(Completion.class));
            assertThat(server.answered()).isEqualTo(60);
        }
    }

    /** 20 requests a second with a burst of 20, no --rpm: the headers of every answer pace the calls, not 429s. */
    @Test
    void withoutRpmTheRateLimitHeadersOfEveryAnswerKeepCallsFromBeingRefused() throws Exception {
        for (String protocol : List.of("openai", "anthropic")) {
            try (TestServer server = TestServer.start().rpmLimit(1200).latency(Duration.ofMillis(50));
                 Road road = Road.open(run.resolve(protocol), config())) {
                String spec = protocol.equals("openai") ? server.openAiSpec("gpt-test") : server.anthropicSpec("claude-test");
                List<Object> results = runAll(road.model(spec), requests(100));
                assertThat(results).allSatisfy(r -> assertThat(r).isInstanceOf(Completion.class));
                assertThat(server.refused429()).as(protocol + " answers refused with 429").isLessThanOrEqualTo(1);
            }
        }
    }

    @Test
    void noApiKeyAppearsInTheLedgerOutputsOrErrors() throws Exception {
        ConcurrentLinkedQueue<String> messages = new ConcurrentLinkedQueue<>();
        java.io.ByteArrayOutputStream progress = new java.io.ByteArrayOutputStream();
        RoadConfig cfg = config().withProgress(new java.io.PrintStream(progress, true, StandardCharsets.UTF_8), Duration.ofMillis(50));
        for (Fault f : List.of(Fault.unauthorized(), Fault.badRequest(), Fault.serverError(), Fault.insufficientQuota(), Fault.cut())) {
            try (TestServer server = TestServer.start().faults(c -> f); Road road = Road.open(run, cfg)) {
                try {
                    road.model(server.openAiSpec("gpt-test-" + f.getClass().getSimpleName())).complete(ask("x"));
                } catch (ModelException e) {
                    for (Throwable t = e; t != null; t = t.getCause()) messages.add(String.valueOf(t.getMessage()));
                }
            }
        }
        assertThat(messages).isNotEmpty().noneMatch(m -> m.contains(KEY) || m.contains("SECRET"));
        String ledger = new String(Files.readAllBytes(run.resolve("ledger.db")), StandardCharsets.ISO_8859_1);
        assertThat(ledger).contains("gpt-test").doesNotContain(KEY).doesNotContain("SECRET");
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("calls").doesNotContain("SECRET");
    }

    @Test
    void theCostBudgetStopsTheRunBeforeItIsPassed() throws Exception {
        Prices prices = Prices.none().with("openai:gpt-priced", new Prices.Price(1000, 1000, 1000));
        RoadConfig cfg = config().withPrices(prices).withMaxCost(0.5).withLimits(Limits.defaults().withConcurrency(2));
        try (TestServer server = TestServer.start(); Road road = Road.open(run, cfg)) {
            List<ChatRequest> rs = requests(200).stream().map(r -> r.withMaxTokens(20)).toList();
            List<Object> results = runAll(road.model(server.openAiSpec("gpt-priced")), rs);
            assertThat(results).anySatisfy(r -> assertThat(r).isInstanceOf(BudgetExceeded.class));
            assertThat(road.stats().costUsd()).isLessThanOrEqualTo(0.5).isGreaterThan(0.3);
        }
    }

    @Test
    void theCostBudgetCountsWhatEarlierCommandsOnTheRunSpent() throws Exception {
        Prices prices = Prices.none().with("openai:gpt-priced", new Prices.Price(1000, 1000, 1000));
        try (TestServer server = TestServer.start()) {
            double spentFirst;
            try (Road road = Road.open(run, config().withPrices(prices))) {
                runAll(road.model(server.openAiSpec("gpt-priced")), requests(10).stream().map(r -> r.withMaxTokens(20)).toList());
                spentFirst = road.stats().costUsd();
            }
            assertThat(spentFirst).isPositive();
            int received = server.received();
            // a second command on the same run with a budget the first already used up sends nothing new
            try (Road road = Road.open(run, config().withPrices(prices).withMaxCost(spentFirst * 1.01))) {
                List<ChatRequest> fresh = List.of(ask("a new question").withMaxTokens(20));
                List<Object> results = runAll(road.model(server.openAiSpec("gpt-priced")), fresh);
                assertThat(results.getFirst()).isInstanceOf(BudgetExceeded.class);
                assertThat(((BudgetExceeded) results.getFirst()).getMessage()).contains("by earlier commands");
            }
            assertThat(server.received()).isEqualTo(received);
        }
    }

    @Test
    void aBudgetIsRefusedForAModelWithoutAPriceUnlessItIsDeclaredFree() throws Exception {
        try (TestServer server = TestServer.start()) {
            String spec = server.openAiSpec("gpt-unpriced");
            try (Road road = Road.open(run, config().withPrices(Prices.none()).withMaxCost(1))) {
                assertThatThrownBy(() -> road.model(spec)).isInstanceOf(InputError.class)
                        .hasMessageContaining("--max-cost cannot be kept")
                        .hasMessageContaining("--prices")
                        .hasMessageContaining("--free-model openai:gpt-unpriced");
            }
            assertThat(server.received()).isZero();
            Prices free = Prices.none().free(cai4j.model.ModelSpec.parse(spec));
            try (Road road = Road.open(run, config().withPrices(free).withMaxCost(1))) {
                assertThat(road.model(spec).complete(ask("hello")).text()).isNotEmpty();
            }
        }
    }

    @Test
    void optionProbabilitiesComeFromTheTopLogprobs() throws Exception {
        try (TestServer server = TestServer.start().answeringWith(c -> new Answer("A", Map.of("A", Math.log(0.7), " B", Math.log(0.2), "C", Math.log(0.1))));
             Road road = Road.open(run, config())) {
            Completion c = road.model(server.openAiSpec("gpt-test")).complete(ask("pick").withOptions(List.of("A", "B")));
            assertThat(c.optionProbabilities().get("A")).isCloseTo(0.7, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(c.optionProbabilities().get("B")).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(server.calls().getFirst().body().path("top_logprobs").asInt()).isEqualTo(20);
        }
    }

    @Test
    void anUnknownProviderOrAMissingKeyIsAnInputErrorNamingWhatToFix() {
        try (Road road = Road.open(run, config().withEnv(Map.of()))) {
            assertThatThrownBy(() -> road.model("nosuch:model"))
                    .isInstanceOf(InputError.class)
                    .hasMessageContaining("Unknown model provider 'nosuch'").hasMessageContaining("openai");
            assertThatThrownBy(() -> road.model("openai:gpt-4o-mini"))
                    .isInstanceOf(InputError.class).hasMessageContaining("OPENAI_API_KEY");
        }
    }

    @Test
    void anthropicCallsCacheTheSystemPromptAndAreClassifiedLikeOpenAi() throws Exception {
        String constitution = "Be honest and harmless. ".repeat(200);
        try (TestServer server = TestServer.start().answering(c -> "ok " + c.lastUser()); Road road = Road.open(run, config())) {
            LanguageModel m = road.model(server.anthropicSpec("claude-test"));
            List<ChatRequest> rs = new ArrayList<>();
            for (int i = 0; i < 5; i++) rs.add(ChatRequest.of(List.of(Message.system(constitution), Message.user("q" + i))));
            Completion first = m.complete(rs.get(0));
            List<Object> rest = runAll(m, rs.subList(1, 5));
            assertThat(first.text()).isEqualTo("ok q0");
            assertThat(first.usage().cachedTokens()).isZero();
            assertThat(rest).allSatisfy(r -> assertThat(((Completion) r).usage().cachedTokens()).isEqualTo(first.usage().inputTokens() - 5));
            assertThat(server.calls().getFirst().body().path("system").get(0).path("cache_control").path("type").asText()).isEqualTo("ephemeral");
            assertThat(server.calls().getFirst().apiKey()).isEqualTo(KEY);
        }
        try (TestServer server = TestServer.start().requireKey("other"); Road road = Road.open(run.resolve("a401"), config())) {
            assertThatThrownBy(() -> road.model(server.anthropicSpec("claude-test")).complete(ask("x")))
                    .hasMessage("The Anthropic-compatible server at " + server.anthropicBaseUrl() + " rejected the API key in ANTHROPIC_API_KEY (401); check the key.");
        }
        try (TestServer server = TestServer.start().faults(TestServer.randomTransientFaults(0.2, 11)); Road road = Road.open(run.resolve("flaky"), config())) {
            assertThat(runAll(road.model(server.anthropicSpec("claude-test")), requests(50))).allSatisfy(r -> assertThat(r).isInstanceOf(Completion.class));
            assertThat(server.answered()).isEqualTo(50);
        }
    }
}
