package cai4j.cli;

import cai4j.Json;
import cai4j.evals.Calibration;
import cai4j.evals.Rate;
import cai4j.model.ModelSpec;
import cai4j.road.Road;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "judge", mixinStandardHelpOptions = true, description = "Check the judge model.",
        subcommands = {JudgeCommand.Calibrate.class})
final class JudgeCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "calibrate", mixinStandardHelpOptions = true,
            description = {"Measure how often the judge picks the labelled better response of two, asking in both option orders:",
                    "accuracy with its 95%% Wilson interval, and the position-bias rate (picks that flip when the order flips)."})
    static final class Calibrate implements Callable<Integer> {
        @Option(names = "--judge", paramLabel = "SPEC", description = "The judge model (default: the embedded default model, or $CAI4J_MODEL).")
        String judge;

        @Option(names = "--file", paramLabel = "FILE",
                description = "Labelled comparisons in the format of the Constitutional AI paper's HHH set (default: the 438 HHH comparisons that cai4j carries, from BIG-bench's hhh_alignment task).")
        Path file;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Use only the first N comparisons (default: all).")
        int limit;

        @Option(names = "--run", paramLabel = "DIR", defaultValue = "runs/judge-calibration",
                description = "Run directory for the ledger and calibration.json (default: ${DEFAULT-VALUE}).")
        Path run;

        @picocli.CommandLine.Mixin
        Models.RoadOptions roadOptions = new Models.RoadOptions();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (limit < 0) throw new cai4j.InputError("--limit must be 0 or more, not " + limit + ".");
            var items = file == null ? Calibration.bundled(limit) : Calibration.read(file, limit);
            String source = file == null ? "the bundled HHH set" : file.toString();
            Calibration.Result r;
            try (Road road = Models.road(run, roadOptions)) {
                r = Calibration.run(road.model(ModelSpec.parse(judge == null ? Models.defaultSpec() : judge)), items,
                        Models.progress(road, spec.commandLine().getErr()));
            }
            Json.writeAtomically(run.resolve("calibration.json"), Json.pretty(r) + "\n");
            out.println("judge " + r.judge() + " on " + r.items() + " comparisons of " + source + " (template " + r.template() + ")");
            out.println(line("accuracy (both orders)", r.accuracy()));
            out.println(line("correct in both orders", r.consistentAccuracy()));
            out.println(line("position bias (flips)", r.positionBias()));
            out.println(line("picks option A", r.firstOption()));
            out.println("  unparseable answers      " + r.unparseable());
            if (r.probabilities() > 0) {
                out.printf(Locale.ROOT, "  mean P(correct option)   %.3f over %d answers with option probabilities%n", r.meanCorrectProbability(), r.probabilities());
            }
            out.println("written to " + run.resolve("calibration.json"));
            return Main.OK;
        }

        private static String line(String label, Rate rate) {
            return String.format(Locale.ROOT, "  %-24s %5.1f%% [%4.1f, %5.1f]  (%d/%d)", label, 100 * rate.rate(), 100 * rate.low(), 100 * rate.high(), rate.count(), rate.n());
        }
    }
}
