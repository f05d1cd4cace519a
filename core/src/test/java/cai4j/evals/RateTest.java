package cai4j.evals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RateTest {
    // reference values: Wilson score intervals at 95% (Newcombe 1998, Table I; Agresti & Coull 1998)
    @Test
    void wilsonMatchesPublishedValues() {
        assertInterval(Rate.of(81, 263), 0.2553, 0.3662);
        assertInterval(Rate.of(15, 148), 0.0624, 0.1605);
        assertInterval(Rate.of(0, 20), 0.0, 0.1611);
        assertInterval(Rate.of(1, 29), 0.0061, 0.1718);
        assertInterval(Rate.of(29, 29), 0.8830, 1.0);
        assertInterval(Rate.of(8, 10), 0.4902, 0.9433);
    }

    @Test
    void emptyGroupKnowsNothing() {
        Rate r = Rate.of(0, 0);
        assertThat(r.low()).isZero();
        assertThat(r.high()).isEqualTo(1.0);
        assertThat(r.n()).isZero();
    }

    @Test
    void intervalAlwaysHoldsTheRate() {
        for (int n = 1; n <= 60; n++) {
            for (int k = 0; k <= n; k++) {
                Rate r = Rate.of(k, n);
                assertThat(r.low()).isLessThanOrEqualTo(r.rate()).isGreaterThanOrEqualTo(0);
                assertThat(r.high()).isGreaterThanOrEqualTo(r.rate()).isLessThanOrEqualTo(1);
            }
        }
    }

    private static void assertInterval(Rate r, double low, double high) {
        assertThat(r.low()).isCloseTo(low, within(0.00051));
        assertThat(r.high()).isCloseTo(high, within(0.00051));
    }
}
