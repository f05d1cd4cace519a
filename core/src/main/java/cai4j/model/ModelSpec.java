package cai4j.model;

/**
 * Which model: {@code provider:model[@baseUrl]}. Examples: {@code openai:gpt-4o-mini},
 * {@code anthropic:claude-sonnet-4-5}, {@code openai:qwen2.5@http://localhost:8000/v1},
 * {@code llama:/models/tiny.gguf}, {@code llama:Qwen/Qwen2.5-1.5B-Instruct-GGUF/qwen2.5-1.5b-instruct-q4_k_m.gguf}.
 *
 * @param provider provider name ("openai", "anthropic", "llama")
 * @param model    model name or path, as the provider understands it
 * @param baseUrl  endpoint override ("" for the provider's default)
 */
public record ModelSpec(String provider, String model, String baseUrl) {

    public static ModelSpec parse(String text) {
        String s = text == null ? "" : text.strip();
        int colon = s.indexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new cai4j.InputError("Model spec '" + s + "' is not of the form provider:model (for example openai:gpt-4o-mini or llama:/path/model.gguf).");
        }
        String provider = s.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
        String rest = s.substring(colon + 1);
        String baseUrl = "";
        int at = rest.lastIndexOf('@');
        if (at > 0 && (rest.startsWith("http", at + 1))) {
            baseUrl = rest.substring(at + 1);
            rest = rest.substring(0, at);
        }
        return new ModelSpec(provider, rest, baseUrl);
    }

    @Override
    public String toString() {
        return provider + ":" + model + (baseUrl.isEmpty() ? "" : "@" + baseUrl);
    }
}
