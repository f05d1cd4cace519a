package cai4j.report;

import cai4j.evals.LabelAgreement;
import cai4j.evals.PairedDifference;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A few lines for the end of a command: adherence per condition with its interval, violations,
 * over-refusal, grader errors, the weakest clauses, calls and cost, training data counts.
 * {@code evals run} and {@code run} print it with {@link #print(Path, PrintWriter)}.
 */
public final class TerminalSummary {
    private TerminalSummary() {}

    /** Reads the run directory and prints its summary; prints nothing for a run with nothing in it. */
    public static void print(Path runDir, PrintWriter out) {
        out.print(render(RunLoader.load(runDir)));
        out.flush();
    }

    /** The summary as text, one finished line per figure. */
    public static String render(RunReport r) {
        StringBuilder sb = new StringBuilder();
        EvalsFigures e = r.evals();
        if (!e.isEmpty()) {
            sb.append("run ").append(r.run()).append(": target ").append(or(e.target()))
                    .append(e.trained().isEmpty() ? "" : ", trained " + e.trained()).append(", judge ").append(or(e.judge()))
                    .append(" (template ").append(or(e.judgeTemplate())).append(", k=").append(e.judgeSamples()).append(")\n");
            Provenance p = e.provenance();
            if (!p.model(Provenance.GENERATOR).isEmpty()) {
                sb.append("  scenarios by ").append(p.model(Provenance.GENERATOR));
                if (!p.model(Provenance.FILTER).isEmpty()) sb.append(", filtered by ").append(p.model(Provenance.FILTER));
                sb.append('\n');
            }
            for (String self : p.selfJudging()) sb.append("  warning: self-judging: ").append(self).append('\n');
            int w = e.conditions().stream().mapToInt(String::length).max().orElse(3);
            for (String c : e.conditions()) {
                Cell cell = e.overall(c);
                sb.append(String.format(Locale.ROOT, "  %-" + w + "s  adherence %s  constitution %s  violations %d  over-refusal %s  grader errors %d%s%n",
                        c, percent(cell, cell.adherence()), percent(cell, cell.constitutionAdherence()), cell.violationRate().count(),
                        cell.overRefusal().n() == 0 ? "-" : cell.overRefusal().count() + "/" + cell.overRefusal().n(), cell.graderErrors(),
                        cell.unconfirmed() == 0 ? "" : "  unconfirmed other-clause claims " + cell.unconfirmed()));
                for (String t : e.tiers()) {
                    e.cell(Cell.Dimension.TIER, t, c).filter(Cell::graded).ifPresent(tc -> sb.append(String.format(Locale.ROOT,
                            "  %-" + w + "s    tier %s: adherence %s  constitution %s%n", "", t, percent(tc, tc.adherence()), percent(tc, tc.constitutionAdherence()))));
                }
            }
            for (Comparison cmp : e.comparisons()) {
                PairedDifference d = cmp.overall();
                if (d.pairs() == 0) continue;
                sb.append("  ").append(difference(cmp.treated() + " - " + cmp.baseline(), d)).append('\n');
            }
            if (!e.conflicts().isEmpty()) {
                // the order of the tiers in one line per run: every tier pair of a condition together
                List<String> held = new ArrayList<>();
                e.conflicts().forEach((condition, matrix) -> {
                    int count = 0, n = 0;
                    for (var losers : matrix.values()) for (var cell : losers.values()) {
                        count += cell.held().count();
                        n += cell.held().n();
                    }
                    if (n > 0) held.add(String.format(Locale.ROOT, "%s %.0f%% (%d/%d)", condition, 100.0 * count / n, count, n));
                });
                if (!held.isEmpty()) sb.append("  higher tier held in conflicts: ").append(String.join("; ", held)).append('\n');
            }
            List<Cell> weakest = e.cells().stream()
                    .filter(c -> c.dimension() == Cell.Dimension.CLAUSE && c.graded() && c.adherence().rate() < 1)
                    .sorted(Comparator.comparingDouble((Cell c) -> c.adherence().rate()).thenComparing(c -> -c.adherence().n()))
                    .limit(3).toList();
            if (!weakest.isEmpty()) {
                sb.append("  weakest clauses: ");
                for (int i = 0; i < weakest.size(); i++) {
                    Cell c = weakest.get(i);
                    sb.append(i == 0 ? "" : "; ").append(String.format(Locale.ROOT, "%s %s %.0f%% (%d/%d)",
                            c.key(), c.condition(), 100 * c.adherence().rate(), c.pass(), c.adherence().n()));
                }
                sb.append('\n');
            }
            if (!e.broken().isEmpty() && e.broken().getFirst().total() > 0) {
                sb.append("  most broken clauses: ").append(String.join("; ", e.broken().stream().filter(b -> b.total() > 0).limit(3)
                        .map(b -> String.format(Locale.ROOT, "%s %d (%d as tested, %d in other scenarios)", b.clauseId(), b.total(), b.asTested(), b.collateral()))
                        .toList())).append('\n');
            }
            long graderErrors = e.graderErrors();
            if (graderErrors > 0) sb.append("  ").append(graderErrors).append(" grader errors: the judge's answer could not be read; counted neither pass nor fail\n");
        }
        for (CalibrationFigures c : r.calibrations()) {
            sb.append(String.format(Locale.ROOT, "judge calibration %s: accuracy %.1f%% [%.1f, %.1f], position bias %.1f%% over %d comparisons%n",
                    c.judge(), 100 * c.accuracy().rate(), 100 * c.accuracy().low(), 100 * c.accuracy().high(), 100 * c.positionBias().rate(), c.items()));
        }
        for (LabelAgreement.Result a : r.agreements()) {
            LabelAgreement.Figures f = a.overall();
            sb.append(String.format(Locale.ROOT, "judge vs Model Spec labels: agrees %.1f%% [%.1f, %.1f] on %d responses, false pass %d/%d, false fail %d/%d%s%n",
                    100 * f.accuracy().rate(), 100 * f.accuracy().low(), 100 * f.accuracy().high(), f.responses(), f.falsePass().count(),
                    f.falsePass().n(), f.falseFail().count(), f.falseFail().n(), f.graderErrors() > 0 ? ", " + f.graderErrors() + " grader errors" : ""));
        }
        if (!r.usage().isEmpty()) {
            StageUsage t = SummaryFile.total(r.usage());
            sb.append(String.format(Locale.ROOT, "calls %d%s, tokens %s in (%s cached) / %s out, cost $%.4f, call time %s%n", t.calls(),
                    t.failed() > 0 ? " (+" + t.failed() + " failed)" : "", tokens(t.inputTokens()), tokens(t.cachedTokens()),
                    tokens(t.outputTokens()), t.costUsd(), duration(t.callSeconds())));
        }
        if (!r.data().isEmpty()) {
            sb.append("training data:");
            for (DataSet d : r.data()) {
                sb.append(' ').append(d.kind()).append(' ').append(d.records());
                if (!d.softLabels().isEmpty()) {
                    sb.append(String.format(Locale.ROOT, " (mean soft label %.2f)", d.softLabels().stream().mapToDouble(Double::doubleValue).average().orElse(0)));
                }
            }
            sb.append('\n');
        }
        for (String p : r.problems()) sb.append("warning: ").append(p).append('\n');
        return sb.toString();
    }

    /** A paired difference in points, its interval and the McNemar test, in one line. */
    static String difference(String label, PairedDifference d) {
        return String.format(Locale.ROOT, "%s: %+.1f points [%+.1f, %+.1f] over %d scenarios graded under both (%d improved, %d worsened; McNemar p = %s)",
                label, 100 * d.difference(), 100 * d.low(), 100 * d.high(), d.pairs(), d.improved(), d.worsened(), pValue(d.mcnemarP()));
    }

    static String pValue(double p) {
        return p < 0.001 ? "<0.001" : String.format(Locale.ROOT, "%.3f", p);
    }

    static String percent(Cell c, cai4j.evals.Rate r) {
        if (!c.graded()) return "-";
        return String.format(Locale.ROOT, "%.1f%% [%.1f, %.1f] (%d/%d)", 100 * r.rate(), 100 * r.low(), 100 * r.high(), r.count(), r.n());
    }

    static String tokens(long n) {
        if (n >= 1_000_000) return String.format(Locale.ROOT, "%.1fM", n / 1e6);
        if (n >= 10_000) return String.format(Locale.ROOT, "%.0fk", n / 1e3);
        return Long.toString(n);
    }

    static String duration(double seconds) {
        if (seconds >= 3600) return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
        if (seconds >= 120) return String.format(Locale.ROOT, "%.1f min", seconds / 60);
        return String.format(Locale.ROOT, "%.1f s", seconds);
    }

    private static String or(String s) {
        return s.isEmpty() ? "?" : s;
    }
}
