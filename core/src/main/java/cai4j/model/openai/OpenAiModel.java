package cai4j.model.openai;

import cai4j.Json;
import cai4j.model.AnswerCaps;
import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import cai4j.model.ModelException;
import cai4j.model.ModelSpec;
import cai4j.model.ProviderErrors;
import cai4j.model.RateLimits;
import cai4j.model.Usage;
import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.Headers;
import com.openai.core.http.HttpResponseFor;
import com.openai.errors.OpenAIException;
import com.openai.errors.OpenAIInvalidDataException;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionTokenLogprob;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** One OpenAI chat model through the official openai-java SDK, with the SDK's own retries off. */
final class OpenAiModel implements LanguageModel {
    private static final int TOP_LOGPROBS = 20;
    /** Idle connections kept for reuse: more than any sensible number of calls in flight at once. */
    private static final int IDLE_CONNECTIONS = 256;

    private final ModelSpec spec;
    private final OpenAIClient client;
    private final ProviderErrors errors;
    /** The endpoint calls go to, for messages about not reaching it. */
    private final String url;
    private final List<Consumer<RateLimits>> listeners = new CopyOnWriteArrayList<>();

    OpenAiModel(ModelSpec spec, String key, Duration timeout) {
        this.spec = spec;
        String base = spec.baseUrl().isEmpty() ? "https://api.openai.com/v1" : spec.baseUrl();
        this.url = base;
        this.client = OpenAIOkHttpClient.builder()
                .apiKey(key)
                .baseUrl(base)
                .maxRetries(0) // the scheduler retries, and counts every attempt
                // OkHttp keeps 5 idle connections by default: with more calls in flight than that,
                // most calls would open (and the pool close) a TCP connection each
                .maxIdleConnections(IDLE_CONNECTIONS).keepAliveDuration(Duration.ofMinutes(5))
                // one deadline for the whole attempt; per-read and per-write timeouts would add a
                // watchdog entry (okio AsyncTimeout, one global lock) to every socket read and write
                .timeout(com.openai.core.Timeout.builder().connect(timeout).read(Duration.ZERO).write(Duration.ZERO).request(timeout).build())
                .build();
        String who = spec.baseUrl().isEmpty() ? "OpenAI" : "The OpenAI-compatible server at " + spec.baseUrl();
        this.errors = new ProviderErrors(who, OpenAiProvider.KEY_VAR, spec.model(), key);
    }

    @Override
    public ModelSpec spec() { return spec; }

    @Override
    public void onRateLimits(Consumer<RateLimits> listener) { listeners.add(listener); }

    @Override
    public Completion complete(ChatRequest request) {
        ChatCompletionCreateParams params = params(request);
        ChatCompletion answer;
        try (HttpResponseFor<ChatCompletion> raw = client.withRawResponse().chat().completions().create(params)) {
            tell(raw.headers());
            answer = raw.parse();
        } catch (OpenAIException e) {
            throw failure(e);
        }
        return completion(request, answer);
    }

    /** An error of the SDK as the road's: what the server said, or why no answer came. Batch jobs use it too. */
    ModelException failure(OpenAIException e) {
        if (e instanceof OpenAIServiceException s) {
            RateLimits limits = tell(s.headers());
            return errors.http(s.statusCode(), s.code().orElse(""), s.type().orElse(""), OpenAiProvider.serverMessage(s), limits.retryAfter(), s);
        }
        if (e instanceof OpenAIIoException) {
            Optional<ModelException> unreachable = errors.unreachable(url, e);
            if (unreachable.isPresent()) return unreachable.get();
            return errors.noAnswer(isTimeout(e) ? "did not answer in time" : "broke the connection before answering completely", e);
        }
        if (e instanceof OpenAIInvalidDataException) return errors.noAnswer("sent an answer that could not be read (truncated or malformed)", e);
        return errors.noAnswer("failed without an answer (" + e.getClass().getSimpleName() + ")", e);
    }

