package cai4j.run;

import cai4j.InputError;
import java.util.Locale;

/** How much work a run does; the default keeps a first run on the embedded model short. */
public enum Budget {
    /*
     * small: 256 answer tokens (about 190 words) show whether a small model's answer keeps to a
     * clause, and every one of them is a tenth of a second of the embedded default on 2 cores
     */
    SMALL(6, 1, "direct,conflict,benign", 6, 6, 256, 4),
    MEDIUM(16, 2, "direct,conflict,attack,benign", 16, 16, 512, 12),
    LARGE(0, 3, "direct,conflict,attack,benign", 0, 0, 1024, 40);

    /** The share of each clause's scenarios held out of the evaluation as training prompts. */
    public static final double HELD_OUT = 0.25;

    /** clauses sampled (0: all), scenarios per clause and kind, training prompts and understanding questions at most (0: no limit), longest answer */
    public final int clauses, perClause, prompts, understanding, maxTokens;
    /** labelled Model Spec responses the judge grades, so that the report says how far its grades agree with people's */
    public final int labelled;
    /** the scenario kinds, comma-separated */
    public final String kinds;

    Budget(int clauses, int perClause, String kinds, int prompts, int understanding, int maxTokens, int labelled) {
        this.clauses = clauses;
        this.perClause = perClause;
        this.kinds = kinds;
        this.prompts = prompts;
        this.understanding = understanding;
        this.maxTokens = maxTokens;
        this.labelled = labelled;
    }

    public static Budget parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InputError("--budget '" + text + "' is not one of small, medium, large.");
        }
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
