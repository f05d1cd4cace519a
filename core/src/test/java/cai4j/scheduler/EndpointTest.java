package cai4j.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import cai4j.model.RateLimits;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class EndpointTest {

    /** What OpenAI sends: x-ratelimit-limit-requests and x-ratelimit-remaining-requests (per minute). */
    static RateLimits requests(long limitPerMinute, long remaining) {
        return new RateLimits(OptionalLong.of(limitPerMinute), OptionalLong.of(remaining), Optional.of(Duration.ofMillis(50)),
                OptionalLong.empty(), OptionalLong.empty(), Optional.empty(), Optional.empty());
    }

    /** How many calls may go at once before the endpoint asks one to wait. */
    static int sentAtOnce(Endpoint e) {
        int n = 0;
        while (e.reserve(0) == 0 && n < 10_000) n++;
        return n;
    }

    @Test
    void withoutAConfiguredLimitTheFirstAnswersHeadersSetTheBurstAndTheRate() {
        Endpoint e = new Endpoint(Limits.defaults());
        e.observe(requests(1200, 19)); // 20 a second, 19 left of a burst of 20, of which 5 are kept as headroom
        assertThat(sentAtOnce(e)).isEqualTo(14);
        assertThat(e.reserve(0)).isBetween(1L, 2 * 50_000_000L); // the next one waits about 1/20 s per call ahead of it
    }

    @Test
    void theRemainingCountCapsWhatMayBeSentLessTheCallsStillInFlight() {
        Endpoint e = new Endpoint(Limits.defaults());
        e.observe(requests(1200, 19));
        e.sending(0);
        e.sending(0);
        e.sending(0); // three in flight: the one whose answer is read now, and two more the server will count
        e.observe(requests(1200, 11));
        assertThat(sentAtOnce(e)).isEqualTo(4); // 11 left, 2 of them for the calls in flight, 5 kept as headroom
    }

    @Test
    void theBurstIsAtMostOneSecondOfRequests() {
        Endpoint e = new Endpoint(Limits.defaults());
        e.observe(requests(600, 599)); // OpenAI counts a minute's window; it enforces it over shorter ones
        assertThat(sentAtOnce(e)).isEqualTo(10 - 2); // of which a quarter, rounded down, is headroom
    }

    @Test
    void aConfiguredRpmIsNotOverriddenByHeaders() {
        Endpoint e = new Endpoint(Limits.defaults().withRpm(60));
        e.observe(requests(6000, 5000));
        assertThat(sentAtOnce(e)).isEqualTo(1);
    }
}
