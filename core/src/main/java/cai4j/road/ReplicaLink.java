package cai4j.road;

import cai4j.model.ModelException;
import cai4j.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The last link of a spec with several replicas ({@code openai:M@URL1,URL2}): each call goes to the
 * next replica in turn, down that replica's own road (its schedule with its own limits and retries,
 * the budget, usage). A replica that failed a call after its retries (connection refused, 5xx) is
 * tried last until it answers again, and the call moves on to the next replica; the call fails only
 * when every replica failed it. A final error (401, quota, {@code --max-cost}) has stopped the run
 * and is not tried elsewhere.
 */
final class ReplicaLink implements Link {

    /** One replica: its spec (one base URL) and the road from its schedule to its provider. */
    record Replica(ModelSpec spec, Chain road, AtomicBoolean down) {
        Replica(ModelSpec spec, Chain road) {
            this(spec, road, new AtomicBoolean());
        }
    }

    private final List<Replica> replicas;
    private final AtomicInteger next = new AtomicInteger();

    ReplicaLink(List<Replica> replicas) {
        if (replicas.isEmpty()) throw new IllegalArgumentException("no replicas");
        this.replicas = List.copyOf(replicas);
    }

    @Override
    public Answer handle(Call call, Chain ignored) {
        int attempts = 0;
        CallFailed last = null;
        for (Replica r : order()) {
            try {
                Answer a = r.road().proceed(new Call(r.spec(), call.request(), call.local()));
                r.down().set(false);
                return a.withAttempts(attempts + a.attempts());
            } catch (CallFailed f) {
                attempts += f.attempts();
                if (!f.error().isTransient() && !unreachable(f.error())) throw new CallFailed(f.error(), attempts);
                r.down().set(true);
                last = f;
            }
        }
        ModelException e = last.error();
        throw new CallFailed(new ModelException(e.kind(), e.status(),
                "Every replica of " + call.spec().provider() + ":" + call.spec().model() + " failed the call; the last said: " + e.getMessage(), null, e), attempts);
    }

    /**
     * The link right below a replica's schedule: a replica that cannot be reached (connection
     * refused, unknown host) fails the call here without stopping the run, as a single server's
     * unreachable URL would, since the other replicas may answer it.
     */
    static final Link UNREACHABLE_IS_NOT_FINAL = (call, next) -> {
        try {
            return next.proceed(call);
        } catch (ModelException e) {
            if (unreachable(e)) throw new CallFailed(e, 1);
            throw e;
        }
    };

    /** A final error with no status whose cause is a refused connection or an unknown host. */
    static boolean unreachable(ModelException e) {
        if (e.isTransient() || e.status() != 0) return false;
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof java.net.UnknownHostException) return true;
            if (t instanceof java.net.ConnectException && !(t instanceof java.net.SocketTimeoutException)) return true;
        }
        return false;
    }

    /** Every replica once, starting at the next in turn, those that answered their last call first. */
    private List<Replica> order() {
        int start = Math.floorMod(next.getAndIncrement(), replicas.size());
        List<Replica> up = new ArrayList<>();
        List<Replica> down = new ArrayList<>();
        for (int i = 0; i < replicas.size(); i++) {
            Replica r = replicas.get((start + i) % replicas.size());
            (r.down().get() ? down : up).add(r);
        }
        up.addAll(down);
        return up;
    }
}
