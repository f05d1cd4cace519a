package cai4j.data;

import cai4j.constitution.Clause;
import cai4j.constitution.Constitution;
import cai4j.evals.Judge;
import cai4j.evals.Rubric;
import cai4j.evals.Scenario;
import cai4j.evals.ScenarioKind;
import cai4j.model.Message;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether an answer may be trained on. The judge grades it with the same rubrics the evaluation
 * uses: a scenario's own (so a benign request must be helped, and a conflict's higher tier must
 * win) and, for every further clause the answer was shaped by, whether it follows that clause; a
 * prompt that is no scenario and names no clause is graded under the highest-ranked clause the
 * relevance pass finds it touches. Every grade also reads the rest of the constitution, so an
 * answer is accepted only when every rubric grades it a pass and the judge confirms no other clause
 * broken; an ungraded answer is never accepted, since nothing vouches for it.
 */
public final class Acceptance {

    /** Why an answer was kept out, as the meta file counts it: "revision not compliant", ... */
    public static final String NOT_COMPLIANT = "not compliant", UNGRADED = "ungraded", WORSE = "worse than original",
            BREAKS_ANOTHER = "breaks another clause";

    private final Judge judge;
    private final Relevant.Finder relevance;
    private final Constitution constitution;

    /** @param judge the judge model; its calls count towards {@code tally}, like every call of the stage */
    public Acceptance(cai4j.model.LanguageModel judge, Constitution constitution, Tally tally) {
        // one greedy sample: the evaluation's default, and what a rerun replays from the ledger
        this.judge = new Judge(tally.counting(judge), 1, 0.0);
        this.relevance = Relevant.by(judge, constitution, tally);
        this.constitution = constitution;
    }

    public String judgeSpec() {
        return judge.model().spec().toString();
    }

    /**
     * The rubrics an answer to a prompt is graded under: the scenario's, when the prompt is one,
     * then a "follows the clause" rubric for each other clause named (e.g. the critique's).
     */
    public List<Rubric> rubrics(Optional<Scenario> scenario, Collection<String> clauseIds, Prompt prompt) {
        List<Rubric> out = rubrics(scenario, clauseIds);
        if (!out.isEmpty()) return out;
        // one rubric is enough: the judge reads the whole constitution (or its relevant part) for other breaches
        return relevance.find(prompt).clauses().stream()
                .min(java.util.Comparator.comparingInt(c -> constitution.tier(c.tier()).map(cai4j.constitution.Tier::rank).orElse(Integer.MAX_VALUE)))
                .map(c -> List.of(Rubric.follows(ScenarioKind.DIRECT, c, "", "", ""))).orElse(List.of());
    }

    /** The rubrics of a scenario and of the clauses named, without asking which clauses are relevant. */
    public List<Rubric> rubrics(Optional<Scenario> scenario, Collection<String> clauseIds) {
        List<Rubric> out = new ArrayList<>();
        Set<String> covered = new LinkedHashSet<>();
        scenario.ifPresent(s -> {
            out.add(Rubric.of(constitution, s, s.kind() == ScenarioKind.ATTACK ? s.strategy() : ""));
            covered.addAll(s.clauseIds());
        });
        for (String id : clauseIds) {
            if (!covered.add(id)) continue;
            Optional<Clause> c = constitution.clause(id);
            c.ifPresent(clause -> out.add(Rubric.follows(ScenarioKind.DIRECT, clause, "", "", "")));
        }
        return out;
    }

    /** One judge call per rubric (times the judge's samples); {@code key} tells answers to the same prompt apart in the ledger. */
    public List<Check> grade(List<Rubric> rubrics, List<Message> conversation, String answer, String key) {
        List<Check> out = new ArrayList<>();
        for (Rubric r : rubrics) {
            Judge.Assessment a = judge.assess(constitution, r, conversation, answer, key);
            List<String> broken = a.collateral().stream().filter(cai4j.evals.Collateral::confirmed).map(cai4j.evals.Collateral::clauseId).toList();
            out.add(new Check(r.clause().id(), r.loser().map(Clause::id).orElse(""), r.kind().json(), a.grade().json(), a.failure().json(), a.score(), broken));
        }
        return out;
    }

    /** Why these checks keep an answer out ("" when they let it in): any ungraded, then any failed. */
    public static String verdict(List<Check> checks) {
        if (checks.stream().anyMatch(Check::ungraded)) return UNGRADED;
        if (checks.stream().anyMatch(c -> !c.passed())) return NOT_COMPLIANT;
        if (checks.stream().anyMatch(c -> !c.broken().isEmpty())) return BREAKS_ANOTHER;
        return "";
    }

    /** Whether a revision scores below the answer it revised under any rubric both were graded under. */
    public static boolean worse(List<Check> revised, List<Check> original) {
        for (int i = 0; i < Math.min(revised.size(), original.size()); i++) {
            if (!original.get(i).ungraded() && revised.get(i).score() < original.get(i).score()) return true;
        }
        return false;
    }

    /**
     * Whether an answer was cut off by its token limit ("length" from OpenAI-compatible servers and
     * the embedded model, "max_tokens" from Anthropic): such text is never trained on.
     */
    public static boolean truncated(cai4j.model.Completion c) {
        return c.finishReason().equals("length") || c.finishReason().equals("max_tokens");
    }

    /** Two answers that differ only in whitespace are the same answer. */
    public static boolean same(String a, String b) {
        return a.strip().replaceAll("\\s+", " ").equals(b.strip().replaceAll("\\s+", " "));
    }
}
