package cai4j.evals;

import cai4j.InputError;
import cai4j.Json;
import cai4j.constitution.Constitution;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where an evals run keeps its files inside a run directory. */
public record EvalFiles(Path runDir) {

    public Path constitution() { return runDir.resolve("constitution.json"); }
    public Path dir() { return runDir.resolve("evals"); }
    public Path scenarios() { return dir().resolve("scenarios.jsonl"); }
    public Path rejected() { return dir().resolve("rejected.jsonl"); }
    public Path generation() { return dir().resolve("generation.json"); }
    public Path responses() { return dir().resolve("responses.jsonl"); }
    public Path verdicts() { return dir().resolve("verdicts.jsonl"); }
    /** What {@code evals run} was asked to do: models, samples, conditions, templates. */
    public Path run() { return dir().resolve("run.json"); }
    /** Which scenarios are held out of the evaluation as training prompts ({@link ScenarioSplit}). */
    public Path split() { return dir().resolve("split.json"); }

    /**
     * Writes the constitution a command works from into the run, after checking that the run was
     * made from this same constitution: scenarios, verdicts and data of another one would be
     * reported against clauses that are not in it.
     */
    public void claimConstitution(Constitution c) {
        if (Files.exists(constitution())) {
            Constitution had = readConstitution();
            if (!had.sha256().equals(c.sha256())) {
                throw new InputError("Run directory " + runDir + " was made from another constitution ('" + had.title() + "', sha256 "
                        + had.sha256().substring(0, Math.min(12, had.sha256().length())) + "); use a new --run, or 'cai4j run --start-over' to discard its results.");
            }
        }
        Json.writeAtomically(constitution(), Json.pretty(c) + "\n");
    }

    /** What {@code --start-over} removes: everything made from the constitution; the ledger stays, so paid calls still replay. */
    public static final List<String> DERIVED = List.of("constitution.json", "evals", "data", "export", "summary.json", "report.html",
            CalibrationFile.NAME, CalibrationFile.gradesFile(Path.of("")).getFileName().toString());

    /** Removes the run's results made from its constitution, keeping its ledger. */
    public void startOver() {
        for (String name : DERIVED) {
            Path p = runDir.resolve(name);
            if (!Files.exists(p)) continue;
            try (var walk = Files.walk(p)) {
                for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(q);
            } catch (IOException e) {
                throw new InputError("Cannot remove " + p + " to start the run over: " + cai4j.FileProblem.reason(e) + ".", e);
            }
        }
    }

    public Constitution readConstitution() {
        if (!Files.exists(constitution())) {
            throw new InputError("Run directory " + runDir + " has no constitution.json; run 'cai4j evals generate' into it first.");
        }
        try {
            return Json.MAPPER.readValue(constitution().toFile(), Constitution.class);
        } catch (IOException e) {
            throw new InputError(constitution() + " is not a compiled constitution: " + e.getMessage());
        }
    }

    public List<Scenario> readScenarios() {
        if (!Files.exists(scenarios())) {
            throw new InputError("Run directory " + runDir + " has no evals/scenarios.jsonl; run 'cai4j evals generate' into it first.");
        }
        return Json.readLines(scenarios(), Scenario.class);
    }

    /** The scenarios the target is graded on: all of them, less those a split holds out for training. */
    public List<Scenario> readEvaluationScenarios() {
        List<Scenario> all = readScenarios();
        return ScenarioSplit.read(this).map(s -> s.evaluation(all)).orElse(all);
    }

    /** The scenarios held out for training; empty when the run's scenarios were not split. */
    public java.util.Optional<List<Scenario>> readTrainingScenarios() {
        return ScenarioSplit.read(this).map(s -> s.training(readScenarios()));
    }
}
