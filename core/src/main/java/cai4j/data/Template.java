package cai4j.data;

import cai4j.Hash;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A prompt template with {@code {{name}}} slots. Its {@link #version()} goes into every request it
 * builds ({@link cai4j.model.ChatRequest#withTemplate}), so editing a template changes the ledger key
 * and old answers are not replayed for new wording.
 */
public record Template(String name, String text) {
    private static final Pattern SLOT = Pattern.compile("\\{\\{(\\w+)}}");

    /** A short hash of the name and text. */
    public String version() {
        return name + "@" + Hash.short16(name + "\n" + text);
    }

    public String render(Map<String, String> values) {
        Matcher m = SLOT.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null) throw new IllegalArgumentException("template " + name + " needs a value for " + m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
