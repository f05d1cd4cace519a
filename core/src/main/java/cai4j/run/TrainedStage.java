package cai4j.run;

import cai4j.evals.Condition;
import cai4j.evals.Evals;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;

/**
 * The trained model answers the graded scenarios without the constitution (the trained condition)
 * and the same judge grades it; the answers of bare and prompted stay beside them, so the report
 * compares the three. The model is the one named with {@code --trained}, else the one the run's
 * training produced.
 */
final class TrainedStage implements Stage {
    @Override public String name() { return "trained"; }
    @Override public boolean callsModels() { return true; }

    @Override
    public Optional<String> missing(RunContext run) {
        if (run.trained().isEmpty()) return Optional.of("no trained model (--trained SPEC, or --train SPEC to fine-tune one)");
        return Files.exists(run.evalFiles().scenarios()) ? Optional.empty() : Optional.of("no scenarios in " + run.evalFiles().scenarios());
    }

    @Override
    public void run(RunContext run) {
        RunRequest r = run.request();
        Evals.run(r.dir(), run.model(Role.TARGET), run.trained().map(run::model), run.model(Role.JUDGE),
                new Evals.RunOptions(List.of(Condition.TRAINED), 1, 0.7, r.budget().maxTokens, true), run.progress());
    }
}
