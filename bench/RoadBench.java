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
 *   overhead - calls/s and CPU ms/call against a zero-latency endpoint (the CPU includes the in-process server)
 *   memory - heap after GC while N requests stream through `cai4j batch`
 * Run with bench/run.sh; arguments: rate|overhead|memory [N].
 */
public class RoadBench {
    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "all";
        if (which.equals("rate") || which.equals("all")) rate(args.length > 1 ? Integer.parseInt(args[1]) : 600, 3000);
        if (which.equals("overhead") || which.equals("all")) overhead(args.length > 1 ? Integer.parseInt(args[1]) : 20000);
        if (which.equals("memory") || which.equals("all")) memory(args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000);
    }

    static RoadConfig config(Limits limits) {
        return RoadConfig.defaults().withEnv(Map.of("OPENAI_API_KEY", "bench")).withLimits(limits).withTimeout(Duration.ofSeconds(30));
    }

    static long runCalls(LanguageModel m, int n, int window) throws Exception {
        Semaphore inFlight = new Semaphore(window);
        long t0 = System.nanoTime();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                ChatRequest r = ChatRequest.of(List.of(Message.user("bench question " + i))).withMaxTokens(16);
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

    static void overhead(int n) throws Exception {
        Path dir = Files.createTempDirectory("bench-overhead");
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (TestServer server = TestServer.start().recording(false);
             Road road = Road.open(dir, config(Limits.defaults().withConcurrency(64)))) {
            LanguageModel m = road.model(server.openAiSpec("bench"));
            runCalls(m, Math.min(5000, n / 4), 64); // warm-up (JIT), different requests from the measured ones
            long cpu0 = os.getProcessCpuTime();
            long nanos;
            int measured = n;
            long t0 = System.nanoTime();
            Semaphore inFlight = new Semaphore(64);
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < n; i++) {
                    ChatRequest r = ChatRequest.of(List.of(Message.user("measured question " + i))).withMaxTokens(16);
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
            nanos = System.nanoTime() - t0;
            long cpu = os.getProcessCpuTime() - cpu0;
            System.out.printf(Locale.ROOT, "overhead: %d fresh calls (each stored in the ledger), zero latency, %d cores: %.0f calls/s, %.3f CPU ms/call (client and in-process server together)%n",
                    measured, Runtime.getRuntime().availableProcessors(), measured / (nanos / 1e9), cpu / 1e6 / measured);
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
}
