import cai4j.model.ChatRequest;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import cai4j.road.Road;
import cai4j.road.RoadConfig;
import cai4j.scheduler.Limits;
import cai4j.testserver.TestServer;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * End-to-end benchmarks of the road against the local test server (in this JVM):
 *   rate   - N calls against an endpoint limited to R requests/minute with latency; wall time against ideal
 *   headers - the same with no configured limit: the client paces itself from the x-ratelimit-* headers
 *   overhead - calls/s and CPU ms/call against a zero-latency endpoint, served in this JVM (CPU of client and
 *              server together) and from a separate JVM (CPU of the client alone)
 *   versus - the overhead benchmark's separate-process part alone: the road, then the bare client
 *   memory - heap after GC while N requests stream through `cai4j batch`
 *   prefix - `cai4j run` (budget small) against the test server for OpenAI and Anthropic: prompt tokens served from cache per stage
 *   batch  - `cai4j batch` with and without --batch for N requests: batches submitted, cost, wall time; a kill while pending, then a rerun
 * Run with bench/run.sh; arguments: rate|headers|overhead|versus|memory|prefix|batch [N].
 */
public class RoadBench {
    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "all";
        if (which.equals("serve")) {
            serve();
            return;
        }
        if (which.equals("rate") || which.equals("all")) rate(args.length > 1 ? Integer.parseInt(args[1]) : 600, 3000);
        if (which.equals("headers") || which.equals("all")) headers(args.length > 1 ? Integer.parseInt(args[1]) : 600, 1200);
        if (which.equals("overhead") || which.equals("all")) overhead(args.length > 1 ? Integer.parseInt(args[1]) : 20000);
        if (which.equals("versus")) overhead(args.length > 1 ? Integer.parseInt(args[1]) : 20000, false);
        if (which.equals("memory") || which.equals("all")) memory(args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000);
        if (which.equals("prefix") || which.equals("all")) prefix();
        if (which.equals("batch") || which.equals("all")) batch(args.length > 1 ? Integer.parseInt(args[1]) : 2000);
    }

    static RoadConfig config(Limits limits) {
        return RoadConfig.defaults().withEnv(Map.of("OPENAI_API_KEY", "bench")).withLimits(limits).withTimeout(Duration.ofSeconds(30));
    }

    static long runCalls(LanguageModel m, int n, int window) throws Exception {
        return runCalls(m, n, window, "bench question ");
    }

    static long runCalls(LanguageModel m, int n, int window, String prefix) throws Exception {
        Semaphore inFlight = new Semaphore(window);
        long t0 = System.nanoTime();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                ChatRequest r = ChatRequest.of(List.of(Message.user(prefix + i))).withMaxTokens(16);
                inFlight.acquire();
                ex.submit(() -> {
                    try {
                        m.complete(r);
                    } finally {
                        inFlight.release();
                    }
                    return null;
                });
            }
        }
        return System.nanoTime() - t0;
    }

    static void rate(int n, int rpm) throws Exception {
        Path dir = Files.createTempDirectory("bench-rate");
        try (TestServer server = TestServer.start().rpmLimit(rpm).latency(Duration.ofMillis(200)).recording(false);
             Road road = Road.open(dir, config(Limits.defaults().withConcurrency(64).withRpm(rpm)))) {
            LanguageModel m = road.model(server.openAiSpec("bench"));
            m.complete(ChatRequest.of(List.of(Message.user("warm-up"))));
            long nanos = runCalls(m, n, 1000);
            double wall = nanos / 1e9;
            double ideal = (n - 1) / (rpm / 60.0); // the first call is free in a full bucket
            System.out.printf(Locale.ROOT, "rate: %d calls, limit %d rpm, 200 ms latency: wall %.2f s, ideal %.2f s, efficiency %.3f, 429 answers %d (%.2f%%)%n",
                    n, rpm, wall, ideal, ideal / wall, server.refused429(), 100.0 * server.refused429() / server.received());
        }
    }

    /**
     * No --rpm: the client knows the limit only from the x-ratelimit-* headers of the answers. The
     * server admits {@code rpm / 60} requests a second with a burst of one second's worth (20 at 1200
     * rpm). Twice: from a cold start, where every call is ready before the first answer has said
     * anything (the 429 share that matters), and after a warm-up call and a second's pause, where
     * the ideal is the burst at once, then the rest at the server's rate (the efficiency).
     */
    static void headers(int n, int rpm) throws Exception {
        for (boolean warm : new boolean[] {false, true}) {
            Path dir = Files.createTempDirectory("bench-headers");
            try (TestServer server = TestServer.start().rpmLimit(rpm).latency(Duration.ofMillis(200)).recording(false);
                 Road road = Road.open(dir, config(Limits.defaults().withConcurrency(64)))) {
                LanguageModel m = road.model(server.openAiSpec("bench"));
                if (warm) {
                    m.complete(ChatRequest.of(List.of(Message.user("warm-up")))); // a cold JVM's first call is slow for reasons of its own
                    Thread.sleep(1000); // the server's bucket fills up again: the measured calls start with its whole burst
                }
                int refusedBefore = server.refused429(), receivedBefore = server.received();
                long nanos = runCalls(m, n, 1000);
                int refused = server.refused429() - refusedBefore, received = server.received() - receivedBefore;
                double rate = rpm / 60.0;
                double wall = nanos / 1e9;
                double ideal = (n - rate) / rate + 0.2; // the burst at once, the rest at the server's rate, and the last answer's latency
                System.out.printf(Locale.ROOT, "headers (%s): %d calls, no --rpm, server limit %d rpm (%.0f/s, burst %.0f), 200 ms latency: wall %.2f s, ideal %.2f s, efficiency %.3f, 429 answers %d (%.2f%%)%n",
                        warm ? "after a warm-up call" : "cold start", n, rpm, rate, rate, wall, ideal, ideal / wall, refused, 100.0 * refused / received);
            }
        }
    }

    /**
     * Client overhead, twice: against the test server in this JVM (the CPU figure is client and
     * server together, as before), and against the same server in a separate JVM, so that this
     * process's CPU is the client's own (the server's CPU is read from its process and shown apart).
     */
    static void overhead(int n) throws Exception {
        overhead(n, true);
    }

    /**
     * @param inProcess also against a server in this JVM first; without it (mode {@code versus}) the
     *                  road warms up on N calls of its own instead, so the JIT has compiled the road's
     *                  code as it has after the in-process run (the bare client runs on JDK classes
     *                  the road's warm-up has already compiled)
     */
    static void overhead(int n, boolean inProcess) throws Exception {
        warmUp = inProcess ? Math.min(5000, n / 4) : n;
        if (inProcess) {
            try (TestServer server = TestServer.start().recording(false)) {
                overheadAgainst(n, server.openAiSpec("bench"), "in-process server", () -> 0L, server::connections);
            }
        }
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), "bench/RoadBench.java", "serve")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream()))) {
            String first = lines.readLine(); // "port N"
            if (first == null || !first.startsWith("port ")) throw new IllegalStateException("the server process did not start: " + first);
            String spec = "openai:bench@http://127.0.0.1:" + first.substring(5).strip() + "/v1";
            ProcessHandle h = child.toHandle();
            int[] connections = new int[1];
            double road = overheadAgainst(n, spec, "server in a separate process", () -> h.info().totalCpuDuration().map(Duration::toNanos).orElse(0L),
                    () -> connections[0]);
            double bare = bareClient(n, "http://127.0.0.1:" + first.substring(5).strip() + "/v1/chat/completions");
            System.out.printf(Locale.ROOT, "overhead: cai4j's road makes %.2f x the bare client's calls/s (same server process, one run)%n", road / bare);
        } finally {
            child.getOutputStream().close(); // the server process stops when its stdin closes
            child.waitFor();
        }
    }

    /**
     * The reference: a bare JDK HttpClient posting the same requests at the same concurrency and
     * reading each answer's JSON, with no ledger, scheduler or SDK. Returns calls/s.
     */
    static double bareClient(int n, String url) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build()) {
            java.util.function.IntConsumer batch = (int count) -> {
                Semaphore inFlight = new Semaphore(64);
                try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                    for (int i = 0; i < count; i++) {
                        String body = "{\"model\":\"bench\",\"messages\":[{\"role\":\"user\",\"content\":\"bare question " + i + "\"}],\"max_tokens\":16}";
                        inFlight.acquireUninterruptibly();
                        ex.submit(() -> {
                            try {
                                var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                                        .header("content-type", "application/json").header("authorization", "Bearer bench")
                                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
                                var res = http.send(req, java.net.http.HttpResponse.BodyHandlers.ofString());
                                if (res.statusCode() != 200) throw new IllegalStateException("status " + res.statusCode());
                                cai4j.Json.MAPPER.readTree(res.body()).path("choices").path(0).path("message").path("content").asText();
                            } finally {
                                inFlight.release();
                            }
                            return null;
                        });
                    }
                }
            };
            batch.accept(Math.min(5000, n / 4)); // JIT
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            batch.accept(n);
            long nanos = System.nanoTime() - t0;
            long cpu = os.getProcessCpuTime() - cpu0;
            double rate = n / (nanos / 1e9);
            System.out.printf(Locale.ROOT, "overhead (bare JDK HttpClient, server in a separate process): %d calls, concurrency 64: %.0f calls/s, %.3f client CPU ms/call%n",
                    n, rate, cpu / 1e6 / n);
            return rate;
        }
    }

    /** Calls made before the road's measured ones, for the JIT. */
    static int warmUp = 5000;

    /** Returns calls/s. */
    static double overheadAgainst(int n, String spec, String where, java.util.function.LongSupplier serverCpuNanos,
                                java.util.function.IntSupplier connections) throws Exception {
        Path dir = Files.createTempDirectory("bench-overhead");
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (Road road = Road.open(dir, config(Limits.defaults().withConcurrency(64)))) {
            LanguageModel m = road.model(spec);
            runCalls(m, warmUp, 64, "warm-up question "); // JIT; different requests from the measured ones
            long cpu0 = os.getProcessCpuTime();
            long server0 = serverCpuNanos.getAsLong();
            long nanos = runCalls(m, n, 64, "measured question ");
            long cpu = os.getProcessCpuTime() - cpu0;
            long serverCpu = serverCpuNanos.getAsLong() - server0;
            if (serverCpu > 0) {
                System.out.printf(Locale.ROOT, "overhead (%s): %d fresh calls (each stored in the ledger), zero latency, %d cores: %.0f calls/s, %.3f client CPU ms/call; the server process used %.3f CPU ms/call%n",
                        where, n, Runtime.getRuntime().availableProcessors(), n / (nanos / 1e9), cpu / 1e6 / n, serverCpu / 1e6 / n);
            } else {
                System.out.printf(Locale.ROOT, "overhead (%s): %d fresh calls (each stored in the ledger), zero latency, %d cores: %.0f calls/s, %.3f CPU ms/call (client and server together); %d connections opened%n",
                        where, n, Runtime.getRuntime().availableProcessors(), n / (nanos / 1e9), cpu / 1e6 / n, connections.getAsInt());
            }
            return n / (nanos / 1e9);
        }
    }

    /** The test server alone, for the separate-process overhead run: prints its port, stops when stdin closes. */
    static void serve() throws Exception {
        try (TestServer server = TestServer.start().recording(false)) {
            System.out.println("port " + server.port());
            System.out.flush();
            while (System.in.read() != -1) {
                // wait for the benchmark to close our stdin
            }
        }
    }

    static void memory(int n) throws Exception {
        Path dir = Files.createTempDirectory("bench-memory");
        Path in = dir.resolve("in.jsonl");
        try (var w = Files.newBufferedWriter(in)) {
            for (int i = 0; i < n; i++) w.write("{\"id\":\"" + i + "\",\"messages\":[{\"role\":\"user\",\"content\":\"memory question " + i + "\"}],\"max_tokens\":16}\n");
        }
        long[] maxAfterGc = new long[1];
        long[] samples = new long[1];
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            var mem = ManagementFactory.getMemoryMXBean();
            try {
                while (true) {
                    Thread.sleep(5000);
                    System.gc();
                    long used = mem.getHeapMemoryUsage().getUsed();
                    maxAfterGc[0] = Math.max(maxAfterGc[0], used);
                    samples[0]++;
                    System.err.printf(Locale.ROOT, "memory: heap after GC %.1f MB%n", used / 1e6);
                }
            } catch (InterruptedException e) {
                // done
            }
        });
        try (TestServer server = TestServer.start().recording(false)) {
            long t0 = System.nanoTime();
            int code = cai4j.cli.Main.execute(new String[] {"batch", in.toString(), "--model", server.openAiSpec("bench"), "-o", dir.resolve("out.jsonl").toString(),
                "--run", dir.resolve("run").toString(), "--concurrency", "64"}, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
            double s = (System.nanoTime() - t0) / 1e9;
            sampler.interrupt();
            System.out.printf(Locale.ROOT, "memory: %d requests through cai4j batch (exit %d) in %.0f s (%.0f calls/s); largest heap after GC over %d samples: %.1f MB (-Xmx%d MB)%n",
                    n, code, s, n / s, samples[0], maxAfterGc[0] / 1e6, Runtime.getRuntime().maxMemory() / 1_000_000);
        }
    }

    /**
     * The README's first command, {@code cai4j run examples/helpful-assistant.md} (budget small), with
     * every role on the local test server (the models of {@code ScriptedRun}), once as OpenAI and once
     * as Anthropic. The server reports cached input tokens as each provider does (OpenAI: the longest
     * prefix seen before, in steps; Anthropic: the system blocks up to the one marked cache_control),
     * and the table is {@code ledger stats --stages}: per stage, the share of its prompt tokens served
     * from the cache.
     */
    static void prefix() throws Exception {
        for (String provider : List.of("openai", "anthropic")) {
            Path dir = Files.createTempDirectory("bench-prefix");
            Path run = dir.resolve("run");
            try (TestServer server = TestServer.start().recording(false).answeringWith(cai4j.run.ScriptedRun::answer)) {
                java.util.function.Function<String, String> spec = m -> provider.equals("openai") ? server.openAiSpec(m) : server.anthropicSpec(m);
                java.io.StringWriter err = new java.io.StringWriter();
                long t0 = System.nanoTime();
                int code = cai4j.cli.Main.execute(new String[] {"run", "examples/helpful-assistant.md", "--run", run.toString(), "--budget", "small",
                    "--target", spec.apply("target"), "--judge", spec.apply("judge"), "--generator", spec.apply("gen")},
                        new PrintWriter(java.io.Writer.nullWriter()), new PrintWriter(err, true));
                double s = (System.nanoTime() - t0) / 1e9;
                if (code != 0) throw new IllegalStateException("cai4j run against the test server (" + provider + ") exited " + code + ":\n" + err);
                List<cai4j.report.StageUsage> usage = cai4j.report.LedgerUsage.read(run);
                System.out.printf(Locale.ROOT, "prefix (%s): cai4j run examples/helpful-assistant.md --budget small, every role on the test server: %d calls in %.1f s%n",
                        provider, usage.stream().mapToLong(cai4j.report.StageUsage::calls).sum(), s);
                System.out.printf(Locale.ROOT, "prefix (%s): %-24s %-7s %6s %12s %12s %8s%n", provider, "stage", "model", "calls", "prompt tok", "cached tok", "cached");
                long in = 0, cached = 0;
                for (cai4j.report.StageUsage u : usage) {
                    in += u.inputTokens();
                    cached += u.cachedTokens();
                    System.out.printf(Locale.ROOT, "prefix (%s): %-24s %-7s %6d %12d %12d %7.1f%%%n", provider, u.stage(), u.model().replaceAll("^\\w+:|@.*$", ""), u.calls(), u.inputTokens(), u.cachedTokens(),
                            u.inputTokens() == 0 ? 0.0 : 100.0 * u.cachedTokens() / u.inputTokens());
                }
                System.out.printf(Locale.ROOT, "prefix (%s): %-24s %-7s %6s %12d %12d %7.1f%%%n", provider, "all", "", "", in, cached, in == 0 ? 0.0 : 100.0 * cached / in);
            }
        }
    }

    /**
     * {@code cai4j batch} over N requests to a priced model (gpt-4o-mini) on the local test server:
     * once as ordinary calls, once with {@code --batch} (one provider batch; the cost is the ledger's),
     * then with {@code --batch} again in a child process that is killed (SIGKILL) while its batch is
     * pending, and a rerun that attaches to that batch instead of submitting another.
     */
    static void batch(int n) throws Exception {
        Path dir = Files.createTempDirectory("bench-batch");
        Path in = dir.resolve("in.jsonl");
        try (var w = Files.newBufferedWriter(in)) {
            for (int i = 0; i < n; i++) w.write("{\"id\":\"" + i + "\",\"messages\":[{\"role\":\"user\",\"content\":\"batch question " + i + "\"}],\"max_tokens\":16}\n");
        }
        try (TestServer server = TestServer.start().recording(false)) {
            String spec = server.openAiSpec("gpt-4o-mini");
            double[] cost = new double[2];
            for (boolean batch : new boolean[] {false, true}) {
                Path run = dir.resolve(batch ? "run-batch" : "run-calls");
                int created0 = server.batches().created(), received0 = server.received();
                long t0 = System.nanoTime();
                int code = cai4jBatch(in, spec, run, batch);
                double s = (System.nanoTime() - t0) / 1e9;
                cost[batch ? 1 : 0] = ledgerCost(run);
                System.out.printf(Locale.ROOT, "batch (%s): %d requests, exit %d, wall %.2f s, %d batch(es) submitted, %d ordinary calls, cost in the ledger $%.6f%n",
                        batch ? "--batch" : "ordinary calls", n, code, s, server.batches().created() - created0, server.received() - received0, cost[batch ? 1 : 0]);
            }
            System.out.printf(Locale.ROOT, "batch: cost with --batch / without = %.4f%n", cost[1] / cost[0]);

            // a kill while the batch is pending, then a rerun
            Path run = dir.resolve("run-killed");
            server.batches().hold();
            int created0 = server.batches().created();
            Process first = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), "cai4j.cli.Main", "batch", in.toString(), "--model", spec, "-o", dir.resolve("out-run-killed.jsonl").toString(),
                    "--run", run.toString(), "--batch", "--batch-poll", "0.05")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            long t0 = System.nanoTime();
            while (first.isAlive() && (server.batches().polls() == 0 || pending(run) < n)) Thread.sleep(20);
            double submitted = (System.nanoTime() - t0) / 1e9;
            if (!first.isAlive()) throw new IllegalStateException("the first batch run ended before it was killed (exit " + first.exitValue() + ")");
            first.destroyForcibly(); // SIGKILL
            first.waitFor();
            long pendingAfterKill = pending(run);
            server.batches().release();
            t0 = System.nanoTime();
            int code = cai4jBatch(in, spec, run, true);
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "batch (kill while pending): submitted and pending after %.2f s, killed with %d calls pending in the ledger; rerun exit %d in %.2f s, batches submitted in all %d, pending after %d, output lines %d%n",
                    submitted, pendingAfterKill, code, s, server.batches().created() - created0, pending(run), Files.readAllLines(dir.resolve("out-run-killed.jsonl")).size());
        }
    }

    static int cai4jBatch(Path in, String spec, Path run, boolean batch) {
        List<String> a = new java.util.ArrayList<>(List.of("batch", in.toString(), "--model", spec, "-o",
                run.resolveSibling("out-" + run.getFileName() + ".jsonl").toString(), "--run", run.toString(), "--concurrency", "64"));
        if (batch) a.addAll(List.of("--batch", "--batch-poll", "0.05"));
        return cai4j.cli.Main.execute(a.toArray(String[]::new), new PrintWriter(java.io.Writer.nullWriter()), new PrintWriter(System.err, true));
    }

    static double ledgerCost(Path run) {
        try (cai4j.ledger.Ledger l = cai4j.ledger.Ledger.open(run)) {
            return l.stats().stream().mapToDouble(cai4j.ledger.ModelStats::costUsd).sum();
        }
    }

    static long pending(Path run) {
        if (!Files.exists(run.resolve(cai4j.ledger.Ledger.FILE))) return 0;
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + run.resolve(cai4j.ledger.Ledger.FILE));
             var rs = c.createStatement().executeQuery("SELECT count(*) FROM calls WHERE status = 'pending'")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (java.sql.SQLException e) {
            return 0; // the ledger is being created
        }
    }
}
