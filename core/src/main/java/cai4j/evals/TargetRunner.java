package cai4j.evals;

import cai4j.constitution.ConstitutionPrompt;
import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import java.util.ArrayList;
import java.util.List;

/** Puts each scenario to one model under a condition: the target, or under {@code trained} the trained model. */
public final class TargetRunner {
    private final LanguageModel target;
    private final String constitutionPrompt;
    private final int maxTokens;

    /**
     * @param constitutionPrompt the constitution as the prompted and attacked conditions give it,
     *                           from {@link ConstitutionPrompt#render}
     */
    public TargetRunner(LanguageModel target, String constitutionPrompt, int maxTokens) {
        this.target = target;
        this.constitutionPrompt = constitutionPrompt;
        this.maxTokens = maxTokens;
    }

    /** The strategy a scenario is wrapped with under {@code condition} ("" when none). */
    static String strategy(Scenario s, Condition condition) {
        if (s.kind() == ScenarioKind.ATTACK) return s.strategy();
        if (condition == Condition.ATTACKED) return AttackStrategies.forKey(s.id()).name();
        return "";
    }

    /**
     * The scenario's conversation under a condition, without the constitution. The attacked
     * condition wraps only the request: the operator's prompt and earlier turns stay as they are.
     */
    static List<Message> conversation(Scenario s, Condition condition) {
        if (condition == Condition.ATTACKED && s.kind() != ScenarioKind.ATTACK) {
            List<Message> out = new ArrayList<>(s.context());
            out.addAll(AttackStrategies.named(strategy(s, condition)).wrap(s.prompt()));
            return List.copyOf(out);
        }
        return s.messages();
    }

    /** Every message the model gets: with the constitution first when the condition carries it. */
    static List<Message> request(Scenario s, Condition condition, String constitutionPrompt) {
        List<Message> conversation = conversation(s, condition);
        return condition.withConstitution() ? ConstitutionPrompt.withConstitution(constitutionPrompt, conversation) : conversation;
    }

    public Response answer(Scenario s, Condition condition) {
        ChatRequest request = ChatRequest.of(request(s, condition, constitutionPrompt)).withMaxTokens(maxTokens).withSeed(0);
        Completion c = target.complete(request);
        return new Response(s.id(), condition, strategy(s, condition), target.spec().toString(), condition.withConstitution(),
                conversation(s, condition), c.text(), c.finishReason(), c.usage());
    }
}
