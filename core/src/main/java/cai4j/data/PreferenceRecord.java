package cai4j.data;

import cai4j.model.Message;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * One AI-feedback preference pair.
 *
 * @param id         record id (prompt id and the two sample indices)
 * @param origin     file and line of the prompt
 * @param prompt     the conversation both responses answer
 * @param chosen     prompt + the preferred response
 * @param rejected   prompt + the other response
 * @param softLabel  probability that the chosen response is the better one (0.5 to 1), the mean
 *                   over principles and both option orders
 * @param principles ids of the principles the feedback model judged under
 * @param agreement  share of principles whose two option orders preferred the same response;
 *                   absent when no principle had both orders readable
 * @param method     {@code option-probabilities}, {@code chain-of-thought}, or {@code mixed}
 * @param samples    the sample indices of chosen and rejected
 * @param votes      every judgement the label was made from
 * @param models     role → model spec
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PreferenceRecord(
        String id,
        String origin,
        List<Message> prompt,
        List<Message> chosen,
        List<Message> rejected,
        double softLabel,
        List<String> principles,
        Double agreement,
        String method,
        List<Integer> samples,
        List<Vote> votes,
        Map<String, String> models) {

    /**
     * One question to the feedback model.
     *
     * @param principle    the principle asked under
     * @param order        {@code AB} when the pair's first sample was option A, {@code BA} otherwise
     * @param probabilityA probability that option A is the better response
     * @param method       how the probability was obtained
     * @param reasoning    the chain of thought, when there was one
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Vote(String principle, String order, double probabilityA, String method, String reasoning) {}
}
