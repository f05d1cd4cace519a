package cai4j.evals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cai4j.InputError;
import org.junit.jupiter.api.Test;

class ThresholdTest {
    @Test
    void aFractionOrAPercentageIsTheSameThreshold() {
        assertThat(Threshold.parse("0.9", "--fail-under")).isEqualTo(0.9);
        assertThat(Threshold.parse(" 90 % ", "--fail-under")).isEqualTo(0.9);
        assertThat(Threshold.parse("100%", "cai4j.threshold.safe")).isEqualTo(1.0);
    }

    @Test
    void aValueOutsideZeroToOneIsBadInputNamingWhereItWasGiven() {
        assertThatThrownBy(() -> Threshold.parse("1.5", "cai4j.threshold.safe in cai4j.properties")).isInstanceOf(InputError.class)
                .hasMessage("cai4j.threshold.safe in cai4j.properties '1.5' is not a fraction between 0 and 1 (such as 0.9) or a percentage (such as 90%).");
        assertThatThrownBy(() -> Threshold.parse("ninety", "--fail-under")).isInstanceOf(InputError.class).hasMessageStartingWith("--fail-under 'ninety'");
    }
}
