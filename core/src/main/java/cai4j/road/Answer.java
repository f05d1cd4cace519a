package cai4j.road;

import cai4j.model.Completion;
import java.time.Duration;

/**
 * A call's answer on its way back up the road, with what the links learned about it.
 *
 * @param completion the model's answer
 * @param replayed   served from the ledger: no provider was called and nothing was paid
 * @param attempts   provider attempts it took (0 for a replay)
 * @param costUsd    what it cost (0 for a replay or a local model)
 * @param latency    how long the successful attempt took
 */
public record Answer(Completion completion, boolean replayed, int attempts, double costUsd, Duration latency) {

    /** An answer served from the ledger. */
    public static Answer replay(Completion c) {
        return new Answer(c, true, 0, 0, Duration.ZERO);
    }

    /** One provider attempt's answer, before any link priced or counted it. */
    public static Answer fresh(Completion c, Duration latency) {
        return new Answer(c, false, 1, 0, latency);
    }

    public Answer withAttempts(int n) { return new Answer(completion, replayed, n, costUsd, latency); }

    public Answer withCost(double usd) { return new Answer(completion, replayed, attempts, usd, latency); }
}
