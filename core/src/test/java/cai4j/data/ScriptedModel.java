package cai4j.data;

import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.LanguageModel;
import cai4j.model.ModelSpec;
import cai4j.model.Usage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A model whose answers a test decides from the request; it keeps every request it was sent. */
final class ScriptedModel implements LanguageModel {
    final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
    private final ModelSpec spec;
    private final Function<ChatRequest, Completion> script;

    ScriptedModel(String spec, Function<ChatRequest, Completion> script) {
        this.spec = ModelSpec.parse(spec);
        this.script = script;
    }

    static Completion text(String text) {
        return new Completion(text, "stop", new Usage(10, 5, 0), Map.of());
    }

    static Completion options(String text, double a, double b) {
        return new Completion(text, "stop", new Usage(10, 1, 0), Map.of("A", a, "B", b));
    }

    /** The text of the last message of a request: what the model was just asked. */
    static String last(ChatRequest r) {
        return r.messages().getLast().content();
    }

    /**
     * A script that answers the judge's requests with a pass when {@code adheres} holds for the
     * judge's prompt (which holds the graded answer) and with the failure of the prompt's rubric
     * otherwise, and every other request with {@code otherwise}.
     */
    static Function<ChatRequest, Completion> judging(java.util.function.Predicate<String> adheres, Function<ChatRequest, Completion> otherwise) {
        return r -> cai4j.evals.RubricJudge.asks(r) ? text(cai4j.evals.RubricJudge.graded(last(r), adheres.test(last(r)))) : otherwise.apply(r);
    }

    /** A judge that passes every answer. */
    static ScriptedModel lenientJudge() {
        return new ScriptedModel("openai:judge", judging(p -> true, r -> text("not a judge request")));
    }

    List<ChatRequest> withTemplate(Template t) {
        return requests.stream().filter(r -> r.template().equals(t.version())).toList();
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
