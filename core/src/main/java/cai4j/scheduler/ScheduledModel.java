package cai4j.scheduler;

import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import cai4j.model.ModelException;
import cai4j.model.ModelSpec;
import cai4j.model.Usage;
import com.netflix.concurrency.limits.Limiter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The scheduler's link of the road: waits for a concurrency slot and for the RPM/TPM buckets,
 * sends the call, retries transient errors with exponential backoff and full jitter (or the server's
 * Retry-After), and stops the whole run on a final error. Retries live here alone: providers are
 * built with their SDK's retries turned off, so every attempt is counted once.
 */
public final class ScheduledModel implements LanguageModel {

    /** How one call went: the completion, the attempts it took, its cost and the last attempt's latency. */
    public record Attempted(Completion completion, int attempts, double costUsd, Duration latency) {}

    /** A call that failed for good, with the attempts it took. */
    public static final class Failed extends RuntimeException {
        private final ModelException error;
        private final int attempts;

        Failed(ModelException error, int attempts) {
            super(error.getMessage(), error, false, false);
            this.error = error;
            this.attempts = attempts;
        }

        public ModelException error() { return error; }

        public int attempts() { return attempts; }
    }

    private final LanguageModel provider;
    private final Endpoint endpoint;
    private final RunControl run;
    private final Prices prices;
    private final Duration deadline;

    /**
     * @param deadline how long one call may take from its first attempt on, retries and backoff
     *                 included ({@code --timeout}): no retry starts after it, and the provider cuts
     *                 each attempt off after the same time
     */
    public ScheduledModel(LanguageModel provider, Endpoint endpoint, RunControl run, Prices prices, Duration deadline) {
        this.provider = provider;
        this.deadline = deadline;
        this.endpoint = endpoint;
        this.run = run;
        this.prices = prices;
        provider.onRateLimits(endpoint::observe);
    }

    @Override
    public ModelSpec spec() { return provider.spec(); }

    @Override
    public boolean local() { return provider.local(); }

    @Override
    public void onRateLimits(Consumer<cai4j.model.RateLimits> listener) { provider.onRateLimits(listener); }

    @Override
    public Completion complete(ChatRequest request) {
        try {
            return attempt(request).completion();
        } catch (Failed f) {
            throw f.error();
        }
    }

    /** Answers one request, or throws {@link Failed} carrying the final error and the attempts made. */
    public Attempted attempt(ChatRequest request) {
        double estTokens = estimateInputTokens(request) + request.maxTokens();
        double worstCost = local() ? 0 : prices.cost(spec(), new Usage(estimateInputTokens(request), request.maxTokens(), 0));
        int attempts = 0;
        long started = System.nanoTime(); // reset when the first attempt is sent
        while (true) {
            Limiter.Listener slot = null;
            boolean reserved = false;
            boolean probing = false;
            try {
                run.checkRunning();
                if (!local()) sleepWatchingStop(endpoint.reserve(estTokens));
                slot = endpoint.acquireSlot();
                // until the endpoint has answered once, calls go one at a time: a wrong key or
                // model then costs one call, not one per concurrency slot
                probing = endpoint.awaitProbe(run);
                run.checkRunning();
                // the budget is held only by calls about to be sent, so waiting calls do not block it
                run.reserve(worstCost);
                reserved = true;
                attempts++;
                long t0 = System.nanoTime();
                if (attempts == 1) started = t0;
                Completion c = provider.complete(request);
                Duration latency = Duration.ofNanos(System.nanoTime() - t0);
                slot.onSuccess();
                slot = null;
                endpoint.proven();
                endpoint.earnRetry();
                Usage u = c.usage();
                endpoint.refundTokens(estTokens - (u.inputTokens() + u.outputTokens()));
                double cost = local() ? 0 : prices.cost(spec(), u);
                run.progress().complete(u, cost);
                return new Attempted(c, attempts, cost, latency);
            } catch (ModelException e) {
                // a final error stops the run before its slot is given back, so no waiting call can
                // take the slot and be sent: after a 401, at most the calls already in flight reach the server
                ModelException first = e.isTransient() ? null : run.stop(e);
                if (slot != null) {
                    if (e.status() == 429 || e.status() == 0 && e.isTransient()) slot.onDropped();
                    else slot.onIgnore();
                    slot = null;
                }
                if (first != null) throw new Failed(first, attempts);
                e.retryAfter().ifPresent(endpoint::pauseFor);
                boolean flowControl = e.status() == 429;
                Duration wait = backoff(attempts, e);
                Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
                if (elapsed.plus(wait).compareTo(deadline) >= 0) {
                    throw new Failed(gaveUp(e, String.format(Locale.ROOT,
                            "no answer within --timeout %s s over %d attempt%s", seconds(deadline), attempts, attempts == 1 ? "" : "s")), attempts);
                }
                if (attempts >= endpoint.limits().maxAttempts()) {
                    throw new Failed(gaveUp(e, "gave up after " + attempts + " attempts"), attempts);
                }
                if (!flowControl && !endpoint.spendRetry()) {
                    throw new Failed(gaveUp(e, "the retry budget of " + spec() + " is spent (too many calls failed for the calls that succeeded)"), attempts);
                }
                run.progress().retry();
                try {
                    sleepWatchingStop(wait.toNanos());
                } catch (ModelException stop) {
                    throw new Failed(stop, attempts);
                }
            } finally {
                if (probing) endpoint.endProbe();
                if (slot != null) slot.onIgnore();
                if (reserved) run.release(worstCost);
            }
        }
    }

    /** The call's last error, saying why no further attempt is made and that a rerun picks up from here. */
    private static ModelException gaveUp(ModelException e, String why) {
        String m = e.getMessage();
        if (m.endsWith(".")) m = m.substring(0, m.length() - 1);
        return new ModelException(e.kind(), e.status(),
                m + "; " + why + ". Finished calls are kept in the ledger: rerun the same command to resume.", null, e);
    }

    private static String seconds(Duration d) {
        double s = d.toMillis() / 1000.0;
        return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
    }

    private Duration backoff(int attempt, ModelException e) {
        if (e.retryAfter().isPresent()) {
            // the server said when; a little jitter keeps the waiting calls from arriving together
            return e.retryAfter().get().plusMillis(ThreadLocalRandom.current().nextLong(50));
        }
        long base = endpoint.limits().backoffBase().toMillis();
        long cap = endpoint.limits().backoffCap().toMillis();
        long ceiling = Math.min(cap, base << Math.min(20, attempt - 1));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling + 1));
    }

    /** Sleeps in short steps so that a run stopped by a final error stops waiting within a moment. */
    private void sleepWatchingStop(long nanos) {
        long end = System.nanoTime() + nanos;
        try {
            for (long left = nanos; left > 0; left = end - System.nanoTime()) {
                run.checkRunning();
                Thread.sleep(Duration.ofNanos(Math.min(left, 100_000_000L)));
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new ModelException(ModelException.Kind.FINAL, 0, "Interrupted while waiting to call " + spec() + ".", null, ie);
        }
    }

    /** About four characters a token, plus a few tokens of framing per message. */
    public static long estimateInputTokens(ChatRequest r) {
        long chars = 0;
        for (Message m : r.messages()) chars += m.content().length() + 16;
        return (chars + 3) / 4;
    }

    @Override
    public void close() { provider.close(); }
}
