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
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.Pair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * A GGUF model run inside the JVM by llama.cpp (through de.kherud:llama).
 *
 * <p>Each request is rendered with the chat template stored in the model file, then generated on a
 * small pool of platform threads, one per llama.cpp slot, never on the caller's thread (callers are
 * often virtual threads, which must not be pinned by a long native call). Temperature, max tokens,
 * stop sequences and seed apply per request; the same request with the same seed gives the same
 * text. A JSON schema becomes a llama.cpp grammar with the stage's length limits ({@link SchemaCaps}),
 * and such a request's max tokens is the longest answer the grammar allows, so the answer always
 * closes and parses. Options are scored
 * exactly by {@link OptionScorer}. Waiting calls go to the slot whose KV cache holds most of their
 * prompt ({@link SlotDispatcher}).
 *
 * <p>Sampling uses llama.cpp's defaults besides the request's settings (top-k 40, top-p 0.95,
 * min-p 0.05); temperature 0 is greedy. Token counts: the prompt as the model's tokenizer reads
 * it, of which those found in the slot's KV cache are cached; the answer as the engine generated it.
 */
public final class LlamaLanguageModel implements LanguageModel {
    private final ModelSpec spec;
    private final Path file;
    private final LlamaSettings settings;
    private final LlamaModel model;
    private final SlotDispatcher slots;
    /** Calls waiting per slot to choose from: enough to find a shared prefix, few enough to start late calls soon. */
    static final int QUEUE_PER_SLOT = 8;
    private final Map<String, SchemaCaps.Bounded> grammars = new ConcurrentHashMap<>();
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
        // without it every prompt and answer token is scored against all slots' cells at full
        // precision: once the slots hold long prompts, 1.3 times slower (bench/README.md, "Flash attention")
        if (settings.flashAttention()) params.enableFlashAttn();
        if (!NativeRuntime.verbose()) params.disableLog();
        try {
            this.model = new LlamaModel(params);
        } catch (RuntimeException e) {
            throw new InputError("llama.cpp cannot load the model file " + file + " (" + e.getMessage()
                    + "); is it a complete GGUF file?", e);
        } finally {
            NativeRuntime.routeLog();
        }
        this.slots = new SlotDispatcher(settings.slots(), "llama");
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public boolean local() {
        return true;
    }

    /**
     * More calls than slots: the extra ones wait here, not in the scheduler, so that a free slot can
     * take the waiting call whose prompt it has mostly cached ({@link SlotDispatcher}). Only
     * {@code slots} are computed at once.
     */
    @Override
    public int maxConcurrency() {
        return settings.slots() * QUEUE_PER_SLOT;
    }

    public Path file() {
        return file;
    }

    @Override
    public Completion complete(ChatRequest request) throws ModelException {
        if (closed) throw ModelException.finalError(0, "The embedded model " + spec + " is closed.");
        String prompt = prompt(request.messages());
        int[] tokens = model.encode(prompt);
        if (tokens.length >= settings.contextPerSlot()) {
            throw ModelException.finalError(400, "The prompt has " + tokens.length + " tokens, more than the " + settings.contextPerSlot()
                    + " the embedded model " + spec + " is set up for; raise CAI4J_LLAMA_CONTEXT.");
        }
        CompletableFuture<Completion> f = request.options().isEmpty()
                ? slots.submit(tokens, slot -> generate(request, prompt, tokens, slot))
                : slots.submit(slot -> scorer().reuse(tokens), slot -> score(request, prompt));
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

    /**
     * Generates on one slot, pinned to it, so that the cache the prompt finds is the one this side
     * recorded. Generated tokens are counted as the engine streams them, one event per token (the
     * text cannot be tokenised again to count them: a model's own tokens seldom re-tokenise to the
     * same number). Prompt tokens found in the slot's cache are reported as cached.
     */
    private Completion generate(ChatRequest request, String prompt, int[] tokens, SlotDispatcher.Slot slot) {
        int maxTokens = request.maxTokens();
        InferenceParameters p = new InferenceParameters(prompt)
                .setTemperature((float) request.temperature())
                .setSeed(seed(request))
                .setCachePrompt(true);
        SlotPin.pin(p, slot.id());
        if (!request.stop().isEmpty()) p.setStopStrings(request.stop().toArray(String[]::new));
        if (!request.jsonSchema().isBlank()) {
            // the grammar's limits bound the answer; the request's max tokens must not cut it first
            SchemaCaps.Bounded g = grammar(request.jsonSchema());
            p.setGrammar(g.gbnf());
            if (g.maxTokens().isPresent()) maxTokens = Math.min(g.maxTokens().getAsInt(), settings.contextPerSlot() - tokens.length);
        }
        p.setNPredict(maxTokens);
        int cached = slot.reuse(tokens);
        StringBuilder text = new StringBuilder();
        int outputTokens = 0;
        try {
            // one streamed event per generated token; the last event only says the answer ended
            Iterator<LlamaOutput> it = model.generate(p).iterator();
            while (it.hasNext()) {
                LlamaOutput out = it.next();
                text.append(out.text);
                if (it.hasNext()) outputTokens++;
            }
        } catch (RuntimeException e) {
            slot.holds(new int[0]); // what the failed request left in the cache is unknown
            throw new ModelException(ModelException.Kind.FINAL, 0, "The embedded model " + spec + " failed: " + e.getMessage(), null, e);
        }
        slot.holds(tokens);
        String finish = outputTokens >= maxTokens ? "length" : "stop";
        return new Completion(text.toString(), finish, new Usage(tokens.length, outputTokens, cached), Map.of());
    }

    /**
     * A request with options is only scored: its text is the most probable option. It is answered
     * in the option scorer's context alone, so the prompt is read once (there, from its own prefix
     * cache) instead of once for generating and again for scoring.
     */
    private Completion score(ChatRequest request, String prompt) {
        OptionScorer.Scored s = scorer().score(prompt, request.options());
        String best = s.probabilities().entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("");
        return new Completion(best, "stop", new Usage(s.promptTokens(), 0, s.cachedTokens()), s.probabilities());
    }

    /** The tokens of a conversation's prompt, as the model reads them. */
    int[] tokens(List<Message> messages) {
        return model.encode(prompt(messages));
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

    /**
     * The request's schema as a bounded grammar; an answer may take half a slot's context, so that
     * a prompt of the other half still leaves room for the longest answer the grammar allows.
     */
    SchemaCaps.Bounded grammar(String schema) {
        return grammars.computeIfAbsent(schema, s -> {
            try {
                return SchemaCaps.grammar(s, settings.contextPerSlot() / 2, LlamaModel::jsonSchemaToGrammar);
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
        slots.close();
        synchronized (this) {
            if (scorer != null) scorer.close();
        }
        model.close();
    }
}
