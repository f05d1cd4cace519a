package cai4j.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import cai4j.constitution.Compiler;
import cai4j.constitution.Constitution;
import cai4j.evals.Condition;
import cai4j.evals.Judge;
import cai4j.evals.QualityFilter;
import cai4j.evals.ScenarioGenerator;
import cai4j.Json;
import cai4j.model.AnswerCaps;
import cai4j.report.LedgerUsage;
import cai4j.testserver.TestServer;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanTest {
    static final Constitution HELPFUL = Compiler.compile(Path.of("examples/helpful-assistant.md"));

    static Plan plan(Budget b) {
        return Plan.of(HELPFUL, new RunRequest(Path.of("examples/helpful-assistant.md"), Path.of("runs/plan"), b,
                List.of(Condition.BARE, Condition.PROMPTED), 0, Optional.empty(), false, List.of("run"), Optional.empty()));
    }

    @Test
    void structuredAnswersArePlannedAtTheSizeTheirSchemasLimitsAllow() {
        Plan p = plan(Budget.SMALL);
        assertThat(p.stages().get("judge verdicts").outputTokens()).isEqualTo(Judge.typicalAnswerTokens());
        assertThat(p.stages().get("filter scenarios").outputTokens()).isEqualTo(QualityFilter.typicalAnswerTokens());
        assertThat(p.stages().get("generate scenarios").outputTokens()).isEqualTo(ScenarioGenerator.typicalAnswerTokens(Budget.SMALL.perClause));
        // more scenarios a call, a longer answer; a verdict of a few sentences, not the 1024 tokens a remote judge may take
        assertThat(plan(Budget.LARGE).stages().get("generate scenarios").outputTokens()).isGreaterThan(p.stages().get("generate scenarios").outputTokens());
        assertThat(Judge.typicalAnswerTokens()).isBetween(40L, 200L);
    }

    @Test
    void freeAnswersArePlannedFromTheBudgetsAnswerLimit() {
        assertThat(plan(Budget.SMALL).stages().get("target answers").outputTokens()).isEqualTo(Budget.SMALL.maxTokens / 2);
        assertThat(plan(Budget.MEDIUM).stages().get("distill").outputTokens()).isEqualTo(Budget.MEDIUM.maxTokens / 2);
    }

    /** What a run sent for one plan step: calls and prompt characters (the messages' text). */
    record Sent(long calls, long chars) {
        long tokensPerCall() { return calls == 0 ? 0 : AnswerCaps.tokens(chars) / calls; }
    }

    /** The calls a run's first three stages made, by the stage of the run that made them and the ledger's stage (its template). */
    static final class Measured {
        final Map<String, Map<String, Sent>> sent = new LinkedHashMap<>();
        private final Set<String> seen = new HashSet<>();

        /** Each stage as it is, followed by a look at the ledger rows it added. */
        List<Stage> around(List<Stage> stages, Path run) {
            return stages.stream().<Stage>map(s -> new Stage() {
                @Override public String name() { return s.name(); }
                @Override public Optional<String> missing(RunContext r) { return s.missing(r); }
                @Override public boolean callsModels() { return s.callsModels(); }
                @Override public void run(RunContext r) {
                    s.run(r);
                    sent.put(s.name(), added(run));
                }
            }).toList();
        }

        private Map<String, Sent> added(Path run) {
            Map<String, Sent> out = new LinkedHashMap<>();
            try (var db = DriverManager.getConnection("jdbc:sqlite:" + run.resolve("ledger.db").toAbsolutePath());
                 var rs = db.createStatement().executeQuery("SELECT key, request FROM calls WHERE status = 'ok' ORDER BY updated_at")) {
                while (rs.next()) {
                    if (!seen.add(rs.getString(1))) continue;
                    var request = Json.MAPPER.readTree(rs.getString(2));
                    long chars = 0;
                    for (var m : request.get("messages")) chars += m.get("content").asText().length();
                    out.merge(LedgerUsage.stage(request.path("template").asText("")), new Sent(1, chars), (a, b) -> new Sent(a.calls + b.calls, a.chars + b.chars));
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return out;
        }

        /** The calls of one stage of the run whose ledger stage matches. */
        Sent of(String runStage, Predicate<String> ledgerStage) {
            return sent.getOrDefault(runStage, Map.of()).entrySet().stream().filter(e -> ledgerStage.test(e.getKey())).map(Map.Entry::getValue)
                    .reduce(new Sent(0, 0), (a, b) -> new Sent(a.calls + b.calls, a.chars + b.chars));
        }
    }

    @Test
    void thePlansPromptsAreAboutTheSizeOfThoseARunSends(@TempDir Path dir) {
        Path run = dir.resolve("run");
        Measured measured = new Measured();
        Plan plan;
        try (TestServer server = TestServer.start().answeringWith(ScriptedRun::answer)) {
            Pipeline pipeline = Pipeline.of(PipelineTest.request(Path.of("examples/helpful-assistant.md"), run, "cai4j", "run"), PipelineTest.roles(server));
            plan = pipeline.plan();
            pipeline.withStages(measured.around(Pipeline.stages().subList(0, 3), run)).run(PipelineTest.config(), new PipelineTest.Recorded(), r -> "");
        }
        // plan steps and the calls that make them: the run's stage, then the ledger's (the template that built the call)
        Predicate<String> judged = t -> t.startsWith("judge-") || t.equals("calibrate");
        Map<List<String>, Sent> real = new LinkedHashMap<>();
        real.put(List.of("pair conflicting clauses"), measured.of("scenarios", t -> t.equals("pair-conflict")));
        real.put(List.of("generate scenarios"), measured.of("scenarios", t -> t.startsWith("generate-")));
        real.put(List.of("filter scenarios"), measured.of("scenarios", t -> t.startsWith("filter")));
        real.put(List.of("target answers"), measured.of("target and judge", t -> t.equals("target")));
        // the labelled responses are graded with the same rubrics, so their calls cannot be told apart from the verdicts'
        real.put(List.of("judge verdicts", "judge vs human labels"), measured.of("target and judge", judged));
        real.put(List.of("sft (critique, revision)"), measured.of("training data", t -> t.startsWith("sft-")));
        real.put(List.of("prefs (samples, feedback)"), measured.of("training data", t -> t.startsWith("prefs-") || t.equals("conflict-lower-tier")));
        real.put(List.of("distill"), measured.of("training data", t -> t.equals("distill-answer")));
        real.put(List.of("understanding"), measured.of("training data", t -> t.startsWith("understand-")));
        real.put(List.of("accept (judge)"), measured.of("training data", judged));

        long plannedTotal = 0;
        StringBuilder table = new StringBuilder();
        for (var e : real.entrySet()) {
            List<Plan.Step> steps = e.getKey().stream().map(plan.stages()::get).toList();
            long calls = steps.stream().mapToLong(Plan.Step::calls).sum();
            long tokens = steps.stream().mapToLong(st -> st.calls() * st.inputTokens()).sum();
            Sent sent = e.getValue();
            table.append(String.format(java.util.Locale.ROOT, "%-50s planned %3d calls x %5d, sent %3d calls x %5d%n",
                    e.getKey(), calls, tokens / calls, sent.calls(), sent.tokensPerCall()));
            // at the calls really made, so the total weighs the prompts' sizes and not the calls that depend on answers
            plannedTotal += sent.calls() * (tokens / calls);
        }
        // every call the run sent, those of no plan step too (the relevance pass of the training data)
        long sentTotal = measured.sent.values().stream().flatMap(m -> m.values().stream()).mapToLong(x -> AnswerCaps.tokens(x.chars())).sum();
        // the scripted models write scenarios and answers of a few words where a real model writes up to the
        // schema's and the budget's limits (the plan's sizes), so a prompt that holds them is a little shorter here
        for (var e : real.entrySet()) {
            List<Plan.Step> steps = e.getKey().stream().map(plan.stages()::get).toList();
            long planned = steps.stream().mapToLong(st -> st.calls() * st.inputTokens()).sum() / steps.stream().mapToLong(Plan.Step::calls).sum();
            assertThat(planned).as("prompt tokens a call of %s\n%s", e.getKey(), table).isCloseTo(e.getValue().tokensPerCall(), withinPercentage(35));
        }
        // calls: the scenarios' and the training prompts' counts are the budget's; the acceptance checks stop at the
        // first answer the judge rejects, and the scripted judge rejects many, so that step makes fewer calls here
        for (String step : List.of("generate scenarios", "filter scenarios", "target answers", "sft (critique, revision)", "distill")) {
            assertThat(plan.stages().get(step).calls()).as(step).isEqualTo(real.get(List.of(step)).calls());
        }
        assertThat(plannedTotal).as("prompt tokens of the run\n%s", table).isCloseTo(sentTotal, withinPercentage(20));
    }
}
