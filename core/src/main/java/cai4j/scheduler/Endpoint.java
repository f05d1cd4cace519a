package cai4j.scheduler;

import cai4j.model.RateLimits;
import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.AIMDLimit;
import com.netflix.concurrency.limits.limiter.BlockingLimiter;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The traffic state of one endpoint (one provider, base URL and model): an adaptive concurrency
 * limit (AIMD from Netflix concurrency-limits: grows by one while calls succeed, shrinks by a tenth
 * on 429 or timeout), request and token buckets for RPM and TPM, a pause when the server says the
 * window is spent or asks for Retry-After, and the retry budget.
 */
public final class Endpoint {
    private final Limits limits;
    private final BlockingLimiter<Void> limiter;
    private final TokenBucket requests;
    private final TokenBucket tokens;
    private final boolean rpmConfigured;
    private final boolean tpmConfigured;
    private final AtomicLong pausedUntilNanos = new AtomicLong(System.nanoTime());
    private double retryAllowance = 10;

    public Endpoint(Limits limits) {
        this.limits = limits;
        AIMDLimit limit = AIMDLimit.newBuilder()
                .initialLimit(limits.concurrency())
                .minLimit(1)
                .maxLimit(limits.concurrency())
                .backoffRatio(0.9)
                // a model call is slow by nature; only a call slower than this counts as a sign of overload
                .timeout(10, TimeUnit.MINUTES)
                .build();
        this.limiter = BlockingLimiter.wrap(SimpleLimiter.newBuilder().limit(limit).build(), Duration.ofMinutes(59));
        this.rpmConfigured = limits.requestsPerMinute() > 0;
        this.tpmConfigured = limits.tokensPerMinute() > 0;
        // one request of burst: requests go out evenly spaced, so a server that enforces its
        // per-minute limit over shorter windows never sees a burst
        this.requests = new TokenBucket(rpmConfigured ? limits.requestsPerMinute() / 60.0 : Double.MAX_VALUE / 4, 1);
        this.tokens = new TokenBucket(tpmConfigured ? limits.tokensPerMinute() / 60.0 : Double.MAX_VALUE / 4,
                tpmConfigured ? Math.max(1, limits.tokensPerMinute() / 60.0) : Double.MAX_VALUE / 4);
    }

    public Limits limits() { return limits; }

    /** Blocks until a concurrency slot is free. */
    Limiter.Listener acquireSlot() {
        Optional<Limiter.Listener> l = limiter.acquire(null);
        if (l.isEmpty()) throw cai4j.model.ModelException.transientError(0, "timed out waiting for a concurrency slot");
        return l.get();
    }

    /** Nanoseconds to wait before sending a call of about {@code estimatedTokens} tokens. */
    long reserve(double estimatedTokens) {
        long wait = Math.max(requests.reserve(1), tokens.reserve(estimatedTokens));
        long pause = pausedUntilNanos.get() - System.nanoTime();
        return Math.max(wait, pause);
    }

    void refundTokens(double n) {
        if (n > 0) tokens.refund(n);
    }

    /** Holds every new call until {@code d} from now (a Retry-After, or a spent window). */
    void pauseFor(Duration d) {
        long until = System.nanoTime() + d.toNanos();
        pausedUntilNanos.accumulateAndGet(until, Math::max);
    }

