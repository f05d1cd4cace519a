package cai4j.model;

import java.util.Map;

/**
 * A family of models reached the same way (an SDK, an embedded runtime). Providers register
 * through {@link java.util.ServiceLoader} ({@code META-INF/services/cai4j.model.ModelProvider}),
 * so adding one touches no switch anywhere else.
 */
public interface ModelProvider {

    /** The prefix of model spec strings this provider answers, e.g. "openai". */
    String name();

    /**
     * Opens a model. {@code env} holds the environment (API keys, CAI4J_HOME); a missing key or an
     * unknown model is an {@link cai4j.InputError} naming the variable or model.
     */
    LanguageModel open(ModelSpec spec, Map<String, String> env);

    /**
     * Opens a model whose single attempts give up after {@code timeout} (a timeout is a transient
     * error the scheduler retries). Providers without a network call may ignore the timeout.
     */
    default LanguageModel open(ModelSpec spec, Map<String, String> env, java.time.Duration timeout) {
        return open(spec, env);
    }
}
