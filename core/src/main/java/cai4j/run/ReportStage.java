package cai4j.run;

import cai4j.Json;
import cai4j.report.RunLoader;
import cai4j.report.RunReport;
import cai4j.report.SummaryFile;

/** The report page and summary.json, from everything the run wrote. */
final class ReportStage implements Stage {
    @Override public String name() { return "report"; }

    @Override
    public void run(RunContext run) {
        RunReport report = RunLoader.load(run.request().dir());
        Json.writeAtomically(run.dir().report(), run.page().html(report));
        SummaryFile.write(report, run.dir().summary());
        run.report(report);
    }
}
