package cai4j.evals;

import cai4j.scheduler.StageProgress;
import cai4j.constitution.ConstitutionPrompt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cai4j.InputError;
import cai4j.Json;
import cai4j.constitution.Constitution;
import cai4j.model.ChatRequest;
import cai4j.report.Cell;
import cai4j.report.EvalsFigures;
import cai4j.report.RunLoader;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import cai4j.testmodel.ScriptedModel;

class EvalsPipelineTest {
    static final Constitution C = Fixtures.constitution();

    /** A target that keeps the rules only when the constitution is its system prompt. */
    static String target(ChatRequest r) {
        boolean prompted = r.messages().getFirst().role().equals("system");
        return prompted ? "I can't help with that, but here is something safe." : "Sure! Step 1: ...";
    }

    /** A judge that reads its rubric (see {@link RubricJudge}): answers with steps comply, the rest decline. */
    static String judge(ChatRequest r) {
        String p = ScriptedModel.last(r);
        String review = RubricJudge.review(p);
        return review != null ? review : RubricJudge.verdict(p, p.substring(p.lastIndexOf("<response-")).contains("Step 1"));
    }

    @Test
    void generateThenRunWritesEveryFileWithFigures(@TempDir Path run) throws Exception {
        ScriptedModel gen = ScriptedModel.answering("test:gen", GenerationTest::generator);
        ScriptedModel judge = ScriptedModel.answering("test:judge", EvalsPipelineTest::judge);
        var options = new Evals.GenerateOptions(ClauseSelection.ALL,
                new ScenarioGenerator.Settings(2, List.of(ScenarioKind.DIRECT, ScenarioKind.BENIGN, ScenarioKind.CONFLICT), 0, 0.8, 2048), true, Dedupe.DEFAULT_THRESHOLD);
        Evals.GenerateReport g = Evals.generate(run, C, gen, judge, options, StageProgress.NONE);
        // 3 clauses × 2 kinds × 2, and 2 conflicts for each of the two safe-vs-helpful pairs (help-1 finds both taken)
        assertThat(g.kept()).isEqualTo(16);
        assertThat(g.rejected()).containsOnlyKeys("pairing");
        assertThat(Files.exists(run.resolve("constitution.json"))).isTrue();
        assertThat(Json.readLines(run.resolve("evals/scenarios.jsonl"), Scenario.class)).hasSize(16);

        ScriptedModel target = ScriptedModel.answering("test:target", EvalsPipelineTest::target);
        Evals.RunRecord record = Evals.run(run, target, judge, new Evals.RunOptions(List.of(Condition.BARE, Condition.PROMPTED, Condition.ATTACKED), 1, 0.7, 256, false), StageProgress.NONE);
        assertThat(record.templates()).containsEntry("judge", Judge.VERSION).containsEntry("judge-conflict", Judge.templates().get("judge-conflict"))
                .containsEntry("constitution-prompt", ConstitutionPrompt.VERSION);

        // the figures are the report's: read back from the files this stage wrote
        EvalsFigures e = RunLoader.load(run).evals();
        // a refusal no longer passes a benign request: each condition passes only what each kind's rubric asks
        assertThat(e.overall("bare").adherence().count()).isEqualTo(6);
        assertThat(e.cell(Cell.Dimension.KIND, "benign", "bare").orElseThrow().adherence().rate()).isEqualTo(1.0);
        assertThat(e.overall("prompted").adherence().count()).isEqualTo(10);
        assertThat(e.overall("prompted").overRefusal().count()).isEqualTo(6);
        assertThat(e.overall("prompted").violationRate().count()).isZero();
        assertThat(e.cell(Cell.Dimension.KIND, "benign", "prompted").orElseThrow().adherence().rate()).isZero();
        assertThat(e.rows()).hasSize(48);
        assertThat(e.tiers()).containsExactly("safe", "helpful");
        assertThat(e.cells()).anySatisfy(c -> assertThat(c.dimension()).isEqualTo(Cell.Dimension.STRATEGY));
        assertThat(e.comparison("prompted", "bare").orElseThrow().overall().improved()).isEqualTo(10);
        assertThat(e.comparison("prompted", "bare").orElseThrow().overall().worsened()).isEqualTo(6);
        assertThat(e.provenance().model("judge")).isEqualTo("test:judge");
        // the higher tier held in every prompted conflict and in no bare one
        var prompted = e.conflicts().get("prompted").get("safe").get("helpful");
        assertThat(prompted.held().count()).isEqualTo(4);
        assertThat(prompted.held().n()).isEqualTo(4);
        var bare = e.conflicts().get("bare").get("safe").get("helpful");
        assertThat(bare.held().count()).isZero();
        assertThat(bare.loserWon()).isEqualTo(4);

        List<Response> responses = Json.readLines(run.resolve("evals/responses.jsonl"), Response.class);
        List<Verdict> verdicts = Json.readLines(run.resolve("evals/verdicts.jsonl"), Verdict.class);
        assertThat(responses).hasSize(48);
        assertThat(verdicts).hasSize(48);
        assertThat(verdicts).filteredOn(v -> v.kind() == ScenarioKind.CONFLICT).allSatisfy(v -> {
            assertThat(v.tier()).isEqualTo("safe");
            assertThat(v.loserTier()).isEqualTo("helpful");
        });
        Response attacked = responses.stream().filter(r -> r.condition() == Condition.ATTACKED).findFirst().orElseThrow();
        assertThat(attacked.strategy()).isNotEmpty();
        assertThat(attacked.systemPrompt()).isTrue();
        // the constitution prompt is one byte-stable prefix for every prompted call
        assertThat(target.requests.stream().filter(r -> r.messages().getFirst().role().equals("system"))
                .map(r -> r.messages().getFirst().content()).distinct()).singleElement().isEqualTo(ConstitutionPrompt.render(C));


        // the shapes the README documents and the report reads
        assertThat(fields(run.resolve("evals/scenarios.jsonl"))).containsExactly(
                "id", "clauseIds", "kind", "strategy", "winner", "loser", "prompt", "messages", "expected", "violation", "generator", "template");
        assertThat(fields(run.resolve("evals/responses.jsonl"))).containsExactly(
                "scenarioId", "condition", "strategy", "target", "systemPrompt", "messages", "text", "finishReason", "usage");
        assertThat(fields(run.resolve("evals/verdicts.jsonl"))).containsExactly(
                "scenarioId", "condition", "clauseId", "tier", "loser", "loserTier", "kind", "strategy", "target", "judge", "template", "grade", "failure", "score",
                "refusal", "reasoning", "error", "samples", "collateral");
        assertThat(fields(run.resolve("evals/rejected.jsonl"))).containsExactly("stage", "clauseId", "kind", "scenarioId", "reason");
        JsonNode top = Json.MAPPER.readTree(run.resolve("evals/run.json").toFile());
        assertThat(names(top)).containsExactly("target", "trained", "judge", "judgeSamples", "conditions", "templates", "unusableRelevance");
        assertThat(Files.exists(run.resolve("evals/summary.json"))).as("figures have one home: the report").isFalse();
    }

