package cai4j.batch;

import cai4j.ledger.Ledger;
import cai4j.ledger.LedgerKey;
import cai4j.model.BatchJobs;
import cai4j.model.BatchJobs.BatchState;
import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.ModelException;
import cai4j.model.ModelSpec;
import cai4j.model.Usage;
import cai4j.road.Answer;
import cai4j.road.Call;
import cai4j.road.CallFailed;
import cai4j.road.Link;
import cai4j.scheduler.Prices;
import cai4j.scheduler.Progress;
import cai4j.scheduler.RunControl;
import cai4j.scheduler.ScheduleLink;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends calls as provider batch jobs ({@code --batch}). It sits right inside the ledger, so a call
 * already answered never reaches it. Calls that arrive together are gathered into one job (a job
 * is sealed once no call has joined it for {@link #GATHER}); each call of the job is then recorded
 * {@code pending} in the ledger with the job's id, and its caller waits while the job is polled.
 *
 * <p>A call found pending in the ledger (a rerun after a kill) attaches to its job and polls it; it
 * is never submitted again. Once the job is over, each answer is priced at the batch price and
 * returned up the road, where the ledger records it like any other; a line that failed in the job,
 * or that the job never reached (expired, cancelled), goes down the rest of the road as an
 * ordinary call. A job that failed as a whole fails its calls with one sentence naming it, and the
 * ledger's record of the failure lets a rerun submit them again.
 */
public final class BatchLink implements Link {
    /** How long a job stays open for more calls after the last one joined. */
    static final Duration GATHER = Duration.ofMillis(300);
    /** The most requests one OpenAI batch may hold. */
    static final int MAX_LINES = 50_000;

    private final Ledger ledger;
    private final BatchJobs jobs;
    private final Prices prices;
    private final Progress progress;
    private final RunControl run;
    private final Duration poll;
    private final Optional<PrintStream> out;
    private final Map<String, Job> byId = new ConcurrentHashMap<>();
    private Gathering open; // guarded by this

    public BatchLink(Ledger ledger, BatchJobs jobs, Prices prices, RunControl run, Duration poll, Optional<PrintStream> out) {
        this.ledger = ledger;
        this.jobs = jobs;
        this.prices = prices;
        this.progress = run.progress();
        this.run = run;
        this.poll = poll;
        this.out = out;
    }

    @Override
    public Answer handle(Call call, Chain next) {
        String key = LedgerKey.of(call.spec(), call.request());
        // the budget holds the worst case of the call at the batch price until its answer is priced
        double worst = prices.batchCost(call.spec(), new Usage(ScheduleLink.estimateInputTokens(call.request()), call.request().maxTokens(), 0));
        try {
            run.reserve(worst);
        } catch (ModelException e) {
            throw new CallFailed(e, 0);
        }
        try {
            Optional<String> pending = ledger.pendingBatch(key);
            Job job;
            if (pending.isPresent()) {
                job = byId.computeIfAbsent(pending.get(), id -> new Job(id, call.spec(), true));
                job.requests.put(key, call.request());
            } else {
                job = gather(key, call).await(run);
                if (job == null) return next.proceed(call); // the job could not be submitted: an ordinary call
            }
            BatchState state = job.await(run);
            if (state.failedAsAWhole()) {
                throw new CallFailed(new ModelException(ModelException.Kind.FINAL, 0,
                        "The batch " + job.id + " of " + call.spec() + " failed (" + state.failure() + "); rerun to submit its calls in a new batch.", null, null), 1);
            }
            Completion c = state.answers().get(key);
            if (c == null) {
                progress.retry(); // failed in the batch, or never reached by it: tried as an ordinary call
                return next.proceed(call);
            }
            double cost = prices.batchCost(call.spec(), c.usage());
            progress.complete(c.usage(), cost);
            return new Answer(c, false, 1, cost, job.age());
        } catch (Interrupted e) {
            // the caller stopped waiting: the call stays pending in the ledger, for a rerun to attach to
            throw new CallFailed(e, 0);
        } catch (ModelException e) {
            // polling failed for good (a revoked key, a batch the provider no longer knows)
            throw new CallFailed(run.stop(e), 1);
        } finally {
            run.release(worst);
        }
    }

    /** Adds a call to the job being gathered, opening one if none is. */
    private synchronized Gathering gather(String key, Call call) {
        if (open == null || open.calls.size() >= MAX_LINES) {
            open = new Gathering(call.spec());
            Gathering g = open;
            Thread.ofVirtual().name("cai4j-batch-submit").start(() -> submitWhenQuiet(g));
        }
        open.calls.putIfAbsent(key, call);
        open.lastJoined = System.nanoTime();
        return open;
    }

    private void submitWhenQuiet(Gathering g) {
        try {
            while (true) {
                long quietFor;
                synchronized (this) {
                    quietFor = System.nanoTime() - g.lastJoined;
                    if (quietFor >= GATHER.toNanos() || g.calls.size() >= MAX_LINES) {
                        if (open == g) open = null; // sealed: later calls open a new job
                        break;
                    }
                }
                Thread.sleep(Duration.ofNanos(GATHER.toNanos() - quietFor));
            }
            Map<String, ChatRequest> requests = new LinkedHashMap<>();
            g.calls.forEach((k, c) -> requests.put(k, c.request()));
            String id = jobs.submit(requests);
            Job job = new Job(id, g.spec, false);
            job.requests.putAll(requests);
            // pending before any caller waits: a kill from here on leaves the job's id in the ledger
            g.calls.forEach((k, c) -> ledger.recordPending(k, c.spec(), c.request(), id));
            byId.put(id, job);
            say("batch " + id + ": submitted " + requests.size() + " request" + (requests.size() == 1 ? "" : "s") + " to " + g.spec + " at the batch price");
            job.start();
            g.job.complete(job);
        } catch (ModelException e) {
            if (!e.isTransient()) run.stop(e);
            say("batch: the batch could not be submitted (" + e.getMessage() + "); its calls are made one by one");
            g.job.complete(null);
        } catch (InterruptedException e) {
            g.job.complete(null);
        } catch (RuntimeException e) {
            g.job.completeExceptionally(e);
        }
    }

    private void say(String line) {
        out.ifPresent(o -> o.println(line));
    }

    /** A job being gathered: the calls that joined it and, once submitted, the job. */
    private static final class Gathering {
        final ModelSpec spec;
        final Map<String, Call> calls = new LinkedHashMap<>();
        volatile long lastJoined;
        final CompletableFuture<Job> job = new CompletableFuture<>();

        Gathering(ModelSpec spec) {
            this.spec = spec;
        }

        Job await(RunControl run) {
            return waitFor(job, run);
        }
    }

    /** A submitted job, polled until it is over. */
    private final class Job {
        final String id;
        final ModelSpec spec;
        final boolean attached;
        final Map<String, ChatRequest> requests = new ConcurrentHashMap<>();
        final CompletableFuture<BatchState> over = new CompletableFuture<>();
        final long since = System.nanoTime();

        Job(String id, ModelSpec spec, boolean attached) {
            this.id = id;
            this.spec = spec;
            this.attached = attached;
            if (attached) {
                say("batch " + id + ": attached to the batch pending in the ledger; it is not submitted again");
                start();
            }
        }

        Duration age() { return Duration.ofNanos(System.nanoTime() - since); }

        void start() {
            Thread.ofVirtual().name("cai4j-batch-poll").start(this::pollUntilOver);
        }

        private void pollUntilOver() {
            try {
                // a rerun's calls attach one by one: let them all arrive before the answers are read
                if (attached) Thread.sleep(GATHER.multipliedBy(2));
                String last = "";
                while (true) {
                    BatchState s;
                    try {
                        s = jobs.poll(id, Map.copyOf(requests));
                    } catch (ModelException e) {
                        if (!e.isTransient()) throw e;
                        say("batch " + id + ": status check failed (" + e.getMessage() + "); trying again in " + poll.toSeconds() + " s");
                        Thread.sleep(poll);
                        continue;
                    }
                    String line = "batch " + id + ": " + s.status() + ", " + s.done() + "/" + s.total() + " done, " + s.failed() + " failed";
                    if (!line.equals(last) || s.over()) say(line + (s.over() ? "" : "; checking every " + seconds(poll)));
                    last = line;
                    if (s.over()) {
                        over.complete(s);
                        return;
                    }
                    Thread.sleep(poll);
                }
            } catch (InterruptedException e) {
                over.completeExceptionally(e);
            } catch (RuntimeException e) {
                over.completeExceptionally(e);
            }
        }

        BatchState await(RunControl run) {
            return waitFor(over, run);
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
    }

    /** The caller was interrupted while its call waited for a batch. */
    private static final class Interrupted extends ModelException {
        Interrupted(InterruptedException cause) {
            super(Kind.FINAL, 0, "Interrupted while waiting for a batch; the batch stays pending in the ledger and a rerun attaches to it.", null, cause);
        }
    }

    /** Waits for a future, stopping when the run is stopped by another call's final error. */
    private static <T> T waitFor(CompletableFuture<T> f, RunControl run) {
        while (true) {
            run.checkRunning();
            try {
                return f.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // check the run again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Interrupted(e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
    }
}
