package cai4j.data;

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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training data's structured answers on the embedded model, written by a random model that never ends a string by itself. */
class EmbeddedDataAnswersTest {

    @Test
    void understandingAndFeedbackAnswersEndWithinTheirLimitsAndParseWhateverTheMaxTokens(@TempDir Path dir) throws Exception {
        try (LanguageModel tiny = Providers.load().open(ModelSpec.parse("llama:" + TinyGguf.write(dir)), Map.of("CAI4J_HOME", dir.resolve("home").toString()))) {
            for (String schema : List.of(Understanding.SCHEMA, FeedbackLabeling.VERDICT_SCHEMA)) {
                Completion c = tiny.complete(ChatRequest.of(List.of(Message.user("Answer."))).withTemperature(1.0).withSeed(1).withMaxTokens(16).withJsonSchema(schema));
                assertThat(c.finishReason()).isEqualTo("stop");
                JsonNode answer = Json.MAPPER.readTree(c.text());
                if (answer.has("question")) {
                    assertThat(answer.get("answer").asText().length()).isLessThanOrEqualTo(600);
                    assertThat(answer.get("clause_ids").size()).isLessThanOrEqualTo(3);
                } else {
                    assertThat(answer.get("reasoning").asText().length()).isLessThanOrEqualTo(300);
                    assertThat(answer.get("answer").asText()).isIn("A", "B");
                }
            }
        }
    }
}
