package cai4j.evals;

/**
 * A proportion with its 95% Wilson score interval and its count. With n = 0 the rate is 0 and
 * the interval is [0, 1]: nothing is known.
 */
public record Rate(int count, int n, double rate, double low, double high) {

    static final double Z95 = 1.959963984540054;

    public static Rate of(int count, int n) {
        if (count < 0 || count > n) throw new IllegalArgumentException("count " + count + " out of 0.." + n);
        if (n == 0) return new Rate(0, 0, 0, 0, 1);
        double[] ci = wilson(count, n, Z95);
        return new Rate(count, n, (double) count / n, ci[0], ci[1]);
    }

    /** The Wilson score interval (Wilson 1927) for count successes in n trials. */
    public static double[] wilson(int count, int n, double z) {
        double p = (double) count / n;
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
