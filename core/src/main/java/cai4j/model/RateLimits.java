package cai4j.model;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a server said about its rate limits in the headers of one answer. OpenAI sends
 * {@code x-ratelimit-limit-requests}, {@code x-ratelimit-remaining-tokens}, {@code x-ratelimit-reset-requests: 6m0s};
 * Anthropic sends {@code anthropic-ratelimit-requests-remaining} and RFC 3339 reset times. Both are read here
 * so that the scheduler sees one shape.
 *
 * @param limitRequests     requests allowed per window (usually a minute)
 * @param remainingRequests requests left in the window
 * @param resetRequests     time until the request window refills
 * @param limitTokens       tokens allowed per window
 * @param remainingTokens   tokens left in the window
 * @param resetTokens       time until the token window refills
 * @param retryAfter        the Retry-After (or retry-after-ms) the server asked for
 */
public record RateLimits(
        OptionalLong limitRequests, OptionalLong remainingRequests, Optional<Duration> resetRequests,
        OptionalLong limitTokens, OptionalLong remainingTokens, Optional<Duration> resetTokens,
        Optional<Duration> retryAfter) {

    public static final RateLimits NONE = new RateLimits(OptionalLong.empty(), OptionalLong.empty(), Optional.empty(),
            OptionalLong.empty(), OptionalLong.empty(), Optional.empty(), Optional.empty());

    public boolean isEmpty() { return equals(NONE); }

    /** Reads the headers of one answer; names are matched without regard to case. */
    public static RateLimits fromHeaders(Map<String, List<String>> headers) {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((k, v) -> { if (k != null && v != null && !v.isEmpty()) h.put(k, v.getFirst()); });
        Instant now = Instant.now();
        return new RateLimits(
                number(h, "x-ratelimit-limit-requests", "anthropic-ratelimit-requests-limit"),
                number(h, "x-ratelimit-remaining-requests", "anthropic-ratelimit-requests-remaining"),
                reset(h, now, "x-ratelimit-reset-requests", "anthropic-ratelimit-requests-reset"),
                number(h, "x-ratelimit-limit-tokens", "anthropic-ratelimit-tokens-limit"),
                number(h, "x-ratelimit-remaining-tokens", "anthropic-ratelimit-tokens-remaining"),
                reset(h, now, "x-ratelimit-reset-tokens", "anthropic-ratelimit-tokens-reset"),
                retryAfter(h, now));
    }

    private static OptionalLong number(Map<String, String> h, String... names) {
        for (String n : names) {
            String v = h.get(n);
            if (v == null) continue;
            try {
                return OptionalLong.of(Long.parseLong(v.strip()));
            } catch (NumberFormatException e) {
                // a header we cannot read is as good as no header
            }
        }
        return OptionalLong.empty();
    }

    private static Optional<Duration> reset(Map<String, String> h, Instant now, String... names) {
        for (String n : names) {
            String v = h.get(n);
            if (v != null) {
                Optional<Duration> d = duration(v.strip(), now);
                if (d.isPresent()) return d;
            }
        }
        return Optional.empty();
    }

    private static Optional<Duration> retryAfter(Map<String, String> h, Instant now) {
        String ms = h.get("retry-after-ms");
        if (ms != null) {
            try {
                return Optional.of(Duration.ofMillis((long) Double.parseDouble(ms.strip())));
            } catch (NumberFormatException e) {
                // fall through to Retry-After
            }
        }
        String s = h.get("retry-after");
        if (s == null) return Optional.empty();
        s = s.strip();
        try {
            return Optional.of(Duration.ofMillis((long) (Double.parseDouble(s) * 1000)));
        } catch (NumberFormatException e) {
            try {
                Instant at = java.time.ZonedDateTime.parse(s, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Optional.of(nonNegative(Duration.between(now, at)));
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
    }

    private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)");

    /** "6m0s", "1.5s", "20ms" (OpenAI), a plain number of seconds, or an RFC 3339 instant (Anthropic). */
    static Optional<Duration> duration(String v, Instant now) {
        if (v.isEmpty()) return Optional.empty();
        if (Character.isDigit(v.charAt(0)) && v.length() >= 20 && v.charAt(4) == '-') {
            try {
                return Optional.of(nonNegative(Duration.between(now, OffsetDateTime.parse(v).toInstant())));
            } catch (DateTimeParseException e) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(Duration.ofMillis((long) (Double.parseDouble(v) * 1000)));
        } catch (NumberFormatException e) {
            // a Go-style duration
        }
        Matcher m = GO_DURATION.matcher(v.toLowerCase(Locale.ROOT));
        double millis = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) return Optional.empty();
            end = m.end();
            double x = Double.parseDouble(m.group(1));
            millis += switch (m.group(2)) {
                case "h" -> x * 3_600_000;
                case "m" -> x * 60_000;
                case "s" -> x * 1000;
                default -> x;
            };
        }
        return end == v.length() ? Optional.of(Duration.ofMillis((long) millis)) : Optional.empty();
    }

    private static Duration nonNegative(Duration d) { return d.isNegative() ? Duration.ZERO : d; }
}
