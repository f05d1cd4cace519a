package cai4j.data;

import cai4j.Hash;
import cai4j.evals.Scenario;
import cai4j.Json;
import cai4j.model.Message;
import java.util.List;
import java.util.Optional;

/**
 * One conversation to answer: the messages up to and including the last user turn.
 *
 * @param id       content hash of the messages, so the same prompt keeps its id across files and runs
 * @param messages the conversation; the last message is from the user
 * @param origin   where it came from, e.g. {@code prompts.jsonl:12}
 * @param scenario the evaluation scenario the prompt is, when it was read from a run's scenarios: its
 *                 clauses and rubric decide which principles apply and how an answer is checked
 */
public record Prompt(String id, List<Message> messages, String origin, Optional<Scenario> scenario) {
    public Prompt {
        messages = List.copyOf(messages);
        if (messages.isEmpty() || !messages.getLast().role().equals("user")) {
            throw new IllegalArgumentException("a prompt must end with a user message");
        }
    }

    public Prompt(String id, List<Message> messages, String origin) {
        this(id, messages, origin, Optional.empty());
    }

    public static Prompt of(List<Message> messages, String origin) {
        return new Prompt(Hash.short16(Json.write(messages)), messages, origin);
    }

    /** The same prompt, known to be this scenario. */
    public Prompt asScenario(Scenario s) {
        return new Prompt(id, messages, origin, Optional.of(s));
    }

    /** The clauses the prompt was written to test (always among its relevant clauses); empty for a prompt file's prompts. */
    public List<String> clauseIds() {
        return scenario.map(Scenario::clauseIds).orElse(List.of());
    }

    /** For a conflict scenario, the clause that must prevail; "" otherwise. */
    public String winner() {
        return scenario.map(Scenario::winner).orElse("");
    }

    /** For a conflict scenario, the clause that yields; "" otherwise. */
    public String loser() {
        return scenario.map(Scenario::loser).orElse("");
    }

    /** The last user message: the request itself. */
    public String lastUserText() {
        return messages.getLast().content();
    }
}
