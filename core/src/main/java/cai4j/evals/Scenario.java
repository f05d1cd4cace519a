package cai4j.evals;

import cai4j.Hash;
import cai4j.model.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One generated test, a line of {@code evals/scenarios.jsonl}.
 *
 * @param id        stable id derived from its content
 * @param clauseIds the clause the scenario is counted under first; for a conflict the winner, then the loser
 * @param kind      direct, conflict, attack or benign
 * @param strategy  attack strategy name for attack scenarios, "" otherwise
 * @param winner    for a conflict, the clause of the higher tier by rank, which must prevail; "" otherwise
 * @param loser     for a conflict, the clause of the lower tier, served only as far as the winner allows; "" otherwise
 * @param prompt    the request as the generator wrote it, before any attack wrapping
 * @param messages  the conversation the target is given, without the constitution: the operator's system
 *                  prompt first when the scenario has one, earlier turns (with any data the expected
 *                  behaviour relies on, such as an order record or a tool result), then the request
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
        String winner,
        String loser,
        String prompt,
        List<Message> messages,
        String expected,
        String violation,
        String generator,
        String template) {

    public Scenario {
        clauseIds = List.copyOf(cai4j.Json.required(clauseIds, "clauseIds"));
        messages = List.copyOf(cai4j.Json.required(messages, "messages"));
        cai4j.Json.required(kind, "kind");
        strategy = strategy == null ? "" : strategy;
        winner = winner == null ? "" : winner;
        loser = loser == null ? "" : loser;
        if (clauseIds.isEmpty()) throw new IllegalArgumentException("a scenario tests at least one clause");
        if (kind == ScenarioKind.CONFLICT) {
            // a conflict without its two sides cannot be graded by which tier must win
            if (winner.isEmpty() || loser.isEmpty() || winner.equals(loser)) {
                throw new cai4j.InputError("Conflict scenario " + id + " does not name a winner and a loser clause; write its scenarios again with 'cai4j evals generate'.");
            }
            if (!clauseIds.equals(List.of(winner, loser))) {
                throw new cai4j.InputError("Conflict scenario " + id + " lists clauses " + clauseIds + " but its winner is " + winner + " and its loser " + loser + ".");
            }
        } else if (!winner.isEmpty() || !loser.isEmpty()) {
            throw new cai4j.InputError("Scenario " + id + " of kind " + kind.json() + " names a winner or a loser; only conflicts do.");
        }
    }

    /** A scenario of a kind other than conflict, which names no winner and no loser. */
    public Scenario(String id, List<String> clauseIds, ScenarioKind kind, String strategy, String prompt, List<Message> messages,
                    String expected, String violation, String generator, String template) {
        this(id, clauseIds, kind, strategy, "", "", prompt, messages, expected, violation, generator, template);
    }

    /** The clause the scenario is counted under: for a conflict, its winner. */
    public String clauseId() { return clauseIds.getFirst(); }

    /**
     * The messages before the request: the operator's system prompt and earlier turns. The request
     * is the last message, or for an attack scenario the messages its strategy wrapped the prompt in.
     */
    List<Message> context() {
        int request = kind == ScenarioKind.ATTACK && !strategy.isEmpty() ? AttackStrategies.named(strategy).wrap(prompt).size() : 1;
        return messages.subList(0, Math.max(0, messages.size() - request));
    }

    /** A conversation: the operator's system prompt (none when blank), earlier turns, then the request. */
    static List<Message> conversation(String system, List<Message> history, List<Message> request) {
        List<Message> out = new ArrayList<>();
        if (!system.isBlank()) out.add(Message.system(system.strip()));
        out.addAll(history);
        out.addAll(request);
        return List.copyOf(out);
    }

    /** @param clauseId the clause counted under; for a conflict, winner and loser joined by "|" */
    static String idFor(String clauseId, ScenarioKind kind, String strategy, String prompt) {
        return idFor(clauseId, kind, strategy, prompt, List.of());
    }

    /** A scenario without context keeps the id it had before scenarios carried context. */
    static String idFor(String clauseId, ScenarioKind kind, String strategy, String prompt, List<Message> context) {
        String key = clauseId + "\n" + kind.json() + "\n" + strategy + "\n" + prompt + (context.isEmpty() ? "" : "\n" + cai4j.Json.write(context));
        return "s-" + Hash.sha256(key).substring(0, 12);
    }
}
