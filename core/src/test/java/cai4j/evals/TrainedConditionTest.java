package cai4j.evals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cai4j.InputError;
import cai4j.Json;
import cai4j.constitution.Constitution;
import cai4j.constitution.ConstitutionPrompt;
import cai4j.model.ChatRequest;
import cai4j.model.Message;
import cai4j.report.EvalsFigures;
import cai4j.report.RunLoader;
import cai4j.report.SummaryFile;
import cai4j.scheduler.StageProgress;
import cai4j.testmodel.ScriptedModel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trained condition: the model trained on the run's data answers the graded scenarios without
 * the constitution, beside the base model bare and prompted, and several models answer into one
 * run directory without replacing each other.
 */
class TrainedConditionTest {
    static final Constitution C = Fixtures.constitution();
    static final String COMPLY = "Sure! Step 1: ...", DECLINE = "I can't help with that, but here is something safe.";

    /**
     * A trained model that learnt the safe tier but not the helpful one: it declines every
     * non-benign request on weapons and privacy and helps with benign ones, and it complies with
     * every request on answers (the helpful clause), direct or benign.
     */
    static String trained(ChatRequest r) {
        String p = ScriptedModel.last(r);
        return p.contains("benign") || p.contains("about answers") || p.contains("on answers") ? COMPLY : DECLINE;
    }

    static final Evals.RunOptions BARE_PROMPTED = new Evals.RunOptions(List.of(Condition.BARE, Condition.PROMPTED), 1, 0.7, 256, false);

    /** 16 scenarios: direct and benign for each of the 3 clauses (2 each), and 2 conflicts for each of the two safe-vs-helpful pairs. */
    static void generate(Path run) {
        ScriptedModel gen = ScriptedModel.answering("test:gen", GenerationTest::generator);
        var options = new Evals.GenerateOptions(ClauseSelection.ALL,
                new ScenarioGenerator.Settings(2, List.of(ScenarioKind.DIRECT, ScenarioKind.BENIGN, ScenarioKind.CONFLICT), 0, 0.8, 2048), false,
                Dedupe.DEFAULT_THRESHOLD);
        Evals.generate(run, C, gen, gen, options, StageProgress.NONE);
    }

    static ScriptedModel judge() {
        return ScriptedModel.answering("test:judge", EvalsPipelineTest::judge);
    }

