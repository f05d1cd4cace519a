package cai4j.run;

import cai4j.model.ModelSpec;
import cai4j.train.FineTuningClient;
import cai4j.train.Trainer;
import cai4j.train.TrainingFailed;
import cai4j.train.TrainingRecord;
import cai4j.train.TrainingRequest;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;

/**
 * Fine-tunes the base model named by {@code --train} on the run's data, SFT then DPO from the SFT
 * model, as {@code cai4j train} does with its defaults: the training record makes a rerun attach to
 * the same files and jobs. A job that fails is noted and the run goes on to its report (the trained
 * stage then has no model to evaluate), and the command exits non-zero at its end.
 */
final class TrainStage implements Stage {
    private final Duration poll;

    /** @param poll how often a running job is asked for its status */
    TrainStage(Duration poll) {
        this.poll = poll;
    }

    @Override public String name() { return "train"; }

    @Override
    public Optional<String> missing(RunContext run) {
        if (run.request().train().isEmpty()) return Optional.of("no fine-tuning provider named (--train SPEC)");
        return Files.isDirectory(run.request().dir().resolve("data")) ? Optional.empty() : Optional.of("no training data in " + run.request().dir().resolve("data"));
    }

    @Override
    public void run(RunContext run) {
        ModelSpec provider = run.request().train().orElseThrow();
        TrainingRequest request = new TrainingRequest(run.request().dir(), provider.model(), provider, "sft+dpo", "", Optional.empty(), poll, false);
        try (FineTuningClient client = FineTuningClient.open(provider, System.getenv(), poll)) {
            Trainer trainer = new Trainer(request, client, run.console()::note);
            try {
                TrainingRecord r = trainer.train();
                run.console().print("trained " + r.model().orElseThrow() + " (" + TrainingRecord.path(run.request().dir()) + ")\n");
            } catch (TrainingFailed e) {
                String sentence = e.getMessage() + " (from a run: cai4j train " + run.request().dir() + " --provider " + provider + " --resubmit)";
                run.console().note("train: " + sentence + "; the run goes on without a trained model.");
                run.failed(sentence);
            }
        }
    }
}
