package cai4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import cai4j.Json;
import cai4j.testserver.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnswerCapsTest {
    static final String SCHEMA = """
            {"type":"object","properties":{
              "free":{"type":"string"},
              "sized":{"type":"string","x-embedded-maxLength":40,"x-embedded-why":"a short reason"},
              "short":{"type":"string","maxLength":20},
              "choice":{"type":"string","enum":["a","b"]},
              "list":{"type":"array","x-embedded-maxItems":2,"items":{"type":"object","properties":{"text":{"type":"string"}}}},
              "many":{"type":"array","minItems":12,"items":{"type":"integer"}}},
             "required":["free"],"additionalProperties":false}""";

    @Test
    void theEmbeddedSchemaTakesTheStagesLimitsAndBoundsEveryOtherFreeStringAndArray() throws Exception {
        JsonNode p = Json.MAPPER.readTree(AnswerCaps.embedded(SCHEMA)).get("properties");
        assertThat(p.get("free").get("maxLength").asInt()).isEqualTo(AnswerCaps.STRING_CHARS);
        assertThat(p.get("sized").get("maxLength").asInt()).isEqualTo(40);
        assertThat(p.get("short").get("maxLength").asInt()).isEqualTo(20);
        assertThat(p.get("choice").has("maxLength")).isFalse();
        assertThat(p.get("list").get("maxItems").asInt()).isEqualTo(2);
        assertThat(p.get("list").get("items").get("properties").get("text").get("maxLength").asInt()).isEqualTo(AnswerCaps.STRING_CHARS);
        assertThat(p.get("many").get("maxItems").asInt()).as("never fewer than the schema requires").isEqualTo(12);
        assertThat(AnswerCaps.embedded(SCHEMA)).doesNotContain("x-embedded");
    }

    @Test
    void theRemoteSchemaIsTheStagesWithoutTheEmbeddedLimits() throws Exception {
        JsonNode remote = Json.MAPPER.readTree(AnswerCaps.remote(SCHEMA));
        assertThat(remote.toString()).doesNotContain("x-embedded");
        JsonNode p = remote.get("properties");
        assertThat(p.get("sized")).isEqualTo(Json.MAPPER.readTree("{\"type\":\"string\"}"));
        assertThat(p.get("free").has("maxLength")).isFalse();
        assertThat(p.get("short").get("maxLength").asInt()).as("the stage's own keywords stay").isEqualTo(20);
        assertThat(remote.get("required").get(0).asText()).isEqualTo("free");
    }

    @Test
    void aLongerLimitMakesALongerTypicalAnswer() {
        String reason = "{\"type\":\"object\",\"properties\":{\"r\":{\"type\":\"string\",\"x-embedded-maxLength\":%d}}}";
        assertThat(AnswerCaps.typicalTokens(reason.formatted(800))).isGreaterThan(AnswerCaps.typicalTokens(reason.formatted(80)) + 80);
    }

    @Test
    void openAiAndAnthropicRequestsCarryNoEmbeddedLimit() {
        try (TestServer server = TestServer.start().answering(c -> "{\"free\":\"x\"}")) {
            ChatRequest r = ChatRequest.of(java.util.List.of(Message.user("Say x."))).withJsonSchema(SCHEMA);
            for (String spec : java.util.List.of(server.openAiSpec("gpt-test"), server.anthropicSpec("claude-test"))) {
                try (LanguageModel m = Providers.load().open(ModelSpec.parse(spec), Map.of("OPENAI_API_KEY", "k", "ANTHROPIC_API_KEY", "k"))) {
                    m.complete(r);
                }
            }
            assertThat(server.calls()).hasSize(2);
            for (var call : server.calls()) {
                String body = call.body().toString();
                assertThat(body).doesNotContain("x-embedded").doesNotContain("maxItems");
                assertThat(body.split("maxLength", -1)).as("only the stage's own maxLength of 20").hasSize(2);
                assertThat(body).as(call.protocol() + " still gets the schema").contains("sized");
            }
        }
    }
}
