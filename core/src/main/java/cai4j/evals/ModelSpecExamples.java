package cai4j.evals;

import cai4j.Corpus;
import cai4j.InputError;
import cai4j.constitution.Clause;
import cai4j.constitution.Compiler;
import cai4j.constitution.Constitution;
import cai4j.model.Message;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The worked examples of OpenAI's Model Spec as human labels for the judge: every assistant
 * response marked {@code <!-- GOOD -->}, {@code <!-- BAD -->} or {@code <!-- OK -->} inside a
 * {@code <comparison>} of an {@code xml} code block, with the conversation before it, the section
 * it illustrates, that section's authority level ({@code {#id authority=root}} on the heading or
 * the nearest one above) and the section's rule clauses as the compiler reads them.
 */
public final class ModelSpecExamples {

    /** The human label of a response: GOOD and BAD are graded; OK (acceptable, not ideal) is counted but not graded. */
    public enum Label { GOOD, BAD, OK }

    /**
     * A section of the spec.
     *
     * @param id        the heading's {@code #id} (a slug of its title when it has none)
     * @param title     the heading without its attributes
     * @param authority its own authority or the nearest above ("" when none)
     * @param parent    id of the enclosing section ("" at the top)
     * @param line      1-based line of the heading
     * @param end       line of the next heading of any level: the section's own text is [line, end)
     */
    public record Section(String id, String title, String authority, String parent, int line, int end) {}

    /**
     * One labelled response.
     *
     * @param id           section id, example number in the section and response number in the example, e.g. {@code letter_and_spirit/2/1}
     * @param section      id of the section the example illustrates
     * @param authority    that section's authority level
     * @param title        the example's title in the spec ("" when it has none)
     * @param comparison   number of the {@code <comparison>} in the document; responses of one comparison answer the same conversation
     * @param kind         {@code conflict} when a system or developer message gives instructions that a user message follows, else {@code direct}
     * @param conversation the messages before the response (roles system, developer, user, assistant, tool)
     * @param label        GOOD, BAD or OK
     * @param note         the label's explanation in the spec ("" when none); never shown to the judge
     * @param text         the response
     * @param line         1-based line of the response in the spec
     */
    public record LabelledResponse(String id, String section, String authority, String title, int comparison, ScenarioKind kind,
                                   List<Message> conversation, Label label, String note, String text, int line) {
        public LabelledResponse {
            conversation = List.copyOf(conversation);
        }
    }

    /** A GOOD and a BAD response to the same conversation. */
    public record Pair(LabelledResponse good, LabelledResponse bad) {}

    /** Responses to grade one by one, and GOOD-vs-BAD pairs to choose between. */
    public record Sample(List<LabelledResponse> responses, List<Pair> pairs) {
        public Sample {
            responses = List.copyOf(responses);
            pairs = List.copyOf(pairs);
        }
    }

    private final String name;
    private final Constitution spec;
    private final Map<String, Section> sections;
    private final List<LabelledResponse> responses;

    private ModelSpecExamples(String name, Constitution spec, Map<String, Section> sections, List<LabelledResponse> responses) {
        this.name = name;
        this.spec = spec;
        this.sections = sections;
        this.responses = List.copyOf(responses);
    }

    /** The Model Spec the jar carries. */
    public static ModelSpecExamples bundled() {
        return parse(Corpus.MODEL_SPEC, Corpus.text(Corpus.MODEL_SPEC));
    }

    /** Another version of the Model Spec, as Markdown. */
    public static ModelSpecExamples read(Path file) {
        if (!Files.exists(file)) throw new InputError("Model Spec file " + file + " does not exist.");
        try {
            return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new InputError("Cannot read " + file + ": " + cai4j.FileProblem.reason(e) + ".", e);
        }
    }

    /** Reads the labelled responses of a Model Spec document and compiles it for its clauses. */
    public static ModelSpecExamples parse(String name, String markdown) {
        String text = markdown.replace("\r\n", "\n").replace('\r', '\n');
        Parser p = new Parser(name, text.split("\n", -1));
        p.run();
        if (p.responses.stream().noneMatch(r -> r.label() != Label.OK)) {
            throw new InputError(name + " has no labelled responses: no <assistant> <!-- GOOD --> or <!-- BAD --> inside a <comparison> of an xml code block.");
        }
        Constitution spec = Compiler.compile(name.endsWith(".md") ? name : name + ".md", text);
        return new ModelSpecExamples(name, spec, p.sections, p.responses);
    }

    public String name() { return name; }

    /** The compiled spec. */
    public Constitution spec() { return spec; }

    /** Every labelled response, GOOD, BAD and OK, in document order. */
    public List<LabelledResponse> responses() { return responses; }

    public Section section(String id) {
        Section s = sections.get(id);
        if (s == null) throw new IllegalArgumentException("no section " + id);
        return s;
    }

