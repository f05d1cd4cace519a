package cai4j.evals;

import cai4j.Hash;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A prompt template kept as a resource under {@code cai4j/evals/}. Its version is a hash of its
 * text, passed to {@link cai4j.model.ChatRequest#withTemplate}, so editing a template changes every
 * ledger key built from it and old answers are never replayed for a new prompt.
 *
 * @param name    resource name without extension, e.g. "judge"
 * @param text    the template, with {{placeholders}}
 * @param version first 12 hex digits of the SHA-256 of name and text
 */
public record Template(String name, String text, String version) {

    /** Every template under {@code cai4j/evals/}, so that a run can record their versions and the ledger name their calls. */
    public static final List<String> NAMES = List.of(
            "generate-direct", "generate-conflict", "generate-attack", "generate-benign", "pair-conflict", "filter", "filter-conflict", "repair",
            "judge-direct", "judge-benign", "judge-conflict", "judge-confirm", "judge-constitution", "relevance", "calibrate");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z_]+)}}");

    public static Template load(String name) {
        String text = resource(name + ".txt");
        return new Template(name, text, Hash.sha256(name + "\n" + text).substring(0, 12));
    }

    /** The template's own text without its placeholders: what every prompt it builds sends whatever the values; for plans. */
    public int fixedChars() {
        return PLACEHOLDER.matcher(text).replaceAll("").length();
    }

    /** Fills every placeholder; a placeholder without a value is a bug in the caller. */
    public String render(Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null) throw new IllegalStateException("template " + name + " needs a value for {{" + m.group(1) + "}}");
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    static String resource(String file) {
        try (InputStream in = Template.class.getResourceAsStream("/cai4j/evals/" + file)) {
            if (in == null) throw new IllegalStateException("missing resource cai4j/evals/" + file);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
