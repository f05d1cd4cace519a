package cai4j.train;

import cai4j.InputError;
import cai4j.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What training a run has done: {@code RUN/train/training.json}, rewritten atomically after every
 * change (a file uploaded, a job submitted, a status seen), so that a command killed at any moment
 * leaves a record from which a rerun attaches to the same files and jobs instead of paying again.
 *
 * @param base     the model the first job starts from
 * @param provider the fine-tuning endpoint, as a model spec ({@code openai:M@URL})
 * @param method   the chain asked for: {@code sft}, {@code dpo} or {@code sft+dpo}
 * @param suffix   the suffix of the fine-tuned model names ("" for none)
 * @param epochs   epochs per job; empty for the provider's choice
 * @param files    every file uploaded or about to be, by SHA-256
 * @param jobs     every job submitted, in order
 * @param model    the fine-tuned model of the whole chain, once its last job succeeded
 */
public record TrainingRecord(String base, String provider, String method, String suffix, Optional<Integer> epochs,
                             List<TrainingFile> files, List<TrainingJob> jobs, Optional<String> model) {

    public TrainingRecord {
        files = List.copyOf(files);
        jobs = List.copyOf(jobs);
    }

    /** Where a run keeps its record. */
    public static Path path(Path run) {
        return run.resolve("train").resolve("training.json");
    }

    /** The run's training record, if it has one. */
    public static Optional<TrainingRecord> read(Path run) {
        Path file = path(run);
        if (!Files.isRegularFile(file)) return Optional.empty();
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            throw cai4j.FileProblem.reading("training record", file, e);
        }
        try {
            return Optional.of(parse(root));
        } catch (RuntimeException e) {
            throw new InputError("The training record " + file + " is not readable (" + e.getMessage() + "); move it away to train anew.");
        }
    }

    /** The fine-tuned model a run's training produced, if it finished: what the trained condition evaluates. */
    public static Optional<String> finalModel(Path run) {
        return read(run).flatMap(TrainingRecord::model);
    }

    /** Writes the record atomically: a reader sees the old record or the new one, never half of one. */
    public void write(Path run) {
        Json.writeAtomically(path(run), Json.pretty(toJson()) + "\n");
    }

    public Optional<TrainingFile> file(String sha256) {
        return files.stream().filter(f -> f.sha256().equals(sha256)).findFirst();
    }

    /** The job that trains this method on this file from this model, if one was submitted. */
    public Optional<TrainingJob> job(Method method, String fileId, String startModel) {
        return jobs.stream().filter(j -> j.method() == method && j.trainingFile().equals(fileId) && j.startModel().equals(startModel))
                .reduce((first, later) -> later);
    }

    /** This record with a file added or, when one with its SHA-256 is there, replaced. */
    public TrainingRecord withFile(TrainingFile file) {
        List<TrainingFile> fs = new ArrayList<>(files);
        fs.removeIf(f -> f.sha256().equals(file.sha256()));
        fs.add(file);
        return new TrainingRecord(base, provider, method, suffix, epochs, fs, jobs, model);
    }

    /** This record with a job added or, when one with its id is there, replaced. */
    public TrainingRecord withJob(TrainingJob job) {
        List<TrainingJob> js = new ArrayList<>(jobs);
        int at = -1;
        for (int i = 0; i < js.size(); i++) if (js.get(i).id().equals(job.id())) at = i;
        if (at >= 0) js.set(at, job);
        else js.add(job);
        return new TrainingRecord(base, provider, method, suffix, epochs, files, js, model);
    }

    public TrainingRecord withMethod(String chain) {
        return new TrainingRecord(base, provider, chain, suffix, epochs, files, jobs, model);
    }

    public TrainingRecord withModel(Optional<String> finalModel) {
        return new TrainingRecord(base, provider, method, suffix, epochs, files, jobs, finalModel);
    }

    ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("base", base).put("provider", provider).put("method", method).put("suffix", suffix);
        if (epochs.isPresent()) o.put("epochs", epochs.get());
        else o.put("epochs", "auto");
        ArrayNode fs = o.putArray("files");
        for (TrainingFile f : files) {
            ObjectNode n = fs.addObject();
            n.put("method", f.method().id()).put("path", f.path()).put("sha256", f.sha256())
                    .put("examples", f.examples()).put("tokens", f.tokens());
            f.fileId().ifPresent(id -> n.put("file_id", id));
        }
        ArrayNode js = o.putArray("jobs");
        for (TrainingJob j : jobs) {
            ObjectNode n = js.addObject();
            n.put("method", j.method().id()).put("id", j.id()).put("status", j.status())
                    .put("training_file", j.trainingFile()).put("start_model", j.startModel());
            j.model().ifPresent(m -> n.put("model", m));
            j.error().ifPresent(e -> n.put("error", e));
        }
        model.ifPresent(m -> o.put("model", m));
        return o;
    }

    static TrainingRecord parse(JsonNode o) {
        List<TrainingFile> fs = new ArrayList<>();
        for (JsonNode n : o.path("files")) {
            fs.add(new TrainingFile(Method.of(text(n, "method")), text(n, "path"), text(n, "sha256"),
                    n.path("examples").asLong(), n.path("tokens").asLong(), optional(n, "file_id")));
        }
        List<TrainingJob> js = new ArrayList<>();
        for (JsonNode n : o.path("jobs")) {
            js.add(new TrainingJob(Method.of(text(n, "method")), text(n, "id"), text(n, "status"), text(n, "training_file"),
                    text(n, "start_model"), optional(n, "model"), optional(n, "error")));
        }
        Optional<Integer> epochs = o.path("epochs").isInt() ? Optional.of(o.get("epochs").asInt()) : Optional.empty();
        return new TrainingRecord(text(o, "base"), text(o, "provider"), text(o, "method"), o.path("suffix").asText(""),
                epochs, fs, js, optional(o, "model"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) throw new IllegalArgumentException("no \"" + field + "\"");
        return v.asText();
    }

    private static Optional<String> optional(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() && !v.asText().isEmpty() ? Optional.of(v.asText()) : Optional.empty();
    }

    /** Applies a change and writes the result: every change is durable before the next call. */
    TrainingRecord update(Path run, UnaryOperator<TrainingRecord> change) {
        TrainingRecord next = change.apply(this);
        next.write(run);
        return next;
    }
}
