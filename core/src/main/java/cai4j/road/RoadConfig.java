package cai4j.road;

import cai4j.scheduler.Limits;
import cai4j.scheduler.Prices;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How a run's road behaves.
 *
 * @param env           where API keys are read from (the process environment, or a map in tests)
 * @param limits        concurrency, RPM/TPM, attempts and backoff, per endpoint
 * @param maxCost       stop cleanly before the run's cost would pass this many USD
 * @param prices        the price table for cost
 * @param timeout       how long one call may take from its first attempt to its last, retries included
 * @param progress      where progress lines go (stderr in the CLI), or empty for none
 * @param progressEvery how often a progress line is printed
 * @param batchPoll     when present, calls go to the provider as batch jobs ({@code --batch}), whose
 *                      status is checked this often; empty for ordinary calls
 */
public record RoadConfig(Map<String, String> env, Limits limits, OptionalDouble maxCost, Prices prices,
                         Duration timeout, Optional<PrintStream> progress, Duration progressEvery,
                         Optional<Duration> batchPoll) {
    public RoadConfig {
        env = Map.copyOf(env);
        if (maxCost.isPresent() && maxCost.getAsDouble() < 0) throw new cai4j.InputError("--max-cost must not be negative.");
    }

    /** The process environment, default limits, built-in prices, 120 s per attempt, no progress display. */
    public static RoadConfig defaults() {
        return new RoadConfig(System.getenv(), Limits.defaults(), OptionalDouble.empty(), Prices.builtIn(),
                Duration.ofSeconds(120), Optional.empty(), Duration.ofSeconds(2), Optional.empty());
    }

    /** True when calls go to the provider as batch jobs. */
    public boolean batch() { return batchPoll.isPresent(); }

    public RoadConfig withEnv(Map<String, String> e) { return new RoadConfig(e, limits, maxCost, prices, timeout, progress, progressEvery, batchPoll); }
    public RoadConfig withLimits(Limits l) { return new RoadConfig(env, l, maxCost, prices, timeout, progress, progressEvery, batchPoll); }
    public RoadConfig withMaxCost(double usd) { return new RoadConfig(env, limits, OptionalDouble.of(usd), prices, timeout, progress, progressEvery, batchPoll); }
    public RoadConfig withPrices(Prices p) { return new RoadConfig(env, limits, maxCost, p, timeout, progress, progressEvery, batchPoll); }
    public RoadConfig withTimeout(Duration t) { return new RoadConfig(env, limits, maxCost, prices, t, progress, progressEvery, batchPoll); }
    /** Calls go to the provider as batch jobs, polled every {@code poll}. */
    public RoadConfig withBatch(Duration poll) { return new RoadConfig(env, limits, maxCost, prices, timeout, progress, progressEvery, Optional.of(poll)); }
    public RoadConfig withProgress(PrintStream out, Duration every) { return new RoadConfig(env, limits, maxCost, prices, timeout, Optional.of(out), every, batchPoll); }
}
