package cai4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cai4j.Json;
import cai4j.report.Cell;
import cai4j.report.RunLoader;
import cai4j.report.RunReport;
import cai4j.report.StageUsage;
import cai4j.testserver.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report of a run the evals commands wrote through the road, against the local server. */
class ReportOfARealRunTest {

    @TempDir
    Path dir;

    @Test
    void reportReadsWhatTheEvalsCommandsWrote() throws Exception {
        Path run = dir.resolve("run");
        try (TestServer server = TestServer.start().answering(EvalsCommandTest::answer)) {
            var g = EvalsCommandTest.cli("evals", "generate", "examples/helpful-assistant.md", "--run", run.toString(), "--per-clause", "2",
                    "--kinds", "direct,attack,benign", "--clauses", "safe", "--sample", "2", "--seed", "3",
                    "--generator", server.openAiSpec("gen"), "--judge", server.openAiSpec("judge"));
            assertThat(g.code()).as(g.err()).isZero();
            var r = EvalsCommandTest.cli("evals", "run", "--run", run.toString(), "--target", server.openAiSpec("target"),
                    "--judge", server.openAiSpec("judge"));
            assertThat(r.code()).as(r.err()).isZero();
        }
        RunReport report = RunLoader.load(run);
        assertThat(report.problems()).isEmpty();
        // the figures evals run wrote are the ones the report computes
        JsonNode evals = Json.MAPPER.readTree(run.resolve("summary.json").toFile()).path("report").path("evals");
        for (String c : new String[] {"bare", "prompted", "attacked"}) {
            Cell cell = report.evals().overall(c);
            assertThat(cell.pass()).isEqualTo(evals.at("/overall/" + c + "/pass").asInt());
            assertThat(cell.fail()).isEqualTo(evals.at("/overall/" + c + "/fail").asInt());
            assertThat(cell.overRefusal().count()).isEqualTo(evals.at("/overall/" + c + "/overRefusal/count").asInt());
        }
        assertThat(report.evals().rows()).hasSize(32).allSatisfy(row -> assertThat(row.answer()).isNotEmpty());
        assertThat(report.evals().clauses()).allSatisfy(c -> assertThat(c.text()).isNotEmpty());
        assertThat(report.usage()).extracting(StageUsage::stage).contains("generate-direct", "generate-attack", "filter", "target", "judge-direct", "judge-benign");
        // an attack scenario is the same request under prompted and attacked: it is answered once (4 attack scenarios)
        assertThat(report.usage().stream().filter(u -> u.stage().equals("target")).mapToLong(StageUsage::calls).sum()).isEqualTo(32);

        var rep = EvalsCommandTest.cli("report", run.toString());
        assertThat(rep.code()).as(rep.err()).isZero();
        assertThat(rep.out()).contains("bare", "adherence", "calls");
        assertThat(Files.size(run.resolve("report.html"))).isLessThan(2_000_000);
        JsonNode summary = Json.MAPPER.readTree(run.resolve("summary.json").toFile());
        // bare, the target gives steps: a violation of every direct and attack rule, the help a benign request wanted
        assertThat(summary.at("/report/evals/overall/bare/fail").asInt()).isEqualTo(8);
    }
}
