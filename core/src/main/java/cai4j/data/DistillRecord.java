package cai4j.data;

import cai4j.model.Message;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * One context-distillation example: the answer was generated with the constitution in the system
 * prompt; the training conversation holds the same turns without it.
 *
 * @param id                   record id (the prompt id)
 * @param origin               file and line of the prompt
 * @param prompt               the conversation, without the constitution
 * @param response             the target's answer, generated with the constitution
 * @param messages             prompt + response: the training example
 * @param clauseIds            the clauses that were in the system prompt
 * @param systemPromptSha256   hash of the system prompt used, to tell runs with different prefixes apart
 * @param models               role → model spec
 * @param checks               the judge's grades of the response, which let it in (the scenario's
 *                             rubric when the prompt is a scenario, otherwise that of the highest-ranked
 *                             clause the relevance pass finds the prompt touches; none when it finds none)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DistillRecord(
        String id,
        String origin,
        List<Message> prompt,
        String response,
        List<Message> messages,
        List<String> clauseIds,
        String systemPromptSha256,
        Map<String, String> models,
        List<Check> checks) {}
