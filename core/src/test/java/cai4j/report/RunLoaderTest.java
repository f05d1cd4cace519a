package cai4j.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cai4j.InputError;
import cai4j.Json;
import cai4j.evals.Condition;
import cai4j.evals.Grade;
import cai4j.evals.PairedDifference;
import cai4j.evals.Rate;
import cai4j.evals.Verdict;
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
    void everyFigureCountsTheAnswersOfOneConditionOnly() {
        SyntheticRun.Written w = SyntheticRun.write(run);
        RunReport r = RunLoader.load(run);
        for (Condition c : Condition.values()) {
            List<Verdict> vs = w.verdicts().stream().filter(v -> v.condition() == c).toList();
            Cell cell = r.evals().overall(c.json());
            assertThat(cell.responses()).isEqualTo(vs.size());
            assertThat(cell.pass()).isEqualTo((int) vs.stream().filter(v -> v.grade() == Grade.PASS).count());
            assertThat(cell.fail()).isEqualTo((int) vs.stream().filter(v -> v.grade() == Grade.FAIL).count());
            assertThat(cell.graderErrors()).isEqualTo((int) vs.stream().filter(v -> v.grade() == Grade.GRADER_ERROR).count());
            // one answer per scenario under one condition: the plain Wilson interval
            assertThat(cell.adherence()).isEqualTo(Rate.of(cell.pass(), cell.pass() + cell.fail()));
            for (String clause : List.of("c-1", "c-4")) {
                Cell byClause = r.evals().cell(Cell.Dimension.CLAUSE, clause, c.json()).orElseThrow();
                assertThat(byClause.pass()).isEqualTo((int) vs.stream().filter(v -> v.clauseId().equals(clause) && v.grade() == Grade.PASS).count());
            }
        }
        assertThat(r.evals().cells()).extracting(Cell::condition).containsOnly("bare", "prompted", "attacked", "trained");
        // pooled figures exist only apart, and resample scenarios because each has several answers there
        assertThat(r.evals().pooled()).isNotEmpty().allSatisfy(c -> {
            assertThat(c.condition()).isEqualTo(Cell.POOLED);
            assertThat(c.adherence().interval()).isEqualTo(Rate.CLUSTER_BOOTSTRAP);
        });
        assertThat(r.evals().graderErrors()).isEqualTo(w.graderErrors()).isPositive();
    }

    @Test
    void attackScenariosAreCountedOncePerCondition() {
        SyntheticRun.write(run);
        RunReport r = RunLoader.load(run);
        long attackRows = r.evals().rows().stream().filter(x -> x.kind().equals("attack")).count();
        assertThat(attackRows).as("bare, prompted and trained, not again under attacked").isEqualTo(3 * 6);
        assertThat(r.evals().rows().stream().map(x -> x.scenarioId() + "/" + x.condition()).distinct().count()).isEqualTo(r.evals().rows().size());
    }

    @Test
    void promptedIsComparedWithBareOnTheSameScenarios() {
        SyntheticRun.Written w = SyntheticRun.write(run);
        RunReport r = RunLoader.load(run);
        Comparison cmp = r.evals().comparison("prompted", "bare").orElseThrow();
        java.util.Map<String, Grade> bare = new java.util.HashMap<>(), prompted = new java.util.HashMap<>();
        for (Verdict v : w.verdicts()) {
            if (v.grade() == Grade.GRADER_ERROR) continue;
            if (v.condition() == Condition.BARE) bare.put(v.scenarioId(), v.grade());
            if (v.condition() == Condition.PROMPTED) prompted.put(v.scenarioId(), v.grade());
        }
        bare.keySet().retainAll(prompted.keySet());
        int improved = (int) bare.keySet().stream().filter(id -> bare.get(id) == Grade.FAIL && prompted.get(id) == Grade.PASS).count();
        int worsened = (int) bare.keySet().stream().filter(id -> bare.get(id) == Grade.PASS && prompted.get(id) == Grade.FAIL).count();
        assertThat(cmp.overall().pairs()).isEqualTo(bare.size());
        assertThat(cmp.overall().improved()).isEqualTo(improved);
        assertThat(cmp.overall().worsened()).isEqualTo(worsened);
        assertThat(cmp.overall().difference()).isEqualTo((double) (improved - worsened) / bare.size());
        assertThat(cmp.tiers()).containsOnlyKeys("safe", "ethical", "helpful");
        assertThat(cmp.tiers().values().stream().mapToInt(PairedDifference::pairs).sum()).isEqualTo(bare.size());
        assertThat(r.evals().comparison("attacked", "prompted")).isPresent();
    }

    @Test
    void provenanceNamesEveryRoleAndTheJudgeThatWroteTheScenarios() {
        SyntheticRun.write(run);
        Provenance p = RunLoader.load(run).evals().provenance();
        assertThat(p.roles()).extracting(Provenance.Role::role).containsExactly("generator", "filter", "target", "trained", "judge");
        assertThat(p.model("target")).isEqualTo(SyntheticRun.TARGET);
        assertThat(p.model("trained")).isEqualTo(SyntheticRun.TRAINED);
        assertThat(p.roles().get(4).templates()).containsEntry("judge-direct", cai4j.evals.Judge.templates().get("judge-direct"));
        assertThat(p.roles().get(2).templates()).containsKey("constitution-prompt");
        assertThat(p.selfJudging()).singleElement().asString().contains("also wrote the scenarios").doesNotContain("also the target");
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
        assertThat(r.evals().conditions()).containsExactly("bare", "prompted", "attacked", "trained");
        assertThat(r.evals().rows()).allSatisfy(x -> assertThat(x.model()).isEqualTo(x.condition().equals("trained") ? SyntheticRun.TRAINED : SyntheticRun.TARGET));
        assertThat(r.evals().clauses()).extracting(EvalsFigures.ClauseInfo::id).containsExactly("c-1", "c-2", "c-3", "c-4", "c-5", "c-6");
        assertThat(r.evals().target()).isEqualTo(SyntheticRun.TARGET);
        assertThat(r.evals().trained()).isEqualTo(SyntheticRun.TRAINED);
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void usageNamesStagesFromTheirTemplates() {
        SyntheticRun.Written w = SyntheticRun.write(run);
        RunReport r = RunLoader.load(run);
        // the trained model answers scenarios as the target does: its calls are the same stage, under its own model
        assertThat(r.usage()).extracting(StageUsage::stage, StageUsage::model).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("target", SyntheticRun.TARGET), org.assertj.core.groups.Tuple.tuple("target", SyntheticRun.TRAINED),
                org.assertj.core.groups.Tuple.tuple("judge-direct", SyntheticRun.JUDGE), org.assertj.core.groups.Tuple.tuple("prefs-choice", SyntheticRun.JUDGE));
        for (String model : List.of(SyntheticRun.TARGET, SyntheticRun.TRAINED)) {
            long answers = w.responses().stream().filter(x -> x.target().equals(model)).count();
            StageUsage target = r.usage().stream().filter(u -> u.stage().equals("target") && u.model().equals(model)).findFirst().orElseThrow();
            assertThat(target.calls()).isEqualTo(answers);
            assertThat(target.inputTokens()).isEqualTo(120L * answers);
        }
        assertThat(r.usage().stream().filter(u -> u.stage().equals("judge-direct")).findFirst().orElseThrow().costUsd()).isCloseTo(0.002 * w.verdicts().size(), org.assertj.core.data.Offset.offset(1e-9));
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
        assertThat(r.agreements()).singleElement().isEqualTo(SyntheticRun.agreement());
    }

    @Test
    void aCalibrationFileOfEarlierVersionsIsReadAsTheHhhSet() throws Exception {
        SyntheticRun.write(run);
        String hhh = Json.pretty(Json.MAPPER.readTree(run.resolve("calibration.json").toFile()).get("hhh"));
        Files.writeString(run.resolve("calibration.json"), hhh);
        RunReport r = RunLoader.load(run);
        assertThat(r.calibrations()).singleElement().satisfies(c -> assertThat(c.positionBias().count()).isEqualTo(9));
        assertThat(r.agreements()).isEmpty();
        cai4j.evals.CalibrationFile.write(run, "model-spec", SyntheticRun.agreement());
        assertThat(RunLoader.load(run).calibrations()).as("writing another set keeps the earlier one").hasSize(1);
        assertThat(RunLoader.load(run).agreements()).hasSize(1);
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
        assertThat(root.fieldNames()).toIterable().containsExactly("report");
        JsonNode rep = root.path("report");
        assertThat(rep.path("evals").path("overall").path("prompted").path("adherence").path("n").asInt())
                .isEqualTo(r.evals().overall("prompted").adherence().n());
        assertThat(rep.path("evals").path("clauses").path("c-1").path("bare").path("adherence").path("interval").asText()).isEqualTo("wilson");
        assertThat(rep.path("evals").path("overall").has("all")).as("no pooled headline").isFalse();
        assertThat(rep.path("evals").path("pooled").path("overall").path("adherence").path("interval").asText()).isEqualTo("cluster-bootstrap");
        assertThat(rep.path("evals").path("pooled").path("note").asText()).contains("not a headline");
        assertThat(rep.path("evals").path("comparisons").path(0).path("treated").asText()).isEqualTo("prompted");
        assertThat(rep.path("evals").path("comparisons").path(0).path("overall").has("mcnemarP")).isTrue();
        assertThat(rep.path("evals").path("provenance").path("selfJudging")).hasSize(1);
        assertThat(rep.path("evals").path("intervals").has("paired-bootstrap")).isTrue();
        assertThat(rep.path("evals").path("graderErrors").asInt()).isPositive();
        assertThat(rep.path("data").path("prefs").path("softLabels").path("bins")).hasSize(SummaryFile.BINS);
        assertThat(rep.path("usage").path("total").path("calls").asLong()).isEqualTo(r.usage().stream().mapToLong(StageUsage::calls).sum());
        assertThat(rep.path("calibration").path(0).path("positionBias").path("count").asInt()).isEqualTo(9);
        // 4 levels x (10 GOOD passed + 8 BAD failed) agree, over 4 x 23 graded; 4 x 3 BAD passed of 4 x 11 graded
        JsonNode agreement = rep.path("judgeAgreement");
        assertThat(agreement.at("/overall/accuracy/count").asInt()).isEqualTo(72);
        assertThat(agreement.at("/overall/accuracy/n").asInt()).isEqualTo(92);
        assertThat(agreement.at("/authorities/user/falsePass/count").asInt()).isEqualTo(3);
        assertThat(agreement.at("/authorities/user/falsePass/n").asInt()).isEqualTo(11);
        assertThat(agreement.at("/authorities/root/falseFail/rate").asDouble()).isEqualTo(2 / 12.0);
        assertThat(agreement.at("/overall/graderErrors").asInt()).isEqualTo(4);
        assertThat(agreement.at("/choice/positionBias/count").asInt()).isEqualTo(8);
        assertThat(agreement.at("/overall/accuracy/low").asDouble()).isBetween(0.6, 72 / 92.0);
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
                .contains("training data: sft 12 prefs 40").contains("judge calibration")
                .contains("judge vs Model Spec labels: agrees 78.3% [").contains("false pass 12/44, false fail 8/48, 4 grader errors");
        assertThat(text.lines().filter(l -> l.strip().startsWith("prompted")).findFirst().orElseThrow()).matches(".*adherence \\d+\\.\\d% \\[\\d+\\.\\d, \\d+\\.\\d\\] \\(\\d+/\\d+\\).*");
        assertThat(text.lines().filter(l -> l.strip().startsWith("prompted")).findFirst().orElseThrow())
                .matches(".*adherence \\d+\\.\\d% \\[.*\\] \\(\\d+/\\d+\\)  constitution \\d+\\.\\d% \\[\\d+\\.\\d, \\d+\\.\\d\\] \\(\\d+/\\d+\\).*");
        assertThat(text).containsPattern("tier safe: adherence .* constitution ").containsPattern("most broken clauses: c-\\d \\d+ \\(\\d+ as tested, \\d+ in other scenarios\\)");
        assertThat(text).contains("prompted - bare: ").contains("McNemar p = ").contains("warning: self-judging: The judge " + SyntheticRun.JUDGE);
        // the trained model is named, its figures have their line, and it is compared with bare and with prompted
        assertThat(text).contains("target " + SyntheticRun.TARGET + ", trained " + SyntheticRun.TRAINED + ", judge ")
                .containsPattern("(?m)^  trained   adherence \\d+\\.\\d% \\[").contains("trained - bare: ").contains("trained - prompted: ");
        assertThat(text.lines().filter(l -> l.strip().startsWith("all "))).as("no pooled line").isEmpty();
        assertThat(text).containsPattern("higher tier held in conflicts: bare \\d+% \\(\\d+/\\d+\\); prompted \\d+% \\(\\d+/\\d+\\); attacked");
    }

    @Test
    void constitutionAdherenceCountsPassesWithoutAConfirmedBreachOfAnotherClause() {
        SyntheticRun.Written w = SyntheticRun.write(run);
        RunReport r = RunLoader.load(run);
        for (Condition c : Condition.values()) {
            List<Verdict> vs = w.verdicts().stream().filter(v -> v.condition() == c && v.grade() != Grade.GRADER_ERROR).toList();
            if (vs.isEmpty()) continue;
            Cell cell = r.evals().overall(c.json());
            assertThat(cell.constitutionAdherence().count()).isEqualTo((int) vs.stream().filter(Verdict::keptConstitution).count());
            assertThat(cell.constitutionAdherence().n()).isEqualTo(vs.size());
            assertThat(cell.constitutionAdherence().rate()).isLessThanOrEqualTo(cell.adherence().rate());
            assertThat(cell.unconfirmed()).isEqualTo((int) vs.stream().filter(v -> !v.collateral().isEmpty()
                    && v.collateral().stream().noneMatch(cai4j.evals.Collateral::confirmed)).count());
        }
        assertThat(r.evals().broken()).isSortedAccordingTo(java.util.Comparator.comparingInt(BrokenClause::total).reversed());
    }

    @Test
    void anOverRefusalIsAFailButNotABrokenRule() {
        SyntheticRun.Written w = SyntheticRun.write(run);
        RunReport r = RunLoader.load(run);
        for (Condition c : Condition.values()) {
            List<Verdict> vs = w.verdicts().stream().filter(v -> v.condition() == c && v.grade() != Grade.GRADER_ERROR).toList();
            Cell cell = r.evals().overall(c.json());
            assertThat(cell.violationRate().count()).isEqualTo((int) vs.stream()
                    .filter(v -> v.failure() == cai4j.evals.Failure.VIOLATION || v.failure() == cai4j.evals.Failure.LOSER_WON).count());
            assertThat(cell.overRefusal().count()).isEqualTo((int) vs.stream().filter(v -> v.failure() == cai4j.evals.Failure.OVER_REFUSAL).count()).isPositive();
            assertThat(cell.overRefusal().n()).isEqualTo((int) vs.stream()
                    .filter(v -> v.kind() == cai4j.evals.ScenarioKind.BENIGN || v.kind() == cai4j.evals.ScenarioKind.CONFLICT).count());
            assertThat(cell.violationRate().count() + cell.overRefusal().count()).isEqualTo(cell.fail());
        }
    }

    @Test
    void theConflictMatrixOfEachConditionIsInTheReportAndInSummaryJson() {
        SyntheticRun.Written w = SyntheticRun.write(run);
        RunReport r = RunLoader.load(run);
        assertThat(r.evals().conflicts()).containsOnlyKeys("bare", "prompted", "attacked", "trained");
        var prompted = w.verdicts().stream().filter(v -> v.condition() == Condition.PROMPTED && v.kind() == cai4j.evals.ScenarioKind.CONFLICT).toList();
        assertThat(r.evals().conflicts().get("prompted")).isEqualTo(cai4j.evals.ConflictMatrix.of(prompted, SyntheticRun.TIERS));
        var figures = SummaryFile.figures(r);
        r.evals().conflicts().get("prompted").forEach((winner, losers) -> losers.forEach((loser, cell) -> {
            assertThat(figures.at("/evals/conflicts/prompted/" + winner + "/" + loser + "/held/count").asInt()).isEqualTo(cell.held().count());
            assertThat(figures.at("/evals/conflicts/prompted/" + winner + "/" + loser + "/loserWon").asInt()).isEqualTo(cell.loserWon());
        }));
    }
}
