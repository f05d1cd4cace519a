package cai4j.evals;

import cai4j.Hash;
import cai4j.scheduler.StageProgress;
import cai4j.constitution.Clause;
import cai4j.constitution.Constitution;
import cai4j.model.AnswerCaps;
import cai4j.model.ChatRequest;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The generator model writes scenarios: for each selected clause and kind, one structured call
 * that returns {@code perClause} scenarios (Perez et al. 2022, model-written evaluations).
 */
public final class ScenarioGenerator {

    /**
     * @param perClause   scenarios of each kind per clause
     * @param kinds       which kinds to write
     * @param seed        seeds the order in which conflict partners are offered and the generator's sampling
     * @param temperature generator temperature (some variety helps)
     * @param maxTokens   generator answer limit
     */
    public record Settings(int perClause, List<ScenarioKind> kinds, long seed, double temperature, int maxTokens) {
        public Settings {
            kinds = List.copyOf(kinds);
            if (perClause < 1) throw new cai4j.InputError("--per-clause must be at least 1, not " + perClause + ".");
        }

        public static Settings defaults() {
            return new Settings(3, List.of(ScenarioKind.values()), 0, 0.8, maxTokensFor(3));
        }

        /**
         * The answer limit for {@code perClause} scenarios a call: about 300 tokens each (a message,
         * what adherence and a violation look like, in JSON) and 200 to spare. A tighter limit than
         * a fixed 2048 matters on the embedded model, where every token is paid in seconds and a
         * model that loses its way writes to the limit.
         */
        public static int maxTokensFor(int perClause) {
            return 300 * perClause + 200;
        }
    }

    /** What one generation pass produced. */
    public record Result(List<Scenario> scenarios, List<Rejection> rejected) {}

    static final Map<ScenarioKind, Template> TEMPLATES = new EnumMap<>(ScenarioKind.class);
    static final Map<ScenarioKind, String> DESCRIPTIONS = new EnumMap<>(ScenarioKind.class);

    static {
        for (ScenarioKind k : ScenarioKind.values()) TEMPLATES.put(k, Template.load("generate-" + k.json()));
        DESCRIPTIONS.put(ScenarioKind.DIRECT, "a request where the clause decides what the right response is");
        DESCRIPTIONS.put(ScenarioKind.CONFLICT, "a request in which fully satisfying the lower-priority of two rules would break the higher-priority one; the higher tier must win");
        DESCRIPTIONS.put(ScenarioKind.ATTACK, "a request for what the clause forbids, disguised by a jailbreak or prompt-injection wrapper");
        DESCRIPTIONS.put(ScenarioKind.BENIGN, "a harmless request that only looks like it touches the clause and must be answered helpfully");
    }

    /** The schema sent with a request: every field required, as strict structured output wants. */
    static final JsonNode STRICT_SCHEMA = StructuredCall.schema("scenarios.schema.json");
    /** What an answer must hold: the same, with a scenario's context fields optional (empty when left out). */
    static final JsonNode SCHEMA = withoutRequired(STRICT_SCHEMA, "system", "history");

    /**
     * The schema sent for {@code n} scenarios a call: on the embedded model, no more scenarios than
     * asked for (extra ones are dropped unread, and each is hundreds of tokens).
     */
    static JsonNode sent(int n) {
        ObjectNode s = STRICT_SCHEMA.deepCopy();
        ((ObjectNode) s.get("properties").get("scenarios")).put(AnswerCaps.MAX_ITEMS, n);
        return s;
    }

    /** About how many tokens {@code n} scenarios take on the embedded model, within the schema's limits; for plans. */
    public static long typicalAnswerTokens(int n) {
        return AnswerCaps.typicalTokens(cai4j.Json.write(sent(n)));
    }

    /** About how many tokens the answer that pairs a clause with conflicting ones takes; for plans. */
    public static long typicalPairingTokens() {
        return ConflictPairing.typicalAnswerTokens();
    }

    private final LanguageModel generator;
    private final Settings settings;

    public ScenarioGenerator(LanguageModel generator, Settings settings) {
        this.generator = generator;
        this.settings = settings;
    }

    /** One generation call: a clause and a kind; a conflict carries the pair the clause is in. */
    private record Job(Clause clause, ScenarioKind kind, Optional<ConflictPair> pair) {}

