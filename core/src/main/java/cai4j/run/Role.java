package cai4j.run;

import java.util.Locale;

/**
 * What a model does in a run. {@link Roles} gives each its model by one rule; {@code trained} is the
 * fine-tuned model answering without the constitution, and has no default: it is there only when named.
 */
public enum Role {
    TARGET, JUDGE, GENERATOR, TRAINED;

    /** The word used in options, the manifest and messages: "target", "judge", ... */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
