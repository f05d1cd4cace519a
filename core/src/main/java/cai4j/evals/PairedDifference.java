package cai4j.evals;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * How much a treatment changes the pass rate of the same scenarios: the scenarios graded under
 * both conditions (for example bare and prompted), each a pair of outcomes. The difference is
 * treated − baseline; its 95% interval comes from a bootstrap over scenarios (each resample keeps
 * a scenario's two outcomes together, seeded from the key), and the exact McNemar test asks
 * whether the scenarios that changed moved one way more often than chance (two-sided binomial
 * test on the discordant pairs).
 *
 * @param pairs      scenarios graded under both conditions
 * @param baseline   pass rate of those scenarios under the baseline condition (Wilson interval)
 * @param treated    pass rate under the treated condition
 * @param improved   scenarios that failed under the baseline and pass treated
 * @param worsened   scenarios that passed under the baseline and fail treated
 * @param difference treated − baseline pass rate, in [-1, 1] (0 when there is no pair)
 * @param low        2.5th percentile of the bootstrapped difference
 * @param high       97.5th percentile
 * @param mcnemarP   exact two-sided McNemar p-value (1 when nothing changed)
 * @param interval   how the interval was found: {@link #PAIRED_BOOTSTRAP}
 */
public record PairedDifference(int pairs, Rate baseline, Rate treated, int improved, int worsened, double difference,
                               double low, double high, double mcnemarP, String interval) {

    /** The percentile interval of a bootstrap that resamples whole scenarios with both their outcomes. */
    public static final String PAIRED_BOOTSTRAP = "paired-bootstrap";

    /**
     * One scenario's outcomes under the two conditions.
     *
     * @param scenario the scenario
     * @param baseline whether it passed under the baseline condition
     * @param treated  whether it passed under the treated condition
     */
    public record Pair(String scenario, boolean baseline, boolean treated) {}

    public static PairedDifference of(List<Pair> pairs, String key) {
        int n = pairs.size(), base = 0, treat = 0, improved = 0, worsened = 0;
        // sorted, so the input's order cannot change the resampled figures
        int[] d = pairs.stream().sorted(java.util.Comparator.comparing(Pair::scenario))
                .mapToInt(p -> (p.treated() ? 1 : 0) - (p.baseline() ? 1 : 0)).toArray();
        for (Pair p : pairs) {
            if (p.baseline()) base++;
            if (p.treated()) treat++;
            if (p.treated() && !p.baseline()) improved++;
            if (p.baseline() && !p.treated()) worsened++;
        }
        if (n == 0) return new PairedDifference(0, Rate.of(0, 0), Rate.of(0, 0), 0, 0, 0, -1, 1, 1, PAIRED_BOOTSTRAP);
        double diff = (double) (improved - worsened) / n;
        SplittableRandom random = new SplittableRandom(Proportions.seed("paired\n" + key));
        double[] diffs = new double[Proportions.RESAMPLES];
        for (int b = 0; b < diffs.length; b++) {
            long sum = 0;
            for (int j = 0; j < n; j++) sum += d[random.nextInt(n)];
            diffs[b] = (double) sum / n;
        }
        Arrays.sort(diffs);
        double low = Math.min(diff, Proportions.quantile(diffs, 0.025));
        double high = Math.max(diff, Proportions.quantile(diffs, 0.975));
        return new PairedDifference(n, Rate.of(base, n), Rate.of(treat, n), improved, worsened, diff, low, high,
                mcnemar(improved, worsened), PAIRED_BOOTSTRAP);
    }

    /**
     * The exact two-sided McNemar p-value for b and c discordant pairs: twice the probability of a
     * split at least as uneven under Binomial(b + c, 1/2), at most 1.
     */
    public static double mcnemar(int b, int c) {
        int m = b + c;
        if (m == 0) return 1;
        int k = Math.min(b, c);
        // in logs, so that thousands of discordant pairs do not underflow 0.5^m
        double logHalf = m * Math.log(0.5), logChoose = 0, tail = 0;
        for (int i = 0; i <= k; i++) {
            if (i > 0) logChoose += Math.log(m - i + 1) - Math.log(i);
            tail += Math.exp(logChoose + logHalf);
        }
        return Math.min(1, 2 * tail);
    }
}
