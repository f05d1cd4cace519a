package cai4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cai4j.Json;
import cai4j.report.RunLoader;
import cai4j.report.SyntheticRun;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {}

    static Result cai4j(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void writesAPageThatCarriesEChartsAndItsDataAndASummaryBesideIt() throws Exception {
        Path run = dir.resolve("run");
        SyntheticRun.write(run);
        Result r = cai4j("report", run.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("adherence").contains("report.html");
        String html = Files.readString(run.resolve("report.html"));
        assertThat(html).contains("<script type=\"application/json\" id=\"report-data\">").contains("echarts");
        assertThat(html.length()).isLessThan(2_500_000);
        JsonNode summary = Json.MAPPER.readTree(run.resolve("summary.json").toFile());
        assertThat(summary.has("evals")).as("one set of figures, the report's").isFalse();
        assertThat(summary.path("report").path("evals").path("overall").has("prompted")).isTrue();
    }

    @Test
    void hostileTextCannotLeaveTheDataBlock() throws Exception {
        Path run = dir.resolve("run");
        SyntheticRun.write(run);
        assertThat(cai4j("report", run.toString(), "-o", dir.resolve("out/page.html").toString()).code()).isZero();
        String html = Files.readString(dir.resolve("out/page.html"));
        assertThat(dir.resolve("out/summary.json")).exists();
        Matcher m = Pattern.compile("<script type=\"application/json\" id=\"report-data\">(.*?)</script>", Pattern.DOTALL).matcher(html);
        assertThat(m.find()).isTrue();
        String block = m.group(1);
        assertThat(block).doesNotContain("<").doesNotContain(">");
        // the JSON still says exactly what the model wrote
        JsonNode data = Json.MAPPER.readTree(block);
        assertThat(data.path("report").path("evals").path("rows").findValuesAsText("answer")).contains(SyntheticRun.HOSTILE);
        // three script elements: the data, ECharts, the page; nothing a model wrote opened a fourth
        assertThat(Pattern.compile("<script").matcher(html).results().count()).isEqualTo(3);
    }

    @Test
    void longTextsAreCutSoTheFileStaysSmall() {
        assertThat(ReportPage.cut("x".repeat(50), 10)).startsWith("x".repeat(10) + "\n… [40 more characters");
        assertThat(ReportPage.cut("short", 10)).isEqualTo("short");
        assertThat(ReportPage.scriptSafeJson("{\"a\":\"</script>&\u2028\"}")).isEqualTo("{\"a\":\"\\u003c/script\\u003e\\u0026\\u2028\"}");
    }

    @Test
    void anEmptyRunIsBadInput() throws Exception {
        Files.createDirectories(dir.resolve("empty"));
        Result r = cai4j("report", dir.resolve("empty").toString());
        assertThat(r.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err()).contains("nothing to report").doesNotContain("Exception");
        Result missing = cai4j("report", dir.resolve("absent").toString());
        assertThat(missing.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(missing.err()).contains("does not exist");
    }

    @Test
    void pageOfARunWithOnlyTrainingDataLeavesEvalsOut() throws Exception {
        Path run = dir.resolve("run");
        SyntheticRun.write(run);
        Files.delete(run.resolve("evals/verdicts.jsonl"));
        Files.delete(run.resolve("evals/responses.jsonl"));
        var report = RunLoader.load(run);
        assertThat(report.evals().isEmpty()).isTrue();
        assertThat(report.problems()).anySatisfy(p -> assertThat(p).contains("no target has answered"));
        assertThat(cai4j("report", run.toString()).code()).isZero();
    }
}
