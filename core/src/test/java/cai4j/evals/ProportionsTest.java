package cai4j.evals;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProportionsTest {

    /** n scenarios with the given pass outcome each, every scenario answered `per` times with the same outcome. */
    private static List<Proportions.Trial> agreeing(int passing, int failing, int per) {
        List<Proportions.Trial> out = new ArrayList<>();
        for (int s = 0; s < passing + failing; s++) for (int i = 0; i < per; i++) out.add(new Proportions.Trial("s" + s, s < passing));
        return out;
    }

    @Test
    void oneAnswerPerScenarioGetsTheWilsonInterval() {
        Rate r = Proportions.rate(agreeing(6, 4, 1), "k");
        assertThat(r).isEqualTo(Rate.of(6, 10));
        assertThat(r.interval()).isEqualTo(Rate.WILSON);
    }

    @Test
    void clusterBootstrapIsWiderThanTheNaiveIntervalWhenAScenariosAnswersAgree() {
        // 12 scenarios, each answered 3 times with one outcome: 36 answers but 12 independent facts
        Rate clustered = Proportions.rate(agreeing(7, 5, 3), "tier/safe/prompted");
        Rate naive = Rate.of(21, 36);
        assertThat(clustered.interval()).isEqualTo(Rate.CLUSTER_BOOTSTRAP);
        assertThat(clustered.count()).isEqualTo(21);
        assertThat(clustered.n()).isEqualTo(36);
        assertThat(clustered.rate()).isEqualTo(naive.rate());
        double clusteredWidth = clustered.high() - clustered.low(), naiveWidth = naive.high() - naive.low();
        assertThat(clusteredWidth).isGreaterThan(1.3 * naiveWidth);
        // close to what 12 independent answers would give
        Rate twelve = Rate.of(7, 12);
        assertThat(clusteredWidth).isBetween(0.8 * (twelve.high() - twelve.low()), 1.2 * (twelve.high() - twelve.low()));
    }

    @Test
    void clusterBootstrapIsCloseToTheNaiveIntervalWhenAnswersAreIndependent() {
        Random random = new Random(7);
        List<Proportions.Trial> trials = new ArrayList<>();
        for (int s = 0; s < 60; s++) for (int i = 0; i < 3; i++) trials.add(new Proportions.Trial("s" + s, random.nextDouble() < 0.6));
        Rate clustered = Proportions.rate(trials, "k");
        Rate naive = Rate.of(clustered.count(), clustered.n());
        assertThat(clustered.high() - clustered.low()).isBetween(0.75 * (naive.high() - naive.low()), 1.25 * (naive.high() - naive.low()));
    }

    @Test
    void answersOfOneScenarioThatDisagreeNeverNarrowTheNaiveInterval() {
        // every scenario half pass, half fail: resampling scenarios shows almost no spread
        List<Proportions.Trial> trials = new ArrayList<>();
        for (int s = 0; s < 8; s++) for (int i = 0; i < 2; i++) trials.add(new Proportions.Trial("s" + s, i == 0));
        Rate r = Proportions.rate(trials, "k");
        Rate naive = Rate.of(8, 16);
        assertThat(r.interval()).isEqualTo(Rate.CLUSTER_BOOTSTRAP);
        assertThat(r.low()).isLessThanOrEqualTo(naive.low());
        assertThat(r.high()).isGreaterThanOrEqualTo(naive.high());
    }

    @Test
    void theSameKeyGivesTheSameIntervalWhateverTheOrder() {
        List<Proportions.Trial> trials = agreeing(5, 4, 2);
        trials.add(new Proportions.Trial("s0", false));
        Rate first = Proportions.rate(trials, "clause/c-1/bare");
        List<Proportions.Trial> shuffled = new ArrayList<>(trials);
        Collections.shuffle(shuffled, new Random(3));
        assertThat(Proportions.rate(shuffled, "clause/c-1/bare")).isEqualTo(first);
        assertThat(Proportions.rate(trials, "clause/c-2/bare").low()).as("another group resamples differently").isNotEqualTo(first.low());
    }

    @Test
    void scenariosThatAllAgreeStillGetAnIntervalOverScenarios() {
        Rate r = Proportions.rate(agreeing(8, 0, 3), "k");
        assertThat(r.rate()).isEqualTo(1.0);
        assertThat(r.high()).isEqualTo(1.0);
        // resampling cannot show spread here; the interval is that of 8 scenarios, not of 24 answers
        assertThat(r.low()).isCloseTo(Rate.of(8, 8).low(), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(r.low()).isLessThan(Rate.of(24, 24).low());
    }

    @Test
    void nothingGradedKnowsNothing() {
        assertThat(Proportions.rate(List.of(), "k")).isEqualTo(Rate.of(0, 0));
    }
}
