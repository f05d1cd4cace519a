package cai4j.evals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Removes near-duplicate scenarios: generators repeat themselves, and a repeated scenario would
 * count twice. Two scenarios of the same kind are near-duplicates when the Jaccard similarity of
 * their prompts' word 3-gram sets (after lower-casing and dropping punctuation) reaches the
 * threshold. The first one written is kept.
 */
public final class Dedupe {
    public static final double DEFAULT_THRESHOLD = 0.7;

    private Dedupe() {}

    public static ScenarioGenerator.Result apply(List<Scenario> scenarios, double threshold) {
        List<Scenario> kept = new ArrayList<>();
        List<Set<String>> keptShingles = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        for (Scenario s : scenarios) {
            Set<String> sh = shingles(s.prompt());
            String duplicateOf = null;
            for (int i = 0; i < kept.size() && duplicateOf == null; i++) {
                Scenario k = kept.get(i);
                if (k.kind() == s.kind() && (k.id().equals(s.id()) || jaccard(sh, keptShingles.get(i)) >= threshold)) duplicateOf = k.id();
            }
            if (duplicateOf == null) {
                kept.add(s);
                keptShingles.add(sh);
            } else {
                rejected.add(new Rejection("duplicate", s.clauseId(), s.kind(), s.id(), "near-duplicate of " + duplicateOf));
            }
        }
        return new ScenarioGenerator.Result(List.copyOf(kept), List.copyOf(rejected));
    }

    static Set<String> shingles(String text) {
        String[] words = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}\\s]", " ").strip().split("\\s+");
        Set<String> out = new HashSet<>();
        if (words.length < 3) {
            out.add(String.join(" ", words));
            return out;
        }
        for (int i = 0; i + 3 <= words.length; i++) out.add(words[i] + " " + words[i + 1] + " " + words[i + 2]);
        return out;
    }

    static double jaccard(Set<String> a, Set<String> b) {
        if (a.isEmpty() && b.isEmpty()) return 1.0;
        int inter = 0;
        for (String s : a) if (b.contains(s)) inter++;
        return (double) inter / (a.size() + b.size() - inter);
    }
}
