package cai4j.constitution;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plain text: numbered or bulleted rules, each a clause (indented lines continue the rule above);
 * a short line ending in ':' or a line in capitals starts a section; other lines are prose.
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
        List<Draft.Item> items = new ArrayList<>();
        List<Draft.Section> sections = new ArrayList<>();
        List<String> section = List.of();
        String key = "rules";
        StringBuilder current = null;
        int currentLine = 0;
        String[] lines = source.text().split("\n", -1);
        for (int i = 0; i <= lines.length; i++) {
            String line = i < lines.length ? lines[i].stripTrailing() : "";
            Matcher item = ITEM.matcher(line);
            boolean continuation = current != null && !line.isBlank() && Character.isWhitespace(line.charAt(0)) && !item.matches();
            if (continuation) {
                current.append(' ').append(line.strip());
                continue;
            }
            if (current != null) {
                items.add(item(key, section, current.toString(), currentLine, Clause.Kind.RULE));
                current = null;
            }
            if (i == lines.length || line.isBlank()) continue;
            if (item.matches()) {
                current = new StringBuilder(item.group(1).strip());
                currentLine = i + 1;
            } else if (isHeading(line)) {
                String title = line.strip().replaceAll(":$", "").replaceAll("^#+\\s*", "");
                section = List.of(title);
                key = Ids.slug(title);
                sections.add(new Draft.Section(section, i + 1));
            } else {
                String text = line.strip();
                for (int[] s : Sentences.split(text)) {
                    String sentence = text.substring(s[0], s[1]);
                    items.add(item(key, section, sentence, i + 1, Sentences.isNormative(sentence) ? Clause.Kind.RULE : Clause.Kind.CONTEXT));
                }
            }
        }
        return new Draft("", List.of(), items, sections);
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
