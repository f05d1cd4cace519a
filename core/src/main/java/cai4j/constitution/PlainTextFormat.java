package cai4j.constitution;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plain text: numbered or bulleted rules, each a clause (indented lines continue the rule above);
 * a short line ending in ':' or a line in capitals starts a section; other lines are prose, read
 * sentence by sentence like the paragraphs of Markdown.
 */
final class PlainTextFormat implements Format {

    private static final Pattern ITEM = Pattern.compile("^\\s*(?:\\d{1,4}[.)]|[-*•+]|\\(?[a-zA-Z][.)])\\s+(.+)$");

    @Override
    public boolean accepts(Source source) {
        return true;
    }

    /** Plain text is given to a model as it is. */
    @Override
    public String asWritten(Source source) {
        return source.text().strip();
    }

    @Override
    public Draft read(Source source) {
        Norms norms = Norms.of(source.text());
        Clauses out = new Clauses();
        List<Draft.Section> sections = new ArrayList<>();
        List<String> section = List.of();
        String key = "rules";
        StringBuilder current = null;
        int currentLine = 0;
        int currentEnd = 0;
        // a rule ending in ':' right before items heads those of them that cannot stand alone
        String lead = "";
        String[] lines = source.text().split("\n", -1);
        for (int i = 0; i <= lines.length; i++) {
            String line = i < lines.length ? lines[i].stripTrailing() : "";
            Matcher item = ITEM.matcher(line);
            boolean continuation = current != null && !line.isBlank() && Character.isWhitespace(line.charAt(0)) && !item.matches();
            if (continuation) {
                current.append(' ').append(line.strip());
                currentEnd = i + 1;
                continue;
            }
            if (current != null) {
                Draft.Item rule = item(key, section, current.toString(), currentLine, Clause.Kind.RULE);
                if (!lead.isEmpty() && norms.needsHead(rule.text()) && !Norms.continuesPrevious(rule.text())) rule = rule.headedBy(lead);
                out.add(rule, currentEnd, true);
                current = null;
            }
            if (i == lines.length || line.isBlank()) continue;
            if (item.matches()) {
                current = new StringBuilder(item.group(1).strip());
                currentLine = i + 1;
                currentEnd = i + 1;
                continue;
            }
            lead = "";
            if (isHeading(line)) {
                String title = line.strip().replaceAll(":$", "").replaceAll("^#+\\s*", "");
                section = List.of(title);
                key = Ids.slug(title);
                sections.add(new Draft.Section(section, i + 1));
                out.breakRun();
            } else {
                String text = line.strip();
                List<int[]> spans = Sentences.split(text);
                for (int k = 0; k < spans.size(); k++) {
                    String sentence = text.substring(spans.get(k)[0], spans.get(k)[1]);
                    boolean rule = norms.isRule(sentence);
                    boolean leadIn = k == spans.size() - 1 && Norms.leadsIn(sentence) && nextIsItem(lines, i + 1);
                    if (leadIn && rule) lead = sentence;
                    out.add(item(key, section, sentence, i + 1, rule && !leadIn ? Clause.Kind.RULE : Clause.Kind.CONTEXT), i + 1, !leadIn);
                }
            }
        }
        return new Draft("", List.of(), out.items, sections);
    }

    /**
     * Clauses in document order; a sentence or item that only continues the clause ending on the
     * line just above (or on its own line) joins that clause, unless it leads in to items.
     */
    private static final class Clauses {
        final List<Draft.Item> items = new ArrayList<>();
        int lastEnd = -1;

        void add(Draft.Item item, int endLine, boolean mayJoin) {
            if (mayJoin && !items.isEmpty() && item.line() - lastEnd <= 1 && Norms.continuesPrevious(item.text())) {
                items.set(items.size() - 1, items.getLast().joinedWith(item));
            } else {
                items.add(item);
            }
            lastEnd = endLine;
        }

        /** A heading ends what a continuation can refer to. */
        void breakRun() {
            lastEnd = -1;
        }
    }

    private static boolean nextIsItem(String[] lines, int from) {
        for (int j = from; j < lines.length; j++) {
            if (!lines[j].isBlank()) return ITEM.matcher(lines[j].stripTrailing()).matches();
        }
        return false;
    }

    private static boolean isHeading(String line) {
        String s = line.strip();
        if (s.startsWith("#")) return true;
        boolean letters = s.chars().anyMatch(Character::isLetter);
        return s.length() <= 80 && (s.endsWith(":") || (letters && s.equals(s.toUpperCase()))) && !s.contains(". ");
    }

    private static Draft.Item item(String key, List<String> section, String text, int line, Clause.Kind kind) {
        return new Draft.Item("", key, "", section, text, line, kind, "", "", List.of());
    }
}
