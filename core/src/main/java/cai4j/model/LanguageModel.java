package cai4j.model;

/**
 * The one interface every model is reached through. Providers implement it; the ledger and the
 * scheduler are links that wrap it (like OkHttp interceptors), so a stage holds a LanguageModel and
 * never knows whether an answer was replayed, retried or freshly generated.
 */
public interface LanguageModel extends AutoCloseable {

    /** Which model this is; part of every ledger key. */
    ModelSpec spec();

    /** Answers one request, blocking the calling (virtual) thread. */
    Completion complete(ChatRequest request) throws ModelException;

    /**
     * True when the model runs on this machine (the embedded llama.cpp): calls cost no money but
     * compete for the same CPU, so a scheduler should not run more of them at once than
     * {@link #maxConcurrency()}, and no rate limit applies.
     */
    default boolean local() { return false; }

    /**
     * Registers a listener for the rate-limit headers of every answer (successful or not), so that
     * the scheduler can slow down before the server says 429. Remote providers call it; the
     * default, for models without such headers, ignores it.
     */
    default void onRateLimits(java.util.function.Consumer<RateLimits> listener) {}

    /**
     * How many calls this model serves at once to good effect; 0 when the model sets no limit of
     * its own (remote APIs, where the scheduler's configured limits decide). Calls beyond it wait.
     */
    default int maxConcurrency() { return 0; }

    /** The provider's batch jobs (half price, answered within hours), if it has them. */
    default java.util.Optional<BatchJobs> batchJobs() { return java.util.Optional.empty(); }

    @Override
    default void close() {}
}
