package cai4j.junit;

import cai4j.InputError;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * What one {@link ConstitutionTest} method is configured with, from three places, the first that
 * sets a key winning: a JUnit configuration parameter (a system property such as
 * {@code -Dcai4j.judge=...}, or {@code junit-platform.properties}), so a build can point every test
 * at another judge without editing code; then the annotation; then {@code cai4j.properties} on the
 * test class path, for what many test classes share.
 *
 * <table>
 *   <caption>keys</caption>
 *   <tr><td>{@code cai4j.constitution}</td><td>the constitution file</td></tr>
 *   <tr><td>{@code cai4j.scenarios}</td><td>the committed scenarios file</td></tr>
 *   <tr><td>{@code cai4j.judge}</td><td>the judge's model spec</td></tr>
 *   <tr><td>{@code cai4j.judge.samples}</td><td>judge answers per scenario</td></tr>
 *   <tr><td>{@code cai4j.ledger}</td><td>the folder of the judge's ledger</td></tr>
 *   <tr><td>{@code cai4j.threshold.<tier>}</td><td>the tier's minimum adherence</td></tr>
 * </table>
 */
final class Settings {
    static final String CONSTITUTION = "cai4j.constitution";
    static final String SCENARIOS = "cai4j.scenarios";
    static final String JUDGE = "cai4j.judge";
    static final String JUDGE_SAMPLES = "cai4j.judge.samples";
    static final String LEDGER = "cai4j.ledger";
    static final String THRESHOLD = "cai4j.threshold.";
    /** The properties file read from the test class path. */
    static final String FILE = "cai4j.properties";

    private final String test;
    private final Function<String, Optional<String>> parameters;
    private final Map<String, String> annotation;
    private final Map<String, String> file;
    private final String fileName;

    Settings(String test, Function<String, Optional<String>> parameters, Map<String, String> annotation, Map<String, String> file, String fileName) {
        this.test = test;
        this.parameters = parameters;
        this.annotation = Map.copyOf(annotation);
        this.file = Map.copyOf(file);
        this.fileName = fileName;
    }

    /** The settings of the test method {@code context} runs. */
    static Settings of(ExtensionContext context) {
        var method = context.getRequiredTestMethod();
        String test = context.getRequiredTestClass().getSimpleName() + "." + method.getName();
        ConstitutionTest a = AnnotationSupport.findAnnotation(method, ConstitutionTest.class).orElseThrow(() ->
                new InputError(test + " takes a ConstitutionGate but is not annotated @ConstitutionTest."));
        Map<String, String> given = new LinkedHashMap<>();
        given.put(CONSTITUTION, a.constitution());
        given.put(SCENARIOS, a.scenarios());
        given.put(JUDGE, a.judge());
        given.put(LEDGER, a.ledger());
        if (a.judgeSamples() != 0) given.put(JUDGE_SAMPLES, Integer.toString(a.judgeSamples()));
        for (String t : a.thresholds()) {
            int eq = t.indexOf('=');
            if (eq <= 0) throw new InputError("@ConstitutionTest on " + test + " has threshold '" + t + "'; write it as tier=fraction, such as safe=100% or helpful=0.9.");
            given.put(THRESHOLD + t.substring(0, eq).strip(), t.substring(eq + 1).strip());
        }
        given.values().removeIf(String::isBlank);
        URL url = context.getRequiredTestClass().getClassLoader().getResource(FILE);
        return new Settings(test, context::getConfigurationParameter, given, read(url), url == null ? FILE : url.toString());
    }

    private static Map<String, String> read(URL url) {
        if (url == null) return Map.of();
        Properties p = new Properties();
        try (InputStream in = url.openStream()) {
            p.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new InputError("Cannot read " + url + ": " + cai4j.FileProblem.reason(e) + ".", e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : p.stringPropertyNames()) if (!p.getProperty(k).isBlank()) out.put(k, p.getProperty(k).strip());
        return out;
    }

    /** The test method, as messages name it. */
    String test() { return test; }

    /** The value of a key, from the first place that sets it. */
    Optional<String> value(String key) {
        Optional<String> p = parameters.apply(key).map(String::strip).filter(s -> !s.isEmpty());
        if (p.isPresent()) return p;
        if (annotation.containsKey(key)) return Optional.of(annotation.get(key));
        return Optional.ofNullable(file.get(key));
    }

    /** Where the value of a key came from, for a message about it. */
    String where(String key) {
        if (parameters.apply(key).filter(s -> !s.isBlank()).isPresent()) return "the configuration parameter " + key;
        if (annotation.containsKey(key)) return "@ConstitutionTest on " + test;
        return key + " in " + fileName;
    }

    /** A value the test cannot run without. */
    String required(String key, String attribute) {
        return value(key).orElseThrow(() -> new InputError(test + " names no " + attribute + ": set " + attribute + " = \"...\" in @ConstitutionTest or "
                + key + " in " + FILE + " on the test class path."));
    }

    /** The tiers the annotation and the properties file give thresholds for (configuration parameters are read per tier). */
    Set<String> thresholdTiers() {
        Set<String> out = new TreeSet<>();
        for (Map<String, String> m : java.util.List.of(annotation, file)) {
            for (String k : m.keySet()) if (k.startsWith(THRESHOLD)) out.add(k.substring(THRESHOLD.length()));
        }
        return out;
    }
}
