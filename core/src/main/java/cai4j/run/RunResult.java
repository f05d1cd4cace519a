package cai4j.run;

import cai4j.report.RunReport;
import java.util.List;
import java.util.Optional;

/**
 * What a run ended with: its report, when the report stage ran, and the sentences of the stages
 * that failed without stopping the run (a fine-tuning job that failed), so that the command can
 * exit non-zero once everything else is written.
 */
public record RunResult(Optional<RunReport> report, List<String> failures) {
    public RunResult {
        failures = List.copyOf(failures);
    }
}
