package cai4j.export;

import cai4j.Json;
import cai4j.data.Kind;
import cai4j.model.Message;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The JSON Lines formats: each row becomes one object, built by a function of the row. */
final class JsonLinesFormat implements ExportFormat {
    private final String name, description;
    private final Shape shape;
    private final Set<Kind> kinds;
    private final Function<Row, Object> line;

    JsonLinesFormat(String name, String description, Shape shape, Set<Kind> kinds, Function<Row, Object> line) {
        this.name = name;
        this.description = description;
        this.shape = shape;
        this.kinds = kinds;
        this.line = line;
    }

    @Override public String name() { return name; }
    @Override public String description() { return description; }
    @Override public String extension() { return "jsonl"; }
    @Override public Shape shape() { return shape; }
    @Override public Set<Kind> defaultKinds() { return kinds; }

    @Override
    public void write(List<Row> rows, Path file) {
        Json.writeLines(file, rows.stream().map(line).toList());
    }

    private static final Set<Kind> CHAT_KINDS = Set.of(Kind.SFT, Kind.DISTILL, Kind.UNDERSTAND);

    /** OpenAI supervised fine-tuning: {@code {"messages": [...]}} ending with the assistant turn. */
    static JsonLinesFormat openAiSft() {
        return new JsonLinesFormat("openai-sft", "OpenAI chat fine-tuning JSONL: {\"messages\": [system?, user, assistant, ...]}",
                Shape.CONVERSATION, CHAT_KINDS, r -> Map.of("messages", r.messages()));
    }

    /** OpenAI preference fine-tuning (DPO). */
    static JsonLinesFormat openAiDpo() {
        return new JsonLinesFormat("openai-dpo",
                "OpenAI preference fine-tuning JSONL: {\"input\": {\"messages\": [...]}, \"preferred_output\": [assistant], \"non_preferred_output\": [assistant]}",
                Shape.PAIR, Set.of(Kind.PREFS), r -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("input", Map.of("messages", r.prompt()));
                    m.put("preferred_output", r.chosen());
                    m.put("non_preferred_output", r.rejected());
                    return m;
                });
    }

    /** TRL's conversational language-modeling format, read by SFTTrainer. */
    static JsonLinesFormat trlSft() {
        return new JsonLinesFormat("trl-sft", "TRL conversational JSONL for SFTTrainer: {\"messages\": [...]}",
                Shape.CONVERSATION, CHAT_KINDS, r -> Map.of("messages", r.messages()));
    }

    /** TRL's conversational preference format with an explicit prompt, read by DPOTrainer. */
    static JsonLinesFormat trlDpo() {
        return new JsonLinesFormat("trl-dpo",
                "TRL conversational preference JSONL for DPOTrainer: {\"prompt\": [...], \"chosen\": [assistant], \"rejected\": [assistant]}",
                Shape.PAIR, Set.of(Kind.PREFS), r -> {
                    Map<String, List<Message>> m = new LinkedHashMap<>();
                    m.put("prompt", r.prompt());
                    m.put("chosen", r.chosen());
                    m.put("rejected", r.rejected());
                    return m;
                });
    }

    /** Every field of every row, the same columns as the Parquet export. */
    static JsonLinesFormat rows() {
        return new JsonLinesFormat("jsonl",
                "All rows with every column (id, kind, prompt, messages, chosen, rejected, score, clause_ids, model), one JSON object a line",
                Shape.ANY, Set.of(Kind.values()), r -> r);
    }
}