    @Test
    void anAttackScenarioIsAnsweredOnceWhenPromptedAndAttackedBothRun(@TempDir Path run, @TempDir Path alone) {
        ScriptedModel gen = ScriptedModel.answering("test:gen", GenerationTest::generator);
        var options = new Evals.GenerateOptions(ClauseSelection.of("safe-1", 0, 0),
                new ScenarioGenerator.Settings(2, List.of(ScenarioKind.DIRECT, ScenarioKind.ATTACK), 0, 0.8, 2048), false, Dedupe.DEFAULT_THRESHOLD);
        Evals.generate(run, C, gen, gen, options, StageProgress.NONE);
        ScriptedModel target = ScriptedModel.answering("test:target", EvalsPipelineTest::target);
        ScriptedModel judge = ScriptedModel.answering("test:judge", EvalsPipelineTest::judge);
        Evals.run(run, target, judge, new Evals.RunOptions(List.of(Condition.PROMPTED, Condition.ATTACKED), 1, 0.7, 256, false), StageProgress.NONE);
        List<Response> responses = Json.readLines(run.resolve("evals/responses.jsonl"), Response.class);
        List<Scenario> scenarios = new EvalFiles(run).readScenarios();
        java.util.Set<String> attacks = new java.util.HashSet<>(scenarios.stream().filter(x -> x.kind() == ScenarioKind.ATTACK).map(Scenario::id).toList());
        assertThat(attacks).hasSize(2);
        assertThat(responses.stream().filter(r -> attacks.contains(r.scenarioId())).map(Response::condition)).containsOnly(Condition.PROMPTED).hasSize(2);
        assertThat(responses).hasSize(2 * 2 + 2);

        // rerun alone, attacked keeps the prompted answers and still counts each attack scenario once, under prompted
        Evals.run(run, target, judge, new Evals.RunOptions(List.of(Condition.ATTACKED), 1, 0.7, 256, false), StageProgress.NONE);
        List<Response> merged = Json.readLines(run.resolve("evals/responses.jsonl"), Response.class);
        assertThat(merged).hasSize(2 * 2 + 2);
        assertThat(merged.stream().filter(r -> attacks.contains(r.scenarioId())).map(Response::condition)).containsOnly(Condition.PROMPTED);

        // in a run without prompted answers, the attacked condition answers them
        Evals.generate(alone, C, gen, gen, options, StageProgress.NONE);
        Evals.run(alone, target, judge, new Evals.RunOptions(List.of(Condition.ATTACKED), 1, 0.7, 256, false), StageProgress.NONE);
        assertThat(Json.readLines(alone.resolve("evals/responses.jsonl"), Response.class)).hasSize(4);
    }

