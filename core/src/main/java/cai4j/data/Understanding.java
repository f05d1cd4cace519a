package cai4j.data;

import cai4j.Hash;
import cai4j.Json;
import cai4j.constitution.Clause;
import cai4j.constitution.Constitution;
import cai4j.constitution.Tier;
import cai4j.evals.ConflictPair;
import cai4j.evals.Failure;
import cai4j.evals.Rubric;
import cai4j.evals.Scenario;
import cai4j.evals.Template;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Data that teaches the constitution itself: for each clause, what it means and how it applies to
 * a case; and for clauses of different tiers, how the tiers resolve a conflict between them. The
 * generator sees the whole constitution with clause ids (a stable, cacheable prefix) and answers in
 * JSON, naming the clauses it relies on by id in a field of their own; the question and the answer,
 * which a model learns from, quote a clause or name its section and never carry an id (one written
 * anyway is replaced by the clause's words). An answer that cites a clause the constitution does not
 * have is rejected, and the judge checks that a conflict answer lets the higher tier win.
 */
public final class Understanding {

    /** The kinds of question. */
    public enum Question {
        MEANING, APPLICATION, CONFLICT;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param questions   which kinds to ask
     * @param seed        seeds the pairing of clauses for conflicts and of cases for applications
     * @param temperature sampling temperature
     * @param maxTokens   limit of each answer
     * @param parallelism questions worked on at once
     */
    public record Settings(Set<Question> questions, long seed, double temperature, int maxTokens, int parallelism) {
        public Settings {
            questions = Set.copyOf(questions);
        }

        public static Settings defaults() {
            return new Settings(Set.of(Question.values()), 0, 0.7, 1024, 8);
        }
    }

    /**
     * One question to write.
     *
     * @param kind      the kind
     * @param clauses   the clause asked about; for a conflict, the higher-priority clause first
     * @param caseText  a user request the application question is about ("" to let the generator invent one)
     * @param caseId    the prompt id of that case ("" when none)
     */
    public record Task(Question kind, List<Clause> clauses, String caseText, String caseId) {
        public String id() {
            return Hash.short16(kind + ":" + String.join(",", clauses.stream().map(Clause::id).toList()) + ":" + caseId);
        }
    }

    public static final Template SYSTEM = Template.inline("understand-system", """
            You write training data that teaches an AI assistant the constitution it follows. Every \
            answer is written in the assistant's own voice and explains its reasoning. The ids in \
            square brackets are for the "clause_ids" field only: the question and the answer never \
            contain an id; they quote the words of a clause, or name its section, instead.

            {{constitution}}""");
    public static final Template MEANING = Template.inline("understand-meaning", """
            Reply in JSON with "question", "answer" and "clause_ids" (the ids of the clauses the answer relies on).

            Write a question a user might ask about what clause [{{id}}] means, and the assistant's \
            answer explaining what the clause asks of it and why. Clause [{{id}}]: "{{text}}\"""");
    public static final Template APPLICATION = Template.inline("understand-application", """
            Reply in JSON with "question", "answer" and "clause_ids" (the ids of the clauses the answer relies on).

            Write a question that asks how clause [{{id}}] applies to this case, and the assistant's \
            answer saying what it would do and why, under the clause. Clause [{{id}}]: "{{text}}"

            Case: {{case}}""");
    public static final Template CONFLICT = Template.inline("understand-conflict", """
            Reply in JSON with "question", "answer" and "clause_ids" (the ids of the clauses the answer relies on).

            Clause [{{id}}] (tier "{{tier}}", priority {{rank}}) and clause [{{other_id}}] (tier \
            "{{other_tier}}", priority {{other_rank}}) can pull in different directions. Write a \
            question describing a concrete situation where they conflict, and the assistant's answer \
            explaining how the tier order resolves it and what it would do. \
            Clause [{{id}}]: "{{text}}" Clause [{{other_id}}]: "{{other_text}}\"""");
    /**
     * Limits on the embedded model: a question of a few sentences (300 characters), an answer of a
     * paragraph (600: it explains one clause or one conflict, and a 1.5B model's explanation only
     * repeats itself past that), at most 3 clause ids of at most 40 characters (ids are short slugs).
     */
    static final String SCHEMA = """
            {"type":"object","properties":{"question":{"type":"string","x-embedded-maxLength":300},\
            "answer":{"type":"string","x-embedded-maxLength":600},\
            "clause_ids":{"type":"array","x-embedded-maxItems":3,"items":{"type":"string","x-embedded-maxLength":40}}},\
            "required":["question","answer","clause_ids"],"additionalProperties":false}""";
    /** About how many tokens an answer takes on the embedded model, within its schema's limits; for plans. */
    public static long typicalAnswerTokens() {
        return cai4j.model.AnswerCaps.typicalTokens(SCHEMA);
    }

    static final String INVENT_A_CASE = "(invent a realistic user request where the clause matters)";

    private final LanguageModel generator;
    private final Constitution constitution;
    private final Settings settings;
    private final Tally tally;
    private final String system;
    private final Acceptance acceptance;

    /** @param acceptance the judge that checks conflict answers */
    public Understanding(LanguageModel generator, Constitution constitution, Settings settings, Acceptance acceptance, Tally tally) {
        this.generator = generator;
        this.acceptance = acceptance;
        this.constitution = constitution;
        this.settings = settings;
        this.tally = tally;
        this.system = SYSTEM.render(Map.of("constitution", clauseIndex(constitution)));
    }

    public static Map<String, String> templates() {
        Map<String, String> t = new LinkedHashMap<>();
        for (Template x : List.of(SYSTEM, MEANING, APPLICATION, CONFLICT)) t.put(x.name(), x.version());
        return t;
    }

    /**
     * The constitution as the generator sees it here: every clause with the id its answers cite,
     * under its tier, tiers in priority order. Only the writer of this data sees ids; the records
     * it writes are checked against them.
     */
    static String clauseIndex(Constitution c) {
        StringBuilder sb = new StringBuilder("# ").append(c.title().isBlank() ? "Constitution" : c.title().strip())
                .append("\n\nTiers are listed in priority order: when clauses conflict, the clause of the earlier tier wins. ")
                .append("Clause ids are in square brackets.\n");
        for (Tier t : c.tiers().stream().sorted(java.util.Comparator.comparingInt(Tier::rank)).toList()) {
            List<Clause> in = c.clauses().stream().filter(cl -> cl.tier().equals(t.id())).toList();
            if (in.isEmpty()) continue;
            sb.append("\n## ").append(t.rank()).append(". ").append(t.id());
            if (!t.description().isBlank()) sb.append(" — ").append(t.description().strip());
            sb.append("\n\n");
            for (Clause cl : in) sb.append("- [").append(cl.id()).append("] ").append(cl.text().strip()).append('\n');
        }
        List<Clause> orphans = c.clauses().stream().filter(cl -> c.tier(cl.tier()).isEmpty()).toList();
        if (!orphans.isEmpty()) {
            sb.append("\n## Other clauses\n\n");
            for (Clause cl : orphans) sb.append("- [").append(cl.id()).append("] ").append(cl.text().strip()).append('\n');
        }
        return sb.toString().strip();
    }

    /** The questions about every rule of the constitution. */
    public List<Task> tasks(List<Prompt> cases) {
        return tasks(cases, List.of());
    }

    /**
     * The questions to ask: per rule (of {@code clauses}, or of the whole constitution when empty),
     * one of each asked kind. An application question takes as its case a prompt whose scenario
     * tests the clause (seeded choice among them), and invents one when no prompt does: a case
     * about another clause would teach a wrong application. A conflict pairs the clause with a
     * clause of another tier, each unordered pair once: a partner a conflict scenario among the
     * prompts pits it against when there is one, so the question is about a real tension. The order covers every clause before a
     * second question about any, and varies the kind a clause starts with, so a limit keeps a
     * spread of clauses and kinds.
     *
     * @param scenarios prompt id → the scenario the prompt is
     */
    public List<Task> tasks(List<Prompt> cases, List<Clause> clauses) {
        List<Clause> rules = !clauses.isEmpty() ? clauses : constitution.rules().isEmpty() ? constitution.clauses() : constitution.rules();
        List<Clause> others = constitution.rules().isEmpty() ? constitution.clauses() : constitution.rules();
        List<Question> kinds = java.util.Arrays.stream(Question.values()).filter(settings.questions()::contains).toList();
        List<List<Task>> perClause = new ArrayList<>();
        Set<String> pairs = new LinkedHashSet<>();
        for (int i = 0; i < rules.size(); i++) {
            Clause c = rules.get(i);
            List<Task> own = new ArrayList<>();
            for (int k = 0; k < kinds.size(); k++) {
                switch (kinds.get((i + k) % kinds.size())) {
                    case MEANING -> own.add(new Task(Question.MEANING, List.of(c), "", ""));
                    case APPLICATION -> {
                        List<Prompt> about = cases.stream().filter(p -> p.clauseIds().contains(c.id())).toList();
                        if (about.isEmpty()) own.add(new Task(Question.APPLICATION, List.of(c), INVENT_A_CASE, ""));
                        else {
                            Prompt p = about.get(new Random(settings.seed() * 31 + c.id().hashCode()).nextInt(about.size()));
                            own.add(new Task(Question.APPLICATION, List.of(c), Transcript.format(p.messages()).strip(), p.id()));
                        }
                    }
                    case CONFLICT -> {
                        // a partner a conflict scenario found in real tension with the clause, else any rule of another tier
                        List<Clause> tense = cases.stream().flatMap(p -> p.scenario().stream())
                                .filter(x -> x.kind() == cai4j.evals.ScenarioKind.CONFLICT && x.clauseIds().contains(c.id()))
                                .flatMap(x -> x.clauseIds().stream()).filter(id -> !id.equals(c.id())).distinct()
                                .flatMap(id -> constitution.clause(id).stream()).filter(o -> !o.tier().equals(c.tier())).toList();
                        List<Clause> rivals = !tense.isEmpty() ? tense : others.stream().filter(o -> !o.tier().equals(c.tier())).toList();
                        if (rivals.isEmpty()) continue;
                        Clause o = rivals.get(new Random(settings.seed() * 31 + c.id().hashCode()).nextInt(rivals.size()));
                        List<Clause> pair = rank(c) <= rank(o) ? List.of(c, o) : List.of(o, c);
                        if (pairs.add(pair.get(0).id() + "|" + pair.get(1).id())) own.add(new Task(Question.CONFLICT, pair, "", ""));
                    }
                }
            }
            perClause.add(own);
        }
        List<Task> out = new ArrayList<>();
        for (int round = 0; round < kinds.size(); round++) {
            for (List<Task> own : perClause) if (round < own.size()) out.add(own.get(round));
        }
        return out;
    }

    private int rank(Clause c) {
        return constitution.tier(c.tier()).map(Tier::rank).orElse(Integer.MAX_VALUE);
    }

    public List<UnderstandRecord> run(Task task) {
        Clause c = task.clauses().getFirst();
        Map<String, String> v = new LinkedHashMap<>();
        v.put("id", c.id());
        v.put("text", c.text());
        Template template = switch (task.kind()) {
            case MEANING -> MEANING;
            case APPLICATION -> {
                v.put("case", task.caseText());
                yield APPLICATION;
            }
            case CONFLICT -> {
                Clause o = task.clauses().get(1);
                v.put("tier", c.tier());
                v.put("rank", String.valueOf(rank(c)));
                v.put("other_id", o.id());
                v.put("other_tier", o.tier());
                v.put("other_rank", String.valueOf(rank(o)));
                v.put("other_text", o.text());
                yield CONFLICT;
            }
        };
        task.clauses().forEach(x -> tally.used(x.id()));
        List<Message> messages = List.of(Message.system(system), Message.user(template.render(v)));
        String text = tally.count(generator.complete(
                Requests.of(messages, template, settings.temperature(), settings.maxTokens()).withJsonSchema(SCHEMA))).text();
        Optional<UnderstandRecord> r = parse(task, text);
        if (r.isEmpty()) return List.of();
        if (task.kind() != Question.CONFLICT) return List.of(r.get());
        // the answer must let the higher tier win: graded by the judge's conflict rubric
        Rubric rubric = Rubric.conflict(new ConflictPair(task.clauses().get(0), task.clauses().get(1), ""), "", "", "");
        Check check = acceptance.grade(List.of(rubric), List.of(Message.user(r.get().question())), r.get().answer(), task.id()).getFirst();
        if (!check.passed()) {
            tally.reject(check.ungraded() ? "conflict answer ungraded"
                    : check.failure().equals(Failure.LOSER_WON.json()) ? "conflict answer lets the lower tier win" : "conflict answer serves neither clause");
            return List.of();
        }
        UnderstandRecord u = r.get();
        Map<String, String> models = new LinkedHashMap<>(u.models());
        models.put("judge", acceptance.judgeSpec());
        return List.of(new UnderstandRecord(u.id(), u.kind(), u.clauseIds(), u.tiers(), u.question(), u.answer(), u.messages(),
                u.caseId(), models, List.of(check)));
    }

    private static final Pattern ANY_ID = Pattern.compile("\\[[\\p{L}\\p{N}_]+\\.[0-9a-f]{8}]");

    /**
     * The text with every clause id the constitution has (bare or in brackets) replaced by the
     * clause's words in quotes, or by its section's name when the clause is long: a model trained
     * on ids would learn to cite strings that mean nothing outside this file.
     */
    String withoutIds(String text) {
        String out = text;
        List<Clause> longestFirst = constitution.clauses().stream().sorted(java.util.Comparator.comparingInt((Clause c) -> c.id().length()).reversed()).toList();
        for (Clause c : longestFirst) {
            if (!out.contains(c.id())) continue;
            String words = c.text().strip();
            String named = words.length() <= 160 || c.section().isEmpty() ? "\u201c" + words + "\u201d" : "the section \u201c" + c.section().getLast() + "\u201d";
            out = out.replace("[" + c.id() + "]", named).replace(c.id(), named);
        }
        return out;
    }

    private Optional<UnderstandRecord> parse(Task task, String text) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(Requests.unfence(text));
        } catch (IOException e) {
            tally.reject("answer is not JSON");
            return Optional.empty();
        }
        if (n == null || !n.path("question").isTextual() || !n.path("answer").isTextual()
                || n.get("question").asText().isBlank() || n.get("answer").asText().isBlank()) {
            tally.reject("question or answer missing");
            return Optional.empty();
        }
        Set<String> ids = new LinkedHashSet<>();
        task.clauses().forEach(c -> ids.add(c.id()));
        for (JsonNode id : n.path("clause_ids")) {
            String s = id.asText().strip().replaceAll("^\\[|]$", "");
            if (constitution.clause(s).isEmpty()) {
                tally.reject("cites an unknown clause");
                return Optional.empty();
            }
            ids.add(s);
        }
        List<String> clauseIds = List.copyOf(ids);
        List<String> tiers = clauseIds.stream().map(id -> constitution.clause(id).orElseThrow().tier()).distinct().toList();
        String q = withoutIds(n.get("question").asText().strip()), a = withoutIds(n.get("answer").asText().strip());
        if (ANY_ID.matcher(q + "\n" + a).find()) {
            tally.reject("names an unknown clause id");
            return Optional.empty();
        }
        return Optional.of(new UnderstandRecord(task.id(), task.kind().label(), clauseIds, tiers, q, a,
                List.of(Message.user(q), Message.assistant(a)), task.caseId(), Map.of("generator", generator.spec().toString()), List.of()));
    }
}
