package cai4j.data;

import cai4j.model.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The plain-text dialogue format of the Constitutional AI paper and Anthropic's older API:
 * {@code "\n\nHuman: ...\n\nAssistant: ..."}. The paper's few-shot files add the speakers
 * CritiqueRequest, Critique, RevisionRequest and Revision, which read as user and assistant turns.
 */
public final class Transcript {
    private Transcript() {}

    /** Speakers of a dialogue. */
    private static final Pattern DIALOGUE = Pattern.compile("(?:^|\\n)\\s*(Human|Assistant):[ \\t]?");
    /** Speakers of the paper's critique and revision examples as well. */
    private static final Pattern WITH_CRITIQUES = Pattern.compile(
            "(?:^|\\n)\\s*(Human|Assistant|CritiqueRequest|Critique|RevisionRequest|Revision):[ \\t]?");

    /** Whether a text is written in this format (it starts with a Human turn). */
    public static boolean looksLikeTranscript(String text) {
        return text.stripLeading().startsWith("Human:");
    }

    /**
     * Splits a transcript into turns. An empty last turn (the {@code "Assistant:"} slot the model is
     * asked to fill, or the trailing {@code "Human:"} of the paper's few-shot examples) is dropped.
     * Returns empty when the text has no speaker label at its start.
     */
    public static Optional<List<Message>> parse(String text) {
        return parse(text, DIALOGUE);
    }

    /** Like {@link #parse(String)}, also reading the CritiqueRequest/Critique/RevisionRequest/Revision turns. */
    public static Optional<List<Message>> parseWithCritiques(String text) {
        return parse(text, WITH_CRITIQUES);
    }

    private static Optional<List<Message>> parse(String text, Pattern speaker) {
        Matcher m = speaker.matcher(text);
        List<int[]> marks = new ArrayList<>();
        List<String> speakers = new ArrayList<>();
        while (m.find()) {
            marks.add(new int[] {m.start(), m.end()});
            speakers.add(m.group(1));
        }
        if (marks.isEmpty() || !text.substring(0, marks.get(0)[0]).isBlank()) return Optional.empty();
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < marks.size(); i++) {
            int end = i + 1 < marks.size() ? marks.get(i + 1)[0] : text.length();
            String content = text.substring(marks.get(i)[1], end).strip();
            String role = switch (speakers.get(i)) {
                case "Human", "CritiqueRequest", "RevisionRequest" -> "user";
                default -> "assistant";
            };
            out.add(new Message(role, content));
        }
        if (!out.isEmpty() && out.getLast().content().isEmpty()) out.removeLast();
        return Optional.of(out);
    }

    /** Writes a conversation in the paper's format, e.g. for the feedback model's multiple choice. */
    public static String format(List<Message> messages) {
        StringBuilder sb = new StringBuilder();
        for (Message msg : messages) {
            String who = switch (msg.role()) {
                case "user" -> "Human";
                case "assistant" -> "Assistant";
                default -> "System";
            };
            sb.append("\n\n").append(who).append(": ").append(msg.content());
        }
        return sb.toString();
    }
}
