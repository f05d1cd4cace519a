package cai4j.data;

import cai4j.model.Message;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * One critique–revision example. The top-level critic and revision fields are those of the last
 * round (the one whose revision is {@code revision_response}); {@code rounds} keeps every round.
 * The field names follow the Constitutional AI recipe of Hugging Face, so existing tooling reads them.
 *
 * @param id               record id (the prompt id: one record per prompt)
 * @param origin           file and line of the prompt
 * @param prompt           the conversation answered
 * @param initPrompt       the last user message, as text
 * @param initResponse     the target's first answer, without the constitution
 * @param criticPrompt     the last critique request
 * @param criticResponse   the last critique
 * @param revisionPrompt   the last revision request
 * @param revisionResponse the final revised answer
 * @param messages         prompt + revised answer: the supervised example
 * @param chosen           same as messages
 * @param rejected         prompt + initial answer
 * @param rounds           each critique–revision round
 * @param clauseIds        the clause of each round, in order
 * @param principles       the clause of each round with its tier and why it applies to the prompt
 * @param models           role → model spec
 * @param checks           the judge's grades of the revision, which let it in: the scenario's rubric
 *                         when the prompt is a scenario, then each critique clause followed
 * @param initialChecks    the grades of the initial answer under the same rubrics; the revision
 *                         scores no lower under any of them
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SftRecord(
        String id,
        String origin,
        List<Message> prompt,
        String initPrompt,
        String initResponse,
        String criticPrompt,
        String criticResponse,
        String revisionPrompt,
        String revisionResponse,
        List<Message> messages,
        List<Message> chosen,
        List<Message> rejected,
        List<Round> rounds,
        List<String> clauseIds,
        List<PrincipleRef> principles,
        Map<String, String> models,
        List<Check> checks,
        List<Check> initialChecks) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Round(int round, String clauseId, String criticPrompt, String criticResponse,
                        String revisionPrompt, String revisionResponse) {}
}
