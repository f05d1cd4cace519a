package cai4j.data;

import cai4j.constitution.Clause;
import cai4j.constitution.Constitution;
import cai4j.constitution.ConstitutionPrompt;
import cai4j.evals.Ranks;
import cai4j.evals.Rubric;
import cai4j.evals.Scenario;
import cai4j.evals.Template;
import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Supervised Constitutional AI (SL-CAI): the target answers a prompt without the constitution; the
 * generator critiques that answer under a principle drawn from the clauses the prompt touches and
 * rewrites it; K rounds, a fresh principle each round (the paper used four). The critique request
 * states the tiers in order, the relevant principles with their tiers and, for a conflict scenario,
 * which clause wins; the revision request repeats the order. Few-shot dialogues, when given, come
 * first in the generator's conversation, as in the paper and in Hugging Face's recipe. A revision
 * is kept only when the judge accepts it ({@link Acceptance}).
 */
public final class CritiqueRevision {

    /**
     * @param rounds      critique–revision rounds per prompt (at least 1)
     * @param fewShot     worked examples shown before each critique
     * @param seed        seeds the choice of principles, so a rerun asks the same questions
     * @param temperature sampling temperature of every call
     * @param maxTokens   limit of each answer
     * @param parallelism prompts worked on at once
     */
    public record Settings(int rounds, FewShot fewShot, long seed, double temperature, int maxTokens, int parallelism) {
        public Settings {
            if (rounds < 1) throw new cai4j.InputError("--rounds must be at least 1 (it is " + rounds + ").");
        }

        public static Settings defaults() {
            return new Settings(1, FewShot.NONE, 0, 0.0, 1024, 8);
        }

        public Settings withRounds(int k) { return new Settings(k, fewShot, seed, temperature, maxTokens, parallelism); }
        public Settings withMaxTokens(int n) { return new Settings(rounds, fewShot, seed, temperature, n, parallelism); }
        public Settings withFewShot(FewShot f) { return new Settings(rounds, f, seed, temperature, maxTokens, parallelism); }
    }

    /** The target's first answer: the prompt as given, nothing added. */
    public static final Template INITIAL = Template.inline("sft-initial", "{{conversation}}");
    /** The critique request: the order, then the principle's own request, as a user turn after the answer. */
    public static final Template CRITIQUE = Template.inline("sft-critique", """
            {{order}}

            The principle for this critique ({{place}}): "{{clause}}"
            {{request}}{{higher}}""");
    /** The revision request, asking for the rewritten answer alone so it can be trained on as is. */
    public static final Template REVISION = Template.inline("sft-revision", """
            {{request}}

            Keep to the order of the tiers ({{chain}}): where this principle pulls against one of a higher tier, follow the higher one. \
            Reply with the rewritten response only, without any preface or commentary.""");
    /**
     * Where a small model, done with its critique, goes on to write the revision unasked: the next
     * call asks for the revision, so nothing the critique needs comes after them. Only on the
     * embedded model, whose every token is seconds of this machine.
     */
    static final List<String> CRITIQUE_STOPS = List.of("\nRevision:", "\nRevised response:", "\n**Revision", "\n**Revised");
    static final String HIGHER = "\nDo not ask for a change that would break a principle of a higher tier listed above.";

    private final LanguageModel target;
    private final LanguageModel generator;
    private final Constitution constitution;
    /** The whole constitution, the first and byte-identical system message of every critique and revision request. */
    private final String constitutionPrompt;
    private final Relevant.Finder relevance;
    private final Settings settings;
    private final Tally tally;
    private final Acceptance acceptance;

    /** @param relevance finds the clauses a prompt touches, which its critiques are drawn from */
    public CritiqueRevision(LanguageModel target, LanguageModel generator, Constitution constitution, Relevant.Finder relevance,
                            Settings settings, Acceptance acceptance, Tally tally) {
        if (Principle.of(constitution).isEmpty()) throw new cai4j.InputError("The constitution has no clauses to critique against.");
        this.target = target;
        this.generator = generator;
        this.constitution = constitution;
        this.constitutionPrompt = ConstitutionPrompt.render(constitution);
        this.relevance = relevance;
        this.settings = settings;
        this.tally = tally;
        this.acceptance = acceptance;
    }

    public static Map<String, String> templates() {
        Map<String, String> t = new LinkedHashMap<>();
        for (Template x : List.of(INITIAL, CRITIQUE, REVISION, Principle.CRITIQUE_FROM_CLAUSE, Principle.REVISION_FROM_CLAUSE)) {
            t.put(x.name(), x.version());
        }
        return t;
    }

