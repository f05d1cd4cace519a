package cai4j.run;

import cai4j.InputError;
import cai4j.constitution.Constitution;
import cai4j.constitution.ConstitutionPrompt;
import cai4j.data.CritiqueRevision;
import cai4j.data.FeedbackLabeling;
import cai4j.data.Understanding;
import cai4j.evals.Condition;
import cai4j.evals.Judge;
import cai4j.evals.QualityFilter;
import cai4j.evals.ScenarioGenerator;
import cai4j.evals.ScenarioKind;
import cai4j.evals.Template;
import cai4j.model.AnswerCaps;
import cai4j.model.ModelSpec;
import cai4j.model.Usage;
import cai4j.scheduler.Prices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run will ask of each model, estimated before any call: with conflicts, one call per
 * clause finds the rules of other tiers in tension with it; generation writes one call per
 * clause and kind, the filter one per scenario; a quarter of each clause's scenarios (at most
 * the budget's prompts) are held out as training prompts, and the target and the judge take
 * one call each per other scenario and condition. Each training prompt costs 3 calls for
 * critique-revision (answer, critique, revision) and about 4 judge calls to accept it (the
 * revision and the initial answer under the scenario's rubric and the critique clause), 6 for
 * preferences (2 samples, 2 principles in 2 orders), and 1 for distillation plus 1 judge call;
 * a conflict scenario among them adds one target call (the other is distillation's, replayed)
 * and 2 judge calls for its pair; each understanding question is one generator call, and a
 * conflict question one judge call more.
 *
 * @param stages the estimate of each step, in the order the run takes them
 */
public record Plan(Map<String, Step> stages) {

    /** One step of the plan: the role that pays for it, its calls and its tokens per call. */
    public record Step(String role, long calls, long inputTokens, long outputTokens) {}

    public static Plan of(Constitution c, RunRequest r) {
        Budget b = r.budget();
        List<ScenarioKind> kinds = r.kinds();
        List<Condition> conds = r.conditions();
        int clauses = r.selection().apply(c).size();
        int perClause = kinds.size() * b.perClause;
        long generated = (long) clauses * perClause;
        boolean ownPrompts = r.prompts().isPresent();
        // held out as ScenarioSplit does it: a quarter of each clause's scenarios, one at least, never all
        long heldPerClause = perClause < 2 ? 0 : Math.min(perClause - 1, Math.max(1, Math.round(Budget.HELD_OUT * perClause)));
        long held = ownPrompts ? 0 : b.prompts > 0 ? Math.min(b.prompts, clauses * heldPerClause) : clauses * heldPerClause;
        long scenarios = generated - held;
        long dataPrompts = r.prompts().map(p -> b.prompts > 0 ? Math.min(b.prompts, promptCount(p)) : promptCount(p)).orElse(held);
        long conflictPrompts = ownPrompts || !kinds.contains(ScenarioKind.CONFLICT) ? 0 : dataPrompts / kinds.size();
        long questions = b.understanding > 0 ? Math.min(b.understanding, 3L * clauses) : 3L * clauses;
        long answer = b.maxTokens / 2;
        // each prompt is sized from its parts: the templates' own text, the constitution as the stages render it,
        // the sampled clauses, and what models write into it (scenarios as the generator's schema allows, answers
        // at half the budget's limit)
        long constitution = AnswerCaps.tokens(ConstitutionPrompt.render(c).length());
        long rules = AnswerCaps.tokens(Judge.rulesChars(c));
        long clause = AnswerCaps.tokens(c.rules().stream().mapToInt(x -> x.text().strip().length()).average().orElse(0));
        long scenario = ScenarioGenerator.typicalAnswerTokens(1);
        // the conversation is about half of a written scenario; the rest says what adherence and a violation look like
        long conversation = scenario / 2;
        boolean conflicts = kinds.contains(ScenarioKind.CONFLICT);
        Map<String, Step> s = new LinkedHashMap<>();
        // structured answers: what the stages' schema limits allow, as a model writes them (AnswerCaps)
        long verdict = Judge.typicalAnswerTokens();
        // the other tiers' rules are the candidates a clause is paired with
        if (conflicts) s.put("pair conflicting clauses", new Step("generator", clauses, fixed("pair-conflict") + clause + rules, ScenarioGenerator.typicalPairingTokens()));
        long generate = kinds.stream().mapToLong(k -> fixed("generate-" + k.json()) + (k == ScenarioKind.CONFLICT ? 3 * clause : clause)).sum() / kinds.size();
        s.put("generate scenarios", new Step("generator", (long) clauses * kinds.size(), generate, ScenarioGenerator.typicalAnswerTokens(b.perClause)));
        long filter = kinds.stream().mapToLong(k -> k == ScenarioKind.CONFLICT ? fixed("filter-conflict") + 2 * clause : fixed("filter") + clause).sum() / kinds.size() + scenario;
        s.put("filter scenarios", new Step("judge", generated, filter, QualityFilter.typicalAnswerTokens()));
        long prompted = conds.stream().filter(Condition::withConstitution).count();
        // an attack scenario is answered once under prompted and attacked together (Evals.counted)
        long answers = scenarios * conds.size() - (conds.contains(Condition.PROMPTED) && conds.contains(Condition.ATTACKED)
                && kinds.contains(ScenarioKind.ATTACK) ? (long) clauses * b.perClause : 0);
        s.put("target answers", new Step("target", answers, conversation + constitution * prompted / Math.max(1, conds.size()), answer));
        // every grade starts with the judge's system message, the whole constitution's rules, then the kind's rubric
        long rubric = kinds.stream().mapToLong(k -> AnswerCaps.tokens(Judge.rubricChars(k))).sum() / kinds.size();
        long graded = rules + rubric + (conflicts ? 2 : 1) * clause + scenario + answer;
        s.put("judge verdicts", new Step("judge", answers, graded, verdict));
        // each labelled response is graded once; about half of them are BAD ones asked against a GOOD in both orders
        s.put("judge vs human labels", new Step("judge", 2L * b.labelled, graded, verdict));
        // the initial answer is the bare conversation; critique and revision follow the constitution, the answer and their requests
        long critique = constitution + conversation + answer + clause + AnswerCaps.tokens(CritiqueRevision.CRITIQUE.fixedChars());
        long revision = critique + answer + AnswerCaps.tokens(CritiqueRevision.REVISION.fixedChars());
        s.put("sft (critique, revision)", new Step("target+generator", dataPrompts * 3, (conversation + critique + revision) / 3, answer));
        // two bare samples, then four questions (two principles in two orders) on the constitution, the conversation and both samples
        long choice = constitution + conversation + answer + clause + AnswerCaps.tokens(FeedbackLabeling.CHOICE.fixedChars());
        s.put("prefs (samples, feedback)", new Step("target+judge", dataPrompts * 6 + conflictPrompts, (2 * conversation + 4 * choice) / 6, answer / 2));
        s.put("distill", new Step("target", dataPrompts, conversation + constitution, answer));
        long question = AnswerCaps.tokens(Understanding.SYSTEM.fixedChars()) + constitution + clause
                + List.of(Understanding.MEANING, Understanding.APPLICATION, Understanding.CONFLICT).stream().mapToLong(t -> AnswerCaps.tokens(t.fixedChars())).sum() / 3;
        s.put("understanding", new Step("generator", questions, question, Understanding.typicalAnswerTokens()));
        s.put("accept (judge)", new Step("judge", dataPrompts * 5 + conflictPrompts * 2 + questions / 3, graded, verdict));
        return new Plan(s);
    }

    /** A row of the estimate: total tokens and the cost at the price of the model that pays. */
    public record Row(String stage, long calls, long inputTokens, long outputTokens, double usd) {}

    /**
     * The plan in calls, tokens, dollars and time.
     *
     * @param local   whether the target is the embedded model, whose calls take turns on this machine
     * @param seconds rough time: for the embedded model, the measured speeds of {@link cai4j.model.llama.LlamaSpeed};
     *                for remote providers, a few seconds per call, many at once
     */
    public record Estimate(List<Row> rows, Row total, double seconds, boolean local) {}

    public Estimate estimate(Roles roles, Prices prices, int concurrency) {
        List<Row> rows = new ArrayList<>();
        long calls = 0, in = 0, out = 0;
        double cost = 0;
        for (var e : stages.entrySet()) {
            Step s = e.getValue();
            long i = s.calls() * s.inputTokens(), o = s.calls() * s.outputTokens();
            // a shared step (target+judge) is priced at its first role's model
            ModelSpec who = s.role().startsWith("target") ? roles.target() : s.role().equals("judge") ? roles.judge() : roles.generator();
            double usd = prices.cost(who, new Usage(i, o, 0));
            rows.add(new Row(e.getKey(), s.calls(), i, o, usd));
            calls += s.calls();
            in += i;
            out += o;
            cost += usd;
        }
        boolean local = roles.target().provider().equals("llama");
        double seconds = local ? cai4j.model.llama.LlamaSpeed.DEFAULT_MODEL.seconds(in, out, Runtime.getRuntime().availableProcessors())
                : (double) calls / Math.max(1, concurrency) * 3.0;
        return new Estimate(List.copyOf(rows), new Row("total", calls, in, out, cost), seconds, local);
    }

    /** The own text of an evaluation template, in tokens. */
    private static long fixed(String template) {
        return AnswerCaps.tokens(Template.load(template).fixedChars());
    }

    private static long promptCount(Path prompts) {
        try (var lines = Files.lines(prompts)) {
            return lines.filter(l -> !l.isBlank()).count();
        } catch (IOException e) {
            throw new InputError("Cannot read prompt file " + prompts + ": " + cai4j.FileProblem.reason(e) + ".", e);
        }
    }
}
