package cai4j.evals;

import cai4j.InputError;
import cai4j.Json;
import cai4j.constitution.Constitution;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
    public Path summary() { return dir().resolve("summary.json"); }
    public Path runSummary() { return runDir.resolve("summary.json"); }

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

    /** Puts the evals figures under "evals" in the run's summary.json, keeping what other stages wrote. */
    void mergeRunSummary(Summary summary) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        if (Files.exists(runSummary())) {
            try {
                JsonNode old = Json.MAPPER.readTree(runSummary().toFile());
                if (old instanceof ObjectNode o) root = o;
            } catch (IOException e) {
                // an unreadable summary is rebuilt; it only ever holds derived figures
            }
        }
        root.set("evals", Json.MAPPER.valueToTree(summary));
        Json.writeAtomically(runSummary(), Json.pretty(root) + "\n");
    }
}
