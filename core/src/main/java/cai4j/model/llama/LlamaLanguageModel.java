package cai4j.model.llama;

import cai4j.InputError;
import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import cai4j.model.ModelException;
import cai4j.model.ModelSpec;
import cai4j.model.Usage;
import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.Pair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A GGUF model run inside the JVM by llama.cpp (through de.kherud:llama).
 *
 * <p>Each request is rendered with the chat template stored in the model file, then generated on a
 * small pool of platform threads, one per llama.cpp slot, never on the caller's thread (callers are
 * often virtual threads, which must not be pinned by a long native call). Temperature, max tokens,
 * stop sequences and seed apply per request; the same request with the same seed gives the same
 * text. A JSON schema becomes a llama.cpp grammar, so the answer always parses. Options are scored
 * exactly by {@link OptionScorer}.
 *
 * <p>Sampling uses llama.cpp's defaults besides the request's settings (top-k 40, top-p 0.95,
 * min-p 0.05); temperature 0 is greedy. Token counts are those of the prompt and of the answer as
 * the model's tokenizer reads them.
 */
public final class LlamaLanguageModel implements LanguageModel {
    private final ModelSpec spec;
    private final Path file;
    private final LlamaSettings settings;
    private final LlamaModel model;
    private final ThreadPoolExecutor pool;
    private final Map<String, String> grammars = new ConcurrentHashMap<>();
    private OptionScorer scorer;
    private volatile boolean closed;

    LlamaLanguageModel(ModelSpec spec, Path file, LlamaSettings settings) {
        this.spec = spec;
        this.file = file;
        this.settings = settings;
        ModelParameters params = new ModelParameters()
                .setModel(file.toString())
                .setParallel(settings.slots())
                .setCtxSize(settings.slots() * settings.contextPerSlot())
                .setThreads(settings.threads())
                .setThreadsBatch(settings.threads());
        if (!NativeRuntime.verbose()) params.disableLog();
        try {
            this.model = new LlamaModel(params);
        } catch (RuntimeException e) {
            throw new InputError("llama.cpp cannot load the model file " + file + " (" + e.getMessage()
                    + "); is it a complete GGUF file?", e);
        } finally {
            NativeRuntime.routeLog();
        }
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(settings.slots(), settings.slots(), 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "llama-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public boolean local() {
        return true;
    }

    @Override
    public int maxConcurrency() {
        return settings.slots();
    }

    public Path file() {
        return file;
    }

    @Override
    public Completion complete(ChatRequest request) throws ModelException {
        if (closed) throw ModelException.finalError(0, "The embedded model " + spec + " is closed.");
        Future<Completion> f = pool.submit(() -> generate(request));
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.cancel(false);
            Thread.currentThread().interrupt();
            throw new ModelException(ModelException.Kind.TRANSIENT, 0, "The call to " + spec + " was interrupted.", null, e);
        } catch (CancellationException e) {
            throw new ModelException(ModelException.Kind.TRANSIENT, 0, "The call to " + spec + " was cancelled.", null, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof Error err) throw err;
            throw new ModelException(ModelException.Kind.FINAL, 0, "The embedded model " + spec + " failed: " + c, null, c);
        }
    }

    private Completion generate(ChatRequest request) {
        String prompt = prompt(request.messages());
        int inputTokens = model.encode(prompt).length;
        if (inputTokens >= settings.contextPerSlot()) {
            throw ModelException.finalError(400, "The prompt has " + inputTokens + " tokens, more than the " + settings.contextPerSlot()
                    + " the embedded model " + spec + " is set up for; raise CAI4J_LLAMA_CONTEXT.");
        }
        InferenceParameters p = new InferenceParameters(prompt)
                .setNPredict(request.maxTokens())
                .setTemperature((float) request.temperature())
                .setSeed(seed(request))
                .setCachePrompt(true);
        if (!request.stop().isEmpty()) p.setStopStrings(request.stop().toArray(String[]::new));
        if (!request.jsonSchema().isBlank()) p.setGrammar(grammar(request.jsonSchema()));
        String text;
        try {
            text = model.complete(p);
        } catch (RuntimeException e) {
            throw new ModelException(ModelException.Kind.FINAL, 0, "The embedded model " + spec + " failed: " + e.getMessage(), null, e);
        }
        int outputTokens = text.isEmpty() ? 0 : model.encode(text).length;
        String finish = outputTokens >= request.maxTokens() ? "length" : "stop";
        Map<String, Double> options = request.options().isEmpty() ? Map.of() : scorer().probabilities(prompt, request.options());
        return new Completion(text, finish, new Usage(inputTokens, outputTokens, 0), options);
    }

    /** The conversation rendered by the chat template in the model file, ready for the assistant's turn. */
    String prompt(List<Message> messages) {
        StringBuilder system = new StringBuilder();
        List<Pair<String, String>> turns = new ArrayList<>();
        for (Message m : messages) {
            switch (m.role()) {
                case "system" -> system.append(system.isEmpty() ? "" : "\n\n").append(m.content());
                case "user", "assistant" -> turns.add(new Pair<>(m.role(), m.content()));
                default -> throw new IllegalArgumentException("unknown message role '" + m.role() + "'");
            }
        }
        return model.applyTemplate(new InferenceParameters("").setMessages(system.toString(), turns));
    }

    private String grammar(String schema) {
        return grammars.computeIfAbsent(schema, s -> {
            try {
                return LlamaModel.jsonSchemaToGrammar(s);
            } catch (RuntimeException e) {
                throw new ModelException(ModelException.Kind.FINAL, 400,
                        "llama.cpp cannot turn the request's JSON schema into a grammar: " + e.getMessage(), null, e);
            }
        });
    }

    /** One seed from the request's seed and sample index, so that n samples of a request differ but each replays. */
    static int seed(ChatRequest r) {
        long x = r.seed().orElse(0L) * 0x9E3779B97F4A7C15L + r.sampleIndex();
        x ^= x >>> 33;
        x *= 0xFF51AFD7ED558CCDL;
        x ^= x >>> 33;
        // llama.cpp reads -1 (0xFFFFFFFF) as "pick a random seed": stay non-negative
        return (int) (x & 0x7FFFFFFF);
    }

    private synchronized OptionScorer scorer() {
        if (closed) throw ModelException.finalError(0, "The embedded model " + spec + " is closed.");
        if (scorer == null) scorer = OptionScorer.open(file, settings.contextPerSlot(), settings.threads());
        return scorer;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        pool.shutdown();
        try {
            if (!pool.awaitTermination(5, TimeUnit.MINUTES)) pool.shutdownNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (scorer != null) scorer.close();
        }
        model.close();
    }
}