    ChatCompletionCreateParams params(ChatRequest r) {
        ChatCompletionCreateParams.Builder b = ChatCompletionCreateParams.builder().model(spec.model());
        for (Message m : r.messages()) {
            switch (m.role()) {
                case "system" -> b.addSystemMessage(m.content());
                case "assistant" -> b.addAssistantMessage(m.content());
                default -> b.addUserMessage(m.content());
            }
        }
        b.temperature(r.temperature());
        b.maxCompletionTokens(r.maxTokens());
        if (!r.stop().isEmpty()) b.stopOfStrings(r.stop());
        r.seed().ifPresent(b::seed);
        if (!r.jsonSchema().isEmpty()) {
            JsonNode schema = readSchema(AnswerCaps.remote(r.jsonSchema()));
            Map<String, JsonValue> props = new LinkedHashMap<>();
            schema.properties().forEach(e -> props.put(e.getKey(), JsonValue.fromJsonNode(e.getValue())));
            b.responseFormat(ResponseFormatJsonSchema.builder()
                    .jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                            .name("answer")
                            .schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder().additionalProperties(props).build())
                            .strict(true)
                            .build())
                    .build());
        }
        if (!r.options().isEmpty()) {
            b.logprobs(true);
            b.topLogprobs(TOP_LOGPROBS);
        }
        return b.build();
    }

    private static JsonNode readSchema(String text) {
        try {
            JsonNode n = Json.MAPPER.readTree(text);
            if (n.isObject()) return n;
        } catch (Exception e) {
            // reported below
        }
        throw new ModelException(ModelException.Kind.FINAL, 0, "The JSON schema of a request is not a JSON object: " + text.substring(0, Math.min(80, text.length())), null, null);
    }

    Completion completion(ChatRequest request, ChatCompletion c) {
        if (c.choices().isEmpty()) throw errors.noAnswer("answered with no choices", null);
        ChatCompletion.Choice choice = c.choices().getFirst();
        String text = choice.message().content().orElse(choice.message().refusal().orElse(""));
        Usage usage = c.usage().map(u -> new Usage(u.promptTokens(), u.completionTokens(),
                u.promptTokensDetails().flatMap(d -> d.cachedTokens()).orElse(0L))).orElse(Usage.NONE);
        Map<String, Double> probs = Map.of();
        if (!request.options().isEmpty()) {
            List<ChatCompletionTokenLogprob> tokens = choice.logprobs().flatMap(l -> l.content()).orElse(List.of());
            probs = optionProbabilities(request.options(), tokens);
        }
        return new Completion(text, choice.finishReason().toString(), usage, probs);
    }

    /**
     * The probability of each option as the first generated token, summed over the spellings that
     * differ only by surrounding space (" A" and "A"); 0 for an option not among the top tokens.
     */
    static Map<String, Double> optionProbabilities(List<String> options, List<ChatCompletionTokenLogprob> tokens) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String o : options) out.put(o, 0.0);
        if (tokens.isEmpty()) return out;
        ChatCompletionTokenLogprob first = tokens.getFirst();
        Map<String, Double> seen = new LinkedHashMap<>();
        seen.put(first.token(), first.logprob());
        for (ChatCompletionTokenLogprob.TopLogprob t : first.topLogprobs()) seen.putIfAbsent(t.token(), t.logprob());
        for (String o : options) {
            double p = 0;
            for (Map.Entry<String, Double> e : seen.entrySet()) {
                if (e.getKey().strip().equals(o.strip())) p += Math.exp(e.getValue());
            }
            out.put(o, Math.min(1.0, p));
        }
        return out;
    }

    private RateLimits tell(Headers headers) {
        RateLimits r = RateLimits.fromHeaders(headers.asMap());
        if (!r.isEmpty()) for (Consumer<RateLimits> l : listeners) l.accept(r);
        return r;
    }

    private static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.io.InterruptedIOException) return true;
        }
        return false;
    }

    @Override
    public java.util.Optional<cai4j.model.BatchJobs> batchJobs() {
        return Optional.of(new OpenAiBatches(this, client, errors));
    }

    @Override
    public void close() { client.close(); }
}
