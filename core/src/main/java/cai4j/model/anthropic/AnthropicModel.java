package cai4j.model.anthropic;

import cai4j.model.AnswerCaps;
import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import cai4j.model.ModelSpec;
import cai4j.model.ProviderErrors;
import cai4j.model.RateLimits;
import cai4j.model.Usage;
import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.Timeout;
import com.anthropic.core.http.Headers;
import com.anthropic.core.http.HttpResponseFor;
import com.anthropic.errors.AnthropicException;
import com.anthropic.errors.AnthropicInvalidDataException;
import com.anthropic.errors.AnthropicIoException;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.models.messages.CacheControlEphemeral;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.TextBlockParam;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One Anthropic model through the official anthropic-java SDK, with the SDK's own retries off.
 * The system prompt is sent as one text block marked {@code cache_control: ephemeral}: a
 * constitution sent with thousands of requests is then billed at the cache-read rate after the
 * first. Anthropic gives no token probabilities, so {@link Completion#optionProbabilities()} stays
 * empty; a JSON schema is passed as an instruction in the system prompt.
 */
final class AnthropicModel implements LanguageModel {
    /** Idle connections kept for reuse: more than any sensible number of calls in flight at once. */
    private static final int IDLE_CONNECTIONS = 256;
    private final ModelSpec spec;
    private final AnthropicClient client;
    private final ProviderErrors errors;
    /** The endpoint calls go to, for messages about not reaching it. */
    private final String url;
    private final List<Consumer<RateLimits>> listeners = new CopyOnWriteArrayList<>();

    AnthropicModel(ModelSpec spec, String key, Duration timeout) {
        this.spec = spec;
        AnthropicOkHttpClient.Builder b = AnthropicOkHttpClient.builder()
                .apiKey(key)
                .maxRetries(0) // the scheduler retries, and counts every attempt
                .maxIdleConnections(IDLE_CONNECTIONS).keepAliveDuration(Duration.ofMinutes(5)) // see OpenAiModel
                // one deadline for the whole attempt (see OpenAiModel)
                .timeout(Timeout.builder().connect(timeout).read(Duration.ZERO).write(Duration.ZERO).request(timeout).build());
        if (!spec.baseUrl().isEmpty()) b.baseUrl(spec.baseUrl());
        this.client = b.build();
        this.url = spec.baseUrl().isEmpty() ? "https://api.anthropic.com" : spec.baseUrl();
        String who = spec.baseUrl().isEmpty() ? "Anthropic" : "The Anthropic-compatible server at " + spec.baseUrl();
        this.errors = new ProviderErrors(who, AnthropicProvider.KEY_VAR, spec.model(), key);
    }

    @Override
    public ModelSpec spec() { return spec; }

    @Override
    public void onRateLimits(Consumer<RateLimits> listener) { listeners.add(listener); }

    @Override
    public Completion complete(ChatRequest request) {
        com.anthropic.models.messages.Message answer;
        try (HttpResponseFor<com.anthropic.models.messages.Message> raw = client.withRawResponse().messages().create(params(request))) {
            tell(raw.headers());
            answer = raw.parse();
        } catch (AnthropicServiceException e) {
            RateLimits limits = tell(e.headers());
            String message = e.apiMessage().orElse("");
            String type = e.errorType().map(Object::toString).orElse("");
            // Anthropic reports an empty balance as a 400 with this wording
            String code = message.toLowerCase(Locale.ROOT).contains("credit balance") ? "billing" : "";
            throw errors.http(e.statusCode(), code, type, message, limits.retryAfter(), e);
        } catch (AnthropicIoException e) {
            errors.unreachable(url, e).ifPresent(u -> { throw u; });
            throw errors.noAnswer(isTimeout(e) ? "did not answer in time" : "broke the connection before answering completely", e);
        } catch (AnthropicInvalidDataException e) {
            throw errors.noAnswer("sent an answer that could not be read (truncated or malformed)", e);
        } catch (AnthropicException e) {
            throw errors.noAnswer("failed without an answer (" + e.getClass().getSimpleName() + ")", e);
        }
        return completion(answer);
    }

    /** An answer as the road's completion: its text, why it stopped, and its tokens (cache reads and writes among the input). */
    static Completion completion(com.anthropic.models.messages.Message answer) {
        StringBuilder text = new StringBuilder();
        for (ContentBlock block : answer.content()) block.text().ifPresent(t -> text.append(t.text()));
        var u = answer.usage();
        long cacheRead = u.cacheReadInputTokens().orElse(0L);
        long cacheWrite = u.cacheCreationInputTokens().orElse(0L);
        Usage usage = new Usage(u.inputTokens() + cacheRead + cacheWrite, u.outputTokens(), cacheRead);
        String finish = answer.stopReason().map(Object::toString).orElse("");
        return new Completion(text.toString(), finish, usage, Map.of());
    }

    MessageCreateParams params(ChatRequest r) {
        MessageCreateParams.Builder b = MessageCreateParams.builder().model(spec.model()).maxTokens(r.maxTokens());
        // each system message is its own block; the first (the constitution, where there is one)
        // carries the cache mark, so the cached prefix ends before anything that changes per call
        List<String> system = new java.util.ArrayList<>();
        for (Message m : r.messages()) {
            switch (m.role()) {
                case "system" -> system.add(m.content());
                case "assistant" -> b.addAssistantMessage(m.content());
                default -> b.addUserMessage(m.content());
            }
        }
        if (!r.jsonSchema().isEmpty()) system.add("Answer with only a JSON value that follows this JSON schema:\n" + AnswerCaps.remote(r.jsonSchema()));
        if (!system.isEmpty()) {
            List<TextBlockParam> blocks = new java.util.ArrayList<>();
            for (int i = 0; i < system.size(); i++) {
                TextBlockParam.Builder block = TextBlockParam.builder().text(i == 0 ? system.get(i) : "\n\n" + system.get(i));
                if (i == 0) block.cacheControl(CacheControlEphemeral.builder().build());
                blocks.add(block.build());
            }
            b.systemOfTextBlockParams(blocks);
        }
        // this SDK version has no typed temperature field; the API still takes it
        b.putAdditionalBodyProperty("temperature", com.anthropic.core.JsonValue.from(r.temperature()));
        if (!r.stop().isEmpty()) b.stopSequences(r.stop());
        return b.build();
    }

    private RateLimits tell(Headers headers) {
        Map<String, List<String>> map = new java.util.HashMap<>();
        for (String name : headers.names()) map.put(name, headers.values(name));
        RateLimits r = RateLimits.fromHeaders(map);
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
        return java.util.Optional.of(new AnthropicBatches(this, client, errors, url));
    }

    @Override
    public void close() { client.close(); }
}
