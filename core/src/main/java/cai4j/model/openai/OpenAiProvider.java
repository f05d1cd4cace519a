package cai4j.model.openai;

import cai4j.InputError;
import cai4j.model.LanguageModel;
import cai4j.model.ModelProvider;
import cai4j.model.ModelSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.errors.OpenAIServiceException;
import java.time.Duration;
import java.util.Map;

/**
 * {@code openai:<model>} and {@code openai:<model>@<base URL>}: OpenAI, or any server that speaks
 * its chat-completions protocol (vLLM, llama.cpp server, Ollama). The key comes from
 * {@code OPENAI_API_KEY}; a server at an explicit base URL may go without one.
 */
public final class OpenAiProvider implements ModelProvider {
    public static final String KEY_VAR = "OPENAI_API_KEY";

    @Override
    public String name() { return "openai"; }

    @Override
    public LanguageModel open(ModelSpec spec, Map<String, String> env) {
        return open(spec, env, Duration.ofSeconds(120));
    }

    @Override
    public LanguageModel open(ModelSpec spec, Map<String, String> env, Duration timeout) {
        return new OpenAiModel(spec, apiKey(spec, env, "Model " + spec), timeout);
    }

    /**
     * The key for an {@code openai:} spec, from {@code OPENAI_API_KEY}: required by OpenAI itself,
     * optional for a server at an explicit base URL. {@code who} begins the sentence when it is missing.
     */
    public static String apiKey(ModelSpec spec, Map<String, String> env, String who) {
        String key = env.getOrDefault(KEY_VAR, "").strip();
        if (!key.isEmpty()) return key;
        if (spec.baseUrl().isEmpty()) {
            throw new InputError(who + " needs an OpenAI API key in the environment variable " + KEY_VAR + ", which is not set.");
        }
        return "no-key"; // local compatible servers usually ignore the key; one that wants it answers 401
    }

    /** The message of an error answer's body ({@code error.message}, or {@code message}), or "" when it has none. */
    public static String serverMessage(OpenAIServiceException e) {
        try {
            JsonNode body = e.body().convert(JsonNode.class);
            if (body == null) return "";
            JsonNode msg = body.path("error").isObject() ? body.path("error").path("message") : body.path("message");
            return msg.isTextual() ? msg.asText() : "";
        } catch (RuntimeException x) {
            return "";
        }
    }
}
