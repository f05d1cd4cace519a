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
     * True for a model that runs in this process on this machine (the embedded llama.cpp): its
     * calls cost nothing, are not rate limited, and more of them at once than there are cores only
     * makes each slower, so the road caps their concurrency at the number of processors.
     */
    default boolean local() { return false; }

    /**
     * Registers a listener for the rate-limit headers of every answer (successful or not), so that
     * the scheduler can slow down before the server says 429. Remote providers call it; the
     * default, for models without such headers, ignores it.
     */
    default void onRateLimits(java.util.function.Consumer<RateLimits> listener) {}

    @Override
    default void close() {}
}
