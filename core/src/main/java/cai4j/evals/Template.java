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
 * A prompt template with {@code {{placeholders}}}, of the evaluations (a resource under
 * {@code cai4j/evals/}, {@link #load}) or of the training data (text in the code, {@link #inline}).
 * Its version goes into every request it builds ({@link cai4j.model.ChatRequest#withTemplate}), so
 * editing a template changes every ledger key built from it and old answers are never replayed for
 * a new prompt.
 *
 * <p>The two kinds keep the two forms of version they have always had, since the version is part of
 * the ledger key of every call already paid for: a new form would leave those answers unreplayable.
 * The forms also tell the kinds apart in the ledger's usage by stage ({@code name@} or a bare hash).
 *
 * @param name    the template's name, e.g. "judge-direct" or "sft-critique"
 * @param text    the template, with {{placeholders}}
 * @param version a hash of name and text: see {@link #load} and {@link #inline}
 */
public record Template(String name, String text, String version) {

    /** Every template under {@code cai4j/evals/}, so that a run can record their versions and the ledger name their calls. */
    public static final List<String> NAMES = List.of(
            "generate-direct", "generate-conflict", "generate-attack", "generate-benign", "pair-conflict", "filter", "filter-conflict", "repair",
            "judge-direct", "judge-benign", "judge-conflict", "judge-confirm", "judge-constitution", "relevance", "calibrate");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(\\w+)}}");

    /** The resource {@code cai4j/evals/<name>.txt}; its version is the first 12 hex digits of the SHA-256 of name and text. */
    public static Template load(String name) {
        String text = resource(name + ".txt");
        return new Template(name, text, Hash.sha256(name + "\n" + text).substring(0, 12));
    }

    /** A template written in the code; its version is {@code name@} and the first 16 hex digits of the SHA-256 of name and text. */
    public static Template inline(String name, String text) {
        return new Template(name, text, name + "@" + Hash.short16(name + "\n" + text));
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
