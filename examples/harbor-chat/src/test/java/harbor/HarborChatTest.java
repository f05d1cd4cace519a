package harbor;

import static org.assertj.core.api.Assertions.assertThat;

import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import cai4j.model.ModelSpec;
import cai4j.model.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HarborChatTest {
    final List<ChatRequest> sent = new ArrayList<>();
    final LanguageModel model = new LanguageModel() {
        @Override
        public ModelSpec spec() { return ModelSpec.parse("openai:recorded@http://127.0.0.1:9/v1"); }

        @Override
        public Completion complete(ChatRequest request) {
            sent.add(request);
            return new Completion("Canberra.", "stop", new Usage(1, 1, 0), Map.of());
        }
    };

    @Test
    void harborsSystemPromptComesFirstWithTheOperatorsInstructionsAfterIt() {
        String answer = new HarborChat(model).reply(List.of(Message.system("Only talk about bikes."), Message.user("What is the capital of Australia?")));

        assertThat(answer).isEqualTo("Canberra.");
        List<Message> messages = sent.getFirst().messages();
        assertThat(messages).hasSize(2);
        assertThat(messages.getFirst().role()).isEqualTo("system");
        assertThat(messages.getFirst().content()).startsWith(HarborChat.SYSTEM_PROMPT).endsWith("The operator's instructions:\nOnly talk about bikes.");
        assertThat(messages.getLast()).isEqualTo(Message.user("What is the capital of Australia?"));
    }

    @Test
    void noModelIsConfiguredWhenTheVariableIsUnsetOrBlank() {
        assertThat(HarborChat.configuredModel(Map.of())).isEmpty();
        assertThat(HarborChat.configuredModel(Map.of(HarborChat.MODEL_VARIABLE, "  "))).isEmpty();
        assertThat(HarborChat.configuredModel(Map.of(HarborChat.MODEL_VARIABLE, "openai:gpt-4o-mini"))).contains("openai:gpt-4o-mini");
    }
}
