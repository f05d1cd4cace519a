package cai4j.evals;

import cai4j.InputError;
import cai4j.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Scenarios held out of the evaluation to be training prompts, written as {@code evals/split.json}.
 * A model trained on a run's data must not be scored on its own training prompts, so the two sets
 * share no scenario. The split is stratified by clause (the clause a scenario is counted under):
 * each clause with at least two scenarios gives about {@code share} of them to training and keeps
 * at least one for the evaluation; with a {@code limit}, training takes one scenario of every clause
 * before a second of any, so the training prompts cover all sampled clauses the limit allows.
 *
 * @param seed     seeds which scenarios of a clause go to training
 * @param share    the share of each clause's scenarios held out for training
 * @param limit    at most this many training scenarios (0: no limit)
 * @param train    ids of the training scenarios, in the order of scenarios.jsonl
 * @param clauses  clause id → how many of its scenarios are for training and for evaluation
 */
public record ScenarioSplit(long seed, double share, int limit, List<String> train, Map<String, Counts> clauses) {

    /** @param train scenarios held out for training @param evaluation scenarios the target is graded on */
    public record Counts(int train, int evaluation) {}

    public ScenarioSplit {
        if (!(share > 0 && share < 1)) throw new InputError("The share of scenarios held out for training must be between 0 and 1, not " + share + ".");
        if (limit < 0) throw new InputError("The number of training scenarios must be 0 (no limit) or more, not " + limit + ".");
        train = List.copyOf(train);
        clauses = Collections.unmodifiableMap(new LinkedHashMap<>(clauses));
    }

    public static ScenarioSplit of(List<Scenario> scenarios, double share, int limit, long seed) {
        Map<String, List<Scenario>> byClause = new LinkedHashMap<>();
        for (Scenario s : scenarios) byClause.computeIfAbsent(s.clauseId(), k -> new ArrayList<>()).add(s);
        // per clause, its candidates for training in a seeded order
        Map<String, List<Scenario>> picks = new LinkedHashMap<>();
        for (var e : byClause.entrySet()) {
            List<Scenario> own = new ArrayList<>(e.getValue());
            Collections.shuffle(own, new Random(seed * 31 + e.getKey().hashCode()));
            int n = own.size();
            int take = n < 2 ? 0 : Math.min(n - 1, Math.max(1, (int) Math.round(share * n)));
            picks.put(e.getKey(), own.subList(0, take));
        }
        // round robin: every clause's first pick before any clause's second
        Set<String> chosen = new LinkedHashSet<>();
        for (int round = 0; ; round++) {
            boolean any = false;
            for (List<Scenario> p : picks.values()) {
                if (round >= p.size() || (limit > 0 && chosen.size() >= limit)) continue;
                chosen.add(p.get(round).id());
                any = true;
            }
            if (!any) break;
        }
        Map<String, Counts> counts = new LinkedHashMap<>();
        byClause.forEach((clause, list) -> {
            int t = (int) list.stream().filter(s -> chosen.contains(s.id())).count();
            counts.put(clause, new Counts(t, list.size() - t));
        });
        List<String> train = scenarios.stream().map(Scenario::id).filter(chosen::contains).toList();
        return new ScenarioSplit(seed, share, limit, train, counts);
    }

    public boolean isTraining(Scenario s) {
        return train.contains(s.id());
    }

    public List<Scenario> training(List<Scenario> scenarios) {
        return scenarios.stream().filter(this::isTraining).toList();
    }

    public List<Scenario> evaluation(List<Scenario> scenarios) {
        return scenarios.stream().filter(s -> !isTraining(s)).toList();
    }

    public void write(EvalFiles files) {
        Json.writeAtomically(files.split(), Json.pretty(this) + "\n");
    }

    /** The run's split; empty when its scenarios were not split (all of them are evaluated). */
    public static Optional<ScenarioSplit> read(EvalFiles files) {
        Path f = files.split();
        if (!Files.exists(f)) return Optional.empty();
        try {
            return Optional.of(Json.MAPPER.readValue(f.toFile(), ScenarioSplit.class));
        } catch (IOException e) {
            throw new InputError(f + " is not a readable split of training and evaluation scenarios: " + e.getMessage());
        }
    }
}
