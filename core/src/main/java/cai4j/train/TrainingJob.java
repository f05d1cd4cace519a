package cai4j.train;

import java.util.Optional;

/**
 * One fine-tuning job as last seen on the provider.
 *
 * @param method       what it trains
 * @param id           the provider's job id
 * @param status       the provider's status: {@code validating_files}, {@code queued}, {@code running},
 *                     {@code succeeded}, {@code failed} or {@code cancelled}
 * @param trainingFile the file id it trains on
 * @param startModel   the model it starts from: the base, or for DPO after SFT the SFT job's model
 * @param model        the fine-tuned model, once it succeeded
 * @param error        the provider's reason, once it failed
 */
public record TrainingJob(Method method, String id, String status, String trainingFile, String startModel,
                          Optional<String> model, Optional<String> error) {

    public static final String SUCCEEDED = "succeeded", FAILED = "failed", CANCELLED = "cancelled";

    /** True once the job can change no more. */
    public boolean finished() {
        return status.equals(SUCCEEDED) || status.equals(FAILED) || status.equals(CANCELLED);
    }

    /** True for a job that ended without a model: failed or cancelled. */
    public boolean stopped() {
        return stopped(status);
    }

    static boolean stopped(String status) {
        return status.equals(FAILED) || status.equals(CANCELLED);
    }

    /** This job with what the provider says now. */
    public TrainingJob seen(String status, Optional<String> model, Optional<String> error) {
        return new TrainingJob(method, id, status, trainingFile, startModel, model, error);
    }
}
