package cai4j.evals;

import cai4j.scheduler.StageProgress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs one model-calling step over many items on virtual threads. Concurrency limits belong to
 * the scheduler on the model road, so this starts every item and lets the road pace them.
 */
final class Parallel {
    private Parallel() {}

    static <T, R> List<R> map(List<T> items, Function<T, R> step, StageProgress progress, String stage) {
        AtomicInteger done = new AtomicInteger();
        progress.update(stage, 0, items.size());
        List<R> out = new ArrayList<>(items.size());
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<R>> futures = new ArrayList<>(items.size());
            for (T item : items) {
                futures.add(pool.submit(() -> {
                    R r = step.apply(item);
                    progress.update(stage, done.incrementAndGet(), items.size());
                    return r;
                }));
            }
            for (Future<R> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    pool.shutdownNow();
                    if (e.getCause() instanceof RuntimeException re) throw re;
                    if (e.getCause() instanceof Error err) throw err;
                    throw new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    pool.shutdownNow();
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }
        return out;
    }
}
