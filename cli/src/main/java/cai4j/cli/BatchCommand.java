package cai4j.cli;

import cai4j.InputError;
import cai4j.Json;
import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.LanguageModel;
import cai4j.model.ModelException;
import cai4j.model.ModelSpec;
import cai4j.model.RequestJson;
import cai4j.road.Road;
import cai4j.road.RoadConfig;
import cai4j.scheduler.Limits;
import cai4j.scheduler.Progress;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "batch",
        mixinStandardHelpOptions = true,
        description = {
            "Run a file of chat requests through the road (ledger, limits, retries) and write one answer line per request.",
            "Input lines: {\"id\":\"q1\",\"messages\":[{\"role\":\"user\",\"content\":\"...\"}]} plus optional temperature, max_tokens, stop, seed, json_schema, options, sample_index, template.",
            "Output lines, in input order: {\"id\",\"completion\",\"usage\",\"error\"}. A rerun replays finished calls from the run's ledger at no cost."
        })
final class BatchCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "INPUT.jsonl", description = "Chat requests, one JSON object a line.")
    Path input;

    @Option(names = "--model", required = true, paramLabel = "SPEC",
            description = "Model spec: openai:<model>[@<base URL>], anthropic:<model>[@<base URL>], llama:<path.gguf>.")
    String model;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.jsonl", description = "Where to write the answers.")
    Path output;

    @Option(names = "--run", paramLabel = "DIR", description = "Run directory holding ledger.db (default: runs/<input name>).")
    Path run;

    @Option(names = "--concurrency", defaultValue = "16", description = "Most calls in flight at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--rpm", defaultValue = "0", description = "Requests per minute allowed (default: learn from the server's x-ratelimit headers).")
    double rpm;

    @Option(names = "--tpm", defaultValue = "0", description = "Tokens per minute allowed (default: learn from the server's x-ratelimit headers).")
    double tpm;

    @Option(names = "--max-cost", paramLabel = "USD", description = "Stop cleanly before the run's cost would pass this many US dollars.")
    Double maxCost;

    @Option(names = "--prices", paramLabel = "FILE", description = "A JSON price table adding to or replacing the built-in one (USD per million tokens).")
    Path prices;

    @Option(names = "--free-model", paramLabel = "SPEC", description = "A model that costs nothing (repeatable), so --max-cost accepts it without a price.")
    java.util.List<String> freeModels = new java.util.ArrayList<>();

    @Option(names = "--timeout", converter = Positive.Seconds.class, defaultValue = "120", paramLabel = "SECONDS", description = "Seconds one request may take, its retries included (default: ${DEFAULT-VALUE}).")
    double timeoutSeconds;

    @Option(names = "--dry-run", description = "Print the planned calls, estimated tokens and worst-case cost, and call nothing.")
    boolean dryRun;

    @Option(names = "--batch", description = {"Send the requests as one provider batch job (OpenAI Batch API) at the batch price (half price); answers come within 24 hours.",
            "A rerun after an interruption attaches to the pending batch instead of submitting it again."})
    boolean batch;

    @Option(names = "--batch-poll", converter = Positive.Seconds.class, defaultValue = "30", paramLabel = "SECONDS",
            description = "With --batch: seconds between status checks of the pending batch (default: ${DEFAULT-VALUE}).")
    double batchPollSeconds;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** One input line: its id and request, or the reason it cannot be run. */
    private record Item(String id, ChatRequest request) {}

    @Override
    public Integer call() throws Exception {
        ModelSpec modelSpec = ModelSpec.parse(model);
        cai4j.model.Providers.load().provider(modelSpec); // an unknown provider is bad input, even for a dry run
        if (!Files.isRegularFile(input)) throw new InputError("The input file " + input + " does not exist.");
        // before any call: the answers would be paid for and then have nowhere to go
        if (Files.isDirectory(output)) throw new InputError("-o " + output + " is a folder; name the file the answers go to.");
        Path runDir = run != null ? run : Path.of("runs", stem(input));
        cai4j.Outputs.requireNotInput(output, input, "-o");
        cai4j.Outputs.requireNotRunData(output, runDir, "-o");
        RoadConfig config = RoadConfig.defaults()
                .withLimits(Limits.defaults().withConcurrency(concurrency).withRpm(rpm).withTpm(tpm))
                .withTimeout(Duration.ofMillis((long) (timeoutSeconds * 1000)))
                .withPrices(Models.prices(prices, freeModels));
        if (maxCost != null) config = config.withMaxCost(maxCost);
        if (batch) config = config.withBatch(Duration.ofMillis((long) (batchPollSeconds * 1000)));

        long lines = validate();
        if (dryRun) return dryRun(runDir, config, modelSpec, lines);

        config = config.withProgress(System.err, Duration.ofSeconds(2));
        try (Road road = Road.open(runDir, config)) {
            road.progress().plan(lines);
            LanguageModel m = road.model(modelSpec);
            return runAll(road, m, lines);
        }
    }

    /** The ids the input gives, with the line of each: lines without one get an id none of these can be. */
    private final java.util.Map<String, Long> givenIds = new java.util.HashMap<>();
    /** The number of the input's last line, to tell a torn last line from a bad one. */
    private long lastLine;

    /**
     * Reads every line once before any call, so bad input stops the command before anything is
     * spent; two lines with one id are refused, since their answers could not be told apart.
     */
    private long validate() {
        givenIds.clear();
        try (BufferedReader r = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            String line;
            long lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) continue;
                JsonNode id;
                try {
                    id = Json.MAPPER.readTree(line).get("id");
                } catch (IOException e) {
                    continue; // the full pass below names the line
                }
                if (id == null || id.isNull()) continue;
                Long first = givenIds.putIfAbsent(id.asText(), lineNo);
                if (first != null) {
                    throw new InputError(input + " lines " + first + " and " + lineNo + " have the same id \"" + id.asText() + "\"; give every request its own id.");
                }
            }
            lastLine = lineNo;
        } catch (NoSuchFileException e) {
            throw new InputError("The input file " + input + " does not exist.");
        } catch (IOException e) {
            throw new InputError("Cannot read " + input + ": " + e.getMessage() + ".");
        }
        long[] n = new long[1];
        forEachItem(item -> n[0]++);
        if (n[0] == 0) throw new InputError("The input file " + input + " has no requests.");
        return n[0];
    }

    /**
     * The id of a line that gives none: "line-N", primed until no given id is the same, so an
     * answer never shares its id with another request's.
     */
    private String implicitId(long lineNo) {
        String id = "line-" + lineNo;
        while (givenIds.containsKey(id)) id += "'";
        return id;
    }

    private interface ItemSink {
        /** Returns false to stop reading. */
        boolean accept(Item item) throws Exception;
    }

    private void forEachItem(java.util.function.Consumer<Item> each) {
        forEachItemUntil(item -> {
            each.accept(item);
            return true;
        });
    }

    private void forEachItemUntil(ItemSink sink) {
        boolean endsWithNewline = endsWithNewline(input);
        try (BufferedReader r = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            String line;
            long lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) continue;
                String where = input + " line " + lineNo;
                JsonNode node;
                try {
                    node = Json.MAPPER.readTree(line);
                } catch (IOException e) {
                    if (!endsWithNewline && lineNo == lastLine) {
                        throw new InputError(input + " ends in the middle of line " + lineNo + " (a torn last line); complete it or remove it.");
                    }
                    throw new InputError(where + " is not valid JSON.");
                }
                String id = node.hasNonNull("id") ? node.get("id").asText() : implicitId(lineNo);
                if (!sink.accept(new Item(id, RequestJson.fromJson(node, where)))) return;
            }
        } catch (NoSuchFileException e) {
            throw new InputError("The input file " + input + " does not exist.");
        } catch (IOException e) {
            throw new InputError("Cannot read " + input + ": " + cai4j.FileProblem.reason(e) + ".", e);
        } catch (InputError | ModelException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean endsWithNewline(Path file) {
        try (var channel = Files.newByteChannel(file)) {
            long size = channel.size();
            if (size == 0) return true;
            java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
            channel.position(size - 1).read(last);
            return last.get(0) == '\n';
        } catch (IOException e) {
            return true; // reading the lines reports the problem
        }
    }

    private int dryRun(Path runDir, RoadConfig config, ModelSpec modelSpec, long lines) {
        long[] counts = new long[4]; // replays, input tokens, max output tokens, calls
        double[] cost = new double[1];
        try (Road road = Road.open(runDir, config)) {
            forEachItem(item -> {
                Road.Plan p = road.plan(modelSpec, item.request());
                if (p.recorded()) counts[0]++;
                else counts[3]++;
                counts[1] += p.inputTokens();
                counts[2] += p.maxOutputTokens();
                cost[0] += p.maxCostUsd();
            });
        }
        var out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "dry run of %d requests on %s%n", lines, modelSpec);
        out.printf(Locale.ROOT, "  replayed from %s: %d (free)%n", runDir.resolve("ledger.db"), counts[0]);
        out.printf(Locale.ROOT, "  calls to make: %d%n", counts[3]);
        out.printf(Locale.ROOT, "  estimated input tokens: %d, output tokens at most: %d%n", counts[1], counts[2]);
        out.printf(Locale.ROOT, "  estimated cost at most: %.4f USD%s%s%n", cost[0], batch ? String.format(Locale.ROOT, " at the batch price (%.0f%% of the price)", 100 * config.prices().batchShare()) : "",
                config.prices().price(modelSpec).isEmpty() ? " (no price known for " + modelSpec + "; add one with --prices)" : "");
        out.flush();
        return Main.OK;
    }

    private int runAll(Road road, LanguageModel m, long lines) throws Exception {
        Path partial = output.resolveSibling(output.getFileName() + ".partial");
        if (output.toAbsolutePath().getParent() != null) Files.createDirectories(output.toAbsolutePath().getParent());
        // a window of answers in input order: the reader waits when it is full, so memory stays flat
        // with --batch every request must be in flight at once, so that they all join one batch
        int windowSize = batch ? (int) Math.min(Integer.MAX_VALUE - 1, lines + 1) : Math.max(64, concurrency * 4);
        BlockingQueue<CompletableFuture<String>> window = new ArrayBlockingQueue<>(windowSize);
        CompletableFuture<String> end = CompletableFuture.completedFuture(null);
        AtomicLong failed = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        AtomicReference<Throwable> writeError = new AtomicReference<>();

        Thread writer;
        try (BufferedWriter w = Files.newBufferedWriter(partial, StandardCharsets.UTF_8);
             ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor()) {
            writer = Thread.ofPlatform().name("cai4j-batch-writer").start(() -> {
                try {
                    while (true) {
                        CompletableFuture<String> f = window.take();
                        if (f == end) return;
                        w.write(f.join()); // each line is written whole, with its newline
                    }
                } catch (Throwable t) {
                    writeError.set(t);
                    // keep draining so the reader never blocks on a full window
                    while (true) {
                        try {
                            if (window.take() == end) return;
                        } catch (InterruptedException ie) {
                            return;
                        }
                    }
                }
            });
            forEachItemUntil(item -> {
                if (road.stopped().isPresent() || writeError.get() != null) return false;
                CompletableFuture<String> f = new CompletableFuture<>();
                window.put(f);
                calls.submit(() -> f.complete(answer(m, item, failed, firstError)));
                return true;
            });
            window.put(end);
            writer.join();
            if (writeError.get() != null) throw new UncheckedIOException("cannot write " + partial, new IOException(writeError.get()));
        }
        Progress.Snapshot s = road.stats();
        System.err.printf(Locale.ROOT, "batch: %d answered (%d replayed from the ledger), %d failed, %d input and %d output tokens, %.4f USD%n",
                s.fresh() + s.replayed(), s.replayed(), s.failed(), s.inputTokens(), s.outputTokens(), s.costUsd());
        if (road.stopped().isPresent()) {
            System.err.println("batch: stopped; the answers so far are in " + partial + ", and a rerun replays them from the ledger.");
            throw road.stopped().get();
        }
        Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        if (failed.get() > 0) {
            System.err.println("error: " + failed.get() + " of the requests failed after retries (first: " + firstError.get()
                    + "); their lines in " + output + " carry the error, and a rerun retries only them.");
            return Main.PROVIDER_FAILED;
        }
        return Main.OK;
    }

    private static String answer(LanguageModel m, Item item, AtomicLong failed, AtomicReference<String> firstError) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", item.id());
        try {
            Completion c = m.complete(item.request());
            o.put("completion", c.text());
            o.put("finish_reason", c.finishReason());
            o.putObject("usage").put("input_tokens", c.usage().inputTokens()).put("output_tokens", c.usage().outputTokens())
                    .put("cached_tokens", c.usage().cachedTokens());
            if (!c.optionProbabilities().isEmpty()) {
                ObjectNode p = o.putObject("option_probabilities");
                c.optionProbabilities().forEach(p::put);
            }
            o.putNull("error");
        } catch (ModelException e) {
            failed.incrementAndGet();
            firstError.compareAndSet(null, e.getMessage());
            o.putNull("completion");
            o.putNull("usage");
            o.put("error", e.getMessage());
        } catch (RuntimeException e) {
            failed.incrementAndGet();
            firstError.compareAndSet(null, e.toString());
            o.putNull("completion");
            o.putNull("usage");
            o.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return Json.write(o) + "\n";
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