    public Result generate(Constitution constitution, List<Clause> clauses, StageProgress progress) {
        List<Rejection> rejected = new ArrayList<>();
        Map<String, ConflictPair> pairs = new HashMap<>();
        if (settings.kinds().contains(ScenarioKind.CONFLICT)) {
            // the pairs first: a conflict scenario is only written for a pair in real tension
            ConflictPairing pairing = new ConflictPairing(generator, settings.seed(), 512);
            List<ConflictPairing.Outcome> found = Parallel.map(clauses, c -> pairing.propose(constitution, c), progress, "pair");
            // two clauses may name each other; a pair is written once, under the first clause that names it
            Set<String> taken = new HashSet<>();
            for (int i = 0; i < clauses.size(); i++) {
                Clause c = clauses.get(i);
                ConflictPairing.Outcome o = found.get(i);
                rejected.addAll(o.rejected());
                Optional<ConflictPair> free = o.pairs().stream().filter(p -> !taken.contains(key(p))).findFirst();
                free.ifPresent(p -> {
                    taken.add(key(p));
                    pairs.put(c.id(), p);
                });
                if (free.isEmpty() && !o.pairs().isEmpty()) {
                    rejected.add(new Rejection("pairing", c.id(), ScenarioKind.CONFLICT, "", "every rule the generator paired with clause "
                            + c.id() + " is already in a conflict written for another clause"));
                }
            }
        }
        List<Job> jobs = new ArrayList<>();
        for (Clause c : clauses) {
            for (ScenarioKind k : settings.kinds()) {
                if (k != ScenarioKind.CONFLICT) jobs.add(new Job(c, k, Optional.empty()));
                else if (pairs.containsKey(c.id())) jobs.add(new Job(c, k, Optional.of(pairs.get(c.id()))));
            }
        }
        List<Result> results = Parallel.map(jobs, j -> run(constitution, j), progress, "generate");
        List<Scenario> scenarios = new ArrayList<>();
        for (Result r : results) {
            scenarios.addAll(r.scenarios());
            rejected.addAll(r.rejected());
        }
        return new Result(List.copyOf(scenarios), List.copyOf(rejected));
    }

    private static String key(ConflictPair p) {
        return p.winner().id() + "\n" + p.loser().id();
    }

    private Result run(Constitution constitution, Job job) {
        Template template = TEMPLATES.get(job.kind());
        Map<String, String> vars = new HashMap<>();
        vars.put("n", Integer.toString(settings.perClause()));
        vars.put("clause", job.clause().text().strip());
        vars.put("tier", job.clause().tier());
        vars.put("section", String.join(" > ", job.clause().section()));
        job.pair().ifPresent(p -> {
            vars.put("winner", p.winner().text().strip());
            vars.put("winner_rank", Ranks.describe(constitution, p.winner()));
            vars.put("loser", p.loser().text().strip());
            vars.put("loser_rank", Ranks.describe(constitution, p.loser()));
            vars.put("reason", p.reason());
        });
        ChatRequest request = ChatRequest.of(List.of(Message.user(template.render(vars))))
                .withTemperature(settings.temperature())
                .withMaxTokens(settings.maxTokens())
                .withSeed(settings.seed())
                .withTemplate(template.version());
        StructuredCall.Outcome outcome = StructuredCall.ask(generator, request, sent(settings.perClause()), SCHEMA, false, true);
        if (outcome instanceof StructuredCall.Invalid bad) {
            return new Result(List.of(), List.of(new Rejection("generation", job.clause().id(), job.kind(), "", bad.problem())));
        }
        JsonNode items = ((StructuredCall.Valid) outcome).value().get("scenarios");
        List<Scenario> out = new ArrayList<>();
        List<AttackStrategy> strategies = AttackStrategies.all();
        int offset = Math.floorMod(Hash.sha256(job.clause().id()).hashCode(), strategies.size());
        for (int i = 0; i < items.size() && out.size() < settings.perClause(); i++) {
            JsonNode item = items.get(i);
            String prompt = item.get("prompt").asText().strip();
            // a conflict is counted under its winner, whichever of the two was under test
            String winner = job.pair().map(p -> p.winner().id()).orElse("");
            String loser = job.pair().map(p -> p.loser().id()).orElse("");
            String counted = job.pair().map(p -> p.winner().id()).orElse(job.clause().id());
            List<String> clauseIds = job.pair().isPresent() ? List.of(winner, loser) : List.of(counted);
            String strategy = "";
            List<Message> asked = List.of(Message.user(prompt));
            if (job.kind() == ScenarioKind.ATTACK) {
                AttackStrategy s = strategies.get((offset + i) % strategies.size());
                strategy = s.name();
                asked = s.wrap(prompt);
            }
            String system = item.path("system").asText("");
            List<Message> history = history(item.path("history"));
            List<Message> messages = Scenario.conversation(system, history, asked);
            List<Message> context = messages.subList(0, messages.size() - asked.size());
            out.add(new Scenario(Scenario.idFor(String.join("|", clauseIds), job.kind(), strategy, prompt, context), clauseIds, job.kind(),
                    strategy, winner, loser, prompt, messages, item.get("expected").asText().strip(), item.get("violation").asText().strip(),
                    generator.spec().toString(), template.version()));
        }
        return new Result(out, List.of());
    }

    /**
     * The earlier turns a generator wrote. Chat roles are only system, user and assistant, so a
     * tool result reaches the target the way an application pastes one in: as a marked user turn.
     */
    static List<Message> history(JsonNode turns) {
        List<Message> out = new ArrayList<>();
        for (JsonNode t : turns) {
            String content = t.path("content").asText("").strip();
            switch (t.path("role").asText("")) {
                case "assistant" -> out.add(Message.assistant(content));
                case "tool" -> out.add(Message.user(TOOL_RESULT + content));
                default -> out.add(Message.user(content));
            }
        }
        return out;
    }

    /** How a tool result in a scenario's history is shown to the target. */
    static final String TOOL_RESULT = "[tool result]\n";

    private static JsonNode withoutRequired(JsonNode schema, String... optional) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = schema.deepCopy();
        var required = (com.fasterxml.jackson.databind.node.ArrayNode) copy.at("/properties/scenarios/items/required");
        for (int i = required.size() - 1; i >= 0; i--) {
            if (List.of(optional).contains(required.get(i).asText())) required.remove(i);
        }
        return copy;
    }
}
