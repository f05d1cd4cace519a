package cai4j.scheduler;

import cai4j.model.ModelException;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every model of one run shares: the first final error, which stops all of them (a 401 must
 * not be retried by a thousand waiting calls), and the cost budget, which reserves each call's
 * worst case before it is sent so that {@code --max-cost} is never passed even with many calls in flight.
 */
public final class RunControl {
    private final AtomicReference<ModelException> stopped = new AtomicReference<>();
    private final OptionalDouble maxCost;
    private final Progress progress;
    /** What earlier commands on this run directory spent: the budget is the run's, not one command's. */
    private final double spentBefore;
    private double reserved;

    public RunControl(OptionalDouble maxCost, Progress progress) {
        this(maxCost, progress, 0);
    }

    public RunControl(OptionalDouble maxCost, Progress progress, double spentBefore) {
        this.maxCost = maxCost;
        this.progress = progress;
        this.spentBefore = spentBefore;
    }

    public Progress progress() { return progress; }

    /** Stops the run with this error unless it is stopped already; returns the error that stopped it. */
    public ModelException stop(ModelException e) {
        return stopped.compareAndExchange(null, e) == null ? e : stopped.get();
    }

    public Optional<ModelException> stopped() { return Optional.ofNullable(stopped.get()); }

    /** Throws the error that stopped the run, if it was stopped. */
    public void checkRunning() {
        ModelException e = stopped.get();
        if (e != null) throw e;
    }

    /** Reserves a call's worst-case cost, or stops the run when it could pass the budget. */
    public void reserve(double usd) {
        if (maxCost.isEmpty() || usd <= 0) return;
        synchronized (this) {
            double spent = spentBefore + progress.costSoFar();
            if (spent + reserved + usd > maxCost.getAsDouble()) {
                throw stop(new BudgetExceeded(String.format(Locale.ROOT,
                        "Stopped before exceeding --max-cost %.4f USD for this run: %.4f USD spent (%.4f USD by earlier commands), %.4f USD held by calls in flight, and the next call could cost up to %.4f USD.",
                        maxCost.getAsDouble(), spent, spentBefore, reserved, usd)));
            }
            reserved += usd;
        }
    }

    public void release(double usd) {
        if (maxCost.isEmpty() || usd <= 0) return;
        synchronized (this) {
            reserved = Math.max(0, reserved - usd);
        }
    }
}