    /**
     * Critiques and revises the answer to one prompt; empty when nothing may be trained on: no
     * principle the prompt touches, an answer, critique or revision cut off by its token limit, an
     * empty one, a revision that left the answer as it was, or one the judge does not pass (under
     * the scenario's rubric and each critique clause) or scores below the initial answer.
     */
    public List<SftRecord> run(Prompt prompt) {
        Relevant relevant = relevance.find(prompt);
        if (relevant.isEmpty()) {
            // a critique under a principle the conversation never raises teaches nothing
            tally.reject("no relevant principle");
            return List.of();
        }
        Completion init = tally.count(target.complete(
                Requests.of(prompt.messages(), INITIAL, settings.temperature(), settings.maxTokens())));
        String initial = init.text().strip();
        if (Acceptance.truncated(init)) {
            tally.reject("truncated initial response");
            return List.of();
        }
        if (initial.isEmpty()) {
            tally.reject("empty initial response");
            return List.of();
        }
        List<Principle> chosen = choose(relevant, prompt.id());
        String order = Order.of(constitution, relevant, prompt);
        String current = initial;
        List<SftRecord.Round> rounds = new ArrayList<>();
        for (int r = 0; r < settings.rounds(); r++) {
            Principle p = chosen.get(r);
            tally.used(p.clauseId());
            // the constitution first (the same bytes in every call, so a provider's prompt cache serves
            // it), then a system message of the prompt; the worked examples come before the dialogue
            List<Message> dialogue = new ArrayList<>(prompt.messages().stream().filter(m -> m.role().equals("system")).toList());
            dialogue.addAll(settings.fewShot().messages());
            dialogue.addAll(prompt.messages().stream().filter(m -> !m.role().equals("system")).toList());
            List<Message> conversation = new ArrayList<>(ConstitutionPrompt.withConstitution(constitutionPrompt, dialogue));
            conversation.add(Message.assistant(current));
            int rank = Ranks.of(constitution, p.clause());
            boolean higher = relevant.clauses().stream().anyMatch(cl -> Ranks.of(constitution, cl) < rank);
            String critiqueRequest = CRITIQUE.render(Map.of("order", order, "place", Ranks.describe(constitution, p.clause()),
                    "clause", p.clause().text().strip(), "request", p.critique(), "higher", higher ? HIGHER : ""));
            conversation.add(Message.user(critiqueRequest));
            ChatRequest critiqueCall = Requests.of(conversation, CRITIQUE, settings.temperature(), settings.maxTokens());
            Completion critiqued = tally.count(generator.complete(generator.local() ? critiqueCall.withStop(CRITIQUE_STOPS) : critiqueCall));
            if (Acceptance.truncated(critiqued)) {
                tally.reject("truncated critique");
                return List.of();
            }
            String critique = critiqued.text().strip();
            conversation.add(Message.assistant(critique));
            String revisionRequest = REVISION.render(Map.of("request", p.revision(), "chain", Ranks.chain(constitution)));
            conversation.add(Message.user(revisionRequest));
            Completion revised = tally.count(generator.complete(
                    Requests.of(conversation, REVISION, settings.temperature(), settings.maxTokens())));
            if (Acceptance.truncated(revised)) {
                tally.reject("truncated revision");
                return List.of();
            }
            String revision = clean(revised.text());
            if (revision.isEmpty()) {
                tally.reject("empty revision");
                return List.of();
            }
            rounds.add(new SftRecord.Round(r + 1, p.clauseId(), critiqueRequest, critique, revisionRequest, revision));
            current = revision;
        }
        // an answer that already complied comes back as it was: a pair of equal answers teaches nothing
        if (Acceptance.same(current, initial)) {
            tally.reject("unchanged revision");
            return List.of();
        }
        List<String> clauseIds = rounds.stream().map(SftRecord.Round::clauseId).toList();
        List<Rubric> rubrics = acceptance.rubrics(prompt.scenario(), clauseIds);
        List<Check> checks = acceptance.grade(rubrics, prompt.messages(), current, prompt.id());
        String why = Acceptance.verdict(checks);
        if (!why.isEmpty()) {
            tally.reject("revision " + why);
            return List.of();
        }
        List<Check> initialChecks = acceptance.grade(rubrics, prompt.messages(), initial, prompt.id());
        if (Acceptance.worse(checks, initialChecks)) {
            tally.reject("revision " + Acceptance.WORSE);
            return List.of();
        }
        SftRecord.Round last = rounds.getLast();
        List<Message> revised = with(prompt.messages(), current);
        Map<String, String> models = new LinkedHashMap<>();
        models.put("target", target.spec().toString());
        models.put("generator", generator.spec().toString());
        models.put("judge", acceptance.judgeSpec());
        return List.of(new SftRecord(prompt.id(), prompt.origin(), prompt.messages(), prompt.lastUserText(), initial,
                last.criticPrompt(), last.criticResponse(), last.revisionPrompt(), last.revisionResponse(),
                revised, revised, with(prompt.messages(), initial), rounds, clauseIds,
                chosen.stream().map(p -> relevant.ref(constitution, p.clause())).toList(), models, checks, initialChecks));
    }

    /**
     * The principles of each round, from the relevant clauses: tiers highest first, one clause of
     * each in turn (random within a tier, from a generator seeded by the prompt, so the same prompt
     * gets the same principles on a rerun), starting over when every one has had its round.
     */
    List<Principle> choose(Relevant relevant, String promptId) {
        Random rnd = new Random(settings.seed() * 31 + promptId.hashCode());
        Map<Integer, List<Principle>> byRank = new java.util.TreeMap<>();
        for (Clause c : relevant.clauses()) byRank.computeIfAbsent(Ranks.of(constitution, c), k -> new ArrayList<>()).add(Principle.of(c));
        byRank.values().forEach(l -> java.util.Collections.shuffle(l, rnd));
        List<Principle> cycle = new ArrayList<>();
        for (int i = 0; cycle.size() < relevant.clauses().size(); i++) {
            for (List<Principle> tier : byRank.values()) if (i < tier.size()) cycle.add(tier.get(i));
        }
        List<Principle> out = new ArrayList<>();
        for (int r = 0; r < settings.rounds(); r++) out.add(cycle.get(r % cycle.size()));
        return out;
    }

    /** Models that learned the transcript format sometimes repeat its label. */
    private static String clean(String revision) {
        String s = revision.strip();
        if (s.startsWith("Revision:")) s = s.substring("Revision:".length()).strip();
        return s;
    }

    static List<Message> with(List<Message> prompt, String answer) {
        List<Message> out = new ArrayList<>(prompt);
        out.add(Message.assistant(answer));
        return List.copyOf(out);
    }
}
