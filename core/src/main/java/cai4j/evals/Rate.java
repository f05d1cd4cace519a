package cai4j.evals;

/**
 * A proportion with its 95% interval and its count. With n = 0 the rate is 0 and the interval is
 * [0, 1]: nothing is known.
 *
 * @param interval how the interval was found: {@link #WILSON} when the n trials are independent
 *                 (one per scenario), {@link #CLUSTER_BOOTSTRAP} when some scenarios give several
 *                 trials (see {@link Proportions})
 */
public record Rate(int count, int n, double rate, double low, double high, String interval) {

    static final double Z95 = 1.959963984540054;

    /** The Wilson score interval. */
    public static final String WILSON = "wilson";
    /** The percentile interval of a bootstrap that resamples whole scenarios. */
    public static final String CLUSTER_BOOTSTRAP = "cluster-bootstrap";

    public Rate {
        // files written before the interval was recorded only ever held Wilson intervals
        interval = interval == null || interval.isBlank() ? WILSON : interval;
    }

    public static Rate of(int count, int n) {
        if (count < 0 || count > n) throw new IllegalArgumentException("count " + count + " out of 0.." + n);
        if (n == 0) return new Rate(0, 0, 0, 0, 1, WILSON);
        double[] ci = wilson(count, n, Z95);
        return new Rate(count, n, (double) count / n, ci[0], ci[1], WILSON);
    }

    /** The Wilson score interval (Wilson 1927) for count successes in n trials. */
    public static double[] wilson(int count, int n, double z) {
        return wilson((double) count, n, z);
    }

    /** The same for a fractional count, as a count of clusters weighted by their share of successes. */
    static double[] wilson(double count, double n, double z) {
        double p = count / n;
        double z2 = z * z;
        double denom = 1 + z2 / n;
        double center = (p + z2 / (2.0 * n)) / denom;
        double half = z / denom * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        // at 0 and n the bounds are exactly 0 and 1; rounding would otherwise leave 1e-17 off
        double low = count == 0 ? 0 : Math.max(0, center - half);
        double high = count == n ? 1 : Math.min(1, center + half);
        return new double[] {Math.min(low, p), Math.max(high, p)};
    }
}
