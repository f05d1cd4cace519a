package cai4j.data;

import cai4j.InputError;
import cai4j.Json;
import cai4j.constitution.Clause;
import cai4j.constitution.Constitution;
import cai4j.evals.Ranks;
import cai4j.evals.Template;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A comparison question for the feedback model, e.g. "Which of these assistant responses is less
 * harmful?". Written from a clause, or loaded as is from a list such as the paper's
 * {@code RLMadisonInstructions.json}.
 *
 * @param id       the clause id, or {@code <file>#<n>} for a loaded principle
 * @param tier     the clause's tier; "" for a loaded principle
 * @param rank     the tier's rank, 1 the highest; 0 for a loaded principle (all loaded ones rank alike)
 * @param question the question, placed before the options
 * @param place    the clause's place in the order, as the prompts name it; "" for a loaded principle
 */
public record FeedbackPrinciple(String id, String tier, int rank, String question, String place) {

    public static final Template FROM_CLAUSE = Template.inline("feedback-from-clause",
            "Which of these assistant responses better follows this principle: \"{{clause}}\"?");

    /** The questions of every rule clause. */
    public static List<FeedbackPrinciple> of(Constitution c) {
        return Principle.of(c).stream().map(p -> of(c, p.clause())).toList();
    }

    public static FeedbackPrinciple of(Constitution c, Clause clause) {
        return new FeedbackPrinciple(clause.id(), clause.tier(), Ranks.of(c, clause),
                FROM_CLAUSE.render(Map.of("clause", clause.text().strip())), Ranks.describe(c, clause));
    }

    /** Whether the principle is a clause of the constitution (rather than a loaded question). */
    public boolean fromClause() {
        return !tier.isEmpty();
    }

    /**
     * Loads a JSON list of question strings. The paper's questions end with "Options:", which the
     * feedback template already supplies, so that word is removed.
     */
    public static List<FeedbackPrinciple> load(Path file) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new InputError("Cannot read feedback principles " + file + ": " + cai4j.FileProblem.reason(e) + ".", e);
        }
        if (!root.isArray() || root.isEmpty()) throw new InputError("Feedback principles file " + file + " must be a non-empty JSON list of strings.");
        String name = file.getFileName().toString().replaceFirst("\\.json$", "");
        List<FeedbackPrinciple> out = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            if (!root.get(i).isTextual()) throw new InputError("Feedback principles file " + file + " item " + (i + 1) + " is not a string.");
            String q = root.get(i).asText().strip();
            if (q.endsWith("Options:")) q = q.substring(0, q.length() - "Options:".length()).strip();
            out.add(new FeedbackPrinciple(name + "#" + i, "", 0, q, ""));
        }
        return out;
    }
}
