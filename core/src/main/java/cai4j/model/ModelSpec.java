package cai4j.model;

/**
 * Which model: {@code provider:model[@baseUrl]}. Examples: {@code openai:gpt-4o-mini},
 * {@code anthropic:claude-sonnet-4-5}, {@code openai:qwen2.5@http://localhost:8000/v1},
 * {@code llama:/models/tiny.gguf}, {@code llama:Qwen/Qwen2.5-1.5B-Instruct-GGUF/qwen2.5-1.5b-instruct-q4_k_m.gguf}.
 *
 * @param provider provider name ("openai", "anthropic", "llama")
 * @param model    model name or path, as the provider understands it
 * @param baseUrl  endpoint override ("" for the provider's default); for the HTTP providers a
 *                 comma-separated list names several replicas of one model server
 *                 ({@code openai:M@http://a:8000/v1,http://b:8000/v1}), see {@link #baseUrls()}
 */
public record ModelSpec(String provider, String model, String baseUrl) {

    /**
     * The model every role uses when none is configured: Qwen2.5-1.5B-Instruct (Apache-2.0) at
     * Q4_K_M, about 1.1 GB, run in the JVM by llama.cpp and downloaded on first use. It is the
     * smallest model that follows instructions and JSON schemas well enough to write scenarios and
     * judge answers; the 0.5B model is three times faster but too often misreads a rubric.
     */
    public static final String DEFAULT_TEXT = "llama:Qwen/Qwen2.5-1.5B-Instruct-GGUF/qwen2.5-1.5b-instruct-q4_k_m.gguf";

    public static final ModelSpec DEFAULT = parse(DEFAULT_TEXT);

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
        // for the HTTP providers an '@' always introduces a base URL; reading a malformed one as
        // part of the model name would send the prompts and the key to the provider's public endpoint
        boolean http = provider.equals("openai") || provider.equals("anthropic");
        if (http && at >= 0) {
            // a comma cannot occur unescaped in a base URL's host or version path, so it separates replicas
            java.util.List<String> urls = new java.util.ArrayList<>();
            for (String url : rest.substring(at + 1).split(",", -1)) urls.add(checkBaseUrl(s, provider, url.strip()));
            baseUrl = String.join(",", urls);
            rest = rest.substring(0, at);
            if (rest.isBlank()) throw new cai4j.InputError("Model spec '" + s + "' names no model before '@'.");
        } else if (at > 0 && rest.startsWith("http", at + 1)) {
            baseUrl = rest.substring(at + 1);
            rest = rest.substring(0, at);
        }
        return new ModelSpec(provider, rest, baseUrl);
    }

    /** The base URL after '@', if it is an absolute http(s) URL with a host (and, for OpenAI, an API path). */
    private static String checkBaseUrl(String spec, String provider, String url) {
        if (!url.matches("(?i)https?://.*")) {
            throw new cai4j.InputError("Model spec '" + spec + "' has a base URL '" + url + "' without http:// or https:// after '@' (for example " + provider + ":model@http://127.0.0.1:8000/v1).");
        }
        if (!url.matches("(?i)https?://[^/?#\\s]+.*")) {
            throw new cai4j.InputError("Model spec '" + spec + "' has a base URL '" + url + "' without a host after '@' (for example " + provider + ":model@http://127.0.0.1:8000/v1).");
        }
        java.net.URI uri;
        try {
            uri = new java.net.URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new cai4j.InputError("Model spec '" + spec + "' has a malformed base URL '" + url + "' after '@'.");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new cai4j.InputError("Model spec '" + spec + "' has a base URL '" + url + "' without a host after '@' (for example " + provider + ":model@http://127.0.0.1:8000/v1).");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        // OpenAI-compatible servers serve the API under a versioned path (/v1, /api/v1, /v1beta/openai);
        // without it every call reaches a page that is not the API and fails with a puzzling message
        if (provider.equals("openai") && !path.matches("(?i).*/v\\d+[a-z0-9]*(/.*)?")) {
            throw new cai4j.InputError("Model spec '" + spec + "' has a base URL '" + url + "' without the API's version path; OpenAI-compatible servers expect one such as " + uri.getScheme() + "://" + uri.getRawAuthority() + "/v1.");
        }
        return url;
    }

    /** The base URLs: none for the provider's default, one, or several replicas of the same model. */
    public java.util.List<String> baseUrls() {
        return baseUrl.isEmpty() ? java.util.List.of() : java.util.List.of(baseUrl.split(","));
    }

    /** True when the calls are spread over several replicas of the same model. */
    public boolean replicated() {
        return baseUrls().size() > 1;
    }

    /** One replica of this spec: the same provider and model at one of its base URLs. */
    public ModelSpec replica(String url) {
        return new ModelSpec(provider, model, url);
    }

    @Override
    public String toString() {
        return provider + ":" + model + (baseUrl.isEmpty() ? "" : "@" + baseUrl);
    }
}
