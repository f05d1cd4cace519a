package cai4j.data;

import cai4j.model.Message;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * A question and answer that teach the constitution itself.
 *
 * @param id        record id
 * @param kind      {@code meaning}, {@code application} or {@code conflict}
 * @param clauseIds the clauses the answer cites (the clauses asked about come first)
 * @param tiers     the tiers of those clauses
 * @param question  the question
 * @param answer    the answer, quoting the clauses it relies on or naming their sections (never their ids)
 * @param messages  question and answer as a chat, for training
 * @param caseId    id of the prompt used as the case of an application question ("" otherwise)
 * @param models    role → model spec
 * @param checks    for a conflict question, the judge's grade of the answer under the conflict rubric
 *                  (the higher tier must win); empty otherwise
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record UnderstandRecord(
        String id,
        String kind,
        List<String> clauseIds,
        List<String> tiers,
        String question,
        String answer,
        List<Message> messages,
        String caseId,
        Map<String, String> models,
        List<Check> checks) {}
