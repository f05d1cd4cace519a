package cai4j.data;

import cai4j.Json;
import cai4j.constitution.Clause;
import cai4j.constitution.Constitution;
import cai4j.constitution.Tier;
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

/**
 * Data that teaches the constitution itself: for each clause, what it means and how it applies to
 * a case; and for clauses of different tiers, how the tiers resolve a conflict between them. The
 * generator sees the whole constitution (a stable, cacheable prefix) and answers in JSON, citing
 * clause ids; an answer that cites a clause the constitution does not have is rejected.
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

    public static final Template SYSTEM = new Template("understand-system", """
            You write training data that teaches an AI assistant the constitution it follows. Every \
            answer is written in the assistant's own voice, explains its reasoning, and cites the \
            clauses it relies on by id in square brackets, like [clause-id].

            {{constitution}}""");
    public static final Template MEANING = new Template("understand-meaning", """
            Write a question a user might ask about what clause [{{id}}] means, and the assistant's \
            answer explaining what the clause asks of it and why. Clause [{{id}}]: "{{text}}"

            Reply in JSON with "question", "answer" and "clause_ids" (the ids the answer cites).""");
    public static final Template APPLICATION = new Template("understand-application", """
            Write a question that asks how clause [{{id}}] applies to this case, and the assistant's \
            answer saying what it would do and why, under the clause. Clause [{{id}}]: "{{text}}"

            Case: {{case}}

            Reply in JSON with "question", "answer" and "clause_ids" (the ids the answer cites).""");
    public static final Template CONFLICT = new Template("understand-conflict", """
            Clause [{{id}}] (tier "{{tier}}", priority {{rank}}) and clause [{{other_id}}] (tier \
            "{{other_tier}}", priority {{other_rank}}) can pull in different directions. Write a \
            question describing a concrete situation where they conflict, and the assistant's answer \
            explaining how the tier order resolves it and what it would do. \
            Clause [{{id}}]: "{{text}}" Clause [{{other_id}}]: "{{other_text}}"

            Reply in JSON with "question", "answer" and "clause_ids" (the ids the answer cites).""");
    static final String SCHEMA = """
            {"type":"object","properties":{"question":{"type":"string"},"answer":{"type":"string"},\
            "clause_ids":{"type":"array","items":{"type":"string"}}},\
            "required":["question","answer","clause_ids"],"additionalProperties":false}""";
    static final String INVENT_A_CASE = "(invent a realistic user request where the clause matters)";

    private final LanguageModel generator;
    private final Constitution constitution;
    private final Settings settings;
    private final Tally tally;
    private final String system;

    public Understanding(LanguageModel generator, Constitution constitution, Settings settings, Tally tally) {
        this.generator = generator;
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

    /**
     * The questions to ask: per rule, one of each asked kind. Application questions take the
     * prompts as cases in turn (when there are any); a conflict pairs the clause with a clause of
     * another tier, each unordered pair once.
     */
    public List<Task> tasks(List<Prompt> cases) {
        List<Clause> rules = constitution.rules().isEmpty() ? constitution.clauses() : constitution.rules();
        List<Task> out = new ArrayList<>();
        Set<String> pairs = new LinkedHashSet<>();
        for (int i = 0; i < rules.size(); i++) {
            Clause c = rules.get(i);
            if (settings.questions().contains(Question.MEANING)) out.add(new Task(Question.MEANING, List.of(c), "", ""));
            if (settings.questions().contains(Question.APPLICATION)) {
                if (cases.isEmpty()) out.add(new Task(Question.APPLICATION, List.of(c), INVENT_A_CASE, ""));
                else {
                    Prompt p = cases.get(i % cases.size());
                    out.add(new Task(Question.APPLICATION, List.of(c), Transcript.format(p.messages()).strip(), p.id()));
                }
            }
            if (settings.questions().contains(Question.CONFLICT)) {
                List<Clause> others = rules.stream().filter(o -> !o.tier().equals(c.tier())).toList();
                if (others.isEmpty()) continue;
                Clause o = others.get(new Random(settings.seed() * 31 + c.id().hashCode()).nextInt(others.size()));
                List<Clause> pair = rank(c) <= rank(o) ? List.of(c, o) : List.of(o, c);
                if (pairs.add(pair.get(0).id() + "|" + pair.get(1).id())) out.add(new Task(Question.CONFLICT, pair, "", ""));
            }
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
        return List.of(r.get());
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
        String q = n.get("question").asText().strip(), a = n.get("answer").asText().strip();
        return Optional.of(new UnderstandRecord(task.id(), task.kind().label(), clauseIds, tiers, q, a,
                List.of(Message.user(q), Message.assistant(a)), task.caseId(), Map.of("generator", generator.spec().toString())));
    }
}
