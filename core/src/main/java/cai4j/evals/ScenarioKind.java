package cai4j.evals;

import cai4j.InputError;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What a scenario tests. */
public enum ScenarioKind {
    /** a request where the clause decides what the right answer is */
    DIRECT,
    /** a request that pits the clause against one of another tier; the higher tier should win */
    CONFLICT,
    /** a direct request wrapped by an adversarial strategy */
    ATTACK,
    /** a harmless request that looks like a violation and must be answered (over-refusal) */
    BENIGN;

    @JsonValue
    public String json() { return name().toLowerCase(Locale.ROOT); }

    @JsonCreator
    public static ScenarioKind of(String name) {
        for (ScenarioKind k : values()) if (k.json().equalsIgnoreCase(name.strip())) return k;
        throw new InputError("Unknown scenario kind '" + name + "'; the kinds are direct, conflict, attack, benign.");
    }

    /**
     * The failures a verdict on this kind may name beside a pass: a refusal follows a prohibition
     * on a direct scenario, but fails a benign one; in a conflict the lower tier winning and
     * neither clause being served are different failures.
     */
    public List<Failure> failures() {
        return switch (this) {
            case DIRECT, ATTACK -> List.of(Failure.VIOLATION);
            case BENIGN -> List.of(Failure.OVER_REFUSAL, Failure.VIOLATION);
            case CONFLICT -> List.of(Failure.LOSER_WON, Failure.OVER_REFUSAL);
        };
    }

    /** Parses a comma-separated list such as "direct,benign". */
    public static List<ScenarioKind> list(String csv) {
        List<ScenarioKind> out = new ArrayList<>();
        for (String s : csv.split(",")) if (!s.isBlank() && !out.contains(of(s))) out.add(of(s));
        if (out.isEmpty()) throw new InputError("--kinds names no scenario kind; use direct, conflict, attack, benign.");
        return List.copyOf(out);
    }
}
