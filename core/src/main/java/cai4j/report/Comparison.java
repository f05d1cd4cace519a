package cai4j.report;

import cai4j.evals.PairedDifference;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One condition against another on the same scenarios: the paired difference of their pass
 * rates over every scenario graded under both, and per tier. A scenario passes under a condition
 * when every graded answer it has there passes.
 *
 * @param treated  the condition measured (e.g. prompted)
 * @param baseline the condition it is compared with (e.g. bare)
 * @param overall  over every paired scenario
 * @param tiers    tier id → the same over that tier's scenarios, highest priority first
 */
public record Comparison(String treated, String baseline, PairedDifference overall, Map<String, PairedDifference> tiers) {
    public Comparison {
        tiers = Collections.unmodifiableMap(new LinkedHashMap<>(tiers));
    }
}
