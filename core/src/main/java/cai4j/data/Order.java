package cai4j.data;

import cai4j.constitution.Clause;
import cai4j.constitution.Constitution;
import cai4j.evals.Ranks;
import java.util.Comparator;
import java.util.Optional;

/**
 * How the critique, revision and feedback prompts state the constitution's order for one prompt:
 * the tiers highest first, the principles that bear on the conversation with their tiers, and,
 * when the prompt is a conflict scenario, which of its two clauses wins. Without it a model weighs
 * every principle alike, and two that disagree average out instead of the higher one deciding.
 */
final class Order {
    private Order() {}

    static String of(Constitution c, Relevant relevant, Prompt p) {
        StringBuilder sb = new StringBuilder(Ranks.order(c));
        if (!relevant.isEmpty()) {
            sb.append("\n\nThe principles that bear on this conversation, highest tier first:\n");
            relevant.clauses().stream().sorted(Comparator.comparingInt(cl -> Ranks.of(c, cl)))
                    .forEach(cl -> sb.append("- \"").append(cl.text().strip()).append("\" (").append(Ranks.describe(c, cl)).append(")\n"));
            sb.setLength(sb.length() - 1);
        }
        Optional<Clause> winner = c.clause(p.winner()), loser = c.clause(p.loser());
        if (winner.isPresent() && loser.isPresent()) {
            sb.append("\n\nIn this conversation two of them pull apart: \"").append(winner.get().text().strip()).append("\" (")
                    .append(Ranks.describe(c, winner.get())).append(") wins, and \"").append(loser.get().text().strip()).append("\" (")
                    .append(Ranks.describe(c, loser.get())).append(") is served only as far as the first allows.");
        }
        return sb.toString();
    }
}
