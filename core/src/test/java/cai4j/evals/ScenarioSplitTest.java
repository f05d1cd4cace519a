package cai4j.evals;

import static org.assertj.core.api.Assertions.assertThat;

import cai4j.Json;
import cai4j.data.Prompt;
import cai4j.data.PromptFile;
import cai4j.model.Message;
import cai4j.scheduler.StageProgress;
import cai4j.testmodel.ScriptedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training prompts and evaluation scenarios share no scenario, and the run records which is which. */
class ScenarioSplitTest {

    static Scenario direct(String clause, int n) {
        String request = "request " + n + " about " + clause;
        return new Scenario(Scenario.idFor(clause, ScenarioKind.DIRECT, "", request), List.of(clause), ScenarioKind.DIRECT, "", request,
                List.of(Message.user(request)), "declines", "complies", "test:gen", "t@1");
    }

    @Test
    void eachClauseGivesAShareToTrainingAndKeepsTheRestForTheEvaluation() {
        List<Scenario> all = new ArrayList<>();
        for (int i = 0; i < 8; i++) all.add(direct("safe-1", i));
        for (int i = 0; i < 3; i++) all.add(direct("safe-2", i));
        all.add(direct("help-1", 0));
        ScenarioSplit split = ScenarioSplit.of(all, 0.25, 0, 7);

        assertThat(split.clauses().get("safe-1")).isEqualTo(new ScenarioSplit.Counts(2, 6));
        assertThat(split.clauses().get("safe-2")).isEqualTo(new ScenarioSplit.Counts(1, 2));
        // a clause with a single scenario keeps it: every clause stays evaluated
        assertThat(split.clauses().get("help-1")).isEqualTo(new ScenarioSplit.Counts(0, 1));
        Set<Scenario> train = new HashSet<>(split.training(all)), eval = new HashSet<>(split.evaluation(all));
        assertThat(train).doesNotContainAnyElementsOf(eval);
        assertThat(train.size() + eval.size()).isEqualTo(all.size());
        // the same seed splits the same way; another seed may not
        assertThat(ScenarioSplit.of(all, 0.25, 0, 7).train()).isEqualTo(split.train());
    }

    @Test
    void aLimitTakesOneScenarioOfEveryClauseBeforeASecondOfAny() {
        List<Scenario> all = new ArrayList<>();
        for (String clause : List.of("a", "b", "c")) for (int i = 0; i < 8; i++) all.add(direct(clause, i));
        ScenarioSplit split = ScenarioSplit.of(all, 0.5, 4, 0);
        assertThat(split.train()).hasSize(4);
        assertThat(split.clauses().values()).extracting(ScenarioSplit.Counts::train).containsExactlyInAnyOrder(2, 1, 1);
    }

    @Test
    void theEvaluationNeverGradesATrainingPromptAndTheDataReadsOnlyThose(@TempDir Path run) throws Exception {
        ScriptedModel gen = ScriptedModel.answering("test:gen", GenerationTest::generator);
        ScriptedModel judge = ScriptedModel.answering("test:judge", EvalsPipelineTest::judge);
        var options = new Evals.GenerateOptions(ClauseSelection.ALL,
                new ScenarioGenerator.Settings(2, List.of(ScenarioKind.DIRECT, ScenarioKind.BENIGN, ScenarioKind.CONFLICT), 0, 0.8, 2048), true, Dedupe.DEFAULT_THRESHOLD);
        Evals.generate(run, EvalsPipelineTest.C, gen, judge, options, StageProgress.NONE);
        EvalFiles files = new EvalFiles(run);
        List<Scenario> all = files.readScenarios();
        ScenarioSplit split = ScenarioSplit.of(all, 0.25, 0, 0);
        split.write(files);

        // recorded in the run
        ScenarioSplit recorded = ScenarioSplit.read(files).orElseThrow();
        assertThat(recorded).isEqualTo(split);
        assertThat(Files.readString(files.split())).contains("\"train\"", "\"clauses\"");
        assertThat(split.train()).isNotEmpty();

        ScriptedModel target = ScriptedModel.answering("test:target", EvalsPipelineTest::target);
        Evals.run(run, target, judge, new Evals.RunOptions(List.of(Condition.BARE), 1, 0.7, 256, false), StageProgress.NONE);
        List<String> graded = Json.readLines(files.responses(), Response.class).stream().map(Response::scenarioId).toList();
        assertThat(graded).hasSize(all.size() - split.train().size()).doesNotContainAnyElementsOf(split.train());

        // the data commands read a split run's training scenarios alone
        List<Prompt> prompts = PromptFile.read(run, false).prompts();
        Set<List<Message>> trainMessages = new HashSet<>(split.training(all).stream().map(Scenario::messages).toList());
        Set<List<Message>> evalMessages = new HashSet<>(split.evaluation(all).stream().map(Scenario::messages).toList());
        assertThat(prompts).isNotEmpty().allSatisfy(p -> {
            assertThat(trainMessages).contains(p.messages());
            assertThat(evalMessages).doesNotContain(p.messages());
        });

        // writing scenarios again drops the split of the old ones
        Evals.generate(run, EvalsPipelineTest.C, gen, judge, options, StageProgress.NONE);
        assertThat(files.split()).doesNotExist();
    }
}
