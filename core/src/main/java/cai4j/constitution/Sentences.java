package cai4j.constitution;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Splits prose into sentences; {@link Norms} tells which of them are rules. */
final class Sentences {
    private Sentences() {}

    private static final Set<String> ABBREVIATIONS = Set.of(
            "e.g", "i.e", "etc", "vs", "cf", "mr", "mrs", "ms", "dr", "st", "no", "fig", "approx", "u.s", "inc", "ltd", "al");

    /** Sentence boundaries: offsets where each sentence starts, in a text of one paragraph. */
    static List<int[]> split(String text) {
        List<int[]> out = new ArrayList<>();
        int n = text.length();
        int start = skipSpace(text, 0);
        int i = start;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '.' || c == '!' || c == '?') {
                int end = i + 1;
                while (end < n && ".!?\"'”’)]*_".indexOf(text.charAt(end)) >= 0) end++;
                if (end >= n) break;
                if (Character.isWhitespace(text.charAt(end))) {
                    int next = skipSpace(text, end);
                    if (next < n && startsSentence(text.charAt(next)) && !(c == '.' && isAbbreviation(text, i))) {
                        out.add(new int[] {start, end});
                        start = next;
                        i = next;
                        continue;
                    }
                }
                i = end;
                continue;
            }
            i++;
        }
        if (start < n) {
            int end = n;
            while (end > start && Character.isWhitespace(text.charAt(end - 1))) end--;
            if (end > start) out.add(new int[] {start, end});
        }
        return out;
    }

    private static int skipSpace(String text, int i) {
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) i++;
        return i;
    }

    private static boolean startsSentence(char c) {
        return Character.isUpperCase(c) || Character.isDigit(c) || "\"“'‘([*_".indexOf(c) >= 0;
    }

    private static boolean isAbbreviation(String text, int dot) {
        int b = dot;
        while (b > 0 && (Character.isLetter(text.charAt(b - 1)) || text.charAt(b - 1) == '.')) b--;
        String word = text.substring(b, dot).toLowerCase(Locale.ROOT);
        return ABBREVIATIONS.contains(word) || (word.length() == 1 && Character.isLetter(word.charAt(0)));
    }
}
