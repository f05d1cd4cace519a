package cai4j.run;

import cai4j.report.RunReport;
import cai4j.report.TerminalSummary;
import java.util.Optional;

/** The figures in the terminal, and where the page and summary.json are. */
final class SummaryStage implements Stage {
    @Override public String name() { return "summary"; }

    @Override
    public Optional<String> missing(RunContext run) {
        return run.report().isPresent() ? Optional.empty() : Optional.of("no report");
    }

    @Override
    public void run(RunContext run) {
        RunReport report = run.report().orElseThrow();
        run.console().print(TerminalSummary.render(report));
        run.console().print("report " + run.dir().report() + ", figures " + run.dir().summary() + "\n");
    }
}
