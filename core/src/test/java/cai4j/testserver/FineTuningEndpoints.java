package cai4j.testserver;

import cai4j.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OpenAI fine-tuning API of the {@link TestServer}: {@code POST /v1/files} (multipart, purpose
 * {@code fine-tune}), {@code POST /v1/fine_tuning/jobs}, {@code GET /v1/fine_tuning/jobs/{id}},
 * {@code GET /v1/fine_tuning/jobs/{id}/events}, {@code POST /v1/fine_tuning/jobs/{id}/cancel}.
 *
 * <p>A job is created {@code queued}; each retrieval moves it one step: to {@code running}, then to
 * the end the test chose with {@link #outcome} ({@code succeeded} by default, with a fine-tuned
 * model {@code ft:<model>:cai4j-test:<suffix>:<n>} that the chat endpoint then answers), unless the
 * test {@link #hold holds} jobs running. Counters let tests assert that a file was uploaded and a
 * job created exactly once.
 */
public final class FineTuningEndpoints {

    /** How a job ends. */
    public sealed interface Outcome {
        record Succeed() implements Outcome {}
        record Fail(String code, String message) implements Outcome {}
        record Cancel() implements Outcome {}

        static Outcome succeed() { return new Succeed(); }
        static Outcome fail(String code, String message) { return new Fail(code, message); }
        /** The provider (or someone on its dashboard) cancels the job. */
        static Outcome cancel() { return new Cancel(); }
    }

    /** An uploaded file. */
    public record UploadedFile(String id, String filename, String purpose, byte[] content) {
        public String text() { return new String(content, StandardCharsets.UTF_8); }
    }

    /** A job as the server keeps it. */
    public static final class Job {
        final String id;
        final String model, trainingFile, method, suffix;
        final JsonNode hyperparameters;
        volatile JsonNode metadata = Json.MAPPER.createObjectNode();
        final long createdAt = System.currentTimeMillis() / 1000;
        volatile String status = "queued";
        volatile String fineTunedModel = null;
        volatile Outcome.Fail error = null;
        final List<String[]> events = Collections.synchronizedList(new ArrayList<>()); // [id, level, message]
        final AtomicInteger steps = new AtomicInteger();

        Job(String id, String model, String trainingFile, String method, String suffix, JsonNode hyperparameters) {
            this.id = id;
            this.model = model;
            this.trainingFile = trainingFile;
            this.method = method;
            this.suffix = suffix;
            this.hyperparameters = hyperparameters;
        }

        public String id() { return id; }
        public String model() { return model; }
        public String trainingFile() { return trainingFile; }
        /** {@code supervised} or {@code dpo}. */
        public String method() { return method; }
        public String suffix() { return suffix; }
        public String status() { return status; }
        public JsonNode hyperparameters() { return hyperparameters; }
        public Optional<String> fineTunedModel() { return Optional.ofNullable(fineTunedModel); }
    }

    /** An answer: status and JSON body. */
    record Response(int status, String json) {}

    private static final Pattern FILE_CONTENT = Pattern.compile("/files/([^/?]+)/content$");
    private static final Pattern JOB = Pattern.compile("/fine_tuning/jobs/([^/?]+)(/events|/cancel)?(\\?.*)?$");

    private final Map<String, UploadedFile> files = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, Job> jobs = Collections.synchronizedMap(new LinkedHashMap<>());
    private final AtomicInteger uploads = new AtomicInteger();
    private final AtomicInteger created = new AtomicInteger();
    private final AtomicInteger retrievals = new AtomicInteger();
    private final AtomicInteger cancels = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile Function<Job, Outcome> outcome = j -> Outcome.succeed();
    private volatile boolean hold;

    /** Chooses how each job ends (default: it succeeds). */
    public FineTuningEndpoints outcome(Function<Job, Outcome> outcome) {
        this.outcome = outcome;
        return this;
    }

    /** While held, running jobs stay running (and log a training step per retrieval). */
    public FineTuningEndpoints hold(boolean hold) {
        this.hold = hold;
        return this;
    }

    /** Requests to these endpoints, answered or refused. */
    public int requests() { return requests.get(); }

    /** Files uploaded (every POST /v1/files that was accepted). */
    public int uploads() { return uploads.get(); }

    /** Jobs created. */
    public int jobsCreated() { return created.get(); }

    /** Status requests answered (GET /v1/fine_tuning/jobs/{id}). */
    public int retrievals() { return retrievals.get(); }

    /** Cancel requests answered. */
    public int cancels() { return cancels.get(); }

    public List<UploadedFile> files() {
        synchronized (files) {
            return List.copyOf(files.values());
        }
    }

    public List<Job> jobs() {
        synchronized (jobs) {
            return List.copyOf(jobs.values());
        }
    }

    /** True when a chat call may use this model: any model but a fine-tuned one no job produced. */
    boolean serves(String model) {
        if (!model.startsWith("ft:")) return true;
        return jobs().stream().anyMatch(j -> model.equals(j.fineTunedModel));
    }

    static boolean routes(String path) {
        return path.contains("/files") || path.contains("/fine_tuning/");
    }

    void count() { requests.incrementAndGet(); }

    Response handle(String method, String path, Map<String, String> headers, byte[] body) {
        if (method.equals("POST") && path.matches(".*/files(\\?.*)?")) return upload(headers, body);
        if (method.equals("POST") && path.matches(".*/fine_tuning/jobs(\\?.*)?")) return create(body);
        if (method.equals("GET") && path.matches(".*/files(\\?.*)?")) return listFiles(query(path));
        Matcher content = FILE_CONTENT.matcher(path);
        if (method.equals("GET") && content.find()) {
            UploadedFile f = files.get(content.group(1));
            return f == null ? notFound("No such File object: " + content.group(1)) : new Response(200, f.text());
        }
        if (method.equals("GET") && path.matches(".*/fine_tuning/jobs(\\?.*)?")) return listJobs(query(path));
        Matcher m = JOB.matcher(path);
        if (!m.find()) return notFound("no route " + path);
        Job job = jobs.get(m.group(1));
        if (job == null) return notFound("No fine-tuning job found with id " + m.group(1) + ".");
        String tail = m.group(2) == null ? "" : m.group(2);
        return switch (method + " " + tail) {
            case "GET " -> {
                retrievals.incrementAndGet();
                step(job);
                yield ok(json(job));
            }
            case "GET /events" -> ok(events(job));
            case "POST /cancel" -> {
                cancels.incrementAndGet();
                synchronized (job) {
                    if (!finished(job)) end(job, Outcome.cancel());
                }
                yield ok(json(job));
            }
            default -> notFound("no route " + method + " " + path);
        };
    }

    private Response upload(Map<String, String> headers, byte[] body) {
        Map<String, Part> parts = multipart(headers.getOrDefault("content-type", ""), body);
        Part file = parts.get("file");
        Part purpose = parts.get("purpose");
        if (file == null || purpose == null) return invalid("invalid_request_error", "A multipart upload needs 'file' and 'purpose'.");
        String text = new String(file.content, StandardCharsets.UTF_8);
        String p = new String(purpose.content, StandardCharsets.UTF_8).strip();
        int line = 0;
        // a training file's lines are conversations; a batch file's are requests, read when its batch runs
        for (String l : p.equals("batch") ? new String[0] : text.split("\n")) {
            line++;
            if (l.isBlank()) continue;
            try {
                JsonNode n = Json.MAPPER.readTree(l);
                if (!n.has("messages") && !n.has("input")) return invalid("invalid_file_format", "Line " + line + " has neither messages nor input.");
            } catch (Exception e) {
                return invalid("invalid_file_format", "Line " + line + " is not valid JSON.");
            }
        }
        String id = add(file.filename, p, file.content);
        uploads.incrementAndGet();
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", id).put("object", "file").put("bytes", file.content.length).put("created_at", System.currentTimeMillis() / 1000)
                .put("filename", file.filename).put("purpose", p).put("status", "processed");
        return ok(Json.write(o));
    }

    /** Stores a file (an upload, or a batch's output written by the server); returns its id. */
    String add(String filename, String purpose, byte[] content) {
        synchronized (files) {
            String id = "file-" + (files.size() + 1);
            files.put(id, new UploadedFile(id, filename, purpose, content));
            return id;
        }
    }

    /** A stored file, if there is one with this id. */
    Optional<UploadedFile> file(String id) {
        return Optional.ofNullable(files.get(id));
    }

    private Response create(byte[] body) {
        JsonNode b;
        try {
            b = Json.MAPPER.readTree(body);
        } catch (Exception e) {
            return invalid("invalid_request_error", "body is not JSON");
        }
        String file = b.path("training_file").asText();
        if (!files.containsKey(file)) return invalid("invalid_request_error", "invalid training_file: " + file);
        String model = b.path("model").asText();
        if (model.startsWith("ft:") && !serves(model)) return invalid("invalid_request_error", "Model " + model + " is not available for fine-tuning.");
        String type = b.path("method").path("type").asText("supervised");
        JsonNode hp = b.path("method").path(type).path("hyperparameters");
        Job job = new Job("ftjob-" + (jobs.size() + 1), model, file, type, b.path("suffix").asText(""), hp.isMissingNode() ? Json.MAPPER.createObjectNode() : hp);
        if (b.path("metadata").isObject()) job.metadata = b.get("metadata");
        event(job, "info", "Created fine-tuning job: " + job.id);
        jobs.put(job.id, job);
        created.incrementAndGet();
        return ok(json(job));
    }

    private void step(Job job) {
        synchronized (job) {
            if (finished(job)) return;
            if (job.status.equals("queued")) {
                job.status = "running";
                event(job, "info", "Fine-tuning job started");
                return;
            }
            int n = job.steps.incrementAndGet();
            event(job, "info", "Step " + n + ": training loss=" + String.format(java.util.Locale.ROOT, "%.3f", 1.0 / n));
            if (!hold) end(job, outcome.apply(job));
        }
    }

    private void end(Job job, Outcome o) {
        switch (o) {
            case Outcome.Succeed s -> {
                job.fineTunedModel = "ft:" + job.model.replaceFirst("^ft:", "").replaceAll(":.*", "") + ":cai4j-test:" + job.suffix + ":" + job.id.substring(6);
                job.status = "succeeded";
                event(job, "info", "New fine-tuned model created");
                event(job, "info", "The job has successfully completed");
            }
            case Outcome.Fail f -> {
                job.error = f;
                job.status = "failed";
                event(job, "error", f.message());
            }
            case Outcome.Cancel c -> {
                job.status = "cancelled";
                event(job, "info", "Fine-tuning job cancelled");
            }
        }
    }

    private static boolean finished(Job j) {
        return j.status.equals("succeeded") || j.status.equals("failed") || j.status.equals("cancelled");
    }

    private static void event(Job job, String level, String message) {
        job.events.add(new String[] {"ftevent-" + job.id + "-" + (job.events.size() + 1), level, message});
    }

    private static String json(Job j) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", j.id).put("object", "fine_tuning.job").put("created_at", j.createdAt);
        if (j.error == null) o.putNull("error");
        else o.putObject("error").put("code", j.error.code()).put("message", j.error.message()).putNull("param");
        if (j.fineTunedModel == null) o.putNull("fine_tuned_model");
        else o.put("fine_tuned_model", j.fineTunedModel);
        if (finished(j)) o.put("finished_at", System.currentTimeMillis() / 1000);
        else o.putNull("finished_at");
        ObjectNode hp = o.putObject("hyperparameters");
        hp.set("n_epochs", j.hyperparameters.has("n_epochs") ? j.hyperparameters.get("n_epochs") : Json.MAPPER.valueToTree("auto"));
        hp.put("batch_size", "auto").put("learning_rate_multiplier", "auto");
        o.put("model", j.model).put("organization_id", "org-test");
        o.putArray("result_files");
        o.put("seed", 42).put("status", j.status);
        if (j.status.equals("succeeded")) o.put("trained_tokens", 1000);
        else o.putNull("trained_tokens");
        o.put("training_file", j.trainingFile).putNull("validation_file");
        ObjectNode method = o.putObject("method").put("type", j.method);
        method.putObject(j.method).set("hyperparameters", j.hyperparameters);
        if (!j.suffix.isEmpty()) o.put("user_provided_suffix", j.suffix);
        o.set("metadata", j.metadata);
        return Json.write(o);
    }

    private Response listFiles(Map<String, String> query) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("object", "list");
        ArrayNode data = o.putArray("data");
        for (UploadedFile f : files().reversed()) {
            if (query.containsKey("purpose") && !query.get("purpose").equals(f.purpose())) continue;
            data.addObject().put("id", f.id()).put("object", "file").put("bytes", f.content().length).put("created_at", 0)
                    .put("filename", f.filename()).put("purpose", f.purpose()).put("status", "processed");
        }
        o.put("has_more", false);
        return ok(Json.write(o));
    }

    /** Jobs newest first, filtered by {@code metadata[key]=value} as OpenAI does. */
    private Response listJobs(Map<String, String> query) {
        ObjectNode o = Json.MAPPER.createObjectNode().put("object", "list");
        ArrayNode data = o.putArray("data");
        for (Job j : jobs().reversed()) {
            boolean match = true;
            for (Map.Entry<String, String> q : query.entrySet()) {
                Matcher m = Pattern.compile("metadata\\[(.+)]").matcher(q.getKey());
                if (m.matches() && !q.getValue().equals(j.metadata.path(m.group(1)).asText(null))) match = false;
            }
            if (match) {
                try {
                    data.add(Json.MAPPER.readTree(json(j)));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
        o.put("has_more", false);
        return ok(Json.write(o));
    }

    private static Map<String, String> query(String path) {
        Map<String, String> out = new LinkedHashMap<>();
        int q = path.indexOf('?');
        if (q < 0) return out;
        for (String kv : path.substring(q + 1).split("&")) {
            int eq = kv.indexOf('=');
            if (eq <= 0) continue;
            out.put(java.net.URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8), java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String events(Job j) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("object", "list");
        ArrayNode data = o.putArray("data");
        List<String[]> all;
        synchronized (j.events) {
            all = new ArrayList<>(j.events);
        }
        for (String[] e : all.reversed()) { // newest first, as the API lists them
            data.addObject().put("id", e[0]).put("object", "fine_tuning.job.event").put("created_at", j.createdAt)
                    .put("level", e[1]).put("message", e[2]).put("type", "message");
        }
        o.put("has_more", false);
        return Json.write(o);
    }

    private record Part(String filename, byte[] content) {}

    /** The parts of a multipart/form-data body by name. */
    private static Map<String, Part> multipart(String contentType, byte[] body) {
        Map<String, Part> out = new LinkedHashMap<>();
        Matcher b = Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(contentType);
        if (!b.find()) return out;
        // ISO-8859-1 maps bytes to chars one to one, so the file's bytes survive the split
        String all = new String(body, StandardCharsets.ISO_8859_1);
        for (String chunk : all.split("--" + Pattern.quote(b.group(1)))) {
            int headEnd = chunk.indexOf("\r\n\r\n");
            if (headEnd < 0) continue;
            String head = chunk.substring(0, headEnd);
            Matcher name = Pattern.compile("name=\"([^\"]*)\"").matcher(head);
            if (!name.find()) continue;
            Matcher filename = Pattern.compile("filename=\"([^\"]*)\"").matcher(head);
            String content = chunk.substring(headEnd + 4);
            if (content.endsWith("\r\n")) content = content.substring(0, content.length() - 2);
            out.put(name.group(1), new Part(filename.find() ? filename.group(1) : "", content.getBytes(StandardCharsets.ISO_8859_1)));
        }
        return out;
    }

    private static Response ok(String json) { return new Response(200, json); }

    private static Response notFound(String message) {
        return new Response(404, error("invalid_request_error", "", message));
    }

    private static Response invalid(String code, String message) {
        return new Response(400, error("invalid_request_error", code, message));
    }

    static String error(String type, String code, String message) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        ObjectNode e = o.putObject("error");
        e.put("message", message).put("type", type).putNull("param");
        if (code.isEmpty()) e.putNull("code");
        else e.put("code", code);
        return Json.write(o);
    }
}
