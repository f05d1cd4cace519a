package cai4j.data;

import cai4j.InputError;
import cai4j.Json;
import cai4j.constitution.Constitution;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A comparison question for the feedback model, e.g. "Which of these assistant responses is less
 * harmful?". Written from each clause, or loaded as is from a list such as the paper's
 * {@code RLMadisonInstructions.json}.
 *
 * @param id       the clause id, or {@code <file>#<n>} for a loaded principle
 * @param question the question, placed before the options
 */
public record FeedbackPrinciple(String id, String question) {

    public static final Template FROM_CLAUSE = new Template("feedback-from-clause",
            "Which of these assistant responses better follows this principle: \"{{clause}}\"?");

    public static List<FeedbackPrinciple> of(Constitution c) {
        return Principle.of(c).stream()
                .map(p -> new FeedbackPrinciple(p.clauseId(), FROM_CLAUSE.render(Map.of("clause", p.text()))))
                .toList();
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
            throw new InputError("Cannot read feedback principles " + file + ": " + e.getMessage() + ".");
        }
        if (!root.isArray() || root.isEmpty()) throw new InputError("Feedback principles file " + file + " must be a non-empty JSON list of strings.");
        String name = file.getFileName().toString().replaceFirst("\\.json$", "");
        List<FeedbackPrinciple> out = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            if (!root.get(i).isTextual()) throw new InputError("Feedback principles file " + file + " item " + (i + 1) + " is not a string.");
            String q = root.get(i).asText().strip();
            if (q.endsWith("Options:")) q = q.substring(0, q.length() - "Options:".length()).strip();
            out.add(new FeedbackPrinciple(name + "#" + i, q));
        }
        return out;
    }
}
