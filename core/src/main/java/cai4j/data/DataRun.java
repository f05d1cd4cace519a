package cai4j.data;

import cai4j.scheduler.StageProgress;
import cai4j.Json;
import cai4j.model.ModelException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs a stage over its items on virtual threads and writes the records of a run's
 * {@code data/<kind>.jsonl}.
 *
 * <p>Records are appended, one whole line at a time, to {@code <kind>.jsonl.part} as items finish,
 * so a long run shows its progress on disk; at the end the complete file is written atomically in
 * item order and the part file removed. A crashed run leaves no torn final file: rerunning the
 * command replays every finished model call from the ledger and writes the file again.
 */
public final class DataRun {
    private DataRun() {}

    public static Path dataDir(Path runDir) {
        return runDir.resolve("data");
    }

    public static Path file(Path runDir, Kind kind) {
        return dataDir(runDir).resolve(kind.fileName() + ".jsonl");
    }

    public static Path metaFile(Path runDir, Kind kind) {
        return dataDir(runDir).resolve(kind.fileName() + ".meta.json");
    }

    /** The outcome of one stage: the meta written beside the data, and where the data is. */
    public record Result(Path file, DataMeta meta) {}

    /** What a stage says about itself before it runs; the counts are filled in afterwards. */
    public record Plan(Kind kind, DataMeta.ConstitutionRef constitution, Map<String, String> models,
                       Map<String, String> templates, Map<String, String> inputs, Map<String, Object> settings,
                       List<String> skippedLines) {}

    public static <I, R> Result execute(Path runDir, Plan plan, List<I> items, int parallelism, StageProgress progress,
                                        Tally tally, Function<I, List<R>> work) {
        Path out = file(runDir, plan.kind());
        Path part = out.resolveSibling(out.getFileName() + ".part");
        List<List<R>> results = new ArrayList<>(java.util.Collections.nCopies(items.size(), null));
        try {
            Files.createDirectories(out.getParent());
            try (Writer w = Files.newBufferedWriter(part, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                runAll(items, Math.max(1, parallelism), progress, plan.kind().fileName(), work, (i, records) -> {
                    results.set(i, records);
                    synchronized (w) {
                        try {
                            for (R r : records) w.write(Json.write(r) + "\n");
                            w.flush();
                        } catch (IOException e) {
                            throw new UncheckedIOException("cannot write " + part, e);
                        }
                    }
                });
            }
            List<R> all = results.stream().flatMap(List::stream).toList();
            Json.writeLines(out, all);
            DataMeta meta = new DataMeta(plan.kind().fileName(), plan.constitution(), plan.models(), plan.templates(),
                    plan.inputs(), plan.settings(), items.size(), all.size(), plan.skippedLines(), tally.rejected(),
                    tally.principles(), tally.counts(), tally.usage());
            Json.writeAtomically(metaFile(runDir, plan.kind()), Json.pretty(meta) + "\n");
            Files.deleteIfExists(part);
            return new Result(out, meta);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out, e);
        }
    }

    interface Done<R> {
        void accept(int index, List<R> records);
    }

    /**
     * Runs {@code work} on each item, at most {@code parallelism} at a time (the scheduler below
     * enforces the provider's limits; this bound only keeps memory in check). The first failure
     * cancels the rest and is rethrown as it was: a final provider error stops the run quickly.
     */
    static <I, R> void runAll(List<I> items, int parallelism, StageProgress progress, String stage,
                              Function<I, List<R>> work, Done<R> done) {
        Semaphore permits = new Semaphore(parallelism);
        AtomicInteger finished = new AtomicInteger();
        progress.update(stage, 0, items.size());
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    permits.acquireUninterruptibly();
                    try {
                        done.accept(index, work.apply(items.get(index)));
                        progress.update(stage, finished.incrementAndGet(), items.size());
                    } finally {
                        permits.release();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    futures.forEach(g -> g.cancel(true));
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException re) throw re;
                    if (cause instanceof Error err) throw err;
                    throw new IllegalStateException(cause);
                } catch (InterruptedException e) {
                    futures.forEach(g -> g.cancel(true));
                    Thread.currentThread().interrupt();
                    throw ModelException.finalError(0, "interrupted");
                }
            }
        }
    }
}
