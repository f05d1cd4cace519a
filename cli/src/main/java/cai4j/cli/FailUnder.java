package cai4j.cli;

import cai4j.InputError;
import cai4j.evals.Condition;
import cai4j.report.Cell;
import cai4j.report.EvalsFigures;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The adherence gate of {@code run} and {@code evals run}: exit 1 when one named condition's
 * adherence is below a threshold. It reads one condition, never the conditions pooled, because
 * bare answers say nothing about whether a deployment that ships the constitution follows it.
 */
final class FailUnder {
    @Option(names = "--fail-under", paramLabel = "X",
            description = "Exit 1 when the adherence of --fail-under-condition is below X (a fraction such as 0.9, or a percentage such as 90%%).")
    String threshold;

    @Option(names = "--fail-under-condition", paramLabel = "C", defaultValue = "prompted",
            description = "The condition --fail-under reads: bare, prompted, attacked or trained (default: ${DEFAULT-VALUE}).")
    String condition;

    /** Checks the options against the conditions to be run, before any model is called. */
    void check(List<Condition> conditions) {
        if (threshold == null) return;
        fraction();
        Condition c = Condition.of(condition);
        if (!conditions.contains(c)) {
            throw new InputError("--fail-under reads the " + c.json() + " condition, which this run does not run (--conditions "
                    + String.join(",", conditions.stream().map(Condition::json).toList()) + "); name one of them with --fail-under-condition.");
        }
    }

    /** The exit code of a finished run; says which condition was read and how it fared. */
    int verdict(EvalsFigures figures, PrintWriter out, PrintWriter err) {
        if (threshold == null) return Main.OK;
        double min = fraction();
        String c = Condition.of(condition).json();
        Cell cell = figures.overall(c);
        if (!cell.graded()) {
            err.printf(Locale.ROOT, "check failed: no %s answer was graded, so --fail-under %.1f%% cannot be met%n", c, 100 * min);
            return Main.CHECK_FAILED;
        }
        String figure = String.format(Locale.ROOT, "%s adherence %.1f%% (%d/%d)", c, 100 * cell.adherence().rate(), cell.pass(), cell.adherence().n());
        if (cell.adherence().rate() < min) {
            err.printf(Locale.ROOT, "check failed: %s is below --fail-under %.1f%%%n", figure, 100 * min);
            return Main.CHECK_FAILED;
        }
        out.printf(Locale.ROOT, "check passed: %s is at least --fail-under %.1f%%%n", figure, 100 * min);
        return Main.OK;
    }

    private double fraction() {
        return parseFraction(threshold);
    }

    static double parseFraction(String text) {
        return cai4j.evals.Threshold.parse(text, "--fail-under");
    }
}
