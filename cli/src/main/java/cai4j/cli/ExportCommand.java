package cai4j.cli;

import cai4j.data.Kind;
import cai4j.export.ExportFormat;
import cai4j.export.ExportFormats;
import cai4j.export.Exporter;
import cai4j.export.Filters;
import cai4j.export.Split;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Export a run's training data (RUN/data/*.jsonl) for fine-tuning tools, with a dataset card (README.md).",
                "Formats: openai-sft, trl-sft (chat messages, from sft, distill and understand data); openai-dpo, trl-dpo, reward",
                "(preference pairs, from prefs data; trl-dpo and reward keep the soft label as score; ties are left out);",
                "parquet and jsonl (every row and column, all kinds; ties kept with score 0.5).",
                "Without -o, files go to RUN/export/<format>/: train.<ext>, test.<ext> (with --split) and README.md."})
final class ExportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN", description = "The run directory.")
    Path run;

    @Option(names = "--format", required = true, paramLabel = "FORMAT", description = "openai-sft, openai-dpo, trl-sft, trl-dpo, reward, parquet or jsonl.")
    String format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "The train file; the held-out file and the card go beside it.")
    Path output;

    @Option(names = "--split", paramLabel = "FRACTION", defaultValue = "0", description = "Hold out this fraction of the prompts as a test split, e.g. 0.05 (default: none).")
    double split;

    @Option(names = "--kind", paramLabel = "KINDS", split = ",", description = "Data kinds to export: sft, prefs, distill, understand (default: those the format takes).")
    List<String> kinds = new ArrayList<>();

    @Option(names = "--keep-duplicates", description = "Keep rows whose content repeats an earlier row (dropped by default).")
    boolean keepDuplicates;

    @Option(names = "--min-chars", paramLabel = "N", defaultValue = "1", description = "Drop rows whose trained-on answer is shorter (default: ${DEFAULT-VALUE}).")
    int minChars;

    @Option(names = "--max-chars", paramLabel = "N", defaultValue = "0", description = "Drop rows whose whole example is longer (default: no limit).")
    int maxChars;

    @Option(names = "--min-score", paramLabel = "P", defaultValue = "0", description = "Drop preference pairs whose soft label is below P, e.g. 0.6 (default: keep all).")
    double minScore;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ExportFormat f = ExportFormats.get(format);
        Set<Kind> ks = EnumSet.noneOf(Kind.class);
        for (String k : kinds) ks.add(Kind.parse(k));
        if (output != null) cai4j.Outputs.requireNotRunData(output, run, "-o");
        Exporter.Result r;
        try (var lock = cai4j.RunLock.acquireExisting(run)) {
            r = Exporter.export(new Exporter.Request(run, f, ks, Optional.ofNullable(output),
                    new Filters(!keepDuplicates, minChars, maxChars, minScore), new Split(split)));
        }
        out.println(r.counts().get("train") + " rows written to " + r.train());
        r.test().ifPresent(t -> out.println(r.counts().get("test") + " held-out rows written to " + t));
        r.dropped().forEach((reason, n) -> out.println("  " + n + " left out: " + reason));
        out.println("dataset card: " + r.card());
        return Main.OK;
    }
}
