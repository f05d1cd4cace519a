package cai4j.cli;

import cai4j.InputError;
import cai4j.Json;
import cai4j.report.RunLoader;
import cai4j.report.RunReport;
import cai4j.report.SummaryFile;
import cai4j.report.TerminalSummary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write a run's report: one HTML page that opens offline (charts, drill-down to every answer and verdict,",
                "training data, calls and cost), and summary.json beside it with the same figures for scripts and CI.",
                "Prints a short summary."})
final class ReportCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RUN", description = "The run directory.")
    Path run;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "The HTML file to write (default: RUN/report.html). summary.json goes in the same folder.")
    Path output;

    @Option(names = "--max-chars", paramLabel = "N", defaultValue = "" + ReportPage.DEFAULT_MAX_CHARS,
            description = "Cut each message, answer and reasoning shown to N characters, to keep the page small (0: never; default: ${DEFAULT-VALUE}).")
    int maxChars;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (maxChars < 0) throw new InputError("--max-chars must be 0 or more, not " + maxChars + ".");
        try (var lock = cai4j.RunLock.acquireExisting(run)) {
            return write(out);
        }
    }

    private int write(PrintWriter out) {
        RunReport report = RunLoader.load(run);
        if (report.isEmpty()) {
            throw new InputError("Run directory " + run + " has nothing to report yet: no evals/verdicts.jsonl, data/*.jsonl, calibration.json or ledger.db.");
        }
        Path page = output == null ? run.resolve("report.html") : output;
        String html = ReportPage.render(report, maxChars);
        Json.writeAtomically(page, html);
        Path summary = page.toAbsolutePath().getParent().resolve("summary.json");
        SummaryFile.write(report, summary);
        out.print(TerminalSummary.render(report));
        out.printf(Locale.ROOT, "report %s (%.1f MB), figures %s%n", page, html.getBytes(java.nio.charset.StandardCharsets.UTF_8).length / 1e6, summary);
        return Main.OK;
    }
}
