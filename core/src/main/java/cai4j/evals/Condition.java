package cai4j.evals;

import cai4j.InputError;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How the target is run. */
public enum Condition {
    /** the scenario alone, no constitution */
    BARE,
    /** the constitution as system prompt (a stable prefix providers can cache), then the scenario */
    PROMPTED,
    /** as prompted, with the scenario wrapped by an attack strategy (attack scenarios are already wrapped) */
    ATTACKED;

    @JsonValue
    public String json() { return name().toLowerCase(Locale.ROOT); }

    @JsonCreator
    public static Condition of(String name) {
        for (Condition c : values()) if (c.json().equalsIgnoreCase(name.strip())) return c;
        throw new InputError("Unknown condition '" + name + "'; the conditions are bare, prompted, attacked.");
    }

    public static List<Condition> list(String csv) {
        List<Condition> out = new ArrayList<>();
        for (String s : csv.split(",")) if (!s.isBlank() && !out.contains(of(s))) out.add(of(s));
        if (out.isEmpty()) throw new InputError("--conditions names no condition; use bare, prompted, attacked.");
        return List.copyOf(out);
    }
}
