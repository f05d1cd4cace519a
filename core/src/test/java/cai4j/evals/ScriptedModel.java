package cai4j.evals;

import cai4j.constitution.Clause;
import cai4j.constitution.Constitution;
import cai4j.constitution.Tier;
import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.LanguageModel;
import cai4j.model.ModelSpec;
import cai4j.model.Usage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A model whose answer is a function of the request; records every request it gets. */
final class ScriptedModel implements LanguageModel {
    final ModelSpec spec;
    final Function<ChatRequest, String> script;
    final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
    Function<ChatRequest, Map<String, Double>> probabilities = r -> Map.of();

    ScriptedModel(String spec, Function<ChatRequest, String> script) {
        this.spec = ModelSpec.parse(spec);
        this.script = script;
    }

    @Override
    public ModelSpec spec() { return spec; }

    @Override
    public Completion complete(ChatRequest request) {
        requests.add(request);
        return new Completion(script.apply(request), "stop", new Usage(10, 5, 0), probabilities.apply(request));
    }

    /** A generator's answer to a request for conflict partners (see {@link ScriptedGenerator#pairs}); null for any other request. */
    static String pairs(ChatRequest r) {
        return ScriptedGenerator.pairs(lastUser(r));
    }

    static String lastUser(ChatRequest r) {
        return r.messages().getLast().content();
    }

    static Clause clause(String id, String tier, String text) {
        return new Clause(id, tier, List.of("Rules", tier), text, 1, Clause.Kind.RULE, "", "", List.of());
    }

    /** A small two-tier constitution. */
    static Constitution constitution() {
        return new Constitution("Test policy", "test.md", "abc",
                List.of(new Tier("safe", 1, "Safety first"), new Tier("helpful", 2, "Be helpful")),
                List.of(clause("safe-1", "safe", "Never give instructions for making weapons."),
                        clause("safe-2", "safe", "Do not reveal personal data about private people."),
                        new Clause("ctx-1", "safe", List.of("Rules", "safe"), "Safety matters because people rely on us.", 2, Clause.Kind.CONTEXT, "", "", List.of()),
                        clause("help-1", "helpful", "Answer questions fully and directly.")));
    }
}
