import cai4j.model.ChatRequest;
import cai4j.model.Completion;
import cai4j.model.LanguageModel;
import cai4j.model.Message;
import cai4j.model.ModelSpec;
import cai4j.model.llama.LlamaProvider;
import cai4j.model.llama.LlamaSettings;
import cai4j.testmodel.TinyGguf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Throughput of the embedded model through the provider API (chat template, slots, pool):
 * prompt processing and generation in tokens per second, option scoring in ms per call (on a new
 * prompt, and on a prompt just read), and generation with more requests than slots. Without an argument it measures the tiny random test
 * model; with a GGUF path it measures that model.
 */
public class LlamaBench {
    public static void main(String[] args) throws Exception {
        Path file = args.length > 0 ? Path.of(args[0]) : TinyGguf.write(Files.createTempDirectory("cai4j-bench"));
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        // "options" as a third argument measures option scoring alone (a full-size model on a busy machine);
        // "full", reading and generating while every slot's cache holds a long prompt, as in a run;
        // "mixed", options scored while the slots generate
        int other = args.length > 2 && args[2].equals("options") ? 0 : rounds;
        try (LanguageModel m = new LlamaProvider().open(ModelSpec.parse("llama:" + file.toAbsolutePath()), System.getenv())) {
            if (args.length > 2 && args[2].equals("full")) {
                slotsFull(m, LlamaSettings.from(System.getenv()).slots());
                System.exit(0);
            }
            if (args.length > 2 && args[2].equals("mixed")) {
                mixed(m, LlamaSettings.from(System.getenv()).slots());
                System.exit(0);
            }
            String filler = "The constitution says the assistant should be honest, helpful and harmless. ".repeat(12);
            // warm-up
            m.complete(ChatRequest.of(List.of(Message.user("warm up"))).withMaxTokens(8));

            long promptTokens = 0, promptNanos = 0;
            for (int i = 0; i < other; i++) {
                // a different first line each round, so that no prompt prefix is reused from the cache
                var r = ChatRequest.of(List.of(Message.system("Run " + i + " " + System.nanoTime()), Message.user(filler))).withMaxTokens(1);
                long t = System.nanoTime();
                Completion c = m.complete(r);
                promptNanos += System.nanoTime() - t;
                promptTokens += c.usage().inputTokens();
            }

            long genTokens = 0, genNanos = 0;
            for (int i = 0; i < other; i++) {
                var r = ChatRequest.of(List.of(Message.user("Write a long story about a lighthouse."))).withMaxTokens(128)
                        .withTemperature(0.8).withSeed(i);
                long t = System.nanoTime();
                Completion c = m.complete(r);
                genNanos += System.nanoTime() - t;
                genTokens += c.usage().outputTokens();
            }

            // option scoring: a fresh prompt is read once (no generation beside it); then the same
            // prompt again, as AB/BA votes and retries ask it, costs the scoring alone
            long freshNanos = 0, cachedNanos = 0, freshTokens = 0, cachedTokens = 0;
            for (int i = 0; i < rounds; i++) {
                var r = ChatRequest.of(List.of(Message.user("Round " + i + " " + System.nanoTime() + ": " + filler
                        + " Which answer is better, A or B?"))).withMaxTokens(1).withOptions(List.of(" A", " B"));
                long t = System.nanoTime();
                Completion fresh = m.complete(r);
                freshNanos += System.nanoTime() - t;
                freshTokens += fresh.usage().inputTokens() - fresh.usage().cachedTokens();
                t = System.nanoTime();
                Completion again = m.complete(r.withOptions(List.of(" B", " A")));
                cachedNanos += System.nanoTime() - t;
                cachedTokens += again.usage().cachedTokens();
            }

            long parTokens = 0;
            long t0 = System.nanoTime();
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Completion>> fs = new ArrayList<>();
                for (int i = 0; i < 2 * other; i++) {
                    var r = ChatRequest.of(List.of(Message.user("Write a long story about a lighthouse."))).withMaxTokens(128)
                            .withTemperature(0.8).withSeed(100 + i);
                    fs.add(ex.submit(() -> m.complete(r)));
                }
                for (var f : fs) parTokens += f.get().usage().outputTokens();
            }
            long parNanos = System.nanoTime() - t0;

            int slots = LlamaSettings.from(System.getenv()).slots();
            System.out.printf(Locale.ROOT, "model %s (%.1f MiB), %d slots, %d cores%n", file.getFileName(), Files.size(file) / 1048576.0,
                    slots, Runtime.getRuntime().availableProcessors());
            if (other > 0) {
                System.out.printf(Locale.ROOT, "prompt processing   %8.0f tokens/s  (%d tokens)%n", promptTokens / (promptNanos / 1e9), promptTokens);
                System.out.printf(Locale.ROOT, "generation, 1 call  %8.0f tokens/s  (%d tokens)%n", genTokens / (genNanos / 1e9), genTokens);
                System.out.printf(Locale.ROOT, "generation, %d calls on %d slot(s) %6.0f tokens/s  (%d tokens)%n", 2 * other, slots, parTokens / (parNanos / 1e9), parTokens);
            }
            System.out.printf(Locale.ROOT, "option scoring, new prompt     %8.1f ms/call (2 options, %d prompt tokens read per call, once)%n",
                    freshNanos / 1e6 / rounds, freshTokens / rounds);
            System.out.printf(Locale.ROOT, "option scoring, prompt cached  %8.1f ms/call (%d of its tokens served from the cache)%n",
                    cachedNanos / 1e6 / rounds, cachedTokens / rounds);
        }
        System.exit(0); // llama.cpp leaves a native thread attached to the JVM
    }

    /**
     * Reading and generating as in a run, where every slot's cache holds a long prompt of its own:
     * one prompt alone on empty slots; then a prompt of about 1,500 tokens per slot, all at once
     * (the slots fill); then a prompt of about 330 tokens per slot at once, and one alone (no prefix
     * in common with any cache); then a short prompt per slot generating 48 tokens each.
     */
    private static void slotsFull(LanguageModel m, int slots) throws Exception {
        m.complete(ChatRequest.of(List.of(Message.user("warm up"))).withMaxTokens(4));
        report("one prompt alone, slots empty", at(m, 1, 500, 300, 1), false);
        report(slots + " long prompts at once (the slots fill)", at(m, slots, 100, 1400, 1), false);
        report(slots + " prompts at once, every slot's cache full", at(m, slots, 200, 300, 1), false);
        report("one prompt alone, every slot's cache full", at(m, 1, 300, 300, 1), false);
        report("generation, " + slots + " calls at once, caches full", at(m, slots, 400, 20, 48), true);
    }

    /**
     * Options scored while the slots generate, as a run's labelled responses and preference
     * questions are: a call per slot writing 48 tokens and two option calls on new prompts, all sent
     * at once; the wall time of the lot, and of each kind.
     */
    private static void mixed(LanguageModel m, int slots) throws Exception {
        m.complete(ChatRequest.of(List.of(Message.user("warm up"))).withMaxTokens(4));
        long t0 = System.nanoTime();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<long[]> gen = ex.submit(() -> at(m, slots, 600, 300, 48));
            List<Future<Long>> scored = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                var r = ChatRequest.of(List.of(Message.user("Round " + i + " " + System.nanoTime() + ": "
                        + "The constitution says the assistant should be honest, helpful and harmless. ".repeat(20)
                        + " Which answer is better, A or B?"))).withMaxTokens(1).withOptions(List.of(" A", " B"));
                scored.add(ex.submit(() -> { long t = System.nanoTime(); m.complete(r); return System.nanoTime() - t; }));
            }
            long[] g = gen.get();
            System.out.printf(Locale.ROOT, "%d calls writing %d tokens: %.1f s%n", slots, g[1], g[2] / 1e9);
            for (Future<Long> f : scored) System.out.printf(Locale.ROOT, "an option call: %.1f s%n", f.get() / 1e9);
        }
        System.out.printf(Locale.ROOT, "all: %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    /** Sends {@code n} prompts at once, each of {@code words} words after a line of its own: tokens read, tokens written, nanoseconds. */
    private static long[] at(LanguageModel m, int n, int base, int words, int maxTokens) throws Exception {
        String[] w = ("the assistant should be honest helpful and harmless when a user asks for help with a task it answers"
                + " directly before adding caveats rules of the constitution rank safety first then ethics then guidelines").split(" ");
        long read = 0, written = 0, t0 = System.nanoTime();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Completion>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                java.util.Random r = new java.util.Random(base + i);
                StringBuilder b = new StringBuilder("Run " + (base + i) + " " + System.nanoTime() + ".");
                for (int k = 0; k < words; k++) b.append(' ').append(w[r.nextInt(w.length)]);
                var req = ChatRequest.of(List.of(Message.user(b.toString()))).withMaxTokens(maxTokens).withTemperature(0.8).withSeed(i);
                fs.add(ex.submit(() -> m.complete(req)));
            }
            for (var f : fs) {
                var u = f.get().usage();
                read += u.inputTokens() - u.cachedTokens();
                written += u.outputTokens();
            }
        }
        return new long[] {read, written, System.nanoTime() - t0};
    }

    private static void report(String what, long[] r, boolean generated) {
        long tokens = generated ? r[1] : r[0];
        System.out.printf(Locale.ROOT, "%-48s %6.1f tokens/s  (%d tokens %s in %.1f s)%n", what, tokens / (r[2] / 1e9), tokens,
                generated ? "written" : "read", r[2] / 1e9);
    }
}
