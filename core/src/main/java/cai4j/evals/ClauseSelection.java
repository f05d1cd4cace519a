package cai4j.evals;

import cai4j.InputError;
import cai4j.constitution.Clause;
import cai4j.constitution.Constitution;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Which clauses to write scenarios for. Large constitutions have hundreds of clauses; a run can
 * name clauses by id, whole tiers by tier id, or sections by heading, then sample at random.
 *
 * @param tokens ids, tier ids or section headings (empty for every rule clause)
 * @param sample how many clauses to keep at random (0 keeps all)
 * @param seed   the seed of that random pick
 */
public record ClauseSelection(List<String> tokens, int sample, long seed) {

    public static final ClauseSelection ALL = new ClauseSelection(List.of(), 0, 0);

    public ClauseSelection {
        tokens = tokens.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        if (sample < 0) throw new InputError("--sample must be 0 or more, not " + sample + ".");
    }

    /** Parses the --clauses value, a comma-separated list. */
    public static ClauseSelection of(String csv, int sample, long seed) {
        return new ClauseSelection(csv == null || csv.isBlank() ? List.of() : List.of(csv.split(",")), sample, seed);
    }

    /** The selected clauses, in document order. */
    public List<Clause> apply(Constitution constitution) {
        List<Clause> chosen;
        if (tokens.isEmpty()) {
            chosen = constitution.rules();
        } else {
            Set<Clause> set = new LinkedHashSet<>();
            for (String token : tokens) {
                List<Clause> matched = match(constitution, token);
                if (matched.isEmpty()) {
                    throw new InputError("--clauses names '" + token + "', which is no clause id, tier id or section heading of " + constitution.source() + ".");
                }
                set.addAll(matched);
            }
            chosen = constitution.clauses().stream().filter(set::contains).toList();
        }
        if (sample > 0 && sample < chosen.size()) {
            List<Clause> shuffled = new ArrayList<>(chosen);
            java.util.Collections.shuffle(shuffled, new Random(seed));
            Set<Clause> keep = new LinkedHashSet<>(shuffled.subList(0, sample));
            chosen = chosen.stream().filter(keep::contains).toList();
        }
        if (chosen.isEmpty()) throw new InputError(constitution.source() + " has no rule clauses to write scenarios for.");
        return chosen;
    }

    private static List<Clause> match(Constitution c, String token) {
        var byId = c.clause(token);
        if (byId.isPresent()) return List.of(byId.get());
        if (c.tier(token).isPresent()) return c.rules().stream().filter(cl -> cl.tier().equals(token)).toList();
        String t = token.toLowerCase(Locale.ROOT);
        return c.rules().stream()
                .filter(cl -> cl.section().stream().anyMatch(h -> h.toLowerCase(Locale.ROOT).equals(t)))
                .toList();
    }
}