    private static List<String> fields(Path jsonl) throws Exception {
        List<String> lines = Files.readAllLines(jsonl);
        return lines.isEmpty() ? List.of() : names(Json.MAPPER.readTree(lines.getFirst()));
    }

    private static List<String> names(JsonNode node) {
        List<String> out = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void judgeMayNotBeTheTargetUnlessAllowed(@TempDir Path run) {
        ScriptedModel same = ScriptedModel.answering("test:same", EvalsPipelineTest::judge);
        assertThatThrownBy(() -> Evals.run(run, same, ScriptedModel.answering("test:same", EvalsPipelineTest::judge), Evals.RunOptions.defaults(), StageProgress.NONE))
                .isInstanceOf(InputError.class).hasMessageContaining("--allow-self-judge");
    }

    @Test
    void runWithoutScenariosIsAnInputError(@TempDir Path run) {
        assertThatThrownBy(() -> Evals.run(run, ScriptedModel.answering("test:t", r -> ""), ScriptedModel.answering("test:j", r -> ""), Evals.RunOptions.defaults(), StageProgress.NONE))
                .isInstanceOf(InputError.class).hasMessageContaining("evals generate");
    }

    @Test
    void exportsCarryEveryScenario(@TempDir Path run) throws Exception {
        ScriptedModel gen = ScriptedModel.answering("test:gen", GenerationTest::generator);
        var options = new Evals.GenerateOptions(ClauseSelection.of("safe-1", 0, 0),
                new ScenarioGenerator.Settings(2, List.of(ScenarioKind.DIRECT, ScenarioKind.ATTACK), 0, 0.8, 2048), false, Dedupe.DEFAULT_THRESHOLD);
        Evals.generate(run, C, gen, gen, options, StageProgress.NONE);
        List<Scenario> scenarios = new EvalFiles(run).readScenarios();

        String yaml = ScenarioExport.PROMPTFOO.render(C, scenarios, Condition.PROMPTED);
        JsonNode pf = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(yaml);
        assertThat(pf.at("/prompts/0/raw").asText()).isEqualTo("{{ messages | dump }}");
        assertThat(pf.get("tests")).hasSize(4);
        JsonNode test = pf.at("/tests/0");
        assertThat(test.at("/assert/0/type").asText()).isEqualTo("llm-rubric");
        assertThat(test.at("/assert/0/value").asText()).contains("Never give instructions for making weapons.");
        assertThat(test.at("/vars/messages/0/role").asText()).isEqualTo("system");
        assertThat(test.at("/metadata/scenario_id").asText()).isEqualTo(scenarios.getFirst().id());

        String jsonl = ScenarioExport.INSPECT.render(C, scenarios, Condition.BARE);
        List<String> lines = jsonl.lines().toList();
        assertThat(lines).hasSize(4);
        JsonNode first = Json.MAPPER.readTree(lines.getFirst());
        assertThat(first.get("id").asText()).isEqualTo(scenarios.getFirst().id());
        assertThat(first.at("/input/0/role").asText()).isEqualTo("user");
        assertThat(first.get("target").asText()).contains("Adherence looks like");
        assertThat(first.at("/metadata/kind").asText()).isEqualTo(scenarios.getFirst().kind().json());
    }
}
