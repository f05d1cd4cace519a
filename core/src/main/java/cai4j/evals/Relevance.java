package cai4j.evals;

import cai4j.InputError;
import cai4j.constitution.Clause;
import cai4j.constitution.Constitution;
import cai4j.model.ChatRequest;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The clauses of a constitution that a conversation touches, chosen by a model from the clause texts.
 * A long constitution (the Model Spec has hundreds of rules) does not fit a judge's or a generator's
 * prompt whole; the few rules a conversation can keep or break do. The model is shown the rule
 * clauses a chunk at a time, so that each call fits a small model's context, and names the ones the
 * conversation touches, each with a one-line reason.
 */
public final class Relevance {
    private Relevance() {}

    static final Template TEMPLATE = Template.load("relevance");

    /** The relevance template's name and version, for the records of what was asked. */
    public static Map<String, String> templates() {
        return Map.of(TEMPLATE.name(), TEMPLATE.version());
    }
    static final JsonNode SCHEMA = StructuredCall.schema("relevance.schema.json");
    /**
     * Characters of numbered rule text per call: about 1,500 tokens, which leaves room for the
     * conversation and the answer in the 4,096-token context of a small embedded model.
     */
    static final int CHUNK_CHARS = 6_000;

    /**
     * @param clauses  selected rule clauses in constitution order (the {@code include}d ones always among them)
     * @param reasons  clause id -&gt; one-line reason the model gave ("" for included ones it did not name)
     * @param template the relevance template version
     */
    public record Selected(List<Clause> clauses, Map<String, String> reasons, String template) {
        public Selected {
            clauses = List.copyOf(clauses);
            reasons = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(reasons));
        }
    }

    /**
     * One call per chunk of clause texts (chunked so that a long constitution fits a small model's
     * context); a model answer that cannot be parsed selects nothing beyond {@code include} and is
     * counted, never fatal. Calls go through the given model, so the road's ledger caches them.
     */
    public static Selected select(LanguageModel model, Constitution constitution, List<Message> conversation, Collection<String> include) {
        return select(model, constitution, conversation, include, problem -> {});
    }

    /**
     * As above; {@code unusable} hears, once per chunk whose answer could not be used, why (so a
     * caller can count and show them beside its figures).
     */
    public static Selected select(LanguageModel model, Constitution constitution, List<Message> conversation,
                                  Collection<String> include, Consumer<String> unusable) {
        for (String id : include) {
            if (constitution.clause(id).isEmpty()) {
                throw new InputError("Clause " + id + " is not in the constitution " + constitution.source() + ", so it cannot be among the relevant ones.");
            }
        }
        Set<String> included = new LinkedHashSet<>(include);
        Map<String, String> reasons = new HashMap<>();
        String text = Untrusted.conversation(conversation);
        for (List<Clause> chunk : chunks(constitution.rules())) {
            StringBuilder rules = new StringBuilder();
            for (int i = 0; i < chunk.size(); i++) {
                rules.append(i + 1).append(". ").append(chunk.get(i).text().strip().replaceAll("\\s+", " ")).append('\n');
            }
            String listed = rules.toString().stripTrailing();
            Map<String, String> vars = Map.of("conversation", text, "rules", listed, "nonce", Untrusted.nonce(text));
            ChatRequest request = ChatRequest.of(List.of(Message.user(TEMPLATE.render(vars))))
                    .withTemperature(0.0)
                    .withMaxTokens(768)
                    .withTemplate(TEMPLATE.version());
            // no repair call: a chunk that comes back unusable costs its clauses, not the run, and a second call per chunk doubles the cost of a long constitution
            StructuredCall.Outcome outcome = StructuredCall.ask(model, request, SCHEMA, false, false);
            if (outcome instanceof StructuredCall.Invalid bad) {
                unusable.accept("the relevance answer for rules " + chunk.getFirst().id() + " to " + chunk.getLast().id() + " could not be used: " + bad.problem());
                continue;
            }
            for (JsonNode r : ((StructuredCall.Valid) outcome).value().get("rules")) {
                int n = r.get("rule").asInt();
                if (n >= 1 && n <= chunk.size()) reasons.putIfAbsent(chunk.get(n - 1).id(), r.get("reason").asText().strip());
            }
        }
        List<Clause> chosen = constitution.clauses().stream()
                .filter(c -> included.contains(c.id()) || reasons.containsKey(c.id()))
                .toList();
        Map<String, String> ordered = new LinkedHashMap<>();
        for (Clause c : chosen) ordered.put(c.id(), reasons.getOrDefault(c.id(), ""));
        return new Selected(chosen, ordered, TEMPLATE.version());
    }

    /** The rules in constitution order, cut into runs of at most {@link #CHUNK_CHARS} characters (a longer rule goes alone). */
    static List<List<Clause>> chunks(List<Clause> rules) {
        List<List<Clause>> out = new ArrayList<>();
        List<Clause> current = new ArrayList<>();
        int chars = 0;
        for (Clause c : rules) {
            int n = c.text().length() + 8;
            if (!current.isEmpty() && chars + n > CHUNK_CHARS) {
                out.add(current);
                current = new ArrayList<>();
                chars = 0;
            }
            current.add(c);
            chars += n;
        }
        if (!current.isEmpty()) out.add(current);
        return out;
    }
}