    @Test
    void baseAndTrainedModelsGiveTheExpectedFiguresPerTierAndTheirPairedDifferences(@TempDir Path run) {
        generate(run);
        ScriptedModel base = ScriptedModel.answering("test:base", EvalsPipelineTest::target);
        ScriptedModel tuned = ScriptedModel.answering("test:base-tuned", TrainedConditionTest::trained);
        Evals.RunRecord record = Evals.run(run, base, Optional.of(tuned), judge(), BARE_PROMPTED, StageProgress.NONE);
        assertThat(record.conditions()).as("--trained implies the trained condition").containsExactly(Condition.BARE, Condition.PROMPTED, Condition.TRAINED);
        assertThat(record.trained()).isEqualTo("test:base-tuned");

        // the trained model is never given the constitution; the base model only under prompted
        assertThat(tuned.requests).hasSize(16).allSatisfy(q -> assertThat(q.messages()).extracting(Message::content)
                .noneMatch(m -> m.contains(ConstitutionPrompt.render(C))));
        EvalsFigures e = RunLoader.load(run).evals();
        assertThat(e.trained()).isEqualTo("test:base-tuned");
        assertThat(e.conditions()).containsExactly("bare", "prompted", "trained");
        assertThat(e.rows()).filteredOn(r -> r.condition().equals("trained")).hasSize(16).allSatisfy(r -> {
            assertThat(r.model()).isEqualTo("test:base-tuned");
            assertThat(r.systemPrompt()).isFalse();
        });

        // bare passes the benign requests only, prompted everything but them, trained all of the safe tier
        // and the benign half of the helpful tier (safe: 12 scenarios with the 4 conflicts; helpful: 4)
        assertThat(adherence(e, "safe")).containsExactly("4/12", "8/12", "12/12");
        assertThat(adherence(e, "helpful")).containsExactly("2/4", "2/4", "2/4");
        assertThat(List.of("bare", "prompted", "trained")).extracting(c -> e.overall(c).pass() + "/" + e.overall(c).adherence().n())
                .containsExactly("6/16", "10/16", "14/16");

        var vsBare = e.comparison("trained", "bare").orElseThrow();
        assertThat(vsBare.overall().pairs()).isEqualTo(16);
        assertThat(vsBare.overall().improved()).isEqualTo(8);
        assertThat(vsBare.overall().worsened()).isZero();
        assertThat(vsBare.overall().difference()).isEqualTo(0.5);
        assertThat(vsBare.tiers().get("safe").difference()).isCloseTo(8.0 / 12, Offset.offset(1e-12));
        assertThat(vsBare.tiers().get("helpful").difference()).isZero();
        assertThat(vsBare.overall().low()).isPositive(); // 8 improved, none worsened: every resample is above 0

        var vsPrompted = e.comparison("trained", "prompted").orElseThrow();
        assertThat(vsPrompted.overall().improved()).isEqualTo(6);
        assertThat(vsPrompted.overall().worsened()).isEqualTo(2);
        assertThat(vsPrompted.overall().difference()).isEqualTo(0.25);
        assertThat(vsPrompted.tiers().get("safe").improved()).isEqualTo(4);
        assertThat(vsPrompted.tiers().get("helpful").improved()).isEqualTo(2);
        assertThat(vsPrompted.tiers().get("helpful").worsened()).isEqualTo(2);
        assertThat(vsPrompted.overall().low()).isLessThanOrEqualTo(0.25);
        assertThat(vsPrompted.overall().high()).isGreaterThanOrEqualTo(0.25);

        // summary.json carries the same: the trained model's id, its figures and both comparisons
        ObjectNode f = SummaryFile.figures(RunLoader.load(run));
        assertThat(f.at("/evals/trained").asText()).isEqualTo("test:base-tuned");
        assertThat(f.at("/evals/tiers/safe/trained/adherence/count").asInt()).isEqualTo(12);
        List<String> compared = new ArrayList<>();
        for (JsonNode c : f.at("/evals/comparisons")) compared.add(c.path("treated").asText() + "-" + c.path("baseline").asText());
        assertThat(compared).containsExactly("prompted-bare", "trained-bare", "trained-prompted");
        assertThat(f.at("/evals/comparisons/2/tiers/helpful/worsened").asInt()).isEqualTo(2);
    }

    @Test
    void theJudgeGradesTheTrainedModelWithTheRubricsOfBare(@TempDir Path run) {
        generate(run);
        ScriptedModel judge = judge();
        // the same answers from both models: then their verdicts must be the same, graded by the same template
        ScriptedModel base = ScriptedModel.answering("test:base", r -> DECLINE), tuned = ScriptedModel.answering("test:tuned", r -> DECLINE);
        Evals.run(run, base, Optional.of(tuned), judge, new Evals.RunOptions(List.of(Condition.BARE), 1, 0.7, 256, false), StageProgress.NONE);
        List<Verdict> vs = Json.readLines(run.resolve("evals/verdicts.jsonl"), Verdict.class);
        var bare = vs.stream().filter(v -> v.condition() == Condition.BARE).toList();
        var trained = vs.stream().filter(v -> v.condition() == Condition.TRAINED).toList();
        assertThat(trained).hasSameSizeAs(bare).allSatisfy(v -> assertThat(v.target()).isEqualTo("test:tuned"));
        for (int i = 0; i < bare.size(); i++) {
            assertThat(trained.get(i).scenarioId()).isEqualTo(bare.get(i).scenarioId());
            assertThat(trained.get(i).template()).isEqualTo(bare.get(i).template());
            assertThat(trained.get(i).grade()).isEqualTo(bare.get(i).grade());
        }
        // the judge saw the same prompts for both, one per answer
        var prompts = judge.requests.stream().map(ScriptedModel::last).collect(Collectors.groupingBy(p -> p, Collectors.counting()));
        assertThat(prompts.values()).containsOnly(2L);
    }

