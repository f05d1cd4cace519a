package cai4j.model;

import java.util.Map;

/**
 * A provider's batch jobs: many requests sent as one job, answered within a window (24 hours) at
 * the provider's batch price. The road's batch link submits a job, records its id with every call
 * in it, and polls the job until it is over; a rerun polls the same job by its id.
 */
public interface BatchJobs {

    /** Submits the requests as one job, each under its custom id; returns the job's id. */
    String submit(Map<String, ChatRequest> requests) throws ModelException;

    /**
     * The job's state now; once it is over, with the answers of the lines that succeeded and the
     * reason of each line that failed.
     *
     * @param requests the requests of the job by custom id, to read their answers (option probabilities need the options asked)
     */
    BatchState poll(String batchId, Map<String, ChatRequest> requests) throws ModelException;

    /** What a provider said of a batch job. */
    record BatchState(String id, String status, boolean over, long done, long failed, long total,
                      Map<String, Completion> answers, Map<String, String> lineErrors, String failure) {
        public BatchState {
            answers = Map.copyOf(answers);
            lineErrors = Map.copyOf(lineErrors);
        }

        /** A job still running. */
        public static BatchState running(String id, String status, long done, long failed, long total) {
            return new BatchState(id, status, false, done, failed, total, Map.of(), Map.of(), "");
        }

        /** True when the job as a whole failed (its input was refused): no line has an answer. */
        public boolean failedAsAWhole() { return over && !failure.isEmpty(); }
    }
}
