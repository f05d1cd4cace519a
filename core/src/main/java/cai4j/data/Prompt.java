package cai4j.data;

import cai4j.Json;
import cai4j.model.Message;
import java.util.List;

/**
 * One conversation to answer: the messages up to and including the last user turn.
 *
 * @param id        content hash of the messages, so the same prompt keeps its id across files and runs
 * @param messages  the conversation; the last message is from the user
 * @param origin    where it came from, e.g. {@code prompts.jsonl:12}
 * @param clauseIds the clauses the prompt was written to test, when it is an evaluation scenario
 *                  (always among its relevant clauses); empty for a prompt file's prompts
 * @param winner    for a conflict scenario, the clause that must prevail; "" otherwise
 * @param loser     for a conflict scenario, the clause that yields; "" otherwise
 */
public record Prompt(String id, List<Message> messages, String origin, List<String> clauseIds, String winner, String loser) {
    public Prompt {
        messages = List.copyOf(messages);
        clauseIds = List.copyOf(clauseIds);
        winner = winner == null ? "" : winner;
        loser = loser == null ? "" : loser;
        if (messages.isEmpty() || !messages.getLast().role().equals("user")) {
            throw new IllegalArgumentException("a prompt must end with a user message");
        }
    }

    public Prompt(String id, List<Message> messages, String origin) {
        this(id, messages, origin, List.of(), "", "");
    }

    public static Prompt of(List<Message> messages, String origin) {
        return new Prompt(Hash.short16(Json.write(messages)), messages, origin);
    }

    /** The same prompt, known to test these clauses (for a conflict: the winner, then the loser). */
    public Prompt testing(List<String> clauses, String winner, String loser) {
        return new Prompt(id, messages, origin, clauses, winner, loser);
    }

    /** The last user message: the request itself. */
    public String lastUserText() {
        return messages.getLast().content();
    }
}
