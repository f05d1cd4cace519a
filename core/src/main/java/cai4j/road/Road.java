package cai4j.road;

import cai4j.batch.BatchLink;
import cai4j.ledger.Ledger;
import cai4j.ledger.LedgerKey;
import cai4j.ledger.LedgerLink;
import cai4j.ledger.ModelStats;
import cai4j.model.ChatRequest;
import cai4j.model.LanguageModel;
import cai4j.model.ModelException;
import cai4j.model.ModelSpec;
import cai4j.model.Providers;
import cai4j.model.Usage;
import cai4j.scheduler.BudgetLink;
import cai4j.scheduler.Endpoint;
import cai4j.scheduler.Progress;
import cai4j.scheduler.ProgressLink;
import cai4j.scheduler.RunControl;
import cai4j.scheduler.ScheduleLink;
import cai4j.scheduler.UsageLink;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one road every model call of a run takes: a list of {@link Link}s ending at the provider,
 * assembled in {@link #links} and nowhere else — progress, ledger, schedule, budget, usage.
 *
 * <pre>{@code
 * try (Road road = Road.open(runDir, RoadConfig.defaults().withProgress(System.err, Duration.ofSeconds(2)))) {
 *     LanguageModel target = road.model(ModelSpec.parse("openai:gpt-4o-mini"));
 *     Completion c = target.complete(ChatRequest.of(List.of(Message.user("Hello"))));  // any thread; virtual threads welcome
 *     Progress.Snapshot s = road.stats();
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link #model(ModelSpec)} opens the provider named by the spec (found by ServiceLoader; an
 *       unknown provider or a missing API key is an {@link cai4j.InputError}) and returns it wrapped
 *       so that every call is first looked up in {@code runDir/ledger.db} (a hit is replayed at no
 *       cost), then scheduled (adaptive concurrency, RPM/TPM, retries with backoff, Retry-After),
 *       then committed to the ledger before the caller sees it. The same spec returns the same
 *       model; models are thread-safe and meant to be called from many virtual threads at once.</li>
 *   <li>{@link #model(LanguageModel)} puts an already-open model on the road (an embedded model, a
 *       test double).</li>
 *   <li>A final error (401, 403, bad request, quota, {@code --max-cost}) stops every model of the
 *       road: calls in flight and later calls throw the same {@link ModelException}, so a stage can
 *       stop at once with one clear sentence. {@link #stopped()} tells whether that happened.</li>
 *   <li>{@link #progress()} counts calls, replays, tokens, cost, retries and errors; call
 *       {@link Progress#plan(long)} with the number of calls a stage intends, for the ETA.</li>
 *   <li>{@link #plan(ModelSpec, ChatRequest)} estimates a call without making it (for {@code --dry-run}).</li>
 * </ul>
 *
 * The road holds no global state: two roads on two run directories are independent.
 */
public final class Road implements AutoCloseable {
    private final RoadConfig config;
    private final Ledger ledger;
    private final Progress progress = new Progress();
    private final RunControl control;
    private final Providers providers;
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final Map<String, RoadModel> models = new ConcurrentHashMap<>();
    private final AutoCloseable reporter;
    /** The run directory is this road's alone while it is open: two processes never write one ledger and one set of files. */
    private final cai4j.RunLock lock;

    private Road(Path runDir, RoadConfig config) {
        this.config = config;
        this.lock = cai4j.RunLock.acquire(runDir);
        Ledger opened;
        try {
            opened = Ledger.open(runDir);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        this.ledger = opened;
        // the ledger holds every call this run directory paid for, so --max-cost bounds the run, not one command
        this.control = new RunControl(config.maxCost(), progress, ledger.stats().stream().mapToDouble(cai4j.ledger.ModelStats::costUsd).sum());
        this.providers = Providers.load();
        this.reporter = config.progress().isPresent()
                ? progress.report(config.progress().get(), config.progressEvery().toMillis())
                : () -> {};
    }

    /** Opens the road of a run directory (created if needed), with its ledger. */
    public static Road open(Path runDir, RoadConfig config) {
        return new Road(runDir, config);
    }

    /** The model a spec names, on the road. */
    public LanguageModel model(ModelSpec spec) {
        RoadModel m = models.get(spec.toString());
        if (m != null) return m;
        synchronized (models) {
            return models.computeIfAbsent(spec.toString(), k -> spec.replicated() ? replicated(spec) : onRoad(providers.open(spec, config.env(), config.timeout())));
        }
    }

    /** The model a spec string names, on the road. */
    public LanguageModel model(String spec) {
        return model(ModelSpec.parse(spec));
    }

    /** Puts an already-open model on the road; it shares the ledger, limits and budget of the run. */
    public LanguageModel model(LanguageModel provider) {
        return onRoad(provider);
    }

    private RoadModel onRoad(LanguageModel provider) {
        Endpoint endpoint = endpoint(provider);
        return new RoadModel(provider, links(endpoint, batchJobs(provider)));
    }

    /**
     * A spec with several replicas: the ledger sees one model (its key leaves the URLs out), and
     * behind it each replica has its own endpoint (limits, rate headers, retries) and provider.
     */
    private RoadModel replicated(ModelSpec spec) {
        if (config.batch()) {
            throw new cai4j.InputError("--batch sends every call to one server; " + spec + " names several: give one base URL, or run without --batch.");
        }
        List<ReplicaLink.Replica> replicas = new java.util.ArrayList<>();
        List<LanguageModel> opened = new java.util.ArrayList<>();
        try {
            for (String url : spec.baseUrls()) {
                LanguageModel provider = providers.open(spec.replica(url), config.env(), config.timeout());
                opened.add(provider);
                List<Link> own = new java.util.ArrayList<>(sendLinks(endpoint(provider)));
                own.add(1, ReplicaLink.UNREACHABLE_IS_NOT_FINAL);
                RoadModel road = new RoadModel(provider, own);
                replicas.add(new ReplicaLink.Replica(provider.spec(), road::answer));
            }
        } catch (RuntimeException e) {
            opened.forEach(LanguageModel::close);
            throw e;
        }
        ReplicaLink spread = new ReplicaLink(replicas);
        LanguageModel front = new Replicas(spec, spread, opened);
        return new RoadModel(front, List.of(new ProgressLink(progress), new LedgerLink(ledger), spread));
    }

    /** The traffic state of a provider's endpoint, shared by every model on it. */
    private Endpoint endpoint(LanguageModel provider) {
        if (config.maxCost().isPresent() && !provider.local() && config.prices().price(provider.spec()).isEmpty()) {
            // a call of unknown price would count as free and --max-cost would never stop it
            throw new cai4j.InputError("--max-cost cannot be kept: " + provider.spec() + " has no price in the price table; give its price with --prices FILE or declare it free with --free-model " + provider.spec().provider() + ":" + provider.spec().model() + ".");
        }
        var limits = config.limits();
        if (provider.local() || provider.maxConcurrency() > 0) {
            // a CPU-bound model gains nothing from more calls at once than it has slots (or cores)
            int cap = provider.maxConcurrency() > 0 ? provider.maxConcurrency() : Runtime.getRuntime().availableProcessors();
            limits = limits.withConcurrency(Math.min(limits.concurrency(), cap));
        }
        var finalLimits = limits;
        Endpoint endpoint = endpoints.computeIfAbsent(provider.spec().toString(), k -> new Endpoint(finalLimits));
        provider.onRateLimits(endpoint::observe);
        return endpoint;
    }

    /** The provider's batch jobs when the run sends batches ({@code --batch}); a model on this machine has no use for them. */
    private Optional<cai4j.model.BatchJobs> batchJobs(LanguageModel provider) {
        if (!config.batch() || provider.local()) return Optional.empty();
        return Optional.of(provider.batchJobs().orElseThrow(() -> new cai4j.InputError(
                "--batch needs a provider with batch jobs (openai, anthropic); " + provider.spec() + " has none: run it without --batch.")));
    }

    /**
     * The road, outermost link first. The order is the design: a replay never waits for a slot
     * (ledger before schedule); only an attempt about to be sent holds budget (budget inside the
     * schedule); the cost is counted before the budget releases what the attempt held (usage
     * inside the budget). Batching, when on, sits right inside the ledger: only calls the ledger
     * has no answer for join a batch, and a line that failed in the batch goes on down the road as
     * an ordinary call.
     */
    private List<Link> links(Endpoint endpoint, Optional<cai4j.model.BatchJobs> batches) {
        List<Link> links = new java.util.ArrayList<>(List.of(new ProgressLink(progress), new LedgerLink(ledger)));
        batches.ifPresent(jobs -> links.add(new BatchLink(ledger, jobs, config.prices(), control, config.batchPoll().orElseThrow(), config.progress())));
        links.addAll(sendLinks(endpoint));
        return links;
    }

    /** The links of one endpoint, from waiting for its turn to counting what the answer cost. */
    private List<Link> sendLinks(Endpoint endpoint) {
        return List.of(
                new ScheduleLink(endpoint, control, config.timeout()),
                new BudgetLink(control, config.prices()),
                new UsageLink(progress, config.prices()));
    }

    /** The names of the model providers found on the class path. */
    public java.util.Set<String> providers() { return providers.names(); }

    /** What a call would cost, without making it. */
    public record Plan(boolean recorded, long inputTokens, long maxOutputTokens, double maxCostUsd) {}

    /** Estimates a call without opening the provider: replayed from the ledger, or tokens and worst-case cost (at the batch price with {@code --batch}). */
    public Plan plan(ModelSpec spec, ChatRequest request) {
        boolean recorded = ledger.findAny(LedgerKey.candidates(spec, request)).isPresent();
        long in = ScheduleLink.estimateInputTokens(request);
        Usage worst = new Usage(in, request.maxTokens(), 0);
        double cost = config.batch() ? config.prices().batchCost(spec, worst) : config.prices().cost(spec, worst);
        return recorded ? new Plan(true, 0, 0, 0) : new Plan(false, in, request.maxTokens(), cost);
    }

    public Progress progress() { return progress; }

    public Progress.Snapshot stats() { return progress.snapshot(); }

    /** The ledger's statistics per model, over every run that used this directory. */
    public List<ModelStats> ledgerStats() { return ledger.stats(); }

    /** The final error that stopped the road, if one did. */
    public Optional<ModelException> stopped() { return control.stopped(); }

    public RoadConfig config() { return config; }

    @Override
    public void close() {
        for (RoadModel m : models.values()) {
            try {
                m.close();
            } catch (RuntimeException e) {
                // closing one provider must not keep the ledger open
            }
        }
        try {
            reporter.close();
        } catch (Exception e) {
            // the progress display is best effort
        }
        ledger.close();
        lock.close();
    }
}
