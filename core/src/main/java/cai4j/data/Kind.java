package cai4j.data;

import java.util.Locale;

/** The four kinds of training data, each written to {@code data/<name>.jsonl} in a run. */
public enum Kind {
    /** Responses revised through critique (SL-CAI). */
    SFT,
    /** AI-feedback preference pairs with soft labels (RLAIF). */
    PREFS,
    /** Context distillation: behaviour with the constitution in the prompt, trained without it. */
    DISTILL,
    /** Questions and answers that teach the constitution itself. */
    UNDERSTAND;

    public String fileName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Kind parse(String s) {
        for (Kind k : values()) if (k.fileName().equals(s.strip().toLowerCase(Locale.ROOT))) return k;
        throw new cai4j.InputError("Unknown data kind '" + s + "': use sft, prefs, distill or understand.");
    }
}
