package cai4j.scheduler;

import java.time.Duration;

/**
 * How the scheduler may call one endpoint.
 *
 * @param concurrency      most calls in flight at once (the adaptive limit moves below it)
 * @param requestsPerMinute configured RPM limit; 0 to learn it from x-ratelimit headers only
 * @param tokensPerMinute   configured TPM limit; 0 to learn it from x-ratelimit headers only
 * @param maxAttempts       attempts per call before a transient error becomes the call's error
 * @param backoffBase       first backoff step; it doubles per attempt, with full jitter
 * @param backoffCap        largest backoff step
 * @param retryBudgetRatio  retries allowed per successful call, beyond a small initial allowance,
 *                          so a failing server gets a trickle of retries instead of a storm
 */
public record Limits(int concurrency, double requestsPerMinute, double tokensPerMinute, int maxAttempts,
                     Duration backoffBase, Duration backoffCap, double retryBudgetRatio) {
    public Limits {
        if (concurrency < 1) throw new cai4j.InputError("Concurrency must be at least 1, not " + concurrency + ".");
        if (requestsPerMinute < 0) throw new cai4j.InputError("--rpm must not be negative.");
        if (tokensPerMinute < 0) throw new cai4j.InputError("--tpm must not be negative.");
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
    }

    /**
     * One retry per successful call: a server that fails a third of the calls (a busy shared
     * endpoint) is ridden out, while a server that answers nothing gets only the initial allowance.
     * Every command uses these.
     */
    public static Limits defaults() {
        return new Limits(16, 0, 0, 8, Duration.ofMillis(500), Duration.ofSeconds(30), 1.0);
    }

    public Limits withConcurrency(int n) { return new Limits(n, requestsPerMinute, tokensPerMinute, maxAttempts, backoffBase, backoffCap, retryBudgetRatio); }
    public Limits withRpm(double rpm) { return new Limits(concurrency, rpm, tokensPerMinute, maxAttempts, backoffBase, backoffCap, retryBudgetRatio); }
    public Limits withTpm(double tpm) { return new Limits(concurrency, requestsPerMinute, tpm, maxAttempts, backoffBase, backoffCap, retryBudgetRatio); }
    public Limits withMaxAttempts(int n) { return new Limits(concurrency, requestsPerMinute, tokensPerMinute, n, backoffBase, backoffCap, retryBudgetRatio); }
    public Limits withBackoff(Duration base, Duration cap) { return new Limits(concurrency, requestsPerMinute, tokensPerMinute, maxAttempts, base, cap, retryBudgetRatio); }
}
