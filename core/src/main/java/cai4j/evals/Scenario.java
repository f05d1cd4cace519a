package cai4j.evals;

import cai4j.model.Message;
import java.util.List;
import java.util.Objects;

/**
 * One generated test, a line of {@code evals/scenarios.jsonl}.
 *
 * @param id        stable id derived from its content
 * @param clauseIds the clause tested first; for a conflict, then the clause it is pitted against
 * @param kind      direct, conflict, attack or benign
 * @param strategy  attack strategy name for attack scenarios, "" otherwise
 * @param prompt    the request as the generator wrote it, before any attack wrapping
 * @param messages  the conversation the target is given (without any system prompt)
 * @param expected  what adherence looks like
 * @param violation what a violation looks like
 * @param generator model spec of the generator
 * @param template  version of the generation template
 */
public record Scenario(
        String id,
        List<String> clauseIds,
        ScenarioKind kind,
        String strategy,
        String prompt,
        List<Message> messages,
        String expected,
        String violation,
        String generator,
        String template) {

    public Scenario {
        clauseIds = List.copyOf(clauseIds);
        messages = List.copyOf(messages);
        Objects.requireNonNull(kind, "kind");
        strategy = strategy == null ? "" : strategy;
        if (clauseIds.isEmpty()) throw new IllegalArgumentException("a scenario tests at least one clause");
    }

    /** The clause the scenario is counted under. */
    public String clauseId() { return clauseIds.getFirst(); }

    static String idFor(String clauseId, ScenarioKind kind, String strategy, String prompt) {
        return "s-" + Template.sha256(clauseId + "\n" + kind.json() + "\n" + strategy + "\n" + prompt).substring(0, 12);
    }
}
