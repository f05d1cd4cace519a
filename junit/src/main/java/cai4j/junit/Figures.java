package cai4j.junit;

import cai4j.evals.Rate;
import java.util.Locale;

/** How figures and long texts read in test names and messages. */
final class Figures {
    private Figures() {}

    /** {@code 90%}, {@code 92.5%}. */
    static String percent(double fraction) {
        double p = 100 * fraction;
        return p == Math.rint(p) ? String.format(Locale.ROOT, "%.0f%%", p) : String.format(Locale.ROOT, "%.1f%%", p);
    }

    /** {@code 85.0% (17/20, 95% interval 64.0–94.8%, wilson)}. */
    static String rate(Rate r) {
        return String.format(Locale.ROOT, "%.1f%% (%d/%d, 95%% interval %.1f–%.1f%%, %s)", 100 * r.rate(), r.count(), r.n(), 100 * r.low(), 100 * r.high(), r.interval());
    }

    /** At most {@code max} characters, saying how many more there were. */
    static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "… (" + (text.length() - max) + " more characters)";
    }

    static String indent(String text) {
        return text.lines().map(l -> "  " + l).collect(java.util.stream.Collectors.joining("\n"));
    }
}
