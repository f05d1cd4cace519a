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

    @Override
    default void close() {}
}
