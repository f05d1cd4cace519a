package cai4j.scheduler;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live counts of one run on the road, shared by every model of the run, and the plain progress
 * line printed from them on stderr: the stage, done/total and calls left, rate, ETA, tokens (and
 * those served from a prompt cache), cost, retries, errors.
 */
public final class Progress {
    private final long startNanos = System.nanoTime();
    private final AtomicLong total = new AtomicLong();
    final LongAdder fresh = new LongAdder();
    final LongAdder replayed = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder inputTokens = new LongAdder();
    final LongAdder outputTokens = new LongAdder();
    final LongAdder cachedTokens = new LongAdder();
    final DoubleAdder cost = new DoubleAdder();
    private volatile String stage = "";

    /** A snapshot of the counts. */
    public record Snapshot(long total, long done, long fresh, long replayed, long failed, long retries,
                           long inputTokens, long outputTokens, long cachedTokens, double costUsd, double seconds) {
        public double callsPerSecond() { return seconds <= 0 ? 0 : (fresh + replayed) / seconds; }
    }

    /** Tells the display how many calls the run plans (0 when unknown); adds to what was planned. */
    public void plan(long calls) { total.addAndGet(calls); }

    /** Names the stage now running, shown at the head of the line. */
    public void stage(String name) { stage = name; }

    public void replay() { replayed.increment(); }

    public void fail() { failed.increment(); }

    public void retry() { retries.increment(); }

    public void complete(cai4j.model.Usage u, double usd) {
        fresh.increment();
        inputTokens.add(u.inputTokens());
        outputTokens.add(u.outputTokens());
        cachedTokens.add(u.cachedTokens());
        cost.add(usd);
    }

    public double costSoFar() { return cost.sum(); }

    public Snapshot snapshot() {
        long f = fresh.sum(), r = replayed.sum(), e = failed.sum();
        return new Snapshot(total.get(), f + r + e, f, r, e, retries.sum(), inputTokens.sum(), outputTokens.sum(),
                cachedTokens.sum(), cost.sum(), (System.nanoTime() - startNanos) / 1e9);
    }

    /** One plain line describing the run so far. */
    public String line() { return line(false); }

    /**
     * The planned total is an estimate (a stage may make more calls or fewer than planned): it is
     * shown, with an ETA, only while the count is below it, and never on the last line.
     */
    private String line(boolean finished) {
        Snapshot s = snapshot();
        StringBuilder b = new StringBuilder();
        if (!finished && !stage.isEmpty()) b.append(stage).append(": ");
        b.append(s.done());
        boolean ahead = !finished && s.total() > s.done();
        if (ahead) b.append('/').append(s.total());
        b.append(s.done() == 1 && !ahead ? " call" : " calls");
        if (ahead) b.append(" (").append(s.total() - s.done()).append(" left)");
        double rate = s.seconds() > 0 ? s.done() / s.seconds() : 0;
        b.append(String.format(Locale.ROOT, ", %.1f/s", rate));
        // measured on the calls made: replays take no time, so they would make the estimate too short
        if (ahead && s.fresh() > 0) b.append(", ETA ").append(eta((s.total() - s.done()) * s.seconds() / s.fresh()));
        b.append(String.format(Locale.ROOT, ", %d replayed, %d tokens in (%d cached), %d out, $%.4f, %d retries, %d errors",
                s.replayed(), s.inputTokens(), s.cachedTokens(), s.outputTokens(), s.costUsd(), s.retries(), s.failed()));
        return b.toString();
    }

    private static String eta(double seconds) {
        return duration((long) Math.ceil(seconds));
    }

    /** A span as people read it on a progress line or in a plan: "42s", "3m05s", "1h49m". */
    public static String duration(long seconds) {
        long s = seconds;
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }

    /**
     * Prints {@link #line()} every {@code everyMillis} on a daemon thread until the returned handle
     * is closed, which prints a last line with the final count.
     */
    public AutoCloseable report(PrintStream out, long everyMillis) {
        Thread t = Thread.ofPlatform().daemon().name("cai4j-progress").start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(everyMillis);
                    out.println("progress: " + line());
                }
            } catch (InterruptedException e) {
                // closing
            }
        });
        return () -> {
            t.interrupt();
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.println("done: " + line(true));
        };
    }
}
