package cai4j.data;

import cai4j.model.Message;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * One AI-feedback preference pair.
 *
 * @param id           record id (prompt id and the two sample indices)
 * @param origin       file and line of the prompt
 * @param prompt       the conversation both responses answer
 * @param chosen       prompt + the preferred response
 * @param rejected     prompt + the other response
 * @param softLabel    probability that the chosen response is the better one (0.5 to 1): the
 *                     deciding tier's mean over its principles and both option orders; 0.5 for a tie
 * @param tie          no tier preferred either response; a tie is never exported as a preference pair
 * @param decidingTier the highest tier whose principles preferred one response, which decided the
 *                     label ("" for a tie; "" too when the principles were given as questions without tiers)
 * @param tiers        each tier that voted, highest first, with its probability that the chosen
 *                     response is better
 * @param principles   the principles the feedback model judged under, with their tiers and why each applies
 * @param agreement    share of principles whose two option orders preferred the same response;
 *                     absent when no principle had both orders readable
 * @param method       {@code option-probabilities} or {@code chain-of-thought}: one kind per label, never mixed
 * @param optionMass   the least P(A) + P(B) over the label's calls (absent for chain of thought): how
 *                     much of the feedback model's next token went to the two options
 * @param samples      the sample indices of chosen and rejected
 * @param votes        every judgement the label was made from
 * @param models       role → model spec
 * @param source       {@code feedback} for a pair the feedback model labelled, {@code conflict} for a
 *                     pair from a conflict scenario (chosen honours the higher tier, rejected lets the
 *                     lower tier win; its soft label is 1, its method {@code conflict-rubric}, its
 *                     deciding tier the winner's)
 * @param scenarioId   the conflict scenario a conflict pair comes from ("" otherwise)
 * @param checks       for a conflict pair, the judge's grades of chosen then rejected under the
 *                     scenario's conflict rubric (empty otherwise)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PreferenceRecord(
        String id,
        String origin,
        List<Message> prompt,
        List<Message> chosen,
        List<Message> rejected,
        double softLabel,
        boolean tie,
        String decidingTier,
        List<TierLabel> tiers,
        List<PrincipleRef> principles,
        Double agreement,
        String method,
        Double optionMass,
        List<Integer> samples,
        List<Vote> votes,
        Map<String, String> models,
        String source,
        String scenarioId,
        List<Check> checks) {

    public static final String FEEDBACK = "feedback", CONFLICT = "conflict";

    /** The ids of the principles, as exports list them. */
    public List<String> principleIds() {
        return principles.stream().map(PrincipleRef::id).toList();
    }

    /**
     * One tier's say in a label.
     *
     * @param tier        tier id ("" for given questions)
     * @param rank        its rank, 1 the highest
     * @param probability mean probability, over the tier's principles, that the chosen response is better
     * @param principles  principles of the tier with a readable vote
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record TierLabel(String tier, int rank, double probability, int principles) {
        TierLabel flipped() {
            return new TierLabel(tier, rank, 1 - probability, principles);
        }
    }

    /**
     * One question to the feedback model.
     *
     * @param principle    the principle asked under
     * @param tier         its tier ("" for a given question)
     * @param rank         its tier's rank (0 for a given question)
     * @param order        {@code AB} when the pair's first sample was option A, {@code BA} otherwise
     * @param probabilityA probability that option A is the better response
     * @param method       how the probability was obtained
     * @param optionMass   P(A) + P(B) as the provider gave them, before normalising (absent for chain of thought)
     * @param reasoning    the chain of thought, when there was one
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Vote(String principle, String tier, int rank, String order, double probabilityA, String method, Double optionMass, String reasoning) {}
}
