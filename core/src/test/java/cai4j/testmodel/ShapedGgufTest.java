package cai4j.testmodel;

import static org.assertj.core.api.Assertions.assertThat;

import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import cai4j.model.ModelSpec;
import cai4j.model.llama.LlamaProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShapedGgufTest {
    static final ShapedGguf.Shape SMALL = new ShapedGguf.Shape(2, 64, 4, 2, 128, 2000);

    @TempDir
    Path dir;

    @Test
    void writesAQ4ModelOfTheGivenShapeThatLlamaCppLoadsAndRuns() throws Exception {
        Path file = ShapedGguf.write(dir.resolve("shaped.gguf"), SMALL, 1);
        // Q4_0 matrices: 18 bytes per 32 weights; both 64 x 2000 vocabulary matrices dominate the file
        assertThat(Files.size(file)).isBetween(2L * 64 / 32 * 18 * 2000, 4L * 64 / 32 * 18 * 2000 + 200_000);
        try (LanguageModel m = new LlamaProvider().open(ModelSpec.parse("llama:" + file), Map.of("CAI4J_HOME", dir.resolve("home").toString()))) {
            Completion c = m.complete(ChatRequest.of(List.of(Message.user("Say something."))).withMaxTokens(10).withTemperature(1.0).withSeed(3));
            // the filler tokens are normal tokens: the model writes text, not an empty answer
            assertThat(c.text()).isNotEmpty();
            assertThat(c.usage().outputTokens()).isPositive().isLessThanOrEqualTo(10);
        }
    }

    @Test
    void mergesLearntFromATextLetTheModelReadItInFarFewerTokensThanBytes() throws Exception {
        String text = Files.readString(Path.of("examples/helpful-assistant.md"));
        List<String> merges = ShapedGguf.merges(text, 300);
        assertThat(merges).hasSize(300).doesNotHaveDuplicates();
        Path file = ShapedGguf.write(dir.resolve("merged.gguf"), SMALL, 1, merges);
        try (LanguageModel m = new LlamaProvider().open(ModelSpec.parse("llama:" + file), Map.of("CAI4J_HOME", dir.resolve("home").toString()))) {
            long tokens = m.complete(ChatRequest.of(List.of(Message.user(text))).withMaxTokens(1)).usage().inputTokens();
            // a byte-level tokenizer would take one token a byte
            assertThat((double) text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length / tokens).isGreaterThan(2.0);
        }
    }

    @Test
    void whatTheRandomModelWritesReadsBackAsAboutAsManyTokens() throws Exception {
        List<String> merges = ShapedGguf.merges(Files.readString(Path.of("examples/helpful-assistant.md")), 300);
        Path file = ShapedGguf.write(dir.resolve("merged.gguf"), SMALL, 1, merges);
        try (LanguageModel m = new LlamaProvider().open(ModelSpec.parse("llama:" + file), Map.of("CAI4J_HOME", dir.resolve("home").toString()))) {
            Completion answer = m.complete(ChatRequest.of(List.of(Message.user("Say something."))).withMaxTokens(60).withTemperature(1.0).withSeed(5));
            long empty = m.complete(ChatRequest.of(List.of(Message.user("Quote:"))).withMaxTokens(1)).usage().inputTokens();
            long quoted = m.complete(ChatRequest.of(List.of(Message.user("Quote:" + answer.text()))).withMaxTokens(1)).usage().inputTokens();
            // a later prompt quoting the answer (a judge's, a critique's) is as long as with a real
            // model; fillers no merge reaches read back as a token a byte or two, five times as many
            assertThat(quoted - empty).isLessThanOrEqualTo(answer.usage().outputTokens() * 3 / 2);
        }
    }

    @Test
    void theBenchmarksTokenizerReadsTheConstitutionAboutAsARealOneDoes() throws Exception {
        String constitution = Files.readString(Path.of("examples/helpful-assistant.md"));
        List<String> merges = ShapedGguf.merges(ShapedGguf.text(Path.of("")), ShapedGguf.MERGES);
        // cl100k_base reads this file at 4.89 characters a token; 4,000 merges and GPT-2's
        // pre-tokenizer read it at 3.7, so every benchmark prompt took about 30 % too many tokens
        assertThat((double) constitution.length() / ShapedGguf.tokens(constitution, merges)).isGreaterThan(4.4);
    }

    @Test
    void theSameSeedWritesTheSameBytes() throws Exception {
        Path a = ShapedGguf.write(dir.resolve("a.gguf"), SMALL, 7);
        Path b = ShapedGguf.write(dir.resolve("b.gguf"), SMALL, 7);
        assertThat(Files.mismatch(a, b)).isEqualTo(-1L);
    }
}
