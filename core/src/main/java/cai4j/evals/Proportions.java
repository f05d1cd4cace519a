package cai4j.evals;

import cai4j.Hash;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Rates of success over trials that come in clusters: the answers of one scenario are not
 * independent (a scenario that is hard under one condition, or for one judge sample, tends to be
 * hard under the others), so an interval that counts them as independent is too narrow. The
 * interval resamples whole scenarios instead of single answers (the cluster bootstrap; Field and
 * Welsh 2007), and is never narrower than the Wilson interval of the answers counted as
 * independent. When every scenario gives one trial, the Wilson interval is used alone. Resampling is seeded from the group's key, so a report always shows the same figures.
 */
public final class Proportions {
    private Proportions() {}

    /** Bootstrap resamples per interval. */
    public static final int RESAMPLES = 2000;

    /**
     * One trial: a graded answer and the scenario it belongs to.
     *
     * @param cluster the scenario (trials of one cluster are resampled together)
     * @param success whether the trial counts as a success (pass, fail, refused... as the caller counts)
     */
    public record Trial(String cluster, boolean success) {}

    /** Successes over trials with a 95% interval that respects clusters; {@code key} seeds the resampling. */
    public static Rate rate(List<Trial> trials, String key) {
        int count = 0;
        Map<String, int[]> byCluster = new TreeMap<>(); // sorted, so the input's order cannot change a figure
        for (Trial t : trials) {
            int[] c = byCluster.computeIfAbsent(t.cluster(), k -> new int[2]);
            c[1]++;
            if (t.success()) {
                c[0]++;
                count++;
            }
        }
        int n = trials.size();
        if (byCluster.size() == n) return Rate.of(count, n);
        int k = byCluster.size();
        int[] s = new int[k], m = new int[k];
        int i = 0;
        for (int[] c : byCluster.values()) {
            s[i] = c[0];
            m[i++] = c[1];
        }
        SplittableRandom random = new SplittableRandom(seed(key));
        double[] ratios = new double[RESAMPLES];
        for (int b = 0; b < RESAMPLES; b++) {
            long sum = 0, total = 0;
            for (int j = 0; j < k; j++) {
                int pick = random.nextInt(k);
                sum += s[pick];
                total += m[pick];
            }
            ratios[b] = (double) sum / total;
        }
        Arrays.sort(ratios);
        double p = (double) count / n;
        double low = quantile(ratios, 0.025), high = quantile(ratios, 0.975);
        if (low == high) {
            // every scenario has the same share of successes (typically all pass or all fail), so
            // resampling shows no spread; count each scenario once instead, weighted by its share
            double shares = 0;
            for (int j = 0; j < k; j++) shares += (double) s[j] / m[j];
            double[] ci = Rate.wilson(shares, k, Rate.Z95);
            low = ci[0];
            high = ci[1];
        }
        // never narrower than counting every answer as independent: answers of one scenario are
        // not expected to disagree more than answers of different scenarios, and with few
        // scenarios the percentile bootstrap understates the spread
        Rate independent = Rate.of(count, n);
        low = Math.min(low, independent.low());
        high = Math.max(high, independent.high());
        return new Rate(count, n, p, Math.min(low, p), Math.max(high, p), Rate.CLUSTER_BOOTSTRAP);
    }

    /** The q-quantile of sorted values, interpolated between neighbours. */
    static double quantile(double[] sorted, double q) {
        double at = q * (sorted.length - 1);
        int lo = (int) Math.floor(at);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
    }

    /** A seed that depends only on the key. */
    static long seed(String key) {
        return Long.parseUnsignedLong(Hash.sha256("bootstrap\n" + key).substring(0, 15), 16);
    }
}
