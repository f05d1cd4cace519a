package cai4j.model;

import java.time.Duration;
import java.util.Optional;

/**
 * A failed model call. {@link Kind#TRANSIENT} errors are retried by the scheduler;
 * {@link Kind#FINAL} errors stop the run with this message, which names the provider and what to
 * fix and never contains a key.
 */
public class ModelException extends RuntimeException {
    public enum Kind { TRANSIENT, FINAL }

    private final Kind kind;
    private final int status;
    private final Duration retryAfter;

    public ModelException(Kind kind, int status, String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public static ModelException transientError(int status, String message) {
        return new ModelException(Kind.TRANSIENT, status, message, null, null);
    }

    public static ModelException finalError(int status, String message) {
        return new ModelException(Kind.FINAL, status, message, null, null);
    }

    public Kind kind() { return kind; }

    /** HTTP status, or 0 when the failure was not an HTTP answer. */
    public int status() { return status; }

    /** What the server asked us to wait before retrying, when it said. */
    public Optional<Duration> retryAfter() { return Optional.ofNullable(retryAfter); }

    public boolean isTransient() { return kind == Kind.TRANSIENT; }
}
