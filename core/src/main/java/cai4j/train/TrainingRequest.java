package cai4j.train;

import cai4j.InputError;
import cai4j.model.ModelSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What to train: a run's data, on a provider's fine-tuning API, from a base model.
 *
 * @param run          the run directory whose data is exported and trained on
 * @param base         the model the first job starts from
 * @param provider     the endpoint, an {@code openai:} spec ({@code openai:M@http://host/v1} for a compatible server)
 * @param method       {@code sft}, {@code dpo} or {@code sft+dpo}
 * @param suffix       a suffix for the fine-tuned model names ("" for none)
 * @param epochs       epochs per job; empty for the provider's choice
 * @param pollInterval how often a running job is asked for its status
 * @param resubmit     submit again a job that the record says failed or was cancelled
 */
public record TrainingRequest(Path run, String base, ModelSpec provider, String method, String suffix,
                              Optional<Integer> epochs, Duration pollInterval, boolean resubmit) {

    public TrainingRequest {
        if (base.isBlank()) throw new InputError("--base names no model.");
        epochs.ifPresent(n -> {
            if (n < 1) throw new InputError("--epochs must be at least 1, not " + n + ".");
        });
        if (pollInterval.isNegative()) throw new InputError("--poll must not be negative.");
        Method.chain(method); // says which values are allowed
    }

    public List<Method> chain() {
        return Method.chain(method);
    }

    /** The base model as a spec of the provider, for its price. */
    public ModelSpec baseSpec() {
        return new ModelSpec(provider.provider(), base, provider.baseUrl());
    }
}