    @Test
    void theTrainedConditionNeverIncludesATrainingPrompt(@TempDir Path run) {
        generate(run);
        EvalFiles files = new EvalFiles(run);
        ScenarioSplit split = ScenarioSplit.of(files.readScenarios(), 0.25, 0, 3);
        split.write(files);
        Set<String> held = Set.copyOf(split.train());
        assertThat(held).isNotEmpty();
        Set<String> heldPrompts = files.readTrainingScenarios().orElseThrow().stream().map(Scenario::prompt).collect(Collectors.toSet());

        ScriptedModel tuned = ScriptedModel.answering("test:tuned", TrainedConditionTest::trained);
        Evals.run(run, ScriptedModel.answering("test:base", EvalsPipelineTest::target), Optional.of(tuned), judge(),
                new Evals.RunOptions(List.of(Condition.TRAINED), 1, 0.7, 256, false), StageProgress.NONE);
        assertThat(tuned.requests).hasSize(16 - held.size())
                .allSatisfy(q -> assertThat(heldPrompts).doesNotContain(ScriptedModel.last(q)));
        assertThat(Json.readLines(files.responses(), Response.class)).extracting(Response::scenarioId).doesNotContainAnyElementsOf(held);
        assertThat(RunLoader.load(run).evals().rows()).extracting(r -> r.scenarioId()).doesNotContainAnyElementsOf(held);
    }

    @Test
    void twoTargetsInOneRunDirectoryBothSurvive(@TempDir Path run) {
        generate(run);
        ScriptedModel judge = judge();
        ScriptedModel a = ScriptedModel.answering("test:a", EvalsPipelineTest::target), b = ScriptedModel.answering("test:b", r -> COMPLY);
        Evals.run(run, a, Optional.of(ScriptedModel.answering("test:a-tuned", TrainedConditionTest::trained)), judge, BARE_PROMPTED, StageProgress.NONE);
        Evals.run(run, b, Optional.of(ScriptedModel.answering("test:b-tuned", r -> DECLINE)), judge, BARE_PROMPTED, StageProgress.NONE);

        EvalFiles files = new EvalFiles(run);
        List<Response> responses = Json.readLines(files.responses(), Response.class);
        List<Verdict> verdicts = Json.readLines(files.verdicts(), Verdict.class);
        // every model kept its 16 answers under each of its conditions, each with its verdict
        assertThat(responses.stream().collect(Collectors.groupingBy(r -> r.target() + "/" + r.condition().json(), Collectors.counting())))
                .containsOnlyKeys("test:a/bare", "test:a/prompted", "test:a-tuned/trained", "test:b/bare", "test:b/prompted", "test:b-tuned/trained")
                .allSatisfy((k, n) -> assertThat(n).isEqualTo(16L));
        assertThat(verdicts).hasSameSizeAs(responses);
        for (int i = 0; i < responses.size(); i++) {
            assertThat(verdicts.get(i).scenarioId() + verdicts.get(i).condition() + verdicts.get(i).target())
                    .isEqualTo(responses.get(i).scenarioId() + responses.get(i).condition() + responses.get(i).target());
        }
        // the report shows the latest run's models
        EvalsFigures e = RunLoader.load(run).evals();
        assertThat(e.target()).isEqualTo("test:b");
        assertThat(e.trained()).isEqualTo("test:b-tuned");
        assertThat(e.rows()).hasSize(48).allSatisfy(r -> assertThat(r.model()).isIn("test:b", "test:b-tuned"));
        assertThat(e.overall("bare").pass()).as("b complies with everything: only the benign requests pass").isEqualTo(6);

        // a rerun of a's bare answers replaces them alone; b's stay, and a's trained model from before is named again
        int before = responses.size();
        Evals.RunRecord again = Evals.run(run, a, Optional.empty(), judge, new Evals.RunOptions(List.of(Condition.BARE), 1, 0.7, 256, false), StageProgress.NONE);
        assertThat(Json.readLines(files.responses(), Response.class)).hasSize(before);
        assertThat(Json.readLines(files.verdicts(), Verdict.class)).hasSize(before);
        assertThat(again.trained()).isEqualTo("test:b-tuned");
        assertThat(again.conditions()).containsExactly(Condition.BARE, Condition.PROMPTED, Condition.TRAINED);
        EvalsFigures back = RunLoader.load(run).evals();
        assertThat(back.target()).isEqualTo("test:a");
        assertThat(back.overall("prompted").pass()).as("a's prompted answers, kept from its first run").isEqualTo(10);
    }

