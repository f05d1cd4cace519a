package cai4j.train;

import cai4j.FileProblem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The local GPU path: a TRL recipe that trains on a run's exported TRL files (SFT, then DPO from
 * the SFT model, LoRA by default), its pinned requirements, and a script that merges the adapter and
 * converts the model to GGUF with llama.cpp, so that {@code llama:} can evaluate it. The files are
 * templates in {@code cai4j/train/trl/}; the run's data paths are written into the recipe.
 */
public final class TrlRecipe {
    private TrlRecipe() {}

    /** What was written: the recipe files and the data they train on. */
    public record Written(List<Path> files, TrainingFile sft, TrainingFile dpo) {}

    public static final String SCRIPT = "train_trl.py", REQUIREMENTS = "requirements.txt", TO_GGUF = "to_gguf.sh";

    /** Exports the run's {@code trl-sft} and {@code trl-dpo} files and writes the recipe into {@code dir}. */
    public static Written write(Path run, Path dir) {
        TrainingFile sft = TrainingData.export(run, Method.SFT, Method.SFT.trlFormat());
        TrainingFile dpo = TrainingData.export(run, Method.DPO, Method.DPO.trlFormat());
        String script = template(SCRIPT)
                .replace("{{SFT_DATA}}", python(Path.of(sft.path()).toAbsolutePath().toString()))
                .replace("{{DPO_DATA}}", python(Path.of(dpo.path()).toAbsolutePath().toString()));
        Path s = dir.resolve(SCRIPT), r = dir.resolve(REQUIREMENTS), g = dir.resolve(TO_GGUF);
        try {
            Files.createDirectories(dir);
            Files.writeString(s, script, StandardCharsets.UTF_8);
            Files.writeString(r, template(REQUIREMENTS), StandardCharsets.UTF_8);
            Files.writeString(g, template(TO_GGUF), StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(g, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (UnsupportedOperationException e) {
                // a file system without POSIX permissions: run it with sh
            }
        } catch (IOException e) {
            throw FileProblem.writing(dir, e);
        }
        return new Written(List.of(s, r, g), sft, dpo);
    }

    /** The text of a path inside a Python string literal in double quotes. */
    private static String python(String path) {
        return path.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static String template(String name) {
        try (InputStream in = TrlRecipe.class.getResourceAsStream("/cai4j/train/trl/" + name)) {
            if (in == null) throw new IllegalStateException("the recipe template " + name + " is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("the recipe template " + name + " cannot be read", e);
        }
    }
}
