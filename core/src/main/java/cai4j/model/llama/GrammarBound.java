package cai4j.model.llama;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The most bytes any text a GBNF grammar accepts can have, read from the grammar llama.cpp
 * samples with. Every token the model can emit adds at least one byte (a byte-level vocabulary
 * can spell anything one byte a token), so this many tokens, plus one for the end, always let a
 * grammar-bounded answer close: a max-tokens at least this large never cuts one.
 *
 * <p>{@link #UNBOUNDED} when the grammar repeats without limit ({@code *}, {@code +},
 * {@code {m,}}) or a rule refers to itself.
 */
final class GrammarBound {
    static final long UNBOUNDED = Long.MAX_VALUE;

    private final Map<String, String> rules = new HashMap<>();
    private final Map<String, Long> known = new HashMap<>();
    private final Set<String> visiting = new HashSet<>();
    private String text;
    private int pos;

    private GrammarBound(String grammar) {
        String name = null;
        StringBuilder body = new StringBuilder();
        for (String line : grammar.split("\n")) {
            int def = line.indexOf("::=");
            if (def > 0 && line.substring(0, def).strip().matches("[A-Za-z0-9_-]+")) {
                if (name != null) rules.put(name, body.toString());
                name = line.substring(0, def).strip();
                body = new StringBuilder(line.substring(def + 3));
            } else if (name != null) {
                body.append('\n').append(line);
            }
        }
        if (name != null) rules.put(name, body.toString());
    }

    /** The most bytes a text of {@code grammar} (starting at its {@code root} rule) can have. */
    static long maxBytes(String grammar) {
        GrammarBound g = new GrammarBound(grammar);
        if (!g.rules.containsKey("root")) throw new IllegalArgumentException("the grammar has no root rule");
        return g.rule("root");
    }

    private long rule(String name) {
        Long k = known.get(name);
        if (k != null) return k;
        if (!visiting.add(name)) return UNBOUNDED; // recursion: no bound
        String body = rules.get(name);
        if (body == null) throw new IllegalArgumentException("the grammar refers to an undefined rule '" + name + "'");
        String savedText = text;
        int savedPos = pos;
        text = body;
        pos = 0;
        long n = alternatives();
        text = savedText;
        pos = savedPos;
        visiting.remove(name);
        known.put(name, n);
        return n;
    }

    private long alternatives() {
        long max = sequence();
        while (peek() == '|') {
            pos++;
            max = Math.max(max, sequence());
        }
        return max;
    }

    private long sequence() {
        long sum = 0;
        while (true) {
            skipSpace();
            if (pos >= text.length() || peek() == '|' || peek() == ')') return sum;
            long item = quantified(primary());
            sum = add(sum, item);
        }
    }

    private long primary() {
        char c = text.charAt(pos);
        if (c == '"') return literal();
        if (c == '[') return charClass();
        if (c == '.') {
            pos++;
            return 4;
        }
        if (c == '(') {
            pos++;
            long n = alternatives();
            skipSpace();
            expect(')');
            return n;
        }
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '-' || text.charAt(pos) == '_')) pos++;
        if (start == pos) throw new IllegalArgumentException("unexpected '" + c + "' in the grammar");
        return rule(text.substring(start, pos));
    }

    private long quantified(long item) {
        if (pos >= text.length()) return item;
        char q = text.charAt(pos);
        if (q == '?') {
            pos++;
            return item;
        }
        if (q == '*' || q == '+') {
            pos++;
            return item == 0 ? 0 : UNBOUNDED;
        }
        if (q == '{') {
            int close = text.indexOf('}', pos);
            String[] range = text.substring(pos + 1, close).split(",", -1);
            pos = close + 1;
            String upper = range.length == 1 ? range[0] : range[1];
            if (upper.isBlank()) return item == 0 ? 0 : UNBOUNDED;
            return times(item, Long.parseLong(upper.strip()));
        }
        return item;
    }

    /** A quoted literal: its UTF-8 bytes. */
    private long literal() {
        pos++;
        StringBuilder s = new StringBuilder();
        while (text.charAt(pos) != '"') s.appendCodePoint(escapedChar());
        pos++;
        return s.toString().getBytes(StandardCharsets.UTF_8).length;
    }

    /** A character class: the longest UTF-8 encoding of a code point it admits (4 when negated). */
    private long charClass() {
        pos++;
        // spaces are characters here: read the class raw
        boolean negated = text.charAt(pos) == '^';
        if (negated) pos++;
        int max = 0;
        while (text.charAt(pos) != ']') {
            int from = escapedChar();
            int to = from;
            if (text.charAt(pos) == '-' && text.charAt(pos + 1) != ']') {
                pos++;
                to = escapedChar();
            }
            max = Math.max(max, utf8Length(Math.max(from, to)));
        }
        pos++;
        return negated ? 4 : max;
    }

    private int escapedChar() {
        int c = text.codePointAt(pos);
        pos += Character.charCount(c);
        if (c != '\\') return c;
        char e = text.charAt(pos++);
        return switch (e) {
            case 'x' -> hex(2);
            case 'u' -> hex(4);
            case 'U' -> hex(8);
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            default -> e;
        };
    }

    private int hex(int digits) {
        int v = Integer.parseInt(text.substring(pos, pos + digits), 16);
        pos += digits;
        return v;
    }

    private static int utf8Length(int codePoint) {
        return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
    }

    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '#') {
                while (pos < text.length() && text.charAt(pos) != '\n') pos++;
            } else if (Character.isWhitespace(c)) {
                pos++;
            } else {
                return;
            }
        }
    }

    private char peek() {
        skipSpace();
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void expect(char c) {
        if (peek() != c) throw new IllegalArgumentException("expected '" + c + "' in the grammar at " + pos);
        pos++;
    }

    private static long add(long a, long b) {
        return a == UNBOUNDED || b == UNBOUNDED ? UNBOUNDED : a + b;
    }

    private static long times(long a, long n) {
        if (a == UNBOUNDED) return n == 0 ? 0 : UNBOUNDED;
        return a * n;
    }
}
