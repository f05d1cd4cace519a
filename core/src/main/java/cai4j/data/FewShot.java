package cai4j.data;

import cai4j.Hash;
import cai4j.InputError;
import cai4j.Json;
import cai4j.model.Message;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Worked critique–revision dialogues shown to the model before the real one. Loads, as they are:
 * the paper's {@code CritiqueRevisionFewShotPrompts.json} (a list of transcripts with
 * CritiqueRequest/Critique/RevisionRequest/Revision turns), Hugging Face's constitution files
 * ({@code "system_chat"}: lists of chat messages), or a plain JSON list of such message lists.
 *
 * @param source   file name, or "none"
 * @param sha256   hash of the file, recorded with the data
 * @param examples each example's turns, alternating user and assistant, ending with the assistant
 */
public record FewShot(String source, String sha256, List<List<Message>> examples) {
    public static final FewShot NONE = new FewShot("none", "", List.of());

    public FewShot {
        examples = examples.stream().map(List::copyOf).toList();
    }

    /** All examples one after the other, to put before the conversation being critiqued. */
    public List<Message> messages() {
        return examples.stream().flatMap(List::stream).toList();
    }

    public static FewShot load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InputError("Cannot read few-shot file " + file + ": " + cai4j.FileProblem.reason(e) + ".", e);
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new InputError("Few-shot file " + file + " is not valid JSON: " + e.getMessage() + ".");
        }
        JsonNode list = root.isObject() && root.has("system_chat") ? root.get("system_chat") : root;
        if (!list.isArray()) {
            throw new InputError("Few-shot file " + file + " must be a JSON list of transcripts or of message lists, or have \"system_chat\".");
        }
        List<List<Message>> examples = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode ex = list.get(i);
            String where = "Few-shot file " + file + " example " + (i + 1);
            List<Message> turns;
            if (ex.isTextual()) {
                Optional<List<Message>> parsed = Transcript.parseWithCritiques(ex.asText());
                if (parsed.isEmpty()) throw new InputError(where + " is not a Human/Assistant transcript.");
                turns = parsed.get();
            } else if (ex.isArray()) {
                turns = new ArrayList<>();
                for (JsonNode m : ex) {
                    if (!m.path("role").isTextual() || !m.path("content").isTextual()) {
                        throw new InputError(where + " has a message without a string role and content.");
                    }
                    turns.add(new Message(m.get("role").asText(), m.get("content").asText()));
                }
            } else {
                throw new InputError(where + " is neither a transcript string nor a list of messages.");
            }
            checkAlternates(turns, where);
            examples.add(turns);
        }
        return new FewShot(file.getFileName().toString(), Hash.sha256(text), examples);
    }

    private static void checkAlternates(List<Message> turns, String where) {
        if (turns.isEmpty()) throw new InputError(where + " is empty.");
        for (int i = 0; i < turns.size(); i++) {
            String expected = i % 2 == 0 ? "user" : "assistant";
            if (!turns.get(i).role().equals(expected)) {
                throw new InputError(where + " turn " + (i + 1) + " is from the " + turns.get(i).role()
                        + " where the " + expected + " should speak (turns must alternate, starting with the user).");
            }
        }
        if (!turns.getLast().role().equals("assistant")) throw new InputError(where + " does not end with an assistant turn.");
    }
}
