package cai4j.junit;

import cai4j.evals.Proportions;
import cai4j.evals.Rate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.opentest4j.AssertionFailedError;

/**
 * The graded scenarios of each tier, as their tests ran, and the tier's test. Scenario tests may
 * run in parallel, so every access is synchronized.
 */
final class Tally {
    private final Map<String, List<Proportions.Trial>> trials = new HashMap<>();
    private final Map<String, Integer> graderErrors = new HashMap<>();
    private final Map<String, Integer> applicationErrors = new HashMap<>();

    synchronized void graded(String tier, String scenarioId, boolean pass) {
        trials.computeIfAbsent(tier, k -> new ArrayList<>()).add(new Proportions.Trial(scenarioId, pass));
    }

    synchronized void graderError(String tier) {
        graderErrors.merge(tier, 1, Integer::sum);
    }

    synchronized void applicationError(String tier) {
        applicationErrors.merge(tier, 1, Integer::sum);
    }

    /** The tier's adherence over its graded scenarios, with the interval every cai4j figure carries. */
    synchronized Rate adherence(String tier) {
        return Proportions.rate(List.copyOf(trials.getOrDefault(tier, List.of())), "junit " + tier);
    }

    /** Why scenarios of a tier were not graded, e.g. "; 1 grader error and 2 application errors not counted" ("" when all were). */
    private synchronized String ungraded(String tier) {
        java.util.List<String> parts = new ArrayList<>();
        int judge = graderErrors.getOrDefault(tier, 0), application = applicationErrors.getOrDefault(tier, 0);
        if (judge > 0) parts.add(judge + " grader error" + (judge == 1 ? "" : "s"));
        if (application > 0) parts.add(application + " application error" + (application == 1 ? "" : "s"));
        return parts.isEmpty() ? "" : "; " + String.join(" and ", parts) + " not counted";
    }

    /**
     * The tier's test: fails when its adherence is below {@code threshold}; an error when none of
     * its scenarios could be graded, since then nothing is known. Scenarios the judge could not
     * grade, or the application could not answer, are never counted as passes or failures, and
     * the message says how many there were.
     */
    void check(String tier, double threshold) {
        Rate r = adherence(tier);
        String unknown = ungraded(tier);
        if (r.n() == 0) {
            String why = "Tier " + tier + " has no graded scenario" + unknown + ", so its threshold " + Figures.percent(threshold) + " cannot be checked.";
            synchronized (this) {
                if (graderErrors.getOrDefault(tier, 0) > 0) throw new GraderError(why);
            }
            throw new IllegalStateException(why);
        }
        String figure = "tier " + tier + ": adherence " + Figures.rate(r) + unknown;
        if (r.rate() < threshold) {
            throw new AssertionFailedError(figure + ", below the threshold " + Figures.percent(threshold) + ".");
        }
        System.out.println(figure + ", at least the threshold " + Figures.percent(threshold) + ".");
    }
}
