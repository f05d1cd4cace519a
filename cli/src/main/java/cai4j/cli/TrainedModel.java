package cai4j.cli;

import cai4j.model.ModelSpec;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The model trained on a run's data, which answers the evaluation scenarios under the trained
 * condition, without the constitution. A mixin, so every command that evaluates it names it alike.
 */
final class TrainedModel {
    @Option(names = "--trained", paramLabel = "SPEC",
            description = {"The model fine-tuned on the run's data: it answers the graded scenarios without the constitution",
                    "(the trained condition, beside bare and prompted; implied by this option)."})
    String trained;

    /** The trained model's spec, when one was named. */
    Optional<ModelSpec> spec() {
        return Optional.ofNullable(trained).map(ModelSpec::parse);
    }
}
