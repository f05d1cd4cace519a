package cai4j.model;

import cai4j.InputError;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The registry of {@link ModelProvider}s found on the class path through {@link ServiceLoader}.
 * Opening a model by spec goes through here, so a new provider needs only its service entry.
 */
public final class Providers {
    private final Map<String, ModelProvider> byName;

    private Providers(Map<String, ModelProvider> byName) {
        this.byName = byName;
    }

    /** The providers visible to this class's loader. */
    public static Providers load() {
        Map<String, ModelProvider> m = new TreeMap<>();
        for (ModelProvider p : ServiceLoader.load(ModelProvider.class, Providers.class.getClassLoader())) {
            m.putIfAbsent(p.name(), p);
        }
        return new Providers(m);
    }

    /** The names of the known providers, sorted. */
    public java.util.Set<String> names() {
        return byName.keySet();
    }

    public ModelProvider provider(ModelSpec spec) {
        ModelProvider p = byName.get(spec.provider());
        if (p == null) {
            throw new InputError("Unknown model provider '" + spec.provider() + "' in model spec '" + spec
                    + "'; known providers: " + String.join(", ", byName.keySet()) + ".");
        }
        return p;
    }

    /** Opens the model a spec names; InputError for an unknown provider or a missing key. */
    public LanguageModel open(ModelSpec spec, Map<String, String> env) {
        return provider(spec).open(spec, env);
    }

    /** Opens a model whose single attempts time out after {@code timeout}. */
    public LanguageModel open(ModelSpec spec, Map<String, String> env, java.time.Duration timeout) {
        return provider(spec).open(spec, env, timeout);
    }
}
