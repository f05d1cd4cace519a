package cai4j.scheduler;

/**
 * A token bucket that hands out reservations instead of refusals: a caller takes its tokens even
 * when the bucket is short (the balance goes negative) and is told how long to wait, so callers
 * queue in arrival order and the long-run rate is exactly {@code ratePerSecond}.
 */
final class TokenBucket {
    private double ratePerSecond;
    private double capacity;
    private double tokens;
    private long lastNanos;

    TokenBucket(double ratePerSecond, double capacity) {
        this.ratePerSecond = ratePerSecond;
        this.capacity = capacity;
        this.tokens = capacity;
        this.lastNanos = System.nanoTime();
    }

    /** Takes n tokens and returns the nanoseconds the caller must wait before using them. */
    synchronized long reserve(double n) {
        refill();
        tokens -= n;
        return tokens >= 0 ? 0 : (long) (-tokens / ratePerSecond * 1e9);
    }

    /** Gives back tokens that were reserved but not used (an estimate that was too high). */
    synchronized void refund(double n) {
        refill();
        tokens = Math.min(capacity, tokens + n);
    }

    /** Empties the bucket, for when the server says the window is spent. */
    synchronized void drain() {
        refill();
        tokens = Math.min(tokens, 0);
    }

    synchronized void setRate(double ratePerSecond, double capacity) {
        refill();
        this.ratePerSecond = ratePerSecond;
        this.capacity = capacity;
        tokens = Math.min(tokens, capacity);
    }

    synchronized double rate() { return ratePerSecond; }

    synchronized double capacity() { return capacity; }

    /**
     * The server says n tokens of its window are left. With callers waiting (a negative balance)
     * the balance only goes down to n, since their waits are already handed out; with none
     * waiting, it becomes n (up to the capacity), so a burst the server allows is used.
     */
    synchronized void remaining(double n) {
        refill();
        tokens = tokens < 0 ? Math.min(tokens, n) : Math.min(capacity, n);
    }

    private void refill() {
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - lastNanos) / 1e9 * ratePerSecond);
        lastNanos = now;
    }
}
