package cai4j.run;

import cai4j.model.ModelSpec;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The model of each role, by the one rule every command follows: the target is the model named for
 * it, else {@code $CAI4J_MODEL}, else the embedded default model; the judge defaults to the target,
 * and the generator to the judge. A command without a target option (e.g. {@code judge calibrate})
 * still starts the chain from the target's default, so naming no model anywhere means one model
 * everywhere. The trained model has no default.
 */
public record Roles(ModelSpec target, ModelSpec judge, ModelSpec generator, Optional<ModelSpec> trained) {

    /** The environment variable that replaces the embedded default model for every role. */
    public static final String ENV = "CAI4J_MODEL";

    /**
     * Applies the rule to the roles a user named.
     *
     * @param named spec strings of the roles given on the command line; absent roles are not keys
     * @param env   the environment, for {@link #ENV}
     */
    public static Roles resolve(Map<Role, String> named, Map<String, String> env) {
        ModelSpec target = spec(named, Role.TARGET).orElseGet(() -> ModelSpec.parse(defaultSpec(env)));
        ModelSpec judge = spec(named, Role.JUDGE).orElse(target);
        ModelSpec generator = spec(named, Role.GENERATOR).orElse(judge);
        return new Roles(target, judge, generator, spec(named, Role.TRAINED));
    }

    /** {@code $CAI4J_MODEL} if set, else the embedded default model. */
    public static String defaultSpec(Map<String, String> env) {
        String v = env.get(ENV);
        return v == null || v.isBlank() ? ModelSpec.DEFAULT_TEXT : v.strip();
    }

    private static Optional<ModelSpec> spec(Map<Role, String> named, Role role) {
        String s = named.get(role);
        return s == null ? Optional.empty() : Optional.of(ModelSpec.parse(s));
    }

    public ModelSpec of(Role role) {
        return switch (role) {
            case TARGET -> target;
            case JUDGE -> judge;
            case GENERATOR -> generator;
            case TRAINED -> trained.orElseThrow(() -> new IllegalStateException("this run names no trained model"));
        };
    }

    /** Role word → spec text, trained only when present: what the manifest records. */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(Role.TARGET.word(), target.toString());
        m.put(Role.JUDGE.word(), judge.toString());
        m.put(Role.GENERATOR.word(), generator.toString());
        trained.ifPresent(t -> m.put(Role.TRAINED.word(), t.toString()));
        return m;
    }

    /**
     * The sentence that warns a judge grades its own work (it is the target or the generator), or
     * empty when it does not; grades of one's own answers are biased (Zheng et al. 2023).
     */
    public Optional<String> selfJudgingNote() {
        boolean ofTarget = judge.equals(target), ofGenerator = judge.equals(generator);
        if (!ofTarget && !ofGenerator) return Optional.empty();
        String whom = ofTarget && ofGenerator ? "the target and the generator" : ofTarget ? "the target" : "the generator";
        return Optional.of("note: the judge (" + judge + ") is also " + whom + ", so it grades its own work; pass --judge"
                + (ofGenerator ? " and --generator" : "") + " to use other models.");
    }

    /** A map of named roles, for callers that hold the options as separate values. */
    public static Map<Role, String> named() {
        return new EnumMap<>(Role.class);
    }
}
