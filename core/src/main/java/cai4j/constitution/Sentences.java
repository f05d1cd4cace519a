package cai4j.constitution;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Splits prose into sentences and tells rules (normative sentences) from explanation. */
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

    private static final Pattern MODAL = Pattern.compile(
            "\\b(must|should|shouldn't|shall|never|always|do not|don't|does not|doesn't|avoid|avoids|may not|"
                    + "cannot|can't|won't|will not|refuse|refuses|ensure|ensures|prefer|prefers|required|requires|"
                    + "prohibited|forbidden|not allowed|is allowed|are allowed|need to|needs to|ought|is expected to|"
                    + "err on the side|it is important|it's important|take care|is responsible for)\\b",
            Pattern.CASE_INSENSITIVE);

    private static final Set<String> IMPERATIVES = Set.of(
            "be", "do", "don't", "never", "always", "avoid", "use", "ask", "provide", "respect", "follow", "treat",
            "refuse", "keep", "give", "tell", "explain", "answer", "respond", "offer", "prefer", "try", "make",
            "take", "consider", "protect", "support", "assume", "ignore", "comply", "acknowledge", "admit",
            "decline", "help", "stay", "seek", "present", "express", "highlight", "adapt", "handle", "prioritize",
            "prioritise", "report", "cite", "flag", "warn", "encourage", "recommend", "include", "mention",
            "point", "write", "state", "show", "say", "disclose", "verify", "check", "remain", "act",
            "limit", "minimize", "minimise", "redirect", "escalate", "defer", "obey", "uphold", "maintain");

    /** True when a sentence states what the model should or should not do. */
    static boolean isNormative(String sentence) {
        String s = sentence.strip().replaceAll("^[*_\"“(]+", "");
        if (MODAL.matcher(s).find()) return true;
        int space = s.indexOf(' ');
        String first = (space < 0 ? s : s.substring(0, space)).toLowerCase(Locale.ROOT).replaceAll("[^a-z']", "");
        return IMPERATIVES.contains(first);
    }
}
