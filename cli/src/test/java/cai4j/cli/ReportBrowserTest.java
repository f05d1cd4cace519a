package cai4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cai4j.report.SyntheticRun;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opens a generated report in headless Chromium and uses it as a person would. */
class ReportBrowserTest {

    @TempDir
    Path dir;

    /** Each chart with the tab it is on. */
    static final Map<String, String> CHARTS = new LinkedHashMap<>();
    static {
        for (String id : List.of("chart-tiers", "chart-heatmap", "chart-tradeoff", "chart-kinds", "chart-calibration")) CHARTS.put(id, "overview");
        for (String id : List.of("chart-data", "chart-softlabels")) CHARTS.put(id, "data");
        for (String id : List.of("chart-usage-calls", "chart-usage-tokens", "chart-usage-cost", "chart-usage-time")) CHARTS.put(id, "usage");
    }

    @Test
    void chartsRenderAndADrillDownClickShowsTheTranscriptWithoutRunningHostileText() throws Exception {
        Chromium.requireOrSkip();
        Path run = dir.resolve("run");
        SyntheticRun.Written w = SyntheticRun.write(run);
        Path page = dir.resolve("report.html");
        StringWriter out = new StringWriter(), err = new StringWriter();
        assertThat(Main.execute(new String[] {"report", run.toString(), "-o", page.toString()}, new PrintWriter(out), new PrintWriter(err)))
                .as(err.toString()).isZero();
        Path target = Path.of(ReportBrowserTest.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();

        try (Chromium browser = new Chromium(dir.resolve("profile"), 1400, 1000)) {
            browser.open(page.toUri().toString());
            assertThat(browser.eval("window.cai4jReport.tabs")).extracting(JsonNode::asText)
                    .containsExactly("overview", "scenarios", "data", "usage");

            // every chart drawn: its tab shown, its SVG measured and its shapes and labels counted
            for (String id : CHARTS.keySet()) {
                browser.eval("window.cai4jReport.showTab('" + CHARTS.get(id) + "')");
                JsonNode svg = browser.eval("(function(){var s=document.querySelector('#" + id + " svg');if(!s)return null;"
                        + "var b=s.getBoundingClientRect();return {w:b.width,h:b.height,shapes:s.querySelectorAll('path,rect').length,"
                        + "texts:s.querySelectorAll('text').length};})()");
                assertThat(svg.isObject()).as(id + " has an SVG").isTrue();
                assertThat(svg.path("w").asDouble()).as(id + " width").isGreaterThan(200);
                assertThat(svg.path("h").asDouble()).as(id + " height").isGreaterThan(150);
                assertThat(svg.path("shapes").asInt()).as(id + " shapes").isGreaterThan(8);
                assertThat(svg.path("texts").asInt()).as(id + " labels").isGreaterThan(2);
            }
            // the heat map has a labelled cell for every clause and condition, and no pooled column
            browser.eval("window.cai4jReport.showTab('overview')");
            assertThat(browser.eval("document.querySelector('#chart-heatmap svg').textContent").asText()).contains("c-6").contains("attacked")
                    .doesNotContain("all");

            // provenance: every role with its model and template versions
            JsonNode roles = browser.eval("Array.prototype.map.call(document.querySelectorAll('#provenance-table tr[data-role]'),"
                    + "function(tr){return tr.textContent;})");
            assertThat(roles).hasSize(5);
            assertThat(roles.get(0).asText()).startsWith("generator" + SyntheticRun.JUDGE).contains("generate-direct gen-v1");
            assertThat(roles.get(2).asText()).startsWith("target" + SyntheticRun.TARGET).contains("constitution-prompt");
            assertThat(roles.get(3).asText()).startsWith("trained" + SyntheticRun.TRAINED);
            assertThat(roles.get(4).asText()).startsWith("judge" + SyntheticRun.JUDGE).contains("judge-direct " + cai4j.evals.Judge.templates().get("judge-direct"));
            assertThat(browser.eval("document.getElementById('panel-provenance').getBoundingClientRect().height").asDouble()).isGreaterThan(50);
            // the self-judging banner is seen, not only written: shown, with its sentence, on every tab
            JsonNode banner = browser.eval("(function(){var b=document.getElementById('self-judging');var r=b.getBoundingClientRect();"
                    + "return {hidden:b.hidden,h:r.height,text:b.textContent,display:getComputedStyle(b).display};})()");
            assertThat(banner.path("hidden").asBoolean()).isFalse();
            assertThat(banner.path("display").asText()).isNotEqualTo("none");
            assertThat(banner.path("h").asDouble()).isGreaterThan(20);
            assertThat(banner.path("text").asText()).contains("Self-judging").contains("The judge " + SyntheticRun.JUDGE + " also wrote the scenarios");
            // the paired difference, per tier and overall, and the interval methods named
            assertThat(browser.eval("document.querySelectorAll('#comparisons-table tr[data-comparison=\"prompted-bare\"]').length").asInt()).isEqualTo(4);
            assertThat(browser.eval("document.querySelector('#comparisons-table tr[data-comparison=\"prompted-bare\"]').textContent").asText())
                    .contains("prompted \u2212 bare").contains("all tiers").containsPattern("[+\u2212]\\d+\\.\\d \\[");
            assertThat(browser.eval("document.getElementById('interval-methods').textContent").asText()).contains("Wilson").contains("cluster bootstrap by scenario")
                    .contains("McNemar");
            assertThat(browser.eval("document.getElementById('card-prompted').textContent").asText()).contains("(Wilson)");
            // the three-way view: bare, prompted and trained side by side per tier and overall, with both paired differences
            assertThat(browser.eval("document.getElementById('subtitle').textContent").asText()).contains("trained " + SyntheticRun.TRAINED);
            assertThat(browser.eval("document.getElementById('panel-trained').getBoundingClientRect().height").asDouble()).isGreaterThan(80);
            assertThat(browser.eval("document.getElementById('trained-hint').textContent").asText()).contains(SyntheticRun.TRAINED).contains(SyntheticRun.TARGET);
            assertThat(browser.eval("Array.prototype.map.call(document.querySelectorAll('#trained-table th'),function(t){return t.textContent;})"))
                    .extracting(JsonNode::asText).containsExactly("tier", "bare", "prompted", "trained", "trained \u2212 bare [95% CI]", "trained \u2212 prompted [95% CI]");
            JsonNode threeWay = browser.eval("Array.prototype.map.call(document.querySelectorAll('#trained-table tr[data-tier]'),function(tr){return tr.textContent;})");
            assertThat(threeWay).hasSize(4);
            assertThat(threeWay.get(0).asText()).startsWith("all tiers").containsPattern("(\\d+\\.\\d%.*){3}[+\u2212]\\d+\\.\\d \\[.*over \\d+");
            assertThat(threeWay.get(1).asText()).startsWith("safe");
            assertThat(browser.eval("document.querySelectorAll('#comparisons-table tr[data-comparison=\"trained-prompted\"]').length").asInt()).isEqualTo(4);
            assertThat(browser.eval("document.querySelector('#chart-tiers svg').textContent").asText()).contains("trained").contains("prompted").contains("bare");
            Files.write(target.resolve("report-screenshot.png"), browser.screenshot(1400, 2600));
            for (String tab : List.of("data", "usage")) {
                browser.eval("window.cai4jReport.showTab('" + tab + "')");
                Files.write(target.resolve("report-" + tab + ".png"), browser.screenshot(1400, 2600));
            }
            browser.eval("window.cai4jReport.showTab('overview')");
            browser.call("Emulation.setDeviceMetricsOverride", metrics(1400, 1000));

            // a real click on the heat map cell of clause c-2 under bare lists its scenarios
            JsonNode point = browser.eval("(function(){var n=document.getElementById('chart-heatmap');n.scrollIntoView({block:'center'});"
                    + "var ch=window.cai4jReport.charts['chart-heatmap'];var ys=ch.getOption().yAxis[0].data;"
                    + "var p=ch.convertToPixel({seriesIndex:0},[0, ys.indexOf('c-2')]);var b=n.getBoundingClientRect();"
                    + "return {x:b.left+p[0],y:b.top+p[1]};})()");
            browser.click(point.path("x").asDouble(), point.path("y").asDouble());
            assertThat(browser.eval("document.getElementById('tab-scenarios').hidden").asBoolean()).as("the click opened the scenarios").isFalse();
            assertThat(browser.eval("window.cai4jReport.state.clause + '/' + window.cai4jReport.state.condition").asText()).isEqualTo("c-2/bare");
            long expected = w.responses().stream().filter(r -> r.condition().json().equals("bare")
                    && w.scenarios().stream().anyMatch(s -> s.id().equals(r.scenarioId()) && s.clauseId().equals("c-2"))).count();
            assertThat(browser.eval("document.querySelectorAll('#rows tbody tr').length").asInt()).isEqualTo((int) expected);

            // a real click on the row of the hostile answer shows its transcript as text
            browser.clickElement("#rows tbody tr[data-scenario='" + w.hostileScenario() + "']");
            assertThat(browser.eval("document.getElementById('transcript-title').textContent").asText())
                    .startsWith(w.hostileScenario() + " · bare");
            assertThat(browser.eval("document.querySelector('#transcript-answer pre').textContent").asText()).isEqualTo(SyntheticRun.HOSTILE);
            assertThat(browser.eval("document.getElementById('transcript').textContent").asText())
                    .contains("conversation", "user", "Request 4 testing c-2", "grader error", "the judge's answer was not valid JSON");
            assertThat(browser.eval("document.querySelectorAll('img').length").asInt()).as("no element from a model answer").isZero();
            assertThat(browser.eval("document.querySelector('#transcript-answer .role').textContent").asText()).contains("target answer (" + SyntheticRun.TARGET + ")");
            assertThat(browser.eval("document.scripts.length").asInt()).isEqualTo(3);
            Files.write(target.resolve("report-drilldown.png"), browser.screenshot(1400, 1000));

            // the judge's agreement with human labels: a row for every response, each authority level and each kind
            assertThat(browser.eval("document.getElementById('panel-agreement').hidden").asBoolean()).isFalse();
            assertThat(browser.eval("document.querySelectorAll('#agreement-table tbody tr').length").asInt()).isEqualTo(7);
            assertThat(browser.eval("document.querySelector('#agreement-table tbody tr').textContent").asText())
                    .contains("all", "96", "78.3% [", "(72/92)", "(12/44)", "(8/48)");

            // grader errors are one click away from the overview
            browser.eval("window.cai4jReport.showTab('overview')");
            browser.clickElement("#card-grader-errors");
            assertThat(browser.eval("window.cai4jReport.state.outcome").asText()).isEqualTo("grader_error");
            assertThat(browser.eval("document.querySelectorAll('#rows tbody tr').length").asInt()).isEqualTo(w.graderErrors());

            // the tier matrix: a click on a cell lists the conflicts its winning tier had to hold
            browser.eval("window.cai4jReport.showTab('overview')");
            String cellSelector = "#conflicts-prompted td[data-winner='safe'][data-loser='ethical']";
            assertThat(browser.eval("document.querySelector(\"" + cellSelector + "\").textContent").asText())
                    .matches("(?s).*%.*\\(\\d+/\\d+\\).*pass \\d+ · lower won \\d+ · neither served \\d+.*");
            browser.clickElement(cellSelector);
            assertThat(browser.eval("[window.cai4jReport.state.kind, window.cai4jReport.state.condition, window.cai4jReport.state.tier].join('/')").asText())
                    .isEqualTo("conflict/prompted/safe");
            long wonBySafe = w.verdicts().stream().filter(v -> v.condition().json().equals("prompted") && v.kind().json().equals("conflict")
                    && v.tier().equals("safe")).count();
            assertThat(browser.eval("document.querySelectorAll('#rows tbody tr').length").asInt()).isEqualTo((int) wonBySafe);
            browser.clickElement("#rows tbody tr");
            assertThat(browser.eval("document.getElementById('transcript').textContent").asText()).contains("must win: clause c-").contains("must yield: clause c-");

            // constitution adherence beside clause adherence, and the most broken clause opens the answers that broke it
            browser.eval("window.cai4jReport.showTab('overview')");
            assertThat(browser.eval("document.querySelector('#constitution-table tr[data-condition=\"prompted\"][data-tier=\"all\"]').textContent").asText())
                    .matches("(?s)promptedall tiers.*%.*\\(\\d+/\\d+\\).*%.*\\(\\d+/\\d+\\)\\d+\\d+");
            String top = browser.eval("document.querySelector('#broken-table tr[data-clause]').getAttribute('data-clause')").asText();
            long brokeTop = w.verdicts().stream().filter(v -> (v.grade() == cai4j.evals.Grade.FAIL && v.failure() != cai4j.evals.Failure.OVER_REFUSAL && v.clauseId().equals(top))
                    || (v.grade() != cai4j.evals.Grade.GRADER_ERROR && v.collateral().stream().anyMatch(c -> c.confirmed() && c.clauseId().equals(top)))).count();
            browser.clickElement("#broken-table tr[data-clause='" + top + "']");
            assertThat(browser.eval("window.cai4jReport.state.broken").asText()).isEqualTo(top);
            assertThat(browser.eval("document.querySelectorAll('#rows tbody tr').length").asInt()).isEqualTo((int) brokeTop);

            List<String> errors = new ArrayList<>(browser.errors());
            assertThat(errors).as("console errors, exceptions and dialogs").isEmpty();
        }
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode metrics(int width, int height) {
        var m = cai4j.Json.MAPPER.createObjectNode();
        m.put("width", width).put("height", height).put("deviceScaleFactor", 1).put("mobile", false);
        return m;
    }
}
