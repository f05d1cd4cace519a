package cai4j.evals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PairedDifferenceTest {

    /** 20 scenarios: 6 pass both ways, 2 pass only bare, 8 pass only prompted, 4 fail both. */
    static List<PairedDifference.Pair> handExample() {
        List<PairedDifference.Pair> out = new ArrayList<>();
        int i = 0;
        for (int k = 0; k < 6; k++) out.add(new PairedDifference.Pair("s" + i++, true, true));
        for (int k = 0; k < 2; k++) out.add(new PairedDifference.Pair("s" + i++, true, false));
        for (int k = 0; k < 8; k++) out.add(new PairedDifference.Pair("s" + i++, false, true));
        for (int k = 0; k < 4; k++) out.add(new PairedDifference.Pair("s" + i++, false, false));
        return out;
    }

    @Test
    void differenceAndMcNemarOnAHandCheckedExample() {
        PairedDifference d = PairedDifference.of(handExample(), "prompted-bare");
        assertThat(d.pairs()).isEqualTo(20);
        assertThat(d.baseline().rate()).isEqualTo(0.4);   // (6 + 2) / 20
        assertThat(d.treated().rate()).isEqualTo(0.7);    // (6 + 8) / 20
        assertThat(d.improved()).isEqualTo(8);
        assertThat(d.worsened()).isEqualTo(2);
        assertThat(d.difference()).isCloseTo(0.3, within(1e-12));
        // 10 discordant pairs split 8:2; P(X <= 2 | Bin(10, 1/2)) = (1 + 10 + 45) / 1024, doubled
        assertThat(d.mcnemarP()).isCloseTo(2 * 56 / 1024.0, within(1e-12));
        // the per-scenario differences are +1 ×8, -1 ×2, 0 ×10: sd 0.64, standard error 0.143,
        // so the 95% interval is about 0.3 ± 0.28
        assertThat(d.low()).isBetween(-0.05, 0.1);
        assertThat(d.high()).isBetween(0.5, 0.65);
        assertThat(d.interval()).isEqualTo(PairedDifference.PAIRED_BOOTSTRAP);
        assertThat(PairedDifference.of(handExample().reversed(), "prompted-bare")).as("order does not matter").isEqualTo(d);
    }

    @Test
    void mcnemarMatchesTheBinomialTail() {
        assertThat(PairedDifference.mcnemar(0, 0)).isEqualTo(1.0);
        assertThat(PairedDifference.mcnemar(5, 5)).isEqualTo(1.0);
        assertThat(PairedDifference.mcnemar(0, 6)).isCloseTo(2 / 64.0, within(1e-15));
        assertThat(PairedDifference.mcnemar(1, 9)).isCloseTo(2 * 11 / 1024.0, within(1e-15));
        assertThat(PairedDifference.mcnemar(9, 1)).isEqualTo(PairedDifference.mcnemar(1, 9));
        // thousands of discordant pairs do not underflow
        assertThat(PairedDifference.mcnemar(1000, 1100)).isBetween(0.02, 0.04);
    }

    @Test
    void noPairsIsNoEvidence() {
        PairedDifference d = PairedDifference.of(List.of(), "k");
        assertThat(d.pairs()).isZero();
        assertThat(d.mcnemarP()).isEqualTo(1.0);
        assertThat(d.low()).isEqualTo(-1.0);
        assertThat(d.high()).isEqualTo(1.0);
    }
}
