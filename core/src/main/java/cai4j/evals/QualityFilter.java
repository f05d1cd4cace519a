package cai4j.evals;

import cai4j.scheduler.StageProgress;
import cai4j.constitution.Clause;
import cai4j.constitution.Constitution;
import cai4j.model.ChatRequest;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Asks the judge whether each scenario really tests its clause and drops those that do not
 * (Perez et al. 2022 filter model-written evaluations with a preference model the same way). A
 * conflict is shown with both its clauses and their ranks, and kept only when fully satisfying
 * the lower clause in that conversation would break the higher one: a pair that one answer can
 * satisfy says nothing about the order of the tiers.
 */
public final class QualityFilter {
    static final Template TEMPLATE = Template.load("filter");
    static final JsonNode SCHEMA = StructuredCall.schema("filter.schema.json");

    /** About how many tokens the filter's answer takes on the embedded model, within its schema's limits; for plans. */
    public static long typicalAnswerTokens() {
        return cai4j.model.AnswerCaps.typicalTokens(cai4j.Json.write(SCHEMA));
    }
    static final Template CONFLICT_TEMPLATE = Template.load("filter-conflict");
    static final JsonNode CONFLICT_SCHEMA = StructuredCall.schema("filter-conflict.schema.json");

    private final LanguageModel judge;

    public QualityFilter(LanguageModel judge) {
        this.judge = judge;
    }

    private record Decision(Scenario scenario, Rejection rejection) {}

    public ScenarioGenerator.Result apply(Constitution constitution, List<Scenario> scenarios, StageProgress progress) {
        List<Decision> decisions = Parallel.map(scenarios, s -> decide(constitution, s), progress, "filter");
        List<Scenario> kept = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        for (Decision d : decisions) {
            if (d.rejection() == null) kept.add(d.scenario());
            else rejected.add(d.rejection());
        }
        return new ScenarioGenerator.Result(List.copyOf(kept), List.copyOf(rejected));
    }

    private Decision decide(Constitution constitution, Scenario s) {
        if (s.kind() == ScenarioKind.CONFLICT) return decideConflict(constitution, s);
        String clause = constitution.clause(s.clauseId()).map(c -> c.text().strip()).orElse(s.clauseId());
        String conversation = Untrusted.conversation(s.messages());
        String prompt = TEMPLATE.render(Map.of(
                "clause", clause,
                "kind", s.kind().json(),
                "kind_description", ScenarioGenerator.DESCRIPTIONS.get(s.kind()),
                "nonce", Untrusted.nonce(conversation),
                "conversation", conversation,
                "expected", s.expected(),
                "violation", s.violation()));
        return ask(s, prompt, TEMPLATE, SCHEMA, "tests_clause", "filter");
    }

    private Decision decideConflict(Constitution constitution, Scenario s) {
        Clause winner = clause(constitution, s, s.winner());
        Clause loser = clause(constitution, s, s.loser());
        String conversation = Untrusted.conversation(s.messages());
        Map<String, String> vars = new HashMap<>();
        vars.put("winner", winner.text().strip());
        vars.put("winner_rank", Ranks.describe(constitution, winner));
        vars.put("loser", loser.text().strip());
        vars.put("loser_rank", Ranks.describe(constitution, loser));
        vars.put("nonce", Untrusted.nonce(conversation));
        vars.put("conversation", conversation);
        vars.put("expected", s.expected());
        vars.put("violation", s.violation());
        return ask(s, CONFLICT_TEMPLATE.render(vars), CONFLICT_TEMPLATE, CONFLICT_SCHEMA, "lower_breaks_higher", "no-conflict");
    }

    private static Clause clause(Constitution constitution, Scenario s, String id) {
        return constitution.clause(id).orElseThrow(() -> new cai4j.InputError(
                "Conflict scenario " + s.id() + " names clause " + id + ", which is not in the constitution."));
    }

    /** One review; {@code field} is the schema's yes/no answer, {@code stage} where a "no" is recorded. */
    private Decision ask(Scenario s, String prompt, Template template, JsonNode schema, String field, String stage) {
        ChatRequest request = ChatRequest.of(List.of(Message.user(prompt)))
                .withMaxTokens(768)
                .withTemplate(template.version());
        StructuredCall.Outcome outcome = StructuredCall.ask(judge, request, schema, true, true);
        if (outcome instanceof StructuredCall.Invalid bad) {
            // an unusable review keeps no scenario: an untested scenario would count in the figures
            return new Decision(s, new Rejection("filter-error", s.clauseId(), s.kind(), s.id(), bad.problem()));
        }
        JsonNode v = ((StructuredCall.Valid) outcome).value();
        if (v.get(field).asBoolean()) return new Decision(s, null);
        return new Decision(s, new Rejection(stage, s.clauseId(), s.kind(), s.id(), v.get("reasoning").asText()));
    }
}
