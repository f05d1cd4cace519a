package cai4j.road;

import cai4j.model.ModelException;

/**
 * A call failed for good: no link retries it. Carries the error the caller sees and the provider
 * attempts made, so the ledger records a failure only for a call that reached the provider.
 */
public final class CallFailed extends RuntimeException {
    private final ModelException error;
    private final int attempts;

    public CallFailed(ModelException error, int attempts) {
        super(error.getMessage(), error, false, false); // carries the error; its own stack says nothing
        this.error = error;
        this.attempts = attempts;
    }

    public ModelException error() { return error; }

    public int attempts() { return attempts; }
}
