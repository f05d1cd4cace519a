package cai4j.cli;

import cai4j.scheduler.StageProgress;
import cai4j.road.Road;
import cai4j.road.RoadConfig;
import cai4j.scheduler.Limits;
import cai4j.scheduler.Prices;
import cai4j.model.ModelSpec;
import cai4j.run.Role;
import cai4j.run.Roles;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;

/** How commands open the road of a run and name models. */
final class Models {
    private Models() {}

    /**
     * The model of each role by the one rule of {@link Roles}: target, else $CAI4J_MODEL, else the
     * embedded model; judge the target; generator the judge. Options not given are null here, and absent beyond.
     */
    static Roles roles(String target, String judge, String generator) {
        return roles(target, judge, generator, null);
    }

    static Roles roles(String target, String judge, String generator, String trained) {
        Map<Role, String> named = Roles.named();
        if (trained != null) named.put(Role.TRAINED, trained);
        if (target != null) named.put(Role.TARGET, target);
        if (judge != null) named.put(Role.JUDGE, judge);
        if (generator != null) named.put(Role.GENERATOR, generator);
        return Roles.resolve(named, System.getenv());
    }

    /** The road options the model-calling commands share. */
    static final class RoadOptions {
        @picocli.CommandLine.Option(names = "--concurrency", defaultValue = "16", paramLabel = "N",
                description = "Most model calls in flight at once per endpoint (default: ${DEFAULT-VALUE}).")
        int concurrency;

        @picocli.CommandLine.Option(names = "--max-cost", paramLabel = "USD", description = "Stop cleanly before the run's cost would pass this many US dollars.")
        Double maxCost;

        @picocli.CommandLine.Option(names = "--prices", paramLabel = "FILE", description = "A JSON price table adding to or replacing the built-in one (USD per million tokens).")
        Path prices;

        @picocli.CommandLine.Option(names = "--free-model", paramLabel = "SPEC", description = "A model that costs nothing (repeatable), so --max-cost accepts it without a price.")
        List<String> freeModels = new ArrayList<>();

        @picocli.CommandLine.Option(names = "--timeout", converter = Positive.Seconds.class, defaultValue = "120", paramLabel = "SECONDS", description = "Seconds one model call may take, its retries included (default: ${DEFAULT-VALUE}).")
        double timeoutSeconds;

        @picocli.CommandLine.Option(names = "--batch", description = "Send each stage's calls to OpenAI models as provider batch jobs at the batch price (half price); answers come within 24 hours, and a rerun attaches to a pending batch.")
        boolean batch;

        @picocli.CommandLine.Option(names = "--batch-poll", converter = Positive.Seconds.class, defaultValue = "30", paramLabel = "SECONDS",
                description = "With --batch: seconds between status checks of a pending batch (default: ${DEFAULT-VALUE}).")
        double batchPollSeconds;

        RoadConfig config() {
            if (concurrency < 1) throw new cai4j.InputError("--concurrency must be at least 1, not " + concurrency + ".");
            if (!(timeoutSeconds > 0)) throw new cai4j.InputError("--timeout must be a positive number of seconds.");
            RoadConfig c = RoadConfig.defaults()
                    .withLimits(Limits.defaults().withConcurrency(concurrency))
                    .withTimeout(Duration.ofMillis((long) (timeoutSeconds * 1000)))
                    .withPrices(prices(prices, freeModels))
                    .withProgress(System.err, Duration.ofSeconds(2));
            if (batch) c = c.withBatch(Duration.ofMillis((long) (batchPollSeconds * 1000)));
            return maxCost == null ? c : c.withMaxCost(maxCost);
        }
    }

    /** The built-in price table, with the user's file and the models the user declares free. */
    static Prices prices(Path file, List<String> freeModels) {
        Prices p = file == null ? Prices.builtIn() : Prices.builtIn().with(file);
        for (String spec : freeModels) p = p.free(ModelSpec.parse(spec));
        return p;
    }

    /** Opens the road of a run directory, with its progress line on stderr. */
    static Road road(Path runDir, RoadOptions options) {
        return Road.open(runDir, options.config());
    }

    /** Stage progress for people: one stderr line as each stage starts and ends; the road's line shows calls and cost. */
    static StageProgress progress(Road road, PrintWriter err) {
        return (stage, done, total) -> {
            if (done == 0) {
                road.progress().plan(total);
                road.progress().stage(stage);
                err.println(stage + ": " + total + (total == 1 ? " item" : " items"));
            } else if (done == total) {
                err.println(stage + ": done");
            }
        };
    }
}