    /**
     * Learns from the rate-limit headers of every answer, not only a 429. Without a configured
     * limit, the limit header sets the bucket's rate and the largest {@code remaining} seen sets its
     * burst (the server's own bucket size, up to one second of requests), so calls go out as fast
     * as the server admits them, less a quarter kept as headroom. Each {@code remaining} then caps
     * what the bucket holds, less what is in flight: those calls will draw on the same window when
     * they arrive. When the window is spent, every call waits for its reset.
     */
    public void observe(RateLimits r) {
        int othersInFlight = Math.max(0, inFlight.get() - 1); // the answer being read is still counted
        if (!rpmConfigured) {
            if (r.remainingRequests().isPresent()) learnedRequestBurst.accumulateAndGet(r.remainingRequests().getAsLong() + 1, Math::max);
            if (r.limitRequests().isPresent() && r.limitRequests().getAsLong() > 0) {
                double rate = r.limitRequests().getAsLong() / 60.0;
                // at most one second of requests at once: servers enforce a per-minute limit over shorter windows
                double burst = Math.max(1, Math.min(learnedRequestBurst.get(), rate));
                // a quarter of the burst is left unused: calls sent at exactly the server's rate
                // arrive a little unevenly, and an empty server bucket answers each early one 429
                double headroom = Math.floor(burst / 4);
                if (requests.rate() != rate || requests.capacity() != burst - headroom) requests.setRate(rate, burst - headroom);
                if (r.remainingRequests().isPresent()) requests.remaining(r.remainingRequests().getAsLong() - othersInFlight - headroom);
            }
        }
        if (!tpmConfigured && r.limitTokens().isPresent() && r.limitTokens().getAsLong() > 0) {
            double rate = r.limitTokens().getAsLong() / 60.0;
            if (tokens.rate() != rate) tokens.setRate(rate, Math.max(1, rate));
            if (r.remainingTokens().isPresent()) {
                // the answer being read is among the calls in flight; which estimate was its is not known, so its share is the mean
                double othersTokens = inFlightTokens.sum() * othersInFlight / (othersInFlight + 1);
                tokens.remaining(r.remainingTokens().getAsLong() - othersTokens);
            }
        }
        if (r.remainingRequests().isPresent() && r.remainingRequests().getAsLong() <= 0 && r.resetRequests().isPresent()) {
            pauseFor(r.resetRequests().get());
        }
        if (r.remainingTokens().isPresent() && r.remainingTokens().getAsLong() <= 0 && r.resetTokens().isPresent()) {
            pauseFor(r.resetTokens().get());
        }
    }

    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.DoubleAdder inFlightTokens = new java.util.concurrent.atomic.DoubleAdder();
    private final AtomicLong learnedRequestBurst = new AtomicLong(1);

    /** A call of about {@code estimatedTokens} tokens is being sent. */
    void sending(double estimatedTokens) {
        inFlight.incrementAndGet();
        inFlightTokens.add(estimatedTokens);
    }

    /** The call is answered or failed. */
    void returned(double estimatedTokens) {
        inFlight.decrementAndGet();
        inFlightTokens.add(-estimatedTokens);
    }

    /** True once a call to this endpoint has succeeded; until then calls are sent one at a time. */
    private volatile boolean proven;
    private final java.util.concurrent.Semaphore probe = new java.util.concurrent.Semaphore(1);

    /**
     * Before the endpoint has answered once, waits to be the one call in flight and returns true
     * (the caller then calls {@link #endProbe}); after that, returns false at once. Waiting stops
     * when the run stops, so a first call's 401 is the only call the server sees.
     */
    boolean awaitProbe(RunControl run) {
        while (!proven) {
            run.checkRunning();
            try {
                if (probe.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                    if (!proven) return true;
                    probe.release();
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new cai4j.model.ModelException(cai4j.model.ModelException.Kind.FINAL, 0, "Interrupted while waiting to call the model.", null, ie);
            }
        }
        return false;
    }

    void endProbe() { probe.release(); }

    void proven() { proven = true; }

    /** A successful call earns a fraction of a retry. */
    synchronized void earnRetry() {
        retryAllowance = Math.min(retryAllowance + limits.retryBudgetRatio(), 10 + 1000 * limits.retryBudgetRatio());
    }

    /** Takes one retry from the budget; false when the budget is spent. */
    synchronized boolean spendRetry() {
        if (retryAllowance < 1) return false;
        retryAllowance -= 1;
        return true;
    }
}