    /**
     * The clauses an example of a section is graded against: the rule clauses of the section's own
     * text, or, when the compiler read none there (a section written only in descriptive voice),
     * all of its sentences, since they are what the section asks for.
     */
    public List<Clause> rules(String sectionId) {
        Section s = section(sectionId);
        List<Clause> own = spec.clauses().stream().filter(c -> c.line() >= s.line() && c.line() < s.end()).toList();
        List<Clause> rules = own.stream().filter(c -> c.kind() == Clause.Kind.RULE).toList();
        return rules.isEmpty() ? own : rules;
    }

    /**
     * GOOD and BAD responses spread evenly over the document, half of each label (so that both
     * error rates are measured), and one pair per chosen BAD response with the first GOOD response
     * to the same conversation. With limit 0 (or one at least the set's size) every GOOD and BAD response.
     */
    public Sample sample(int limit) {
        List<LabelledResponse> good = responses.stream().filter(r -> r.label() == Label.GOOD).toList();
        List<LabelledResponse> bad = responses.stream().filter(r -> r.label() == Label.BAD).toList();
        List<LabelledResponse> chosen;
        if (limit <= 0 || limit >= good.size() + bad.size()) {
            chosen = responses.stream().filter(r -> r.label() != Label.OK).toList();
        } else {
            int badCount = Math.min(bad.size(), limit / 2);
            int goodCount = Math.min(good.size(), limit - badCount);
            badCount = limit - goodCount;
            List<LabelledResponse> picked = new ArrayList<>(evenly(good, goodCount));
            picked.addAll(evenly(bad, badCount));
            chosen = responses.stream().filter(picked::contains).toList();
        }
        List<Pair> pairs = new ArrayList<>();
        for (LabelledResponse r : chosen) {
            if (r.label() != Label.BAD) continue;
            responses.stream().filter(g -> g.comparison() == r.comparison() && g.label() == Label.GOOD).findFirst()
                    .ifPresent(g -> pairs.add(new Pair(g, r)));
        }
        return new Sample(chosen, pairs);
    }

    private static final Pattern SETTINGS = Pattern.compile("(?s)<settings>.*?</settings>");

    /** Whether a message is a system or developer message that instructs (more than a block of settings). */
    static boolean instructs(Message m) {
        return (m.role().equals("system") || m.role().equals("developer")) && !SETTINGS.matcher(m.content()).replaceAll("").isBlank();
    }

    /** k items at evenly spaced positions, the middle of each of k equal stretches. */
    static <T> List<T> evenly(List<T> items, int k) {
        List<T> out = new ArrayList<>();
        for (int i = 0; i < k; i++) out.add(items.get((int) ((i + 0.5) * items.size() / k)));
        return out;
    }

    /** One pass over the lines: headings outside code blocks open sections; xml code blocks hold examples. */
    private static final class Parser {
        static final Pattern FENCE = Pattern.compile("^ {0,3}(~{3,}|`{3,})\\s*(\\S*).*$");
        static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
        static final Pattern ATTRIBUTES = Pattern.compile("\\s*\\{([^{}]*)}\\s*$");
        static final Pattern EXAMPLE = Pattern.compile("^\\*\\*Example\\*\\*:?\\s*(.*)$");
        static final Pattern OPEN = Pattern.compile("^<(system|developer|user|assistant|tool)((?:\\s+[\\w-]+=\"[^\"]*\")*)\\s*>\\s*(?:<!--(.*?)-->)?\\s*(.*)$");
        static final Pattern ATTRIBUTE = Pattern.compile("([\\w-]+)=\"([^\"]*)\"");
        static final Pattern LABEL = Pattern.compile("^\\s*(GOOD|BAD|OK)\\b\\s*(?:\\[[^]]*])?[\\s:,]*(.*?)\\s*$");
        static final Pattern LINK = Pattern.compile("\\[([^]]*)]\\(#?([^)]*)\\)");

        final String name;
        final String[] lines;
        final Map<String, Section> sections = new LinkedHashMap<>();
        final List<LabelledResponse> responses = new ArrayList<>();
        /** open sections, innermost last: level and id */
        final List<Map.Entry<Integer, String>> open = new ArrayList<>();
        final Map<String, Integer> examplesInSection = new LinkedHashMap<>();
        int comparisons;

        Parser(String name, String[] lines) {
            this.name = name;
            this.lines = lines;
        }

        void run() {
            String title = "";
            Section previous = null;
            for (int i = 0; i < lines.length; i++) {
                Matcher fence = FENCE.matcher(lines[i]);
                if (fence.matches()) {
                    int close = closing(i, fence.group(1));
                    if (fence.group(2).equals("xml") && !open.isEmpty()) example(i + 1, close, title);
                    title = "";
                    i = close;
                    continue;
                }
                Matcher h = HEADING.matcher(lines[i]);
                if (h.matches()) {
                    if (previous != null) close(previous, i + 1);
                    previous = heading(h.group(1).length(), h.group(2), i + 1);
                    title = "";
                    continue;
                }
                Matcher e = EXAMPLE.matcher(lines[i]);
                if (e.matches()) title = LINK.matcher(e.group(1)).replaceAll(m -> Matcher.quoteReplacement(m.group(1).equals("?") ? m.group(2) : m.group(1))).strip();
            }
            if (previous != null) close(previous, lines.length + 1);
        }

