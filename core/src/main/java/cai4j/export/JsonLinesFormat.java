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

    /**
     * TRL's conversational preference format with an explicit prompt, read by DPOTrainer; the soft
     * label rides along as an extra column, which DPOTrainer leaves alone and a soft-label loss can read.
     */
    static JsonLinesFormat trlDpo() {
        return new JsonLinesFormat("trl-dpo",
                "TRL conversational preference JSONL for DPOTrainer: {\"prompt\": [...], \"chosen\": [assistant], \"rejected\": [assistant], \"score\": soft label}",
                Shape.PAIR, Set.of(Kind.PREFS), r -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("prompt", r.prompt());
                    m.put("chosen", r.chosen());
                    m.put("rejected", r.rejected());
                    if (r.score() != null) m.put("score", r.score());
                    return m;
                });
    }

    /**
     * Reward-model training: whole conversations (TRL's implicit-prompt preference format, read by
     * RewardTrainer) with the soft label as {@code score}, the probability that chosen is the better one.
     */
    static JsonLinesFormat reward() {
        return new JsonLinesFormat("reward",
                "Reward-model JSONL: {\"chosen\": [prompt..., assistant], \"rejected\": [prompt..., assistant], \"score\": P(chosen is better)}",
                Shape.PAIR, Set.of(Kind.PREFS), r -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("chosen", concat(r.prompt(), r.chosen()));
                    m.put("rejected", concat(r.prompt(), r.rejected()));
                    if (r.score() != null) m.put("score", r.score());
                    return m;
                });
    }

    private static List<Message> concat(List<Message> a, List<Message> b) {
        List<Message> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** Every field of every row, the same columns as the Parquet export. */
    static JsonLinesFormat rows() {
        return new JsonLinesFormat("jsonl",
                "All rows with every column (id, kind, prompt, messages, chosen, rejected, score, clause_ids, model), one JSON object a line",
                Shape.ANY, Set.of(Kind.values()), r -> r);
    }
}
