package cai4j.evals;

import cai4j.Hash;
import cai4j.constitution.Clause;
import cai4j.constitution.Constitution;
import cai4j.model.ChatRequest;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Finds, for a clause under test, a rule of another tier that can really pull apart from it. A
 * random partner is usually compatible ("never claim to be human" and a privacy rule: one answer
 * satisfies both), and such a scenario says nothing about the order of the tiers. So the generator
 * is shown the rules of the other tiers and names the ones in real tension, each with a one-line
 * reason, strongest first. One call per clause, answered at temperature 0 and replayed from the
 * ledger; the seed shuffles the list it is shown.
 */
final class ConflictPairing {
    static final Template TEMPLATE = Template.load("pair-conflict");
    static final JsonNode SCHEMA = StructuredCall.schema("pairs.schema.json");

    /** About how many tokens the pairing's answer takes on the embedded model, within its schema's limits; for plans. */
    static long typicalAnswerTokens() {
        return cai4j.model.AnswerCaps.typicalTokens(cai4j.Json.write(SCHEMA));
    }
    /** Long constitutions (the Model Spec has hundreds of rules) are shown a seeded sample, to fit a small model's context. */
    static final int MAX_CANDIDATES = 40;

    /** The pairs proposed for one clause, strongest tension first, and every proposal that could not be used, with why. */
    record Outcome(List<ConflictPair> pairs, List<Rejection> rejected) {
        Outcome {
            pairs = List.copyOf(pairs);
            rejected = List.copyOf(rejected);
        }
    }

    private final LanguageModel generator;
    private final long seed;
    private final int maxTokens;

    ConflictPairing(LanguageModel generator, long seed, int maxTokens) {
        this.generator = generator;
        this.seed = seed;
        this.maxTokens = maxTokens;
    }

    /**
     * The rule clauses of other declared tiers, in a seeded order, at most {@link #MAX_CANDIDATES}.
     * When they all fit, every clause of a tier is shown them in one order (seeded by the tier), so
     * the calls for a tier share their prompt up to the rule under test and a model's cache serves
     * the list; when they do not, each clause gets its own sample (seeded by the clause).
     */
    List<Clause> candidates(Constitution constitution, Clause clause) {
        if (constitution.tier(clause.tier()).isEmpty()) return List.of();
        List<Clause> others = new ArrayList<>(constitution.rules().stream()
                .filter(o -> !o.tier().equals(clause.tier()) && constitution.tier(o.tier()).isPresent())
                .toList());
        String by = others.size() <= MAX_CANDIDATES ? "tier\n" + clause.tier() : clause.id();
        Collections.shuffle(others, new Random(seed ^ Hash.sha256(by).hashCode()));
        return List.copyOf(others.subList(0, Math.min(MAX_CANDIDATES, others.size())));
    }

    /**
     * The schema sent, with the list's length as the largest rule number, so that a grammar-bound
     * model cannot name a rule the list does not have (an unbounded integer runs on as digits). The
     * answer is checked against {@link #SCHEMA}: a provider that ignores the bound gets its
     * out-of-range rules rejected one by one, not its whole answer.
     */
    static JsonNode schema(int candidates) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = SCHEMA.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) copy.at("/properties/pairs/items/properties/rule")).put("maximum", candidates);
        return copy;
    }

    Outcome propose(Constitution constitution, Clause clause) {
        List<Clause> candidates = candidates(constitution, clause);
        if (candidates.isEmpty()) {
            return new Outcome(List.of(), List.of(new Rejection("pairing", clause.id(), ScenarioKind.CONFLICT, "",
                    "the constitution has no rule clause in another ranked tier to pit clause " + clause.id() + " against")));
        }
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < candidates.size(); i++) {
            Clause c = candidates.get(i);
            list.append(i + 1).append(". (").append(Ranks.describe(constitution, c)).append(") ")
                    .append(c.text().strip().replaceAll("\\s+", " ")).append('\n');
        }
        Map<String, String> vars = new HashMap<>();
        vars.put("clause", clause.text().strip());
        vars.put("rank", Ranks.describe(constitution, clause));
        vars.put("candidates", list.toString().stripTrailing());
        ChatRequest request = ChatRequest.of(List.of(Message.user(TEMPLATE.render(vars))))
                .withTemperature(0.0)
                .withMaxTokens(maxTokens)
                .withSeed(seed)
                .withTemplate(TEMPLATE.version());
        StructuredCall.Outcome outcome = StructuredCall.ask(generator, request, schema(candidates.size()), SCHEMA, false, true);
        if (outcome instanceof StructuredCall.Invalid bad) {
            return new Outcome(List.of(), List.of(new Rejection("generation", clause.id(), ScenarioKind.CONFLICT, "",
                    "no usable list of conflicting rules: " + bad.problem())));
        }
        List<Rejection> rejected = new ArrayList<>();
        Set<Integer> seen = new LinkedHashSet<>();
        List<ConflictPair> pairs = new ArrayList<>();
        for (JsonNode p : ((StructuredCall.Valid) outcome).value().get("pairs")) {
            int n = p.get("rule").asInt();
            String reason = p.get("reason").asText().strip();
            if (n < 1 || n > candidates.size()) {
                rejected.add(new Rejection("pairing", clause.id(), ScenarioKind.CONFLICT, "",
                        "the generator proposed rule " + n + ", but the list it was shown has " + candidates.size() + " rules"));
            } else if (seen.add(n)) {
                pairs.add(ConflictPair.of(constitution, clause, candidates.get(n - 1), reason));
            }
        }
        if (pairs.isEmpty() && rejected.isEmpty()) {
            rejected.add(new Rejection("pairing", clause.id(), ScenarioKind.CONFLICT, "",
                    "the generator found no rule of another tier that pulls apart from clause " + clause.id()));
        }
        return new Outcome(pairs, rejected);
    }
}