        /** The line that closes the fence opened at {@code start}: the same character, at least as long, nothing after (or the end). */
        int closing(int start, String marker) {
            for (int j = start + 1; j < lines.length; j++) {
                String s = lines[j].strip();
                if (s.length() >= marker.length() && s.chars().allMatch(c -> c == marker.charAt(0))) return j;
            }
            return lines.length;
        }

        Section heading(int level, String raw, int line) {
            String title = raw, id = "", authority = "";
            Matcher m = ATTRIBUTES.matcher(raw);
            if (m.find()) {
                for (String attr : m.group(1).trim().split("\\s+")) {
                    if (attr.startsWith("#")) id = attr.substring(1);
                    else if (attr.startsWith("authority=")) authority = attr.substring("authority=".length()).replaceAll("^[\"']|[\"']$", "");
                }
                title = raw.substring(0, m.start()).strip();
            }
            while (!open.isEmpty() && open.getLast().getKey() >= level) open.removeLast();
            String parent = open.isEmpty() ? "" : open.getLast().getValue();
            if (authority.isEmpty() && !parent.isEmpty()) authority = sections.get(parent).authority();
            if (id.isEmpty()) id = title.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
            String unique = id;
            for (int n = 2; sections.containsKey(unique); n++) unique = id + "_" + n;
            Section s = new Section(unique, title, authority, parent, line, line);
            sections.put(unique, s);
            open.add(Map.entry(level, unique));
            return s;
        }

        void close(Section s, int end) {
            sections.put(s.id(), new Section(s.id(), s.title(), s.authority(), s.parent(), s.line(), end));
        }

        /** The messages of one xml block, lines [from, to). */
        void example(int from, int to, String title) {
            String section = open.getLast().getValue();
            int number = examplesInSection.merge(section, 1, Integer::sum);
            List<Message> conversation = new ArrayList<>();
            boolean inComparison = false;
            int responseNumber = 0;
            LabelledResponse continuation = null;
            for (int j = from; j < to; j++) {
                String s = lines[j].strip();
                if (s.equals("<comparison>")) {
                    inComparison = true;
                    comparisons++;
                    continue;
                }
                if (s.equals("</comparison>")) {
                    inComparison = false;
                    // a conversation that goes on after a comparison goes on from its GOOD (else OK) response
                    if (continuation != null) conversation.add(Message.assistant(continuation.text()));
                    continuation = null;
                    continue;
                }
                Matcher m = OPEN.matcher(lines[j]);
                if (!m.matches()) continue; // elisions such as "[...]" between messages
                String role = m.group(1);
                Map<String, String> attributes = new LinkedHashMap<>();
                Matcher a = ATTRIBUTE.matcher(m.group(2));
                while (a.find()) attributes.put(a.group(1), a.group(2));
                String end = "</" + role + ">";
                StringBuilder content = new StringBuilder();
                String rest = m.group(4);
                int start = j;
                if (rest.contains(end)) {
                    content.append(rest, 0, rest.indexOf(end));
                } else {
                    if (!rest.isBlank()) content.append(rest).append('\n');
                    j++;
                    for (; j < to && !lines[j].strip().startsWith(end); j++) content.append(lines[j]).append('\n');
                    if (j >= to) throw new InputError(name + " line " + (start + 1) + ": <" + role + "> is not closed by " + end + " before the end of its code block.");
                }
                String body = addressed(role, attributes, content.toString().strip());
                Matcher label = m.group(3) == null ? null : LABEL.matcher(m.group(3));
                if (role.equals("assistant") && label != null && label.matches()) {
                    Label l = Label.valueOf(label.group(1));
                    LabelledResponse r = new LabelledResponse(section + "/" + number + "/" + (++responseNumber), section,
                            sections.get(section).authority(), title, inComparison ? comparisons : ++comparisons, kind(conversation),
                            conversation, l, label.group(2), body, start + 1);
                    responses.add(r);
                    boolean better = continuation == null ? l != Label.BAD : continuation.label() == Label.OK && l == Label.GOOD;
                    if (better) continuation = r;
                    if (!inComparison) conversation.add(Message.assistant(body));
                } else {
                    conversation.add(new Message(role, body));
                }
            }
        }

        /** Messages to or from a tool keep their address, which decides whether a response is right. */
        static String addressed(String role, Map<String, String> attributes, String content) {
            if (role.equals("assistant") && attributes.containsKey("recipient")) return "(to " + attributes.get("recipient") + ")\n" + content;
            if (role.equals("tool") && attributes.containsKey("name")) return "(from " + attributes.get("name") + ")\n" + content;
            return content;
        }

        /** A conflict: instructions from a system or developer message (not only settings) and a user who asks something. */
        static ScenarioKind kind(List<Message> conversation) {
            boolean instructed = conversation.stream().anyMatch(ModelSpecExamples::instructs);
            boolean asked = conversation.stream().anyMatch(m -> m.role().equals("user"));
            return instructed && asked ? ScenarioKind.CONFLICT : ScenarioKind.DIRECT;
        }
    }
}
