package cai4j.run;

import java.util.Optional;

/**
 * One step of {@link Pipeline}. A stage reads what earlier stages wrote into the run directory, so a
 * stage whose inputs are absent (no training data to export, no trained model to evaluate) says why
 * and is skipped, and the stages after it still run.
 */
public interface Stage {

    /** The stage's name in the progress headers and in the manifest's {@code stage}. */
    String name();

    /** Why this stage cannot run in this run, or empty when it can. */
    default Optional<String> missing(RunContext run) {
        return Optional.empty();
    }

    /** Whether the stage calls models, so that the road is open while it runs (and closed before a stage that does not). */
    default boolean callsModels() {
        return false;
    }

    void run(RunContext run);
}
