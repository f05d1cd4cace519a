package cai4j.evals;

import cai4j.InputError;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a scenario is answered: by the target (the base model) without or with the constitution, under
 * attack, or by the model trained on the constitution's data, without it.
 */
public enum Condition {
    /** the scenario alone, no constitution */
    BARE,
    /** the constitution as system prompt (a stable prefix providers can cache), then the scenario */
    PROMPTED,
    /** as prompted, with the scenario wrapped by an attack strategy (attack scenarios are already wrapped) */
    ATTACKED,
    /** the trained model alone, no constitution: what training on the constitution taught it */
    TRAINED;

    /** The conditions as the messages name them. */
    static final String NAMES = "bare, prompted, attacked, trained";

    /** Whether the constitution is the start of the system prompt. */
    public boolean withConstitution() { return this == PROMPTED || this == ATTACKED; }

    /** Whether the trained model answers, rather than the target. */
    public boolean byTrainedModel() { return this == TRAINED; }

    /** The model that answers under this condition, of a target and a trained model (model specs). */
    public String answeredBy(String target, String trained) { return byTrainedModel() ? trained : target; }

    @JsonValue
    public String json() { return name().toLowerCase(Locale.ROOT); }

    @JsonCreator
    public static Condition of(String name) {
        for (Condition c : values()) if (c.json().equalsIgnoreCase(name.strip())) return c;
        throw new InputError("Unknown condition '" + name + "'; the conditions are " + NAMES + ".");
    }

    public static List<Condition> list(String csv) {
        List<Condition> out = new ArrayList<>();
        for (String s : csv.split(",")) if (!s.isBlank() && !out.contains(of(s))) out.add(of(s));
        if (out.isEmpty()) throw new InputError("--conditions names no condition; use " + NAMES + ".");
        return List.copyOf(out);
    }
}
