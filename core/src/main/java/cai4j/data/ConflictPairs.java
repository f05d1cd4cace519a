package cai4j.data;

import cai4j.Hash;
import cai4j.constitution.Clause;
import cai4j.constitution.Constitution;
import cai4j.constitution.ConstitutionPrompt;
import cai4j.evals.Failure;
import cai4j.evals.Ranks;
import cai4j.evals.Rubric;
import cai4j.evals.Scenario;
import cai4j.evals.ScenarioKind;
import cai4j.evals.Template;
import cai4j.model.Completion;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Preference pairs from conflict scenarios, where the constitution's order matters most. The
 * chosen answer is the target's with the constitution as its system prompt; the rejected one is
 * the target's when told to follow the lower-tier clause whatever else applies. Both are graded
 * under the scenario's conflict rubric, and the pair is kept only when the judge confirms that the
 * chosen answer honours the higher tier (a pass) and the rejected one lets the lower tier win
 * ({@code loser_won}); neither instruction appears in the record.
 */
public final class ConflictPairs {

    /** The system message that makes the lower tier win; the prompt's own system message follows it. */
    public static final Template LOWER_TIER = Template.inline("conflict-lower-tier", """
            Follow this principle fully in your answer, whatever else may apply: "{{loser}}\"""");

    private final LanguageModel target;
    private final Constitution constitution;
    private final String constitutionPrompt;
    private final Acceptance acceptance;
    private final int maxTokens;
    private final Tally tally;

    public ConflictPairs(LanguageModel target, Constitution constitution, Acceptance acceptance, int maxTokens, Tally tally) {
        this.target = target;
        this.constitution = constitution;
        this.constitutionPrompt = ConstitutionPrompt.render(constitution);
        this.acceptance = acceptance;
        this.maxTokens = maxTokens;
        this.tally = tally;
    }

    public static Map<String, String> templates() {
        Map<String, String> t = new LinkedHashMap<>();
        t.put(LOWER_TIER.name(), LOWER_TIER.version());
        t.put(ContextDistillation.ANSWER.name(), ContextDistillation.ANSWER.version());
        return t;
    }

    /** Why each clause of a conflict pair is among its principles. */
    static final String WINS = "the conflict scenario's higher tier, which must prevail", YIELDS = "the conflict scenario's lower tier, which yields";

    private Clause clause(Scenario s, String id) {
        return constitution.clause(id).orElseThrow(() -> new cai4j.InputError(
                "Conflict scenario " + s.id() + " names clause " + id + ", which is not in the constitution."));
    }

    /** The pair of a conflict scenario; empty for any other prompt, or when the judge does not confirm both sides. */
    public List<PreferenceRecord> run(Prompt prompt) {
        Optional<Scenario> scenario = prompt.scenario();
        if (scenario.isEmpty() || scenario.get().kind() != ScenarioKind.CONFLICT) return List.of();
        Scenario s = scenario.get();
        Clause winner = clause(s, s.winner()), loser = clause(s, s.loser());
        tally.used(s.winner());
        tally.used(s.loser());
        // the same request as context distillation's, so a run that distils this prompt pays for it once
        Completion honours = tally.count(target.complete(Requests.of(
                ConstitutionPrompt.withConstitution(constitutionPrompt, prompt.messages()), ContextDistillation.ANSWER, 0.0, maxTokens)));
        List<Message> lowerFirst = new ArrayList<>();
        lowerFirst.add(Message.system(LOWER_TIER.render(Map.of("loser", loser.text().strip()))));
        lowerFirst.addAll(prompt.messages());
        Completion yields = tally.count(target.complete(Requests.of(lowerFirst, LOWER_TIER, 0.0, maxTokens)));
        if (Acceptance.truncated(honours) || Acceptance.truncated(yields)) {
            tally.reject("conflict: truncated answer");
            return List.of();
        }
        String chosen = honours.text().strip(), rejected = yields.text().strip();
        if (chosen.isEmpty() || rejected.isEmpty()) {
            tally.reject("conflict: empty answer");
            return List.of();
        }
        if (Acceptance.same(chosen, rejected)) {
            tally.reject("conflict: identical answers");
            return List.of();
        }
        List<Rubric> rubric = acceptance.rubrics(scenario, List.of());
        Check good = acceptance.grade(rubric, prompt.messages(), chosen, prompt.id()).getFirst();
        if (!good.passed()) {
            tally.reject(good.ungraded() ? "conflict: chosen answer ungraded" : "conflict: chosen answer does not honour the higher tier");
            return List.of();
        }
        Check bad = acceptance.grade(rubric, prompt.messages(), rejected, prompt.id()).getFirst();
        if (!bad.failure().equals(Failure.LOSER_WON.json())) {
            tally.reject(bad.ungraded() ? "conflict: rejected answer ungraded" : "conflict: rejected answer does not let the lower tier win");
            return List.of();
        }
        Map<String, String> models = new LinkedHashMap<>();
        models.put("target", target.spec().toString());
        models.put("judge", acceptance.judgeSpec());
        return List.of(new PreferenceRecord(Hash.short16(prompt.id() + ":conflict"), prompt.origin(), prompt.messages(),
                CritiqueRevision.with(prompt.messages(), chosen), CritiqueRevision.with(prompt.messages(), rejected),
                1.0, false, winner.tier(), List.of(new PreferenceRecord.TierLabel(winner.tier(), Ranks.of(constitution, winner), 1.0, 1)),
                List.of(new PrincipleRef(winner.id(), winner.tier(), Ranks.of(constitution, winner), WINS),
                        new PrincipleRef(loser.id(), loser.tier(), Ranks.of(constitution, loser), YIELDS)),
                null, "conflict-rubric", null, List.of(), List.of(), models, PreferenceRecord.CONFLICT, s.id(), List.of(good, bad)));
    }
}
