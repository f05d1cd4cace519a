package cai4j.model.anthropic;

import cai4j.InputError;
import cai4j.model.LanguageModel;
import cai4j.model.ModelProvider;
import cai4j.model.ModelSpec;
import java.time.Duration;
import java.util.Map;

/** {@code anthropic:<model>[@<base URL>]}: Anthropic's Messages API; the key comes from {@code ANTHROPIC_API_KEY}. */
public final class AnthropicProvider implements ModelProvider {
    public static final String KEY_VAR = "ANTHROPIC_API_KEY";

    @Override
    public String name() { return "anthropic"; }

    @Override
    public LanguageModel open(ModelSpec spec, Map<String, String> env) {
        return open(spec, env, Duration.ofSeconds(120));
    }

    @Override
    public LanguageModel open(ModelSpec spec, Map<String, String> env, Duration timeout) {
        String key = env.getOrDefault(KEY_VAR, "").strip();
        if (key.isEmpty()) {
            throw new InputError("Model " + spec + " needs an Anthropic API key in the environment variable " + KEY_VAR + ", which is not set.");
        }
        return new AnthropicModel(spec, key, timeout);
    }
}
