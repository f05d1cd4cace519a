package cai4j.testmodel;

import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.LanguageModel;
import cai4j.model.ModelSpec;
import cai4j.model.Usage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A model whose answers a test decides from the request; it keeps every request it was sent, in
 * the order they came (stages may call it from several threads, hence the concurrent list).
 */
public final class ScriptedModel implements LanguageModel {
    public final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
    private final ModelSpec spec;
    private final Function<ChatRequest, Completion> script;

    /** A model that answers each request with the completion {@code script} makes of it. */
    public ScriptedModel(String spec, Function<ChatRequest, Completion> script) {
        this.spec = ModelSpec.parse(spec);
        this.script = script;
    }

    /** A model that answers each request with the text {@code script} makes of it (see {@link #text}). */
    public static ScriptedModel answering(String spec, Function<ChatRequest, String> script) {
        return answering(spec, script, r -> Map.of());
    }

    /** As {@link #answering(String, Function)}, with the option probabilities {@code probabilities} gives each answer. */
    public static ScriptedModel answering(String spec, Function<ChatRequest, String> script, Function<ChatRequest, Map<String, Double>> probabilities) {
        return new ScriptedModel(spec, r -> new Completion(script.apply(r), "stop", new Usage(10, 5, 0), probabilities.apply(r)));
    }

    /** A plain completion of {@code text}. */
    public static Completion text(String text) {
        return new Completion(text, "stop", new Usage(10, 5, 0), Map.of());
    }

    /** A one-token choice {@code text} with probabilities {@code a} and {@code b} for the options A and B. */
    public static Completion options(String text, double a, double b) {
        return new Completion(text, "stop", new Usage(10, 1, 0), Map.of("A", a, "B", b));
    }

    /** The text of the last message of a request: what the model was just asked. */
    public static String last(ChatRequest r) {
        return r.messages().getLast().content();
    }

    /** The requests made from the prompt template of version {@code version}. */
    public List<ChatRequest> withTemplate(String version) {
        return requests.stream().filter(r -> r.template().equals(version)).toList();
    }

    private volatile boolean local;

    /** Makes this model answer as the embedded one does: {@link #local()} is true. */
    public ScriptedModel embedded() {
        local = true;
        return this;
    }

    @Override
    public boolean local() {
        return local;
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public Completion complete(ChatRequest request) {
        requests.add(request);
        return script.apply(request);
    }
}
