package cai4j.export;

import cai4j.Hash;
import cai4j.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What is left out of an export, and why.
 *
 * @param dedupe   drop rows whose content (prompt and answers) repeats an earlier row
 * @param minChars drop rows whose trained-on answer is shorter than this (0: no limit)
 * @param maxChars drop rows whose whole example is longer than this (0: no limit)
 * @param minScore drop preference pairs whose soft label is below this (0: keep all)
 */
public record Filters(boolean dedupe, int minChars, int maxChars, double minScore) {
    public Filters {
        if (minChars < 0 || maxChars < 0) throw new cai4j.InputError("--min-chars and --max-chars must not be negative.");
        if (maxChars > 0 && maxChars < minChars) throw new cai4j.InputError("--max-chars (" + maxChars + ") is below --min-chars (" + minChars + ").");
        if (minScore < 0 || minScore > 1) throw new cai4j.InputError("--min-score must be between 0 and 1 (it is " + minScore + ").");
    }

    /** Why a tie is never a preference pair (the all-rows formats keep it, with its label of 0.5). */
    public static final String TIE = "ties: no tier preferred either response";

    public static Filters defaults() {
        return new Filters(true, 1, 0, 0);
    }

    /** The rows kept, and per reason how many were dropped. */
    public record Outcome(List<Row> kept, Map<String, Integer> dropped) {}

    public Outcome apply(List<Row> rows, boolean pairs) {
        List<Row> kept = new ArrayList<>();
        Map<String, Integer> dropped = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (Row r : rows) {
            String reason = reason(r, pairs, seen);
            if (reason == null) kept.add(r);
            else dropped.merge(reason, 1, Integer::sum);
        }
        return new Outcome(kept, dropped);
    }

    private String reason(Row r, boolean pairs, Set<String> seen) {
        if (pairs && r.chosen().equals(r.rejected())) return "chosen and rejected are the same";
        if (pairs && r.isTie()) return TIE;
        if (r.completionText().strip().length() < minChars) return "answer shorter than " + minChars + " characters";
        if (maxChars > 0 && r.length() > maxChars) return "example longer than " + maxChars + " characters";
        if (pairs && r.score() != null && r.score() < minScore) return "soft label below " + minScore;
        if (dedupe) {
            String key = Hash.sha256(Json.write(pairs ? List.of(r.prompt(), r.chosen(), r.rejected()) : List.of(r.messages())));
            if (!seen.add(key)) return "duplicate";
        }
        return null;
    }

    /** The filters as the dataset card lists them. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        out.add(dedupe ? "exact duplicates removed" : "duplicates kept");
        if (minChars > 0) out.add("answers of at least " + minChars + " characters");
        if (maxChars > 0) out.add("examples of at most " + maxChars + " characters");
        if (minScore > 0) out.add("preference pairs with soft label at least " + minScore);
        out.add("ties (soft label 0.5: no tier preferred either response) are never exported as preference pairs");
        return out;
    }
}
