package cai4j.cli;

import cai4j.Json;
import cai4j.ledger.Ledger;
import cai4j.ledger.ModelStats;
import cai4j.report.LedgerUsage;
import cai4j.report.StageUsage;
import cai4j.report.SummaryFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ledger", mixinStandardHelpOptions = true,
        description = "Inspect the ledger of model calls of a run.",
        subcommands = {LedgerCommand.Stats.class})
final class LedgerCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "stats", mixinStandardHelpOptions = true,
            description = "Calls, replays, tokens, cost and errors per model, from RUN/ledger.db.")
    static final class Stats implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "RUN", description = "The run directory (or its ledger.db).")
        Path run;

        @Option(names = "--json", description = "Print JSON instead of a table.")
        boolean json;

        @Option(names = "--stages", description = "Per stage (the prompt template that made the calls) and model instead of per model, "
                + "with the prompt tokens read and those served from a prompt cache.")
        boolean stages;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (stages) return stages();
            List<ModelStats> stats;
            try (Ledger ledger = Ledger.openExisting(run)) {
                stats = ledger.stats();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.pretty(stats));
            } else {
                out.printf(Locale.ROOT, "%-40s %9s %8s %7s %8s %9s %12s %12s %12s %11s %9s%n",
                        "model", "answered", "replays", "failed", "pending", "attempts", "input tok", "output tok", "cached tok", "cost USD", "mean ms");
                ModelStats total = new ModelStats("total", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
                for (ModelStats s : stats) {
                    row(out, s);
                    total = new ModelStats("total", total.answered() + s.answered(), total.failed() + s.failed(),
                            total.pending() + s.pending(), total.replays() + s.replays(), total.attempts() + s.attempts(),
                            total.inputTokens() + s.inputTokens(), total.outputTokens() + s.outputTokens(),
                            total.cachedTokens() + s.cachedTokens(), total.costUsd() + s.costUsd(), Double.NaN);
                }
                if (stats.size() > 1) row(out, total);
                if (stats.isEmpty()) out.println("(no calls recorded)");
            }
            out.flush();
            return Main.OK;
        }

        private int stages() {
            Path dir = run.getFileName() != null && run.getFileName().toString().endsWith(".db") ? run.toAbsolutePath().getParent() : run;
            try (Ledger ignored = Ledger.openExisting(run)) {
                // opened only to fail as `ledger stats` does on a run without a ledger
            }
            List<StageUsage> usage = LedgerUsage.read(dir);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.pretty(usage));
            } else {
                out.printf(Locale.ROOT, "%-24s %-40s %7s %12s %12s %8s %12s %10s%n",
                        "stage", "model", "calls", "prompt tok", "cached tok", "cached", "output tok", "call s");
                for (StageUsage u : usage) stageRow(out, u);
                if (usage.size() > 1) stageRow(out, SummaryFile.total(usage));
                if (usage.isEmpty()) out.println("(no calls recorded)");
            }
            out.flush();
            return Main.OK;
        }

        private static void stageRow(PrintWriter out, StageUsage u) {
            out.printf(Locale.ROOT, "%-24s %-40s %7d %12d %12d %7.1f%% %12d %10.1f%n", u.stage(), u.model(), u.calls(), u.inputTokens(),
                    u.cachedTokens(), u.inputTokens() == 0 ? 0.0 : 100.0 * u.cachedTokens() / u.inputTokens(), u.outputTokens(), u.callSeconds());
        }

        private static void row(PrintWriter out, ModelStats s) {
            out.printf(Locale.ROOT, "%-40s %9d %8d %7d %8d %9d %12d %12d %12d %11.4f %9s%n",
                    s.model(), s.answered(), s.replays(), s.failed(), s.pending(), s.attempts(), s.inputTokens(),
                    s.outputTokens(), s.cachedTokens(), s.costUsd(), Double.isNaN(s.meanLatencyMs()) ? "" : String.format(Locale.ROOT, "%.0f", s.meanLatencyMs()));
        }
    }
}
