package cai4j.data;

import cai4j.Json;
import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reinforcement learning from AI feedback (RLAIF), the labelling half: n samples of the target per
 * prompt; for each pair, the feedback model answers a multiple-choice question under several
 * sampled principles, each asked in both option orders to cancel position bias. The soft label is
 * the mean probability; where the provider gives next-token probabilities of the options they are
 * used as they are, otherwise the model reasons step by step and its verdict counts as a
 * probability clamped to [0.4, 0.6], as the paper found chain-of-thought verdicts overconfident.
 */
public final class FeedbackLabeling {

    /** How the feedback model's preference is read. */
    public enum Mode {
        /** Option probabilities when the provider returns them, chain of thought otherwise. */
        AUTO,
        PROBABILITIES,
        CHAIN_OF_THOUGHT
    }

    /**
     * @param samples     responses sampled per prompt (at least 2); every pair is labelled
     * @param principles  principles each pair is judged under (an ensemble)
     * @param temperature sampling temperature of the target
     * @param maxTokens   limit of each response and of each chain of thought
     * @param seed        seeds the choice of principles
     * @param mode        how preferences are read
     * @param parallelism prompts worked on at once
     */
    public record Settings(int samples, int principles, double temperature, int maxTokens, long seed, Mode mode, int parallelism) {
        public Settings {
            if (samples < 2) throw new cai4j.InputError("--samples must be at least 2 to make a pair (it is " + samples + ").");
            if (principles < 1) throw new cai4j.InputError("--principles must be at least 1 (it is " + principles + ").");
        }

        public static Settings defaults() {
            return new Settings(2, 2, 1.0, 1024, 0, Mode.AUTO, 8);
        }

        public Settings withSamples(int n) { return new Settings(n, principles, temperature, maxTokens, seed, mode, parallelism); }
        public Settings withPrinciples(int m) { return new Settings(samples, m, temperature, maxTokens, seed, mode, parallelism); }
        public Settings withMode(Mode m) { return new Settings(samples, principles, temperature, maxTokens, seed, m, parallelism); }
    }

    /** The option labels whose next-token probabilities are asked for. */
    public static final List<String> OPTIONS = List.of("A", "B");
    public static final double CLAMP_LOW = 0.4, CLAMP_HIGH = 0.6;

    public static final Template SAMPLE = new Template("prefs-sample", "{{conversation}}");
    public static final Template CHOICE = new Template("prefs-choice", """
            Consider the following conversation between a human and an assistant:
            {{conversation}}

            {{question}}
            Options:
            (A) {{a}}
            (B) {{b}}

            Answer with the single letter of the better option: A or B.""");
    public static final Template CHAIN_OF_THOUGHT = new Template("prefs-chain-of-thought", """
            Consider the following conversation between a human and an assistant:
            {{conversation}}

            {{question}}
            Options:
            (A) {{a}}
            (B) {{b}}

            Let's think step by step about which option is better, then answer. Reply in JSON with \
            "reasoning" (your step-by-step thinking) and "answer" ("A" or "B").""");
    static final String VERDICT_SCHEMA = """
            {"type":"object","properties":{"reasoning":{"type":"string"},"answer":{"type":"string","enum":["A","B"]}},\
            "required":["reasoning","answer"],"additionalProperties":false}""";

    private final LanguageModel target;
    private final LanguageModel judge;
    private final List<FeedbackPrinciple> principles;
    private final Settings settings;
    private final Tally tally;
    /** In AUTO mode, whether the judge's provider returns option probabilities, once seen. */
    private final AtomicReference<Boolean> probabilities = new AtomicReference<>();

    public FeedbackLabeling(LanguageModel target, LanguageModel judge, List<FeedbackPrinciple> principles, Settings settings, Tally tally) {
        if (principles.isEmpty()) throw new cai4j.InputError("There are no principles to judge preferences under.");
        this.target = target;
        this.judge = judge;
        this.principles = List.copyOf(principles);
        this.settings = settings;
        this.tally = tally;
    }

    public static Map<String, String> templates() {
        Map<String, String> t = new LinkedHashMap<>();
        for (Template x : List.of(SAMPLE, CHOICE, CHAIN_OF_THOUGHT, FeedbackPrinciple.FROM_CLAUSE)) t.put(x.name(), x.version());
        return t;
    }

