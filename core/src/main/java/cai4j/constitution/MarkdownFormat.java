package cai4j.constitution;

import cai4j.InputError;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableBody;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TableHead;
import org.commonmark.ext.gfm.tables.TableRow;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.Code;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.ListBlock;
import org.commonmark.node.ListItem;
import org.commonmark.node.Node;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Text;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;

/**
 * CommonMark constitutions. Headings are sections; list items, table rows and the normative
 * sentences of paragraphs are clauses; other sentences are kept as context; code blocks are not
 * rules. Heading attributes {@code {#id authority=root}} (as in OpenAI's Model Spec) or
 * {@code {tier=...}} set the tier of a section and everything under it.
 */
final class MarkdownFormat implements Format {

    private static final Pattern ATTRIBUTES = Pattern.compile("\\s*\\{([^{}]*)}\\s*$");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})");
    private static final Pattern ATX_HEADING = Pattern.compile("^ {0,3}#{1,6}\\s");
    private static final Pattern FOOTNOTE_DEF = Pattern.compile("^\\[\\^([^\\]\\s]+)]:\\s*(.*)$");
    private static final Pattern FOOTNOTE_REF = Pattern.compile("\\[\\^([^\\]\\s]+)]");
    /** OpenAI's Model Spec authority levels, highest first, used when a document does not declare its tiers. */
    private static final List<String> AUTHORITY_ORDER = List.of("root", "system", "developer", "user", "guideline");

    /** Lines only Markdown writes: an ATX heading, a table's delimiter row, a fence. */
    private static final Pattern MARKDOWN_LINE = Pattern.compile(
            "(?m)^(?: {0,3}#{1,6}[ \\t]+\\S| {0,3}\\|?\\s*:?-{3,}:?\\s*\\|| {0,3}(?:`{3,}|~{3,}))");
    /** YAML front matter: a first line of '---' and a 'key:' line right after it. */
    private static final Pattern FRONT_MATTER = Pattern.compile("\\A---[ \t]*\n[A-Za-z_][\\w-]*:");

    /**
     * Markdown by its name or, whatever it is named (".txt", no extension, standard input), by its
     * content: front matter, a heading, a table or a fence. Data documents are left to the data
     * formats.
     */
    @Override
    public boolean accepts(Source source) {
        String ext = source.extension();
        if (ext.equals("md") || ext.equals("markdown") || ext.equals("mdx")) return true;
        if (ext.equals("json") || ext.equals("yaml") || ext.equals("yml")) return false;
        if (source.firstSignificant() == '{' || source.firstSignificant() == '[') return false;
        return looksLikeMarkdown(source.text());
    }

    static boolean looksLikeMarkdown(String text) {
        return FRONT_MATTER.matcher(text).find() || MARKDOWN_LINE.matcher(text).find();
    }

    @Override
    public Draft read(Source source) {
        String[] lines = source.text().split("\n", -1);
        FrontMatter front = FrontMatter.strip(source, lines);
        Map<String, String> footnotes = new LinkedHashMap<>();
        for (int i = 0; i < lines.length; i++) {
            Matcher m = FOOTNOTE_DEF.matcher(lines[i]);
            if (m.matches()) {
                footnotes.put(m.group(1), m.group(2).strip());
                lines[i] = "";
            }
        }
        Parser parser = Parser.builder()
                .extensions(List.of(TablesExtension.create()))
                .includeSourceSpans(IncludeSourceSpans.BLOCKS_AND_INLINES)
                .build();
        Node document = parser.parse(String.join("\n", lines));
        Walker walker = new Walker(source, front, footnotes, Norms.of(source.text()));
        try {
            for (Node n = document.getFirstChild(); n != null; n = n.getNext()) walker.block(n);
        } catch (StackOverflowError e) {
            throw new InputError(source.name() + " nests lists or quotes too deeply to compile.");
        }
        return walker.finish();
    }

    /** Walks the blocks of a document in order, keeping the stack of open sections. */
    private static final class Walker {
        final Source source;
        final FrontMatter front;
        final Map<String, String> footnotes;
        final Deque<Open> open = new ArrayDeque<>();
        final List<Draft.Item> items = new ArrayList<>();
        final List<Draft.Section> sections = new ArrayList<>();
        final List<String> seenTiers = new ArrayList<>();
        final List<String> h1 = new ArrayList<>();
        final Norms norms;
        boolean afterAdmonition;
        /** Index of the prose clause a continuing sentence joins; -1 after anything but a paragraph. */
        int joinable = -1;
        /** A rule that ended in ':' right before a list: it heads the list's items that cannot stand alone. */
        String lead = "";

        Walker(Source source, FrontMatter front, Map<String, String> footnotes, Norms norms) {
            this.source = source;
            this.front = front;
            this.footnotes = footnotes;
            this.norms = norms;
        }

        record Open(int level, String heading, String key, String tier) {}

        void block(Node n) {
            boolean admonitionBody = afterAdmonition;
            afterAdmonition = false;
            String head = lead;
            lead = "";
            // a sentence continues the rule just before it, never one across a heading, list, table or code block
            boolean prose = n instanceof Paragraph;
            if (!prose) joinable = -1;
            switch (n) {
                case Heading h -> heading(h);
                case Paragraph p -> paragraph(p);
                case ListBlock l -> list(l, head);
                case BlockQuote q -> {
                    for (Node c = q.getFirstChild(); c != null; c = c.getNext()) block(c);
                }
                case TableBlock t -> table(t);
                case IndentedCodeBlock code when admonitionBody -> {
                    Line text = new Line(code.getLiteral().replaceAll("\\s+", " ").strip(), line(code));
                    prose(text, true);
                }
                default -> { /* code blocks, HTML, thematic breaks are not rules */ }
            }
            if (!prose) joinable = -1;
        }

        /** What a sentence ending in ':' can introduce: then it is a lead-in, not a rule. */
        static boolean introducesBlock(Node next) {
            return next instanceof ListBlock || next instanceof TableBlock || next instanceof FencedCodeBlock || next instanceof IndentedCodeBlock;
        }

        void heading(Heading h) {
            Inline text = Inline.of(h);
            String title = text.text;
            String key = "";
            String tier = "";
            Matcher m = ATTRIBUTES.matcher(title);
            if (m.find()) {
                for (String attr : m.group(1).trim().split("\\s+")) {
                    if (attr.startsWith("#")) key = attr.substring(1);
                    int eq = attr.indexOf('=');
                    if (eq > 0) {
                        String name = attr.substring(0, eq);
                        String value = attr.substring(eq + 1).replaceAll("^[\"']|[\"']$", "");
                        if (name.equals("authority") || name.equals("tier")) tier = value;
                    }
                }
                title = title.substring(0, m.start()).strip();
            }
            while (!open.isEmpty() && open.peek().level >= h.getLevel()) open.pop();
            if (key.isEmpty()) key = Ids.slug(title);
            if (tier.isEmpty() && !open.isEmpty()) tier = open.peek().tier;
            else if (!tier.isEmpty() && !seenTiers.contains(tier)) seenTiers.add(tier);
            open.push(new Open(h.getLevel(), title, key, tier));
            if (h.getLevel() == 1) h1.add(title);
            sections.add(new Draft.Section(path(), line(h)));
        }

        void paragraph(Paragraph p) {
            Inline text = Inline.of(p);
            if (text.text.startsWith("!!!")) {
                // an admonition ("!!! meta "Commentary"") holds commentary, not instructions
                int nl = text.text.indexOf('\n');
                afterAdmonition = true;
                if (nl > 0) prose(new Line(text.text.substring(nl + 1), text.lineAt(nl + 1)), true, null, false);
                return;
            }
            boolean example = text.text.startsWith("Example:") || text.text.startsWith("Example ");
            prose(new Line(text.text, line(p)), example, text, introducesBlock(p.getNext()));
        }

        void prose(Line text, boolean context) {
            prose(text, context, null, false);
        }

        /**
         * The sentences of a paragraph: rules or context, a continuing sentence joined to the clause
         * before it, and a last sentence ending in ':' before a list, table or code block kept as a
         * lead-in (context) that heads the list's items when it states a rule.
         */
        void prose(Line paragraph, boolean context, Inline inline, boolean introducesBlock) {
            String flat = paragraph.text.replace('\n', ' ');
            List<int[]> spans = Sentences.split(flat);
            for (int k = 0; k < spans.size(); k++) {
                String sentence = flat.substring(spans.get(k)[0], spans.get(k)[1]);
                int line = inline == null ? paragraph.line : inline.lineAt(spans.get(k)[0]);
                boolean rule = !context && norms.isRule(sentence);
                boolean leadIn = introducesBlock && k == spans.size() - 1 && Norms.leadsIn(sentence);
                Draft.Item item = item(sentence, line, rule && !leadIn ? Clause.Kind.RULE : Clause.Kind.CONTEXT);
                if (item.text().length() < 2) continue;
                if (leadIn && rule) lead = item.text();
                if (!leadIn && joinable >= 0 && Norms.continuesPrevious(item.text())) {
                    items.set(joinable, items.get(joinable).joinedWith(item));
                } else {
                    items.add(item);
                    joinable = items.size() - 1;
                }
            }
        }

        /**
         * List items are rules. An item that only continues the item before it joins it; an item
         * that cannot stand alone is headed by the rule that introduces the list; an item ending in
         * ':' that introduces a nested list or code block is itself a lead-in.
         */
        void list(ListBlock list, String head) {
            int previous = -1;
            for (Node item = list.getFirstChild(); item != null; item = item.getNext()) {
                if (!(item instanceof ListItem li)) continue;
                StringBuilder text = new StringBuilder();
                int line = line(li);
                List<ListBlock> nested = new ArrayList<>();
                boolean introduces = false;
                for (Node c = li.getFirstChild(); c != null; c = c.getNext()) {
                    introduces |= c != li.getFirstChild() && introducesBlock(c);
                    if (c instanceof ListBlock l) nested.add(l);
                    else if (c instanceof Paragraph p) {
                        if (!text.isEmpty()) text.append(' ');
                        text.append(Inline.of(p).text.replace('\n', ' '));
                    }
                }
                String nestedHead = "";
                if (!text.isEmpty()) {
                    boolean leadIn = introduces && Norms.leadsIn(text.toString());
                    Draft.Item it = item(text.toString(), line, leadIn ? Clause.Kind.CONTEXT : Clause.Kind.RULE);
                    if (leadIn && norms.isRule(it.text())) nestedHead = it.text();
                    if (it.text().length() >= 2) {
                        if (previous >= 0 && Norms.continuesPrevious(it.text())) {
                            items.set(previous, items.get(previous).joinedWith(it));
                        } else {
                            items.add(!head.isEmpty() && !leadIn && norms.needsHead(it.text()) ? it.headedBy(head) : it);
                            previous = items.size() - 1;
                        }
                    }
                }
                for (ListBlock l : nested) list(l, nestedHead);
            }
        }

        void table(TableBlock table) {
            List<String> headers = new ArrayList<>();
            for (Node part = table.getFirstChild(); part != null; part = part.getNext()) {
                for (Node row = part.getFirstChild(); row != null; row = row.getNext()) {
                    if (!(row instanceof TableRow)) continue;
                    List<String> cells = new ArrayList<>();
                    for (Node cell = row.getFirstChild(); cell != null; cell = cell.getNext()) {
                        if (cell instanceof TableCell) cells.add(Inline.of(cell).text.strip());
                    }
                    if (part instanceof TableHead) headers = cells;
                    else if (part instanceof TableBody) {
                        StringBuilder sb = new StringBuilder();
                        for (int i = 0; i < cells.size(); i++) {
                            if (cells.get(i).isEmpty()) continue;
                            if (!sb.isEmpty()) sb.append("; ");
                            if (i < headers.size() && !headers.get(i).isEmpty()) sb.append(headers.get(i)).append(": ");
                            sb.append(cells.get(i));
                        }
                        if (!sb.isEmpty()) add(item(sb.toString(), line(row), Clause.Kind.RULE));
                    }
                }
            }
        }

        void add(Draft.Item item) {
            if (item.text().length() >= 2) items.add(item);
        }

        /** A clause of the innermost open section, its footnote references moved into its notes. */
        Draft.Item item(String raw, int line, Clause.Kind kind) {
            List<String> notes = new ArrayList<>();
            Matcher m = FOOTNOTE_REF.matcher(raw);
            while (m.find()) {
                String def = footnotes.get(m.group(1));
                notes.add("^" + m.group(1) + (def == null || def.isEmpty() ? "" : ": " + def));
            }
            String text = FOOTNOTE_REF.matcher(raw).replaceAll("").replaceAll("\\s+", " ").strip();
            Open here = open.peek();
            String tier = here == null ? "" : here.tier;
            if (tier.isEmpty()) tier = front.defaultTier();
            String key = here == null ? "preamble" : here.key;
            return new Draft.Item("", key, tier, path(), text, line, kind, "", "", notes);
        }

        List<String> path() {
            List<String> p = new ArrayList<>();
            open.descendingIterator().forEachRemaining(o -> p.add(o.heading));
            return p;
        }

        int line(Node n) {
            return n.getSourceSpans().isEmpty() ? 0 : n.getSourceSpans().getFirst().getLineIndex() + 1;
        }

        Draft finish() {
            String title = front.title();
            if (title.isEmpty() && h1.size() == 1) title = h1.getFirst();
            List<Tier> tiers = front.tiers();
            if (tiers.isEmpty() && !seenTiers.isEmpty()) {
                List<String> order = new ArrayList<>(seenTiers);
                if (AUTHORITY_ORDER.containsAll(order)) order = AUTHORITY_ORDER.stream().filter(seenTiers::contains).toList();
                tiers = new ArrayList<>();
                for (String id : order) tiers.add(new Tier(id, 0, ""));
            }
            if (!seenTiers.isEmpty()) {
                // in a document that gives tiers to its sections, text outside every tiered section carries no authority;
                // when only the front matter declares tiers, untiered clauses fall to the lowest (see Compiler)
                items.replaceAll(i -> i.tier().isEmpty() ? i.asContext() : i);
            }
            return new Draft(title, tiers, items, sections);
        }
    }

    private record Line(String text, int line) {}

    /** Plain text of a block's inline content, remembering the source line of each piece. */
    private static final class Inline {
        final StringBuilder sb = new StringBuilder();
        final List<int[]> marks = new ArrayList<>();
        String text;

        static Inline of(Node block) {
            Inline in = new Inline();
            in.visit(block);
            in.text = in.sb.toString().strip();
            return in;
        }

        void visit(Node parent) {
            for (Node n = parent.getFirstChild(); n != null; n = n.getNext()) {
                if (!n.getSourceSpans().isEmpty()) marks.add(new int[] {sb.length(), n.getSourceSpans().getFirst().getLineIndex() + 1});
                switch (n) {
                    case Text t -> sb.append(t.getLiteral());
                    case Code c -> sb.append('`').append(c.getLiteral()).append('`');
                    case SoftLineBreak s -> sb.append('\n');
                    case HardLineBreak s -> sb.append('\n');
                    case HtmlInline h -> { /* comments and tags are not text */ }
                    case Link l when "?".equals(firstText(l)) -> sb.append(l.getDestination().replaceFirst("^#", ""));
                    default -> visit(n);
                }
            }
        }

        static String firstText(Link l) {
            return l.getFirstChild() instanceof Text t && t.getNext() == null ? t.getLiteral() : "";
        }

        /** Source line of the character at a text offset (offsets in the stripped text are close enough). */
        int lineAt(int offset) {
            int line = marks.isEmpty() ? 0 : marks.getFirst()[1];
            for (int[] m : marks) {
                if (m[0] > offset) break;
                line = m[1];
            }
            return line;
        }
    }

    /**
     * The Markdown as written, without what only the compiler reads: the YAML front matter and
     * heading attributes such as {@code {#safe tier=safe}}. Everything else, context and code
     * blocks included, stays byte for byte.
     */
    @Override
    public String asWritten(Source source) {
        String[] lines = source.text().split("\n", -1);
        FrontMatter.strip(source, lines);
        String fence = "";
        for (int i = 0; i < lines.length; i++) {
            Matcher f = FENCE.matcher(lines[i]);
            if (f.find()) {
                String mark = f.group(1);
                if (fence.isEmpty()) fence = mark;
                else if (mark.charAt(0) == fence.charAt(0) && mark.length() >= fence.length() && lines[i].strip().equals(mark)) fence = "";
                continue;
            }
            if (fence.isEmpty() && ATX_HEADING.matcher(lines[i]).find()) {
                Matcher m = ATTRIBUTES.matcher(lines[i]);
                if (m.find() && m.group(1).strip().matches("([#.][\\w-]+|[\\w-]+=\\S+)(\\s+([#.][\\w-]+|[\\w-]+=\\S+))*")) {
                    lines[i] = lines[i].substring(0, m.start());
                }
            }
        }
        return String.join("\n", lines).strip();
    }

    /** YAML front matter: {@code title}, {@code tiers} (list of ids or of {id, description}), {@code default_tier}. */
    private record FrontMatter(String title, List<Tier> tiers, String defaultTier) {

        /** Blanks the front matter out of the lines (keeping line numbers) and reads it. */
        static FrontMatter strip(Source source, String[] lines) {
            if (lines.length == 0 || !lines[0].strip().equals("---")) return new FrontMatter("", List.of(), "");
            int end = -1;
            for (int i = 1; i < lines.length; i++) {
                if (lines[i].strip().equals("---") || lines[i].strip().equals("...")) {
                    end = i;
                    break;
                }
            }
            if (end < 0) throw new InputError(source.name() + " line 1: the YAML front matter opened with '---' is never closed.");
            StringBuilder yaml = new StringBuilder();
            for (int i = 1; i < end; i++) yaml.append(lines[i]).append('\n');
            for (int i = 0; i <= end; i++) lines[i] = "";
            JsonNode node = Yaml.parse(source, yaml.toString(), 1);
            String title = node.path("title").asText("");
            List<Tier> tiers = Yaml.tiers(source, node.path("tiers"));
            String defaultTier = node.path("default_tier").asText("");
            return new FrontMatter(title, tiers, defaultTier);
        }
    }
}
