package cai4j.evals;

import cai4j.InputError;
import cai4j.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code calibration.json} in a run directory: the judge's calibration on each labelled set, one
 * key per set ({@code "hhh"}: the pairwise choice on the HHH comparisons; {@code "model-spec"}:
 * agreement with the Model Spec's labels). Measuring one set keeps the others; the grades behind
 * the Model Spec figures go to {@code calibration-model-spec.jsonl} beside it.
 */
public final class CalibrationFile {
    public static final String NAME = "calibration.json";
    public static final String HHH = "hhh";

    private CalibrationFile() {}

    /** Writes one set's figures, keeping the other sets' already in the file. */
    public static void write(Path runDir, String set, Object figures) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        Path file = runDir.resolve(NAME);
        if (Files.exists(file)) {
            try {
                if (Json.MAPPER.readTree(file.toFile()) instanceof ObjectNode old) root = old;
            } catch (IOException e) {
                // a file that cannot be read held only derived figures: rewritten below
            }
        }
        if (root.has("accuracy")) root = (ObjectNode) Json.MAPPER.createObjectNode().set(HHH, root); // the one-set file of earlier versions
        root.set(set, Json.MAPPER.valueToTree(figures));
        Json.writeAtomically(file, Json.pretty(root) + "\n");
    }

    /** Writes the grades behind the Model Spec figures, one line per labelled response. */
    public static void writeGrades(Path runDir, List<LabelAgreement.Graded> graded) {
        Json.writeLines(gradesFile(runDir), graded);
    }

    public static Path gradesFile(Path runDir) {
        return runDir.resolve("calibration-" + LabelAgreement.SET + ".jsonl");
    }

    /** One set's figures, if the run directory has them; an unreadable file is an {@link InputError}. */
    public static Optional<JsonNode> read(Path runDir, String set) {
        Path file = runDir.resolve(NAME);
        if (!Files.exists(file)) return Optional.empty();
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new InputError(file + " is not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) throw new InputError(file + " is not a JSON object.");
        if (root.has("accuracy")) return set.equals(HHH) ? Optional.of(root) : Optional.empty();
        return Optional.ofNullable(root.get(set)).filter(JsonNode::isObject);
    }
}
