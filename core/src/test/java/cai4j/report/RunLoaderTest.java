package cai4j.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cai4j.InputError;
import cai4j.Json;
import cai4j.evals.Condition;
import cai4j.evals.Summary;
import cai4j.evals.Tally;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLoaderTest {

    @TempDir
    Path run;

    @Test
    void figuresAgreeWithTheEvalsSummaryForEveryCondition() {
        SyntheticRun.Written w = SyntheticRun.write(run);
        RunReport r = RunLoader.load(run);
        Summary s = Summary.of(SyntheticRun.TARGET, SyntheticRun.JUDGE, 1, List.of(Condition.values()), w.verdicts());
        for (Condition c : Condition.values()) {
            Tally t = s.byCondition().get(c.json()).overall();
            Cell cell = r.evals().overall(c.json());
            assertThat(cell.pass()).isEqualTo(t.pass());
            assertThat(cell.fail()).isEqualTo(t.fail());
            assertThat(cell.graderErrors()).isEqualTo(t.graderErrors());
            assertThat(cell.adherence()).isEqualTo(t.adherence());
            assertThat(cell.overRefusal()).isEqualTo(t.overRefusal());
        }
        s.clauses().forEach((clause, t) -> assertThat(r.evals().cell(Cell.Dimension.CLAUSE, clause, Cell.ALL).orElseThrow().adherence())
                .isEqualTo(t.adherence()));
        assertThat(r.evals().overall(Cell.ALL).graderErrors()).isEqualTo(w.graderErrors()).isPositive();
    }

    @Test
    void rowsJoinScenarioAnswerAndVerdict() {
        SyntheticRun.Written w = SyntheticRun.write(run);
        RunReport r = RunLoader.load(run);
        assertThat(r.evals().rows()).hasSize(w.responses().size());
        ScenarioRow hostile = r.evals().rows().stream()
                .filter(x -> x.scenarioId().equals(w.hostileScenario()) && x.condition().equals("bare")).findFirst().orElseThrow();
        assertThat(hostile.answer()).isEqualTo(SyntheticRun.HOSTILE);
        assertThat(hostile.outcome()).isEqualTo(ScenarioRow.GRADER_ERROR);
        assertThat(hostile.judgeAnswer()).contains("</script>");
        assertThat(hostile.expected()).startsWith("Follows");
        assertThat(r.evals().tiers()).containsExactly("safe", "ethical", "helpful");
        assertThat(r.evals().conditions()).containsExactly("bare", "prompted", "attacked");
        assertThat(r.evals().clauses()).extracting(EvalsFigures.ClauseInfo::id).containsExactly("c-1", "c-2", "c-3", "c-4", "c-5", "c-6");
        assertThat(r.evals().target()).isEqualTo(SyntheticRun.TARGET);
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void usageNamesStagesFromTheirTemplates() {
        SyntheticRun.Written w = SyntheticRun.write(run);
        RunReport r = RunLoader.load(run);
        assertThat(r.usage()).extracting(StageUsage::stage).containsExactly("target", "judge", "prefs-choice");
        StageUsage target = r.usage().getFirst();
        assertThat(target.calls()).isEqualTo(w.responses().size());
        assertThat(target.inputTokens()).isEqualTo(120L * w.responses().size());
        assertThat(r.usage().get(1).costUsd()).isCloseTo(0.002 * w.verdicts().size(), org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void trainingDataAndCalibrationAreRead() {
        SyntheticRun.write(run);
        RunReport r = RunLoader.load(run);
        assertThat(r.data()).extracting(DataSet::kind).containsExactly("sft", "prefs");
        DataSet prefs = r.data().get(1);
        assertThat(prefs.records()).isEqualTo(40);
        assertThat(prefs.softLabels()).hasSize(40).allSatisfy(x -> assertThat(x).isBetween(0.5, 1.0));
        assertThat(prefs.examples()).hasSize(RunLoader.EXAMPLES);
        assertThat(prefs.examples().getFirst().alternative()).contains("neighbour");
        assertThat(r.calibrations()).singleElement().satisfies(c -> assertThat(c.accuracy().count()).isEqualTo(97));
    }

    @Test
    void missingFilesLeaveTheirSectionEmpty() throws Exception {
        Files.createDirectories(run.resolve("evals"));
        RunReport r = RunLoader.load(run);
        assertThat(r.isEmpty()).isTrue();
        assertThat(r.problems()).isEmpty();
        assertThat(TerminalSummary.render(r)).isEmpty();
    }

    @Test
    void aBrokenFileIsAProblemNotAFailure() throws Exception {
        SyntheticRun.write(run);
        Files.writeString(run.resolve("data/sft.jsonl"), "{not json\n");
        Files.writeString(run.resolve("calibration.json"), "[");
        RunReport r = RunLoader.load(run);
        assertThat(r.evals().isEmpty()).isFalse();
        assertThat(r.data()).extracting(DataSet::kind).containsExactly("prefs");
        assertThat(r.problems()).hasSize(2).anySatisfy(p -> assertThat(p).contains("sft.jsonl", "line 1"))
                .anySatisfy(p -> assertThat(p).contains("calibration.json"));
    }

    @Test
    void aMissingRunDirectoryIsBadInput() {
        assertThatThrownBy(() -> RunLoader.load(run.resolve("nope"))).isInstanceOf(InputError.class).hasMessageContaining("nope");
    }

    @Test
    void summaryFileKeepsTheEvalsKeyAndAddsTheReport() throws Exception {
        SyntheticRun.write(run);
        RunReport r = RunLoader.load(run);
        SummaryFile.write(r, run.resolve("summary.json"));
        JsonNode root = Json.MAPPER.readTree(run.resolve("summary.json").toFile());
        assertThat(root.has("evals")).isTrue();
        JsonNode rep = root.path("report");
        assertThat(rep.path("evals").path("overall").path("prompted").path("adherence").path("n").asInt())
                .isEqualTo(r.evals().overall("prompted").adherence().n());
        assertThat(rep.path("evals").path("clauses").path("c-1").path("bare").path("adherence").has("low")).isTrue();
        assertThat(rep.path("evals").path("graderErrors").asInt()).isPositive();
        assertThat(rep.path("data").path("prefs").path("softLabels").path("bins")).hasSize(SummaryFile.BINS);
        assertThat(rep.path("usage").path("total").path("calls").asLong()).isEqualTo(r.usage().stream().mapToLong(StageUsage::calls).sum());
        assertThat(rep.path("calibration").path(0).path("positionBias").path("count").asInt()).isEqualTo(9);
    }

    @Test
    void histogramPutsOneInTheLastBin() {
        assertThat(SummaryFile.histogram(List.of(0.0, 0.5, 0.999, 1.0))).containsExactly(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2);
    }

    @Test
    void terminalSummaryShowsEachConditionWithItsInterval() {
        SyntheticRun.write(run);
        StringWriter out = new StringWriter();
        TerminalSummary.print(run, new PrintWriter(out));
        String text = out.toString();
        assertThat(text).contains("target " + SyntheticRun.TARGET).contains("weakest clauses").contains("grader errors")
                .contains("training data: sft 12 prefs 40").contains("judge calibration");
        assertThat(text.lines().filter(l -> l.strip().startsWith("prompted")).findFirst().orElseThrow()).matches(".*adherence \\d+\\.\\d% \\[\\d+\\.\\d, \\d+\\.\\d\\] \\(\\d+/\\d+\\).*");
    }
}
