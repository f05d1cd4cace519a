package cai4j.train;

/**
 * A fine-tuning job that ended without a model: it failed on the provider (an invalid file, a
 * training error) or was cancelled. The message is one sentence naming the job, the method and the
 * provider's reason.
 */
public final class TrainingFailed extends RuntimeException {
    private final String jobId;

    public TrainingFailed(String jobId, String message) {
        super(message);
        this.jobId = jobId;
    }

    public String jobId() { return jobId; }
}
