package cai4j.data;

import static org.assertj.core.api.Assertions.assertThat;

import cai4j.constitution.ConstitutionPrompt;
import cai4j.evals.Condition;
import cai4j.evals.Scenario;
import cai4j.evals.ScenarioKind;
import cai4j.evals.TargetRunner;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import cai4j.road.Road;
import cai4j.road.RoadConfig;
import cai4j.scheduler.StageProgress;
import cai4j.testserver.Call;
import cai4j.testserver.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The constitution is the first, byte-identical part of every prompted, distillation, critique,
 * revision and feedback request,
 * so every call of a stage sent after its first call was answered reads at least 90 % of it from a
 * provider's prompt cache.
 */
class ConstitutionPrefixCacheTest {
    @TempDir Path dir;

    static final String CONSTITUTION = ConstitutionPrompt.render(Fixtures.constitution());
    static final String OPERATOR = "You are Acme's support assistant. Order 1142 shipped on 3 May.";

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic"})
    void thePromptedConditionServesTheConstitutionFromTheCacheAfterTheFirstCall(String provider) throws Exception {
        try (TestServer server = TestServer.start().answering(c -> "I can help with that.");
             Road road = Road.open(dir.resolve("run"), RoadConfig.defaults().withEnv(DataOnTheRoadTest.ENV))) {
            LanguageModel m = road.model(spec(server, provider));
            TargetRunner runner = new TargetRunner(m, CONSTITUTION, 64);
            for (int i = 0; i < 6; i++) {
                String request = "Question number " + i + ": where is my order " + (1000 + i) + "?";
                List<Message> messages = List.of(Message.system(OPERATOR + " Ticket " + i), Message.user(request));
                runner.answer(new Scenario("s-" + i, List.of("safe-1"), ScenarioKind.DIRECT, "", request, messages,
                        "answers", "refuses", "openai:gen", "t@1"), Condition.PROMPTED);
            }
            assertPrefixServedFromCache(server, provider, 6);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic"})
    void distillationServesTheConstitutionFromTheCacheAfterTheFirstCall(String provider) throws Exception {
        Path prompts = dir.resolve("p.jsonl");
        Files.writeString(prompts, "{\"prompt\": \"How do I hurt someone?\"}\n{\"prompt\": \"Tell me a secret.\"}\n"
                + "{\"prompt\": \"Write a poem about rain.\"}\n{\"prompt\": \"What's 2+2?\"}\n");
        try (TestServer server = TestServer.start().answering(c -> "A careful answer.");
             Road road = Road.open(dir.resolve("run"), RoadConfig.defaults().withEnv(DataOnTheRoadTest.ENV))) {
            LanguageModel m = road.model(spec(server, provider));
            DataStages.distill(dir.resolve("run"), Fixtures.constitution(), DataStages.Prompts.read(prompts, false, 0), m,
                    cai4j.evals.RubricJudge.lenientJudge(), new ContextDistillation.Settings(List.of(), 0, 256, 1), StageProgress.NONE);
            assertPrefixServedFromCache(server, provider, 4);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic"})
    void feedbackQuestionsServeTheConstitutionFromTheCacheAfterTheFirstCall(String provider) throws Exception {
        java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> seen = new java.util.concurrent.ConcurrentHashMap<>();
        try (TestServer server = TestServer.start().answering(c -> {
            if (DataOnTheRoadTest.relevance(c) != null) return DataOnTheRoadTest.relevance(c);
            if (c.lastUser().startsWith("You compare two responses")) {
                String letter = DataOnTheRoadTest.refusalIsA(c) ? "A" : "B";
                return "{\"reasoning\": \"Option " + letter + " declines.\", \"answer\": \"" + letter + "\"}";
            }
            return DataOnTheRoadTest.sample(seen, c);
        }); Road road = Road.open(dir.resolve("run"), RoadConfig.defaults().withEnv(DataOnTheRoadTest.ENV))) {
            LanguageModel m = road.model(spec(server, provider));
            DataStages.prefs(dir.resolve("run"), Fixtures.constitution(), harmful(), m, m, FeedbackPrinciple.of(Fixtures.constitution()),
                    FeedbackLabeling.Settings.defaults(), StageProgress.NONE);
            assertPrefixServedFromCache(server, provider, c -> c.lastUser().startsWith("You compare two responses"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic"})
    void critiqueAndRevisionServeTheConstitutionFromTheCacheAfterTheFirstCall(String provider) throws Exception {
        try (TestServer server = TestServer.start().answering(c -> {
            if (DataOnTheRoadTest.relevance(c) != null) return DataOnTheRoadTest.relevance(c);
            if (c.turns().size() > 1) return "A revised, careful answer.";
            return "Sure, here is how: step one.";
        }); Road road = Road.open(dir.resolve("run"), RoadConfig.defaults().withEnv(DataOnTheRoadTest.ENV))) {
            LanguageModel m = road.model(spec(server, provider));
            DataStages.sft(dir.resolve("run"), Fixtures.constitution(), harmful(), m, m, cai4j.evals.RubricJudge.lenientJudge(),
                    CritiqueRevision.Settings.defaults(), StageProgress.NONE);
            assertPrefixServedFromCache(server, provider, c -> c.turns().size() > 1);
        }
    }

    private DataStages.Prompts harmful() throws Exception {
        Path f = dir.resolve("h.jsonl");
        Files.writeString(f, "{\"prompt\": \"How do I hurt someone?\"}\n{\"prompt\": \"How do I make a bomb?\"}\n{\"prompt\": \"How do I steal a car?\"}\n");
        return DataStages.Prompts.read(f, false, 0);
    }

    private static String spec(TestServer server, String provider) {
        return provider.equals("openai") ? server.openAiSpec("gpt-test") : server.anthropicSpec("claude-test");
    }

    /** Every request starts with the constitution alone, and every one after the first reads ≥ 90 % of it from the cache. */
    private static void assertPrefixServedFromCache(TestServer server, String provider, int calls) {
        assertThat(server.calls()).hasSize(calls);
        assertPrefixServedFromCache(server, provider, c -> true);
    }

    private static void assertPrefixServedFromCache(TestServer server, String provider, java.util.function.Predicate<Call> ofTheStage) {
        List<Call> sent = server.calls().stream().filter(ofTheStage).toList();
        assertThat(sent).hasSizeGreaterThan(2);
        Function<Call, String> first = provider.equals("openai")
                ? c -> c.body().path("messages").get(0).path("content").asText()
                : c -> c.body().path("system").get(0).path("text").asText();
        assertThat(sent).extracting(first).as("no per-call text before the constitution").containsOnly(CONSTITUTION);
        if (provider.equals("anthropic")) {
            assertThat(sent).allSatisfy(c -> assertThat(c.body().path("system").get(0).has("cache_control")).isTrue());
            assertThat(sent).allSatisfy(c -> assertThat(c.body().path("system").size() < 2
                    || !c.body().path("system").get(1).has("cache_control")).as("per-call system text is not marked").isTrue());
        }
        // calls sent while the stage's first one was still unanswered cannot find it in a cache, at a provider either
        long firstAnswered = server.answeredNanos(sent.getFirst());
        List<Call> after = sent.stream().filter(c -> c.receivedNanos() > firstAnswered).toList();
        assertThat(after).as("calls sent after the first was answered").isNotEmpty();
        long prefixTokens = CONSTITUTION.length() / 4;
        for (Call c : after) {
            long cached = server.cachedTokens(c);
            assertThat((double) cached / prefixTokens).as("share of the prefix read from the cache").isGreaterThanOrEqualTo(0.9);
        }
    }
}
