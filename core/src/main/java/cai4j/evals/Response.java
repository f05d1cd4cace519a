package cai4j.evals;

import cai4j.model.Message;
import cai4j.model.Usage;
import java.util.List;

/**
 * The target's answer to one scenario under one condition; a line of {@code evals/responses.jsonl}.
 *
 * @param scenarioId   the scenario answered
 * @param condition    bare, prompted, attacked or trained
 * @param strategy     the attack strategy the target saw ("" when none)
 * @param target       model spec of the model that answered: the target, or under {@code trained} the trained model
 * @param systemPrompt whether the constitution was the system prompt
 * @param messages     the conversation as sent, without the constitution (an operator's system prompt,
 *                     when the scenario has one, is its first message)
 * @param text         the answer
 * @param finishReason why the answer ended ("stop", "length", ...)
 * @param usage        tokens billed
 */
public record Response(
        String scenarioId,
        Condition condition,
        String strategy,
        String target,
        boolean systemPrompt,
        List<Message> messages,
        String text,
        String finishReason,
        Usage usage) {

    public Response {
        messages = List.copyOf(messages);
    }
}
