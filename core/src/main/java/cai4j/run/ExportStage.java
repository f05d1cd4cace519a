package cai4j.run;

import cai4j.InputError;
import cai4j.export.ExportFormats;
import cai4j.export.Exporter;
import cai4j.export.Filters;
import cai4j.export.Split;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The training data in TRL's SFT and DPO formats, ready for fine-tuning. */
final class ExportStage implements Stage {
    static final List<String> FORMATS = List.of("trl-sft", "trl-dpo");

    @Override public String name() { return "export"; }

    @Override
    public Optional<String> missing(RunContext run) {
        return Files.isDirectory(run.request().dir().resolve("data")) ? Optional.empty() : Optional.of("no training data in " + run.request().dir().resolve("data"));
    }

    @Override
    public void run(RunContext run) {
        for (String format : FORMATS) {
            try {
                Exporter.Result r = Exporter.export(new Exporter.Request(run.request().dir(), ExportFormats.get(format), Set.of(), Optional.empty(),
                        new Filters(true, 1, 0, 0), new Split(0.05)));
                run.console().print(format + ": " + r.counts().getOrDefault("train", 0) + " rows in " + r.train() + "\n");
            } catch (InputError e) {
                // a stage that produced no usable rows (e.g. no pair of distinct samples) must not cost the report
                run.console().note(format + ": nothing exported: " + e.getMessage());
            }
        }
    }
}
