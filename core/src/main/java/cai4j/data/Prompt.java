package cai4j.data;

import cai4j.Json;
import cai4j.model.Message;
import java.util.List;

/**
 * One conversation to answer: the messages up to and including the last user turn.
 *
 * @param id       content hash of the messages, so the same prompt keeps its id across files and runs
 * @param messages the conversation; the last message is from the user
 * @param origin   where it came from, e.g. {@code prompts.jsonl:12}
 */
public record Prompt(String id, List<Message> messages, String origin) {
    public Prompt {
        messages = List.copyOf(messages);
        if (messages.isEmpty() || !messages.getLast().role().equals("user")) {
            throw new IllegalArgumentException("a prompt must end with a user message");
        }
    }

    public static Prompt of(List<Message> messages, String origin) {
        return new Prompt(Hash.short16(Json.write(messages)), messages, origin);
    }

    /** The last user message: the request itself. */
    public String lastUserText() {
        return messages.getLast().content();
    }
}
