package cai4j.constitution;

import cai4j.Hash;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Stable clause ids: {@code <section>.<hash of the clause's own text>}. An id depends only on the
 * clause's section and its words, never on its position, so editing or inserting one clause
 * leaves every other id as it was.
 */
final class Ids {
    private Ids() {}

    static String clauseId(String sectionKey, String text) {
        return sectionKey + "." + Hash.sha256(normalise(text)).substring(0, 8);
    }

    /** Lower case, single spaces, no Markdown emphasis: cosmetic edits keep the id. */
    static String normalise(String text) {
        return text.toLowerCase(Locale.ROOT)
                .replaceAll("[*_`]+", "")
                .replaceAll("\\s+", " ")
                .strip();
    }

    /** A readable key from a heading: lower case words joined by underscores, at most 48 characters. */
    static String slug(String heading) {
        String s = heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", "_").replaceAll("^_+|_+$", "");
        if (s.length() > 48) s = s.substring(0, 48).replaceAll("_+$", "");
        return s.isEmpty() ? "section" : s;
    }
}
