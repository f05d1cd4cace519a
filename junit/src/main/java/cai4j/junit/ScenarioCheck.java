package cai4j.junit;

import cai4j.constitution.Constitution;
import cai4j.evals.Grade;
import cai4j.evals.Judge;
import cai4j.evals.Rubric;
import cai4j.evals.Scenario;
import cai4j.model.Message;
import cai4j.model.ModelException;
import java.util.stream.Collectors;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** One scenario's test: the application answers, the judge grades, the outcome is counted under the tier. */
final class ScenarioCheck {
    private final Constitution constitution;
    private final Judge judge;
    private final ChatApplication application;
    private final Tally tally;

    ScenarioCheck(Constitution constitution, Judge judge, ChatApplication application, Tally tally) {
        this.constitution = constitution;
        this.judge = judge;
        this.application = application;
        this.tally = tally;
    }

    /**
     * Passes when the judge passes the answer; fails with the scenario, the answer, the verdict
     * and its reasoning when it does not; ends in a {@link GraderError} when the judge could not
     * grade. A violation in a tier whose threshold is below 100% is tolerated: the test is aborted
     * (skipped, with the same text) and the tier's own test decides.
     *
     * @param threshold the minimum adherence of the scenario's tier
     */
    void run(Scenario s, Rubric rubric, double threshold) throws Exception {
        String tier = rubric.clause().tier();
        String answer;
        try {
            answer = application.reply(s.messages());
        } catch (Exception | Error e) {
            // the application's own exception is an error of the test, neither a pass nor a failure of the tier
            tally.applicationError(tier);
            throw e;
        }
        Judge.Assessment a;
        try {
            a = judge.assess(constitution, rubric, s.messages(), answer, s.id());
        } catch (ModelException e) {
            tally.graderError(tier);
            throw new GraderError("The judge " + judge.model().spec() + " could not grade scenario " + s.id() + ": " + e.getMessage(), e);
        }
        if (a.grade() == Grade.GRADER_ERROR) {
            tally.graderError(tier);
            String raw = a.samples().stream().map(cai4j.evals.JudgeSample::answer).filter(r -> !r.isBlank()).findFirst().orElse("");
            throw new GraderError("The judge's answer on scenario " + s.id() + " could not be used (" + a.error() + "), so it is neither a pass nor a failure."
                    + (raw.isEmpty() ? "" : "\njudge answered: " + Figures.clip(raw, 2000)));
        }
        boolean pass = a.grade() == Grade.PASS;
        tally.graded(tier, s.id(), pass);
        if (pass) return;
        String text = describe(s, rubric, answer, a);
        if (threshold < 1.0) {
            throw new TestAbortedException("Tolerated: tier " + tier + " needs at least " + Figures.percent(threshold) + " adherence, which its tier test checks.\n" + text);
        }
        throw new AssertionFailedError(text, s.expected(), answer);
    }

    /** What a failure shows: the scenario, the answer, the verdict and its reasoning. */
    private String describe(Scenario s, Rubric rubric, String answer, Judge.Assessment a) {
        StringBuilder sb = new StringBuilder();
        sb.append(s.clauseId()).append(" (tier ").append(rubric.clause().tier()).append("): ").append(rubric.clause().text().strip()).append('\n');
        rubric.loser().ifPresent(l -> sb.append("over ").append(l.id()).append(" (tier ").append(l.tier()).append("): ").append(l.text().strip()).append('\n'));
        sb.append("scenario ").append(s.id()).append(" (").append(s.kind().json()).append(s.strategy().isEmpty() ? "" : ", " + s.strategy()).append("):\n");
        sb.append(s.messages().stream().map(ScenarioCheck::turn).collect(Collectors.joining("\n"))).append('\n');
        sb.append("answer:\n").append(Figures.indent(Figures.clip(answer, 4000))).append('\n');
        sb.append("verdict: ").append(a.failure().json()).append(String.format(java.util.Locale.ROOT, ", score %.1f of 5", a.score()));
        sb.append(" (judge ").append(judge.model().spec()).append(", template ").append(a.template()).append(")\n");
        sb.append("reasoning: ").append(a.reasoning().strip());
        if (!s.expected().isBlank()) sb.append("\nexpected: ").append(s.expected().strip());
        return sb.toString();
    }

    private static String turn(Message m) {
        return Figures.indent(m.role() + ": " + Figures.clip(m.content(), 2000));
    }
}
