package cai4j.cli;

import cai4j.Json;
import cai4j.model.Message;
import cai4j.report.DataSet;
import cai4j.report.EvalsFigures;
import cai4j.report.RunReport;
import cai4j.report.ScenarioRow;
import cai4j.report.SummaryFile;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a {@link RunReport} as one self-contained HTML file: the page's style and script and
 * Apache ECharts (from its WebJar on the classpath) are inlined, the report's data is a JSON
 * block, so the file opens offline and can be mailed.
 *
 * <p>Model answers are untrusted. The data block escapes every {@code <}, {@code >} and
 * {@code &} as a JSON unicode escape, so nothing in it can close the block; the page's script
 * writes text into the document with {@code textContent} only.
 */
public final class ReportPage {
    private ReportPage() {}

    /** The ECharts build inlined into every page. */
    static final String ECHARTS = "/META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";

    /** Default cap on each message, answer and reasoning text, so a large run stays small enough to mail. */
    public static final int DEFAULT_MAX_CHARS = 4000;

    private static final Pattern SLOT = Pattern.compile("\\{\\{(\\w+)}}");

    /** The page for a report, each long text cut to {@code maxChars} characters (0: never cut). */
    public static String render(RunReport report, int maxChars) {
        return render(report, maxChars, "");
    }

    /**
     * The page of a run that is not finished: what is done so far, under a notice that says so.
     *
     * @param partial what is still missing, one sentence (empty: the page of a finished run)
     */
    public static String render(RunReport report, int maxChars, String partial) {
        RunReport shown = maxChars > 0 ? shorten(report, maxChars) : report;
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.put("version", version());
        if (!partial.isEmpty()) data.put("partial", partial);
        data.put("generated", ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z", Locale.ROOT)));
        data.set("report", Json.MAPPER.valueToTree(shown));
        data.set("figures", SummaryFile.figures(report));
        Map<String, String> slots = Map.of(
                "title", html("cai4j report · " + report.run()),
                "version", html(version()),
                "css", resource("/cai4j/report/page.css"),
                "data", scriptSafeJson(Json.write(data)),
                "echarts", script(resource(ECHARTS), "ECharts"),
                "js", script(resource("/cai4j/report/page.js"), "page.js"));
        // one pass, so that nothing inserted is read again as a slot
        Matcher m = SLOT.matcher(resource("/cai4j/report/page.html"));
        StringBuilder sb = new StringBuilder(1_200_000);
        while (m.find()) {
            String value = slots.get(m.group(1));
            if (value == null) throw new IllegalStateException("page.html has an unknown slot {{" + m.group(1) + "}}");
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** The renderer a run writes its pages with: the whole page, or one marked partial while the run goes on. */
    static cai4j.run.PageRenderer renderer() {
        return new cai4j.run.PageRenderer() {
            @Override public String html(RunReport report) { return render(report, DEFAULT_MAX_CHARS); }

            @Override public String partial(RunReport report, String missing) { return render(report, DEFAULT_MAX_CHARS, missing); }
        };
    }

    /**
     * JSON that can sit inside a script element: {@code <}, {@code >} and {@code &} only occur in
     * JSON strings, where their unicode escapes mean the same; line and paragraph separators are
     * escaped for old parsers.
     */
    static String scriptSafeJson(String json) {
        StringBuilder sb = new StringBuilder(json.length() + 256);
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            switch (c) {
                case '<' -> sb.append("\\u003c");
                case '>' -> sb.append("\\u003e");
                case '&' -> sb.append("\\u0026");
                case '\u2028' -> sb.append("\\u2028");
                case '\u2029' -> sb.append("\\u2029");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Our own and the library's code go in as they are; they must not be able to end their element. */
    private static String script(String code, String what) {
        String lower = code.toLowerCase(Locale.ROOT);
        if (lower.contains("</script") || lower.contains("<!--")) {
            throw new IllegalStateException(what + " contains markup that would end its script element");
        }
        return code;
    }

    static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static String resource(String name) {
        try (InputStream in = ReportPage.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("the build lacks the resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String version() {
        return cai4j.Version.cai4j();
    }

    // ---- keeping a large run small enough to mail ----

    static RunReport shorten(RunReport r, int max) {
        EvalsFigures e = r.evals();
        List<ScenarioRow> rows = e.rows().stream().map(x -> new ScenarioRow(x.scenarioId(), x.clauseId(), x.clauseIds(), x.tier(), x.kind(),
                x.strategy(), x.condition(), x.model(), x.systemPrompt(), messages(x.messages(), max), cut(x.answer(), max), x.finishReason(),
                cut(x.expected(), max), cut(x.violation(), max), x.outcome(), x.failure(), x.score(), x.refusal(), cut(x.reasoning(), max),
                cut(x.error(), max), cut(x.judgeAnswer(), max), x.collateral())).toList();
        EvalsFigures evals = new EvalsFigures(e.target(), e.trained(), e.judge(), e.judgeTemplate(), e.judgeSamples(), e.conditions(), e.tiers(),
                e.clauses(), rows, e.cells(), e.pooled(), e.comparisons(), e.provenance(), e.conflicts(), e.broken());
        List<DataSet> data = r.data().stream().map(d -> new DataSet(d.kind(), d.records(), d.items(), d.rejected(), d.principles(),
                d.softLabels(), d.examples().stream().map(x -> new DataSet.Example(x.id(), messages(x.messages(), max),
                        cut(x.alternative(), max), cut(x.note(), max))).toList())).toList();
        return new RunReport(r.run(), evals, r.calibrations(), r.agreements(), r.usage(), data, r.problems());
    }

    private static List<Message> messages(List<Message> ms, int max) {
        return ms.stream().map(m -> new Message(m.role(), cut(m.content(), max))).toList();
    }

    static String cut(String s, int max) {
        if (s.length() <= max) return s;
        int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, end) + "\n… [" + (s.length() - end) + " more characters in the run's files]";
    }
}
