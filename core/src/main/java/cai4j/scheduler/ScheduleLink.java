package cai4j.scheduler;

import cai4j.model.ChatRequest;
import cai4j.model.Message;
import cai4j.model.ModelException;
import cai4j.model.Usage;
import cai4j.road.Answer;
import cai4j.road.Call;
import cai4j.road.CallFailed;
import cai4j.road.Link;
import com.netflix.concurrency.limits.Limiter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The scheduler's link of the road: waits for a concurrency slot and for the RPM/TPM buckets,
 * sends the call on, retries transient errors with exponential backoff and full jitter (or the
 * server's Retry-After), and stops the whole run on a final error. Retries live here alone:
 * providers are built with their SDK's retries turned off, so every attempt is counted once.
 */
public final class ScheduleLink implements Link {
    private final Endpoint endpoint;
    private final RunControl run;
    private final Duration deadline;

    /**
     * @param deadline how long one call may take from its first attempt on, retries and backoff
     *                 included ({@code --timeout}): no retry starts after it, and the provider cuts
     *                 each attempt off after the same time
     */
    public ScheduleLink(Endpoint endpoint, RunControl run, Duration deadline) {
        this.endpoint = endpoint;
        this.run = run;
        this.deadline = deadline;
    }

    @Override
    public Answer handle(Call call, Chain next) {
        ChatRequest request = call.request();
        double estTokens = estimateInputTokens(request) + request.maxTokens();
        int attempts = 0;
        long started = System.nanoTime(); // reset when the first attempt is sent
        while (true) {
            Limiter.Listener slot = null;
            boolean probing = false;
            try {
                run.checkRunning();
                // until the endpoint has answered once, calls go one at a time: a wrong key or
                // model then costs one call, not one per concurrency slot; and the rate limits the
                // first answer's headers tell are known before any other call takes its turn
                probing = endpoint.awaitProbe(run);
                if (!call.local()) sleepWatchingStop(call, endpoint.reserve(estTokens));
                slot = endpoint.acquireSlot();
                run.checkRunning();
                long t0 = System.nanoTime();
                if (attempts == 0) started = t0;
                Answer a;
                endpoint.sending(estTokens);
                try {
                    a = next.proceed(call);
                } catch (CallFailed f) {
                    // a link further down failed the call without sending it (the budget)
                    throw new CallFailed(f.error(), attempts + f.attempts());
                } catch (ModelException e) {
                    attempts++;
                    throw e;
                } finally {
                    endpoint.returned(estTokens);
                }
                attempts++;
                slot.onSuccess();
                slot = null;
                endpoint.proven();
                endpoint.earnRetry();
                Usage u = a.completion().usage();
                endpoint.refundTokens(estTokens - (u.inputTokens() + u.outputTokens()));
                return a.withAttempts(attempts);
            } catch (ModelException e) {
                // a final error stops the run before its slot is given back, so no waiting call can
                // take the slot and be sent: after a 401, at most the calls already in flight reach the server
                ModelException first = e.isTransient() ? null : run.stop(e);
                if (slot != null) {
                    if (e.status() == 429 || e.status() == 0 && e.isTransient()) slot.onDropped();
                    else slot.onIgnore();
                    slot = null;
                }
                if (first != null) throw new CallFailed(first, attempts);
                e.retryAfter().ifPresent(endpoint::pauseFor);
                boolean flowControl = e.status() == 429;
                Duration wait = backoff(attempts, e);
                Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
                if (elapsed.plus(wait).compareTo(deadline) >= 0) {
                    throw new CallFailed(gaveUp(e, String.format(Locale.ROOT,
                            "no answer within --timeout %s s over %d attempt%s", seconds(deadline), attempts, attempts == 1 ? "" : "s")), attempts);
                }
                if (attempts >= endpoint.limits().maxAttempts()) {
                    throw new CallFailed(gaveUp(e, "gave up after " + attempts + " attempts"), attempts);
                }
                if (!flowControl && !endpoint.spendRetry()) {
                    throw new CallFailed(gaveUp(e, "the retry budget of " + call.spec() + " is spent (too many calls failed for the calls that succeeded)"), attempts);
                }
                run.progress().retry();
                try {
                    sleepWatchingStop(call, wait.toNanos());
                } catch (ModelException stop) {
                    throw new CallFailed(stop, attempts);
                }
            } finally {
                if (probing) endpoint.endProbe();
                if (slot != null) slot.onIgnore();
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
    private void sleepWatchingStop(Call call, long nanos) {
        long end = System.nanoTime() + nanos;
        try {
            for (long left = nanos; left > 0; left = end - System.nanoTime()) {
                run.checkRunning();
                Thread.sleep(Duration.ofNanos(Math.min(left, 100_000_000L)));
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new ModelException(ModelException.Kind.FINAL, 0, "Interrupted while waiting to call " + call.spec() + ".", null, ie);
        }
    }

    /** About four characters a token, plus a few tokens of framing per message. */
    public static long estimateInputTokens(ChatRequest r) {
        long chars = 0;
        for (Message m : r.messages()) chars += m.content().length() + 16;
        return (chars + 3) / 4;
    }
}
