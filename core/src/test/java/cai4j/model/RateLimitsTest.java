package cai4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitsTest {
    @Test
    void readsOpenAiHeadersWhateverTheirCase() {
        RateLimits r = RateLimits.fromHeaders(Map.of(
                "X-RateLimit-Limit-Requests", List.of("500"),
                "x-ratelimit-remaining-requests", List.of("0"),
                "x-ratelimit-reset-requests", List.of("6m0.5s"),
                "x-ratelimit-remaining-tokens", List.of("1234"),
                "x-ratelimit-reset-tokens", List.of("20ms"),
                "retry-after", List.of("3")));
        assertThat(r.limitRequests()).hasValue(500);
        assertThat(r.remainingRequests()).hasValue(0);
        assertThat(r.resetRequests()).hasValue(Duration.ofMillis(360_500));
        assertThat(r.remainingTokens()).hasValue(1234);
        assertThat(r.resetTokens()).hasValue(Duration.ofMillis(20));
        assertThat(r.retryAfter()).hasValue(Duration.ofSeconds(3));
    }

    @Test
    void readsAnthropicHeadersAndPrefersRetryAfterMs() {
        String in2s = Instant.now().plusSeconds(2).toString();
        RateLimits r = RateLimits.fromHeaders(Map.of(
                "anthropic-ratelimit-requests-remaining", List.of("7"),
                "anthropic-ratelimit-requests-reset", List.of(in2s),
                "retry-after-ms", List.of("1500"),
                "retry-after", List.of("2")));
        assertThat(r.remainingRequests()).hasValue(7);
        assertThat(r.resetRequests().orElseThrow()).isBetween(Duration.ofMillis(500), Duration.ofSeconds(2));
        assertThat(r.retryAfter()).hasValue(Duration.ofMillis(1500));
        assertThat(RateLimits.fromHeaders(Map.of("content-type", List.of("application/json"))).isEmpty()).isTrue();
    }
}
