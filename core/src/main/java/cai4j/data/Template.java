package cai4j.data;

import cai4j.Hash;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A prompt template with {@code {{name}}} slots. Its {@link #version()} goes into every request it
 * builds ({@link cai4j.model.ChatRequest#withTemplate}), so editing a template changes the ledger key
 * and old answers are not replayed for new wording.
 */
public record Template(String name, String text) {
    private static final Pattern SLOT = Pattern.compile("\\{\\{(\\w+)}}");

    /** Every template of the training data, so that a run can record their versions. */
    public static List<Template> all() {
        return List.of(CritiqueRevision.INITIAL, CritiqueRevision.CRITIQUE, CritiqueRevision.REVISION,
                Principle.CRITIQUE_FROM_CLAUSE, Principle.REVISION_FROM_CLAUSE,
                FeedbackLabeling.SAMPLE, FeedbackLabeling.CHOICE, FeedbackLabeling.CHAIN_OF_THOUGHT, FeedbackPrinciple.FROM_CLAUSE,
                ContextDistillation.ANSWER, ConflictPairs.LOWER_TIER,
                Understanding.SYSTEM, Understanding.MEANING, Understanding.APPLICATION, Understanding.CONFLICT);
    }

    /** A short hash of the name and text. */
    public String version() {
        return name + "@" + Hash.short16(name + "\n" + text);
    }

    /** The template's own text without its slots: what every prompt it builds sends whatever the values; for plans. */
    public int fixedChars() {
        return SLOT.matcher(text).replaceAll("").length();
    }

    public String render(Map<String, String> values) {
        Matcher m = SLOT.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null) throw new IllegalArgumentException("template " + name + " needs a value for " + m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
