package cai4j.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Cuts API keys out of text that is about to be shown: provider messages that echo the key, and
 * the stack traces printed with {@code --debug}, whose causes carry the SDK's raw messages.
 */
public final class Redaction {
    private Redaction() {}

    /** Shorter values are not worth hiding and would blank out ordinary words. */
    private static final int MIN_KEY_LENGTH = 8;

    /** The values of the environment variables that hold keys or tokens (OPENAI_API_KEY, HF_TOKEN, ...). */
    public static List<String> keysIn(Map<String, String> env) {
        List<String> keys = new ArrayList<>();
        env.forEach((name, value) -> {
            String n = name.toUpperCase(java.util.Locale.ROOT);
            if ((n.endsWith("_KEY") || n.endsWith("_TOKEN") || n.endsWith("_SECRET")) && value != null && value.strip().length() >= MIN_KEY_LENGTH) {
                keys.add(value.strip());
            }
        });
        return keys;
    }

    /** The text with every given key, and anything shaped like a provider key, replaced by ***. */
    public static String redact(String text, Collection<String> keys) {
        if (text == null) return "";
        String t = text;
        for (String k : keys) {
            if (k != null && k.length() >= 4) t = t.replace(k, "***");
        }
        // servers echo a key in part ("sk-abc***xyz"); drop anything that looks like one
        return t.replaceAll("(sk|key)-[A-Za-z0-9_*\\-]{4,}", "***");
    }
}
