package cai4j.evals;

import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import java.util.ArrayList;
import java.util.List;

/** Puts each scenario to the target under a condition. */
public final class TargetRunner {
    private final LanguageModel target;
    private final String constitutionPrompt;
    private final int maxTokens;

    /**
     * @param constitutionPrompt the system prompt of the prompted and attacked conditions, from
     *                           {@link ConstitutionPrompt#render}
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

    /** The conversation after the system prompt. */
    static List<Message> conversation(Scenario s, Condition condition) {
        if (condition == Condition.ATTACKED && s.kind() != ScenarioKind.ATTACK) {
            return AttackStrategies.named(strategy(s, condition)).wrap(s.prompt());
        }
        return s.messages();
    }

    public Response answer(Scenario s, Condition condition) {
        List<Message> conversation = conversation(s, condition);
        boolean system = condition != Condition.BARE;
        List<Message> messages = new ArrayList<>();
        if (system) messages.add(Message.system(constitutionPrompt));
        messages.addAll(conversation);
        ChatRequest request = ChatRequest.of(messages).withMaxTokens(maxTokens).withSeed(0);
        Completion c = target.complete(request);
        return new Response(s.id(), condition, strategy(s, condition), target.spec().toString(), system,
                conversation, c.text(), c.finishReason(), c.usage());
    }
}
