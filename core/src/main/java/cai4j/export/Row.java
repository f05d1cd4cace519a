package cai4j.export;

import cai4j.model.Message;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * One training example in the shape every export format is written from.
 *
 * @param id        record id in the run
 * @param kind      which data it came from: sft, prefs, distill or understand
 * @param group     examples of one group (one prompt) always land in the same split, so no
 *                  prompt leaks from train into test
 * @param prompt    the conversation up to the answer
 * @param messages  the whole conversation to train on (prompt + answer; for pairs, the chosen one)
 * @param chosen    for pairs, the preferred assistant turn (empty otherwise)
 * @param rejected  for pairs, the other assistant turn (empty otherwise)
 * @param score     for AI-feedback pairs, the soft label (probability the chosen turn is better):
 *                  exactly 0.5 for a tie, where no tier preferred either turn, and above 0.5 otherwise
 * @param clauseIds the clauses or principles involved
 * @param model     the model whose answer is trained on
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Row(String id, String kind, String group, List<Message> prompt, List<Message> messages,
                  List<Message> chosen, List<Message> rejected, Double score, List<String> clauseIds, String model) {
    public Row {
        prompt = List.copyOf(prompt);
        messages = List.copyOf(messages);
        chosen = List.copyOf(chosen);
        rejected = List.copyOf(rejected);
        clauseIds = List.copyOf(clauseIds);
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isPair() {
        return !chosen.isEmpty() && !rejected.isEmpty();
    }

    /** A preference pair whose label is a tie: no tier preferred either turn, so it is no preference to learn. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isTie() {
        return kind.equals("prefs") && score != null && score == 0.5;
    }

    /** The text that is trained on: the answer of a conversation, or the chosen turn of a pair. */
    public String completionText() {
        List<Message> answer = isPair() ? chosen : messages.subList(prompt.size(), messages.size());
        return String.join("\n", answer.stream().map(Message::content).toList());
    }

    /** Characters in the whole example. */
    public int length() {
        int n = 0;
        for (Message m : messages) n += m.content().length();
        for (Message m : rejected) n += m.content().length();
        return n;
    }
}
