package cai4j.data;

import cai4j.model.Completion;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Supervised Constitutional AI (SL-CAI): the target answers a prompt without the constitution; the
 * generator critiques that answer under a principle sampled from the clauses and rewrites it; K
 * rounds, a fresh principle each round (the paper used four). Few-shot dialogues, when given, come
 * first in the generator's conversation, as in the paper and in Hugging Face's recipe.
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
        public Settings withFewShot(FewShot f) { return new Settings(rounds, f, seed, temperature, maxTokens, parallelism); }
    }

    /** The target's first answer: the prompt as given, nothing added. */
    public static final Template INITIAL = new Template("sft-initial", "{{conversation}}");
    /** The critique request is the principle's own text, as a user turn after the answer. */
    public static final Template CRITIQUE = new Template("sft-critique", "{{request}}");
    /** The revision request, asking for the rewritten answer alone so it can be trained on as is. */
    public static final Template REVISION = new Template("sft-revision", """
            {{request}}

            Reply with the rewritten response only, without any preface or commentary.""");

    private final LanguageModel target;
    private final LanguageModel generator;
    private final List<Principle> principles;
    private final Settings settings;
    private final Tally tally;

    public CritiqueRevision(LanguageModel target, LanguageModel generator, List<Principle> principles, Settings settings, Tally tally) {
        if (principles.isEmpty()) throw new cai4j.InputError("The constitution has no clauses to critique against.");
        this.target = target;
        this.generator = generator;
        this.principles = List.copyOf(principles);
        this.settings = settings;
        this.tally = tally;
    }

    public static Map<String, String> templates() {
        Map<String, String> t = new LinkedHashMap<>();
        for (Template x : List.of(INITIAL, CRITIQUE, REVISION, Principle.CRITIQUE_FROM_CLAUSE, Principle.REVISION_FROM_CLAUSE)) {
            t.put(x.name(), x.version());
        }
        return t;
    }

    /** Critiques and revises the answer to one prompt; empty when the model gave nothing to train on. */
    public List<SftRecord> run(Prompt prompt) {
        Completion init = tally.count(target.complete(
                Requests.of(prompt.messages(), INITIAL, settings.temperature(), settings.maxTokens())));
        String initial = init.text().strip();
        if (initial.isEmpty()) {
            tally.reject("empty initial response");
            return List.of();
        }
        List<Principle> chosen = choose(prompt.id());
        String current = initial;
        List<SftRecord.Round> rounds = new ArrayList<>();
        for (int r = 0; r < settings.rounds(); r++) {
            Principle p = chosen.get(r);
            tally.used(p.clauseId());
            // a system message of the prompt stays first; the worked examples come before the dialogue
            List<Message> conversation = new ArrayList<>(prompt.messages().stream().filter(m -> m.role().equals("system")).toList());
            conversation.addAll(settings.fewShot().messages());
            conversation.addAll(prompt.messages().stream().filter(m -> !m.role().equals("system")).toList());
            conversation.add(Message.assistant(current));
            String critiqueRequest = CRITIQUE.render(Map.of("request", p.critique()));
            conversation.add(Message.user(critiqueRequest));
            String critique = tally.count(generator.complete(
                    Requests.of(conversation, CRITIQUE, settings.temperature(), settings.maxTokens()))).text().strip();
            conversation.add(Message.assistant(critique));
            conversation.add(Message.user(REVISION.render(Map.of("request", p.revision()))));
            String revision = clean(tally.count(generator.complete(
                    Requests.of(conversation, REVISION, settings.temperature(), settings.maxTokens()))).text());
            if (revision.isEmpty()) {
                tally.reject("empty revision");
                return List.of();
            }
            rounds.add(new SftRecord.Round(r + 1, p.clauseId(), p.critique(), critique, p.revision(), revision));
            current = revision;
        }
        SftRecord.Round last = rounds.getLast();
        List<Message> revised = with(prompt.messages(), current);
        Map<String, String> models = new LinkedHashMap<>();
        models.put("target", target.spec().toString());
        models.put("generator", generator.spec().toString());
        return List.of(new SftRecord(prompt.id(), prompt.origin(), prompt.messages(), prompt.lastUserText(), initial,
                last.criticPrompt(), last.criticResponse(), last.revisionPrompt(), last.revisionResponse(),
                revised, revised, with(prompt.messages(), initial), rounds,
                rounds.stream().map(SftRecord.Round::clauseId).toList(), models));
    }

    /**
     * The principles of each round: drawn without replacement while there are enough, from a
     * generator seeded by the prompt, so the same prompt gets the same principles on a rerun.
     */
    List<Principle> choose(String promptId) {
        Random rnd = new Random(settings.seed() * 31 + promptId.hashCode());
        List<Principle> out = new ArrayList<>();
        List<Principle> pool = new ArrayList<>();
        for (int r = 0; r < settings.rounds(); r++) {
            if (pool.isEmpty()) pool.addAll(principles);
            out.add(pool.remove(rnd.nextInt(pool.size())));
        }
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