    @Test
    void filesWrittenBeforeVerdictsNamedTheAnsweringModelStillReadAndMerge(@TempDir Path run) throws Exception {
        generate(run);
        ScriptedModel a = ScriptedModel.answering("test:a", EvalsPipelineTest::target), judge = judge();
        Evals.run(run, a, judge, BARE_PROMPTED, StageProgress.NONE);
        EvalFiles files = new EvalFiles(run);
        // as an earlier version wrote them: verdicts without "target", run.json without "trained"
        List<String> old = new ArrayList<>();
        for (String line : Files.readAllLines(files.verdicts())) {
            ObjectNode o = (ObjectNode) Json.MAPPER.readTree(line);
            o.remove("target");
            old.add(Json.MAPPER.writeValueAsString(o));
        }
        Files.write(files.verdicts(), old);
        ObjectNode record = (ObjectNode) Json.MAPPER.readTree(files.run().toFile());
        record.remove("trained");
        Files.writeString(files.run(), record.toString());

        EvalsFigures e = RunLoader.load(run).evals();
        assertThat(e.overall("prompted").pass()).isEqualTo(10);
        assertThat(e.rows()).noneMatch(r -> r.outcome().equals("ungraded"));

        // a trained run adds to them, and the old verdicts are read as the target's own
        Evals.run(run, a, Optional.of(ScriptedModel.answering("test:a-tuned", TrainedConditionTest::trained)), judge,
                new Evals.RunOptions(List.of(Condition.TRAINED), 1, 0.7, 256, false), StageProgress.NONE);
        List<Verdict> vs = Json.readLines(files.verdicts(), Verdict.class);
        assertThat(vs).hasSize(48);
        assertThat(vs.stream().filter(v -> v.condition() != Condition.TRAINED)).allSatisfy(v -> assertThat(v.target()).isEqualTo("test:a"));
        EvalsFigures after = RunLoader.load(run).evals();
        assertThat(after.conditions()).containsExactly("bare", "prompted", "trained");
        assertThat(after.overall("trained").pass()).isEqualTo(14);
    }

    @Test
    void theTrainedConditionNeedsATrainedModelAndATrainedModelImpliesIt() {
        assertThatThrownBy(() -> new Evals.RunOptions(List.of(Condition.BARE, Condition.TRAINED), 1, 0.7, 256, false).forTrained(false))
                .isInstanceOf(InputError.class).hasMessageContaining("--trained SPEC");
        assertThat(BARE_PROMPTED.forTrained(true).conditions()).containsExactly(Condition.BARE, Condition.PROMPTED, Condition.TRAINED);
        assertThat(BARE_PROMPTED.forTrained(false)).isEqualTo(BARE_PROMPTED);
        assertThat(Condition.list("trained,bare")).containsExactly(Condition.TRAINED, Condition.BARE);
        assertThatThrownBy(() -> Condition.of("tuned")).isInstanceOf(InputError.class).hasMessageContaining("trained");
    }

    @Test
    void theJudgeMayNotBeTheTrainedModel(@TempDir Path run) {
        generate(run);
        ScriptedModel judge = judge();
        assertThatThrownBy(() -> Evals.run(run, ScriptedModel.answering("test:base", r -> COMPLY), Optional.of(judge), judge, BARE_PROMPTED, StageProgress.NONE))
                .isInstanceOf(InputError.class).hasMessageContaining("is the trained model");
        assertThat(judge.requests).isEmpty();
    }

    /** Passes over graded answers of a tier under bare, prompted and trained. */
    private static List<String> adherence(EvalsFigures e, String tier) {
        return List.of("bare", "prompted", "trained").stream().map(c -> e.cell(cai4j.report.Cell.Dimension.TIER, tier, c).orElseThrow())
                .map(c -> c.pass() + "/" + c.adherence().n()).toList();
    }
}
