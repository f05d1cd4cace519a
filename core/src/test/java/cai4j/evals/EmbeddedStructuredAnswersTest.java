package cai4j.evals;

import static org.assertj.core.api.Assertions.assertThat;

import cai4j.Json;
import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import cai4j.model.ModelSpec;
import cai4j.model.Providers;
import cai4j.testmodel.TinyGguf;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every structured stage's answer on the embedded model, written by a random model that never ends
 * a string by itself: the grammar's limits end each one, the request's max tokens (however small)
 * never cuts it, and it parses with no repair call.
 */
class EmbeddedStructuredAnswersTest {
    @TempDir
    static Path dir;
    static LanguageModel tiny;

    @BeforeAll
    static void open() {
        tiny = Providers.load().open(ModelSpec.parse("llama:" + TinyGguf.write(dir)), Map.of("CAI4J_HOME", dir.resolve("home").toString()));
    }

    @AfterAll
    static void close() {
        if (tiny != null) tiny.close();
    }

    /** Each stage's schema as sent, and what the stage accepts. */
    static Map<String, JsonNode[]> stages() {
        Map<String, JsonNode[]> m = new LinkedHashMap<>();
        for (var e : Judge.SCHEMAS.entrySet()) m.put("judge " + e.getKey().json(), new JsonNode[] {e.getValue(), e.getValue()});
        m.put("judge confirm", new JsonNode[] {Judge.CONFIRM_SCHEMA, Judge.CONFIRM_SCHEMA});
        m.put("filter", new JsonNode[] {QualityFilter.SCHEMA, QualityFilter.SCHEMA});
        m.put("filter conflict", new JsonNode[] {QualityFilter.CONFLICT_SCHEMA, QualityFilter.CONFLICT_SCHEMA});
        m.put("generator, 1 scenario", new JsonNode[] {ScenarioGenerator.sent(1), ScenarioGenerator.SCHEMA});
        m.put("generator, 3 scenarios", new JsonNode[] {ScenarioGenerator.sent(3), ScenarioGenerator.SCHEMA});
        m.put("conflict pairing", new JsonNode[] {ConflictPairing.SCHEMA, ConflictPairing.SCHEMA});
        m.put("relevance", new JsonNode[] {Relevance.SCHEMA, Relevance.SCHEMA});
        return m;
    }

    @Test
    void everyStructuredStagesAnswerEndsAndParsesWithoutARepairWhateverTheMaxTokens() {
        AtomicInteger calls = new AtomicInteger();
        List<Completion> answers = new java.util.ArrayList<>();
        LanguageModel counted = new LanguageModel() {
            @Override public ModelSpec spec() { return tiny.spec(); }
            @Override public boolean local() { return true; }
            @Override public Completion complete(ChatRequest r) {
                calls.incrementAndGet();
                Completion c = tiny.complete(r);
                answers.add(c);
                return c;
            }
        };
        long longest = 0;
        for (var e : stages().entrySet()) {
            for (long seed = 0; seed < 2; seed++) {
                calls.set(0);
                answers.clear();
                ChatRequest r = ChatRequest.of(List.of(Message.user("Write the " + e.getKey() + " answer."))).withTemperature(1.0).withSeed(seed).withMaxTokens(32);
                StructuredCall.Outcome o = StructuredCall.ask(counted, r, e.getValue()[0], e.getValue()[1], true, true);
                assertThat(o).as(e.getKey() + " seed " + seed + ": " + o).isInstanceOf(StructuredCall.Valid.class);
                assertThat(calls.get()).as(e.getKey() + ": no repair call").isEqualTo(1);
                assertThat(answers.getFirst().finishReason()).as(e.getKey()).isEqualTo("stop");
                // an empty list of pairs is a whole answer too; the judge's and the generator's are long
                longest = Math.max(longest, answers.getFirst().usage().outputTokens());
            }
        }
        assertThat(longest).as("answers far longer than the request's max tokens still end").isGreaterThan(32 * 4);
    }

    @Test
    void aGeneratorAnswerHoldsNoMoreScenariosThanAskedFor() {
        ChatRequest r = ChatRequest.of(List.of(Message.user("Write 2 scenarios."))).withTemperature(1.0).withSeed(3).withMaxTokens(32);
        var o = (StructuredCall.Valid) StructuredCall.ask(tiny, r, ScenarioGenerator.sent(2), ScenarioGenerator.SCHEMA, false, true);
        assertThat(o.value().get("scenarios").size()).isBetween(1, 2);
        assertThat(Json.write(ScenarioGenerator.sent(2))).contains("x-embedded-maxItems");
    }
}
