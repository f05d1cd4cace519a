package cai4j.cli;

import cai4j.evals.Calibration;
import cai4j.evals.CalibrationFile;
import cai4j.evals.Judge;
import cai4j.evals.LabelAgreement;
import cai4j.evals.ModelSpecExamples;
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
            description = {"Measure the judge against human labels.",
                    "--set hhh: how often it picks the labelled better response of two, asking in both option orders (accuracy with its",
                    "95%% Wilson interval, and the position-bias rate: picks that flip when the order flips).",
                    "--set model-spec: it grades every GOOD and BAD response of the Model Spec's worked examples with the rubric that",
                    "grades adherence, against the rules of the example's section; agreement with the labels, false-pass and false-fail",
                    "rates per authority level; and the GOOD-vs-BAD choice in both orders."})
    static final class Calibrate implements Callable<Integer> {
        @Option(names = "--judge", paramLabel = "SPEC", description = "The judge model (default: $CAI4J_MODEL, else the embedded default model).")
        String judge;

        @Option(names = "--set", paramLabel = "SET", defaultValue = CalibrationFile.HHH,
                description = "hhh (the 438 HHH comparisons) or model-spec (the labelled responses of OpenAI's Model Spec) (default: ${DEFAULT-VALUE}).")
        String set;

        @Option(names = "--file", paramLabel = "FILE",
                description = {"With --set hhh: labelled comparisons in the format of the Constitutional AI paper's HHH set (default: the 438 HHH comparisons that cai4j carries, from BIG-bench's hhh_alignment task).",
                        "With --set model-spec: a Model Spec in Markdown (default: the version of 2025-12-18 that cai4j carries)."})
        Path file;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
                description = "hhh: only the first N comparisons; model-spec: N responses spread evenly over the document, half GOOD and half BAD (default: all).")
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
            ModelSpec judgeSpec = Models.roles(null, judge, null).judge();
            switch (set) {
                case CalibrationFile.HHH -> hhh(out, judgeSpec);
                case LabelAgreement.SET -> modelSpec(out, judgeSpec);
                default -> throw new cai4j.InputError("--set '" + set + "' is not one of hhh, model-spec.");
            }
            out.println("written to " + run.resolve(CalibrationFile.NAME));
            return Main.OK;
        }

        private void hhh(PrintWriter out, ModelSpec judgeSpec) {
            var items = file == null ? Calibration.bundled(limit) : Calibration.read(file, limit);
            String source = file == null ? "the bundled HHH set" : file.toString();
            Calibration.Result r;
            try (Road road = Models.road(run, roadOptions)) {
                r = Calibration.run(road.model(judgeSpec), items, Models.progress(road, spec.commandLine().getErr()));
            }
            CalibrationFile.write(run, CalibrationFile.HHH, r);
            out.println("judge " + r.judge() + " on " + r.items() + " comparisons of " + source + " (template " + r.template() + ")");
            print(out, r);
        }

        private void modelSpec(PrintWriter out, ModelSpec judgeSpec) {
            ModelSpecExamples examples = file == null ? ModelSpecExamples.bundled() : ModelSpecExamples.read(file);
            LabelAgreement.Check check;
            try (Road road = Models.road(run, roadOptions)) {
                check = LabelAgreement.run(new Judge(road.model(judgeSpec), 1, 0), examples, examples.sample(limit),
                        Models.progress(road, spec.commandLine().getErr()));
            }
            CalibrationFile.write(run, LabelAgreement.SET, check.result());
            CalibrationFile.writeGrades(run, check.graded());
            print(out, check.result());
            out.println("the grade of each response is in " + CalibrationFile.gradesFile(run));
        }

        /** The agreement table: one row for every response, then one per authority level and kind. */
        static void print(PrintWriter out, LabelAgreement.Result r) {
            out.println("judge " + r.judge() + " on " + r.overall().responses() + " of the " + r.available() + " GOOD and BAD responses of " + r.source()
                    + " (rubric " + r.judgeTemplate() + "; " + r.ok() + " responses labelled OK are not graded)");
            out.printf(Locale.ROOT, "  %-10s %9s  %-26s %-26s %-26s %s%n", "", "responses", "agrees with the label", "false pass (BAD passed)",
                    "false fail (GOOD failed)", "grader errors");
            row(out, "all", r.overall());
            r.authorities().forEach((level, f) -> row(out, level, f));
            r.kinds().forEach((kind, f) -> row(out, kind, f));
            out.println("choosing the GOOD over the BAD response of " + r.choice().items() + " pairs (template " + r.choice().template() + "):");
            print(out, r.choice());
        }

        private static void row(PrintWriter out, String name, LabelAgreement.Figures f) {
            out.printf(Locale.ROOT, "  %-10s %9d  %-26s %-26s %-26s %d%n", name, f.responses(), cell(f.accuracy()), cell(f.falsePass()),
                    cell(f.falseFail()), f.graderErrors());
        }

        private static String cell(Rate r) {
            if (r.n() == 0) return "-";
            return String.format(Locale.ROOT, "%5.1f%% [%4.1f, %5.1f] %d/%d", 100 * r.rate(), 100 * r.low(), 100 * r.high(), r.count(), r.n());
        }

        private static void print(PrintWriter out, Calibration.Result r) {
            out.println(line("accuracy (both orders)", r.accuracy()));
            out.println(line("correct in both orders", r.consistentAccuracy()));
            out.println(line("position bias (flips)", r.positionBias()));
            out.println(line("picks option A", r.firstOption()));
            out.println("  unparseable answers      " + r.unparseable());
            if (r.probabilities() > 0) {
                out.printf(Locale.ROOT, "  mean P(correct option)   %.3f over %d answers with option probabilities%n", r.meanCorrectProbability(), r.probabilities());
            }
        }

        private static String line(String label, Rate rate) {
            return String.format(Locale.ROOT, "  %-24s %5.1f%% [%4.1f, %5.1f]  (%d/%d)", label, 100 * rate.rate(), 100 * rate.low(), 100 * rate.high(), rate.count(), rate.n());
        }
    }
}