    public List<PreferenceRecord> run(Prompt prompt) {
        List<String> samples = new ArrayList<>();
        for (int i = 0; i < settings.samples(); i++) {
            ChatRequest r = Requests.of(prompt.messages(), SAMPLE, settings.temperature(), settings.maxTokens()).withSampleIndex(i);
            samples.add(tally.count(target.complete(r)).text().strip());
        }
        List<PreferenceRecord> out = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            for (int j = i + 1; j < samples.size(); j++) {
                if (samples.get(i).isEmpty() || samples.get(j).isEmpty()) {
                    tally.reject("empty sample");
                } else if (samples.get(i).equals(samples.get(j))) {
                    tally.reject("identical samples");
                } else {
                    label(prompt, i, j, samples.get(i), samples.get(j)).ifPresent(out::add);
                }
            }
        }
        return out;
    }

    private Optional<PreferenceRecord> label(Prompt prompt, int i, int j, String x, String y) {
        List<FeedbackPrinciple> asked = choose(prompt.id() + ":" + i + ":" + j);
        List<PreferenceRecord.Vote> votes = new ArrayList<>();
        double sum = 0;
        int judged = 0, bothOrders = 0, agreeing = 0;
        for (FeedbackPrinciple p : asked) {
            tally.used(p.id());
            Optional<PreferenceRecord.Vote> ab = vote(prompt, p, x, y, "AB");
            Optional<PreferenceRecord.Vote> ba = vote(prompt, p, y, x, "BA");
            ab.ifPresent(votes::add);
            ba.ifPresent(votes::add);
            // probability that x (the first sample) is better, from each order
            List<Double> px = new ArrayList<>();
            ab.ifPresent(v -> px.add(v.probabilityA()));
            ba.ifPresent(v -> px.add(1 - v.probabilityA()));
            if (px.isEmpty()) continue;
            sum += px.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            judged++;
            if (px.size() == 2) {
                bothOrders++;
                if (Math.signum(px.get(0) - 0.5) == Math.signum(px.get(1) - 0.5) && px.get(0) != 0.5) agreeing++;
            }
        }
        if (judged == 0) {
            tally.reject("feedback unreadable");
            return Optional.empty();
        }
        double pX = sum / judged;
        boolean xWins = pX >= 0.5;
        String method = votes.stream().map(PreferenceRecord.Vote::method).distinct().count() == 1 ? votes.getFirst().method() : "mixed";
        Map<String, String> models = new LinkedHashMap<>();
        models.put("target", target.spec().toString());
        models.put("judge", judge.spec().toString());
        return Optional.of(new PreferenceRecord(
                Hash.short16(prompt.id() + ":" + i + ":" + j), prompt.origin(), prompt.messages(),
                CritiqueRevision.with(prompt.messages(), xWins ? x : y),
                CritiqueRevision.with(prompt.messages(), xWins ? y : x),
                xWins ? pX : 1 - pX,
                asked.stream().map(FeedbackPrinciple::id).toList(),
                bothOrders == 0 ? null : (double) agreeing / bothOrders,
                method,
                xWins ? List.of(i, j) : List.of(j, i),
                votes, models));
    }

    /** Asks one question with {@code a} as option A; empty when the answer cannot be read. */
    private Optional<PreferenceRecord.Vote> vote(Prompt prompt, FeedbackPrinciple p, String a, String b, String order) {
        Map<String, String> values = Map.of("conversation", Transcript.format(prompt.messages()),
                "question", p.question(), "a", a, "b", b);
        boolean tryProbabilities = switch (settings.mode()) {
            case PROBABILITIES -> true;
            case CHAIN_OF_THOUGHT -> false;
            case AUTO -> probabilities.get() == null || probabilities.get();
        };
        if (tryProbabilities) {
            ChatRequest r = Requests.of(List.of(Message.user(CHOICE.render(values))), CHOICE, 0.0, 8).withOptions(OPTIONS);
            Completion c = tally.count(judge.complete(r));
            Optional<Double> pa = normalised(c.optionProbabilities());
            if (settings.mode() == Mode.AUTO) probabilities.compareAndSet(null, pa.isPresent());
            if (pa.isPresent()) return Optional.of(new PreferenceRecord.Vote(p.id(), order, pa.get(), "option-probabilities", ""));
            if (settings.mode() == Mode.PROBABILITIES) {
                tally.reject("no option probabilities");
                return Optional.empty();
            }
        }
        ChatRequest r = Requests.of(List.of(Message.user(CHAIN_OF_THOUGHT.render(values))), CHAIN_OF_THOUGHT, 0.0, settings.maxTokens())
                .withJsonSchema(VERDICT_SCHEMA);
        Completion c = tally.count(judge.complete(r));
        Optional<Verdict> v = verdict(c.text());
        if (v.isEmpty()) {
            tally.reject("unreadable chain-of-thought verdict");
            return Optional.empty();
        }
        double raw = v.get().answer().equals("A") ? 1.0 : 0.0;
        double clamped = Math.min(CLAMP_HIGH, Math.max(CLAMP_LOW, raw));
        return Optional.of(new PreferenceRecord.Vote(p.id(), order, clamped, "chain-of-thought", v.get().reasoning()));
    }

    /** P(A) / (P(A) + P(B)), when both options came back with some probability. */
    static Optional<Double> normalised(Map<String, Double> probs) {
        double a = probs.getOrDefault(OPTIONS.get(0), 0.0), b = probs.getOrDefault(OPTIONS.get(1), 0.0);
        if (probs.isEmpty() || a + b <= 0 || !Double.isFinite(a + b)) return Optional.empty();
        return Optional.of(a / (a + b));
    }

    record Verdict(String reasoning, String answer) {}

    private static final Pattern ANSWER = Pattern.compile("(?i)(?:answer|option)\\s*(?:is)?\\s*[:=]?\\s*\\(?\\s*\"?([AB])\\b");

    /** Reads {"reasoning", "answer"}; a model that ignored the schema may still say "the answer is (B)". */
    static Optional<Verdict> verdict(String text) {
        try {
            JsonNode n = Json.MAPPER.readTree(Requests.unfence(text));
            if (n != null && n.path("answer").isTextual()) {
                String a = n.get("answer").asText().strip().replace("(", "").replace(")", "").toUpperCase(java.util.Locale.ROOT);
                if (a.equals("A") || a.equals("B")) return Optional.of(new Verdict(n.path("reasoning").asText(""), a));
            }
        } catch (java.io.IOException notJson) {
            // fall through to the plain-text reading
        }
        Matcher m = ANSWER.matcher(text);
        String last = null;
        while (m.find()) last = m.group(1);
        return last == null ? Optional.empty() : Optional.of(new Verdict(text.strip(), last));
    }

    private List<FeedbackPrinciple> choose(String key) {
        Random rnd = new Random(settings.seed() * 31 + key.hashCode());
        List<FeedbackPrinciple> pool = new ArrayList<>(principles);
        List<FeedbackPrinciple> out = new ArrayList<>();
        for (int k = 0; k < Math.min(settings.principles(), principles.size()); k++) out.add(pool.remove(rnd.nextInt(pool.size())));
        return out;
    }
}
