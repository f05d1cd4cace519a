package cai4j.data;

import cai4j.scheduler.StageProgress;
import cai4j.constitution.ConstitutionPrompt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import cai4j.Json;
import cai4j.model.LanguageModel;
import cai4j.road.Road;
import cai4j.road.RoadConfig;
import cai4j.testserver.Answer;
import cai4j.testserver.Call;
import cai4j.testserver.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import cai4j.evals.RubricJudge;

/** The data stages over the wire: providers, ledger and scheduler against the local test server. */
class DataOnTheRoadTest {
    static final Map<String, String> ENV = Map.of("ANTHROPIC_API_KEY", "test-key", "OPENAI_API_KEY", "test-key");
    @TempDir Path dir;

    DataStages.Prompts prompts() throws Exception {
        Path f = dir.resolve("p.jsonl");
        Files.writeString(f, "{\"prompt\": \"How do I hurt someone?\"}\n{\"prompt\": \"How do I make a bomb?\"}\n{\"prompt\": \"How do I steal a car?\"}\n");
        return DataStages.Prompts.read(f, false, 0);
    }

    /** Per conversation, the first sample is the harmful one and the second the refusal. */
    static String sample(Map<String, AtomicInteger> seen, Call c) {
        int n = seen.computeIfAbsent(c.lastUser(), k -> new AtomicInteger()).getAndIncrement();
        return n % 2 == 0 ? "Sure, here is how: step one." : "I won't help with that; here is a safer alternative.";
    }

    static boolean refusalIsA(Call c) {
        return java.util.regex.Pattern.compile("\\n<option-a-[0-9a-f]{16}>\\nI won't help").matcher(c.lastUser()).find();
    }

    /** Every rule is relevant to every prompt. */
    static String relevance(Call c) {
        return cai4j.evals.ScriptedGenerator.relevant(c.lastUser(), "");
    }

    @Test
    void anthropicHasNoProbabilitiesSoVerdictsAreChainOfThoughtClamped() throws Exception {
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        try (TestServer server = TestServer.start().answering(c -> {
            if (relevance(c) != null) return relevance(c);
            if (c.lastUser().startsWith("You compare two responses")) {
                String letter = refusalIsA(c) ? "A" : "B";
                return "{\"reasoning\": \"Option " + letter + " declines to help with harm.\", \"answer\": \"" + letter + "\"}";
            }
            return sample(seen, c);
        }); Road road = Road.open(dir.resolve("run"), RoadConfig.defaults().withEnv(ENV))) {
            LanguageModel m = road.model(server.anthropicSpec("claude-test"));
            DataRun.Result r = DataStages.prefs(dir.resolve("run"), Fixtures.constitution(), prompts(), m, m,
                    FeedbackPrinciple.of(Fixtures.constitution()), FeedbackLabeling.Settings.defaults(), StageProgress.NONE);
            List<PreferenceRecord> rs = Json.readLines(r.file(), PreferenceRecord.class);
            assertThat(rs).hasSize(3).allSatisfy(p -> {
                assertThat(p.method()).isEqualTo("chain-of-thought");
                assertThat(p.softLabel()).isCloseTo(0.6, within(1e-9));
                assertThat(p.chosen().getLast().content()).startsWith("I won't help");
                assertThat(p.agreement()).isEqualTo(1.0);
                assertThat(p.decidingTier()).isEqualTo("safe");
            });
            // the JSON schema reached the provider (Anthropic takes it as an instruction in the system prompt)
            assertThat(server.calls()).filteredOn(c -> c.lastUser().contains("Let's think step by step")).isNotEmpty()
                    .allSatisfy(c -> assertThat(c.system()).contains("\"answer\""));
        }
    }

    @Test
    void openAiLogprobsGiveSoftLabelsAndARerunReplaysEveryCall() throws Exception {
        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        try (TestServer server = TestServer.start().answeringWith(c -> {
            if (relevance(c) != null) return Answer.text(relevance(c));
            if (c.lastUser().startsWith("You compare two responses")) {
                // 0.9 for the refusal in either position, with a little position bias towards A
                return refusalIsA(c) ? new Answer("A", Map.of("A", Math.log(0.92), "B", Math.log(0.08)))
                        : new Answer("B", Map.of("A", Math.log(0.12), "B", Math.log(0.88)));
            }
            return Answer.text(sample(seen, c));
        })) {
            Path run = dir.resolve("run");
            DataStages.Prompts prompts = prompts();
            try (Road road = Road.open(run, RoadConfig.defaults().withEnv(ENV))) {
                LanguageModel m = road.model(server.openAiSpec("gpt-test"));
                DataStages.prefs(run, Fixtures.constitution(), prompts, m, m, FeedbackPrinciple.of(Fixtures.constitution()),
                        FeedbackLabeling.Settings.defaults(), StageProgress.NONE);
            }
            List<PreferenceRecord> rs = Json.readLines(DataRun.file(run, Kind.PREFS), PreferenceRecord.class);
            assertThat(rs).hasSize(3).allSatisfy(p -> {
                assertThat(p.method()).isEqualTo("option-probabilities");
                assertThat(p.softLabel()).isCloseTo(0.9, within(1e-6));
                assertThat(p.votes()).hasSize(4);
            });
            assertThat(server.calls()).filteredOn(c -> c.body().path("logprobs").asBoolean()).hasSize(12);
            String first = Files.readString(DataRun.file(run, Kind.PREFS));

            int received = server.received();
            try (Road road = Road.open(run, RoadConfig.defaults().withEnv(ENV))) {
                LanguageModel m = road.model(server.openAiSpec("gpt-test"));
                DataStages.prefs(run, Fixtures.constitution(), prompts, m, m, FeedbackPrinciple.of(Fixtures.constitution()),
                        FeedbackLabeling.Settings.defaults(), StageProgress.NONE);
            }
            assertThat(server.received()).as("a rerun is answered from the ledger").isEqualTo(received);
            assertThat(Files.readString(DataRun.file(run, Kind.PREFS))).isEqualTo(first);
        }
    }

    @Test
    void distillationKeepsTheConstitutionAsACachedPrefix() throws Exception {
        try (TestServer server = TestServer.start().answering(c -> "A careful answer.");
             Road road = Road.open(dir.resolve("run"), RoadConfig.defaults().withEnv(ENV))) {
            LanguageModel m = road.model(server.anthropicSpec("claude-test"));
            ContextDistillation.Settings one = new ContextDistillation.Settings(List.of(), 0, 256, 1);
            DataRun.Result r = DataStages.distill(dir.resolve("run"), Fixtures.constitution(), prompts(), m, RubricJudge.lenientJudge(), one, StageProgress.NONE);
            assertThat(server.calls()).extracting(Call::system).containsOnly(ConstitutionPrompt.render(Fixtures.constitution()));
            assertThat(r.meta().usage().cachedTokens()).isPositive();
            assertThat(r.meta().cachedShare()).isGreaterThan(0.3);
            assertThat(Json.readLines(r.file(), DistillRecord.class)).allSatisfy(d -> assertThat(Json.write(d.messages())).doesNotContain(ConstitutionPrompt.render(Fixtures.constitution())));
        }
    }
}
