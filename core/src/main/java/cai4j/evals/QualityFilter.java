package cai4j.evals;

import cai4j.scheduler.StageProgress;
import cai4j.constitution.Constitution;
import cai4j.model.ChatRequest;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Asks the judge whether each scenario really tests its clause and drops those that do not
 * (Perez et al. 2022 filter model-written evaluations with a preference model the same way).
 */
public final class QualityFilter {
    static final Template TEMPLATE = Template.load("filter");
    static final JsonNode SCHEMA = StructuredCall.schema("filter.schema.json");

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
        ChatRequest request = ChatRequest.of(List.of(Message.user(prompt)))
                .withMaxTokens(768)
                .withTemplate(TEMPLATE.version());
        StructuredCall.Outcome outcome = StructuredCall.ask(judge, request, SCHEMA, true, true);
        if (outcome instanceof StructuredCall.Invalid bad) {
            // an unusable review keeps no scenario: an untested scenario would count in the figures
            return new Decision(s, new Rejection("filter-error", s.clauseId(), s.kind(), s.id(), bad.problem()));
        }
        JsonNode v = ((StructuredCall.Valid) outcome).value();
        if (v.get("tests_clause").asBoolean()) return new Decision(s, null);
        return new Decision(s, new Rejection("filter", s.clauseId(), s.kind(), s.id(), v.get("reasoning").asText()));
    }
}
