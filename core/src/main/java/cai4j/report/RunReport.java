package cai4j.report;

import cai4j.evals.LabelAgreement;
import java.util.List;

/**
 * Everything the report shows about one run directory: built by {@link RunLoader#load}, rendered
 * as a page by the CLI, written as figures by {@link SummaryFile}, printed by {@link TerminalSummary}.
 * A section the run has no files for is empty, and the page leaves it out.
 *
 * @param run          the run directory's name
 * @param evals        scenarios, answers, verdicts and their figures (empty when the run has no evals)
 * @param calibrations judge calibrations measured into this run directory
 * @param agreements   the judge's agreement with the Model Spec's human labels, when measured into this run directory (at most one)
 * @param usage        model calls per stage and model, from the ledger
 * @param data         training data written by the data stages
 * @param problems     files that exist but could not be read, one sentence each: shown, never hidden
 */
public record RunReport(
        String run,
        EvalsFigures evals,
        List<CalibrationFigures> calibrations,
        List<LabelAgreement.Result> agreements,
        List<StageUsage> usage,
        List<DataSet> data,
        List<String> problems) {

    public RunReport {
        calibrations = List.copyOf(calibrations);
        agreements = List.copyOf(agreements);
        usage = List.copyOf(usage);
        data = List.copyOf(data);
        problems = List.copyOf(problems);
    }

    /** Whether the run holds anything to report. */
    public boolean isEmpty() {
        return evals.isEmpty() && calibrations.isEmpty() && agreements.isEmpty() && usage.isEmpty() && data.isEmpty();
    }
}
