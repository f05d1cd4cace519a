package cai4j.train;

import cai4j.InputError;
import java.util.List;
import java.util.Locale;

/**
 * A fine-tuning method: supervised fine-tuning on conversations, or direct preference optimisation
 * on pairs. Each names the export formats that hold its data, so training reads what {@code export}
 * writes and nothing else.
 */
public enum Method {
    SFT("sft", "supervised", "openai-sft", "trl-sft"),
    DPO("dpo", "dpo", "openai-dpo", "trl-dpo");

    private final String id;
    private final String wireName;
    private final String openAiFormat;
    private final String trlFormat;

    Method(String id, String wireName, String openAiFormat, String trlFormat) {
        this.id = id;
        this.wireName = wireName;
        this.openAiFormat = openAiFormat;
        this.trlFormat = trlFormat;
    }

    /** The name users type and files record: {@code sft} or {@code dpo}. */
    public String id() { return id; }

    /** The method type the OpenAI fine-tuning API takes: {@code supervised} or {@code dpo}. */
    public String wireName() { return wireName; }

    /** The export format of the OpenAI fine-tuning API for this method. */
    public String openAiFormat() { return openAiFormat; }

    /** The export format TRL's trainer for this method reads. */
    public String trlFormat() { return trlFormat; }

    public static Method of(String id) {
        for (Method m : values()) if (m.id.equals(id)) return m;
        throw new InputError("Unknown training method '" + id + "'; use sft or dpo.");
    }

    /**
     * The chain of jobs a {@code --method} value asks for: {@code sft}, {@code dpo}, or
     * {@code sft+dpo} (preference tuning starting from the supervised model, as in the
     * Constitutional AI recipe: SL-CAI first, then RL from AI feedback).
     */
    public static List<Method> chain(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "sft" -> List.of(SFT);
            case "dpo" -> List.of(DPO);
            case "sft+dpo" -> List.of(SFT, DPO);
            default -> throw new InputError("--method '" + text + "' is not one of sft, dpo, sft+dpo.");
        };
    }
}
